"""Benchmark: sync 20 filers x 12 filings from a local fake EDGAR (127.0.0.1).

Prints the request rate the server saw (must stay at or under 10 a second, in any second)
and the time per filing with the rate limit's waits taken out (the same sync with the
limiter opened up), against the baseline in the same run: the same filings imported from
local files with the importer (what `stakewatch import-13f` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.builders import Row  # noqa: E402
from tests.fake_sec import FakeSec, filing_text  # noqa: E402

BUNDLED = ["21873S108", "042068205", "75629V104", "67066G104"]  # known tickers: no mapping


def quarter_ends(n: int) -> list[dt.date]:
    out, year, q = [], 2023, 4
    for _ in range(n):
        month = 3 * q
        out.append(dt.date(year, month, 31 if month in (3, 12) else 30))
        q += 1
        if q == 5:
            year, q = year + 1, 1
    return out


def build(fake: FakeSec, folder: Path, filers: int, filings: int, rows: int) -> list[Path]:
    files = []
    for f in range(filers):
        cik = f"{9_100_000 + f:010d}"
        name = f"BENCH CAPITAL {f} LLC"
        fake.add_filer(cik, name)
        for i, period in enumerate(quarter_ends(filings)):
            filed = period + dt.timedelta(days=44)
            acc = f"{cik}-{filed:%y}-{i:06d}"
            table = [Row(cusip=BUNDLED[r % len(BUNDLED)], value=1000 + r, shares=10 + r,
                         other_manager=str(r)) for r in range(rows)]  # fmt: skip
            text = filing_text(cik, name, acc, period, filed, table)
            fake.add_filing(cik, acc, "13F-HR", filed, period, text)
            path = folder / f"{acc}.txt"
            path.write_text(text)
            files.append(path)
    return files


def sync_once(fake: FakeSec, db: Path, ciks: list[str], limiter) -> tuple[float, object]:
    from core.context import AppContext
    from core.edgar.client import EdgarClient
    from core.services.following import Following
    from core.services.importer import run
    from core.services.sync import Sync

    ctx = AppContext.open(str(db), seed_data=True)
    try:
        following = Following(ctx.db, ctx.settings)
        for cik in ciks:
            following.follow(cik, f"Filer {cik}")
        sync = Sync(ctx.db, ctx.importer, ctx.settings, mapper=ctx.mapper,
                    edgar_factory=lambda c: EdgarClient(c, limiter=limiter))  # fmt: skip
        t = time.perf_counter()
        report = run(sync.run(ciks, since=dt.date(2023, 1, 1), deadline=600))
        return time.perf_counter() - t, report
    finally:
        ctx.close()


def import_local(db: Path, files: list[Path]) -> float:
    from core.context import AppContext
    from core.services.importer import run

    ctx = AppContext.open(str(db), seed_data=True)
    try:
        t = time.perf_counter()
        for path in files:
            run(ctx.importer.import_path(path))
        return time.perf_counter() - t
    finally:
        ctx.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filers", type=int, default=20)
    ap.add_argument("--filings", type=int, default=12)
    ap.add_argument("--rows", type=int, default=40)
    a = ap.parse_args()
    from core.edgar.http import SEC_LIMITER, RateLimiter

    fake = FakeSec()
    os.environ.update({"STAKEWATCH_SEC_DATA_URL": fake.url,
                       "STAKEWATCH_SEC_ARCHIVES_URL": fake.url,
                       "STAKEWATCH_OPENFIGI_URL": fake.url,
                       "STAKEWATCH_SEC_CONTACT": "Stakewatch Bench bench@example.com"})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            os.environ["STAKEWATCH_DATA_DIR"] = str(folder / "data")
            files = build(fake, folder, a.filers, a.filings, a.rows)
            ciks = sorted({p.name[:10] for p in files})
            n = len(files)

            limited_s, report = sync_once(fake, folder / "limited.sqlite3", ciks, SEC_LIMITER)
            assert len(report.imported) == n and report.ok, "the sync did not import everything"
            seen = fake.sec_requests()
            span = max(r.at for r in seen) - min(r.at for r in seen)
            peak = fake.max_in_any_second(seen)
            fake.log.clear()

            open_limiter = RateLimiter(10**6, 1.0)
            free_s, report2 = sync_once(fake, folder / "free.sqlite3", ciks, open_limiter)
            assert len(report2.imported) == n
            local_s = import_local(folder / "local.sqlite3", files)
    finally:
        fake.close()
    print(f"sync of {a.filers} filers x {a.filings} filings ({a.rows} rows each) "
          f"from a local fake EDGAR")
    print(f"  requests:                 {len(seen)} in {limited_s:.1f} s "
          f"(rate-limit waits: {SEC_LIMITER.waited:.1f} s summed over workers)")
    print(f"  requests/s (mean):        {len(seen) / span:.2f}   (limit 10)")
    print(f"  requests in busiest 1 s:  {peak}   (limit 10)")
    print(f"  time per filing, no rate-limit waits: {free_s / n * 1000:.1f} ms "
          f"(sync with the limiter opened up: {free_s:.2f} s)")
    print(f"  baseline, import of the same files from disk: {local_s / n * 1000:.1f} ms "
          f"per filing ({local_s:.2f} s)")
    ok = peak <= 10
    print("PASS" if ok else "FAIL: more than 10 requests in one second")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
