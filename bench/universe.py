"""A quarter of the 13F universe at real size (3.83 million INFOTABLE rows, 11,852 filings,
about 25,000 CUSIPs, in the SEC's data set format) loaded on SQLite and on PostgreSQL, each
load against the floor measured in the same run: the INFOTABLE read with the csv module and
bare inserts into a plain table (SQLite: executemany; PostgreSQL: COPY of the csv rows).
Then, with four quarters loaded: holders of a security (200 random CUSIPs) and a name
search, and a single filer's holdings and chart inputs before and after the universe.

    .venv/bin/python bench/universe.py [--quarters 4] [--backend both|sqlite|postgresql]

Takes about 15 minutes and 5 GB of temporary disk (both backends); the data sets are
written to a temporary folder and removed."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import compile_bytecode  # noqa: E402
from tests.universe_sets import big_set, cusip_with_check  # noqa: E402

PERIODS = [(dt.date(2025, 9, 30), dt.date(2025, 11, 14)), (dt.date(2025, 12, 31),
           dt.date(2026, 2, 14)), (dt.date(2026, 3, 31), dt.date(2026, 5, 15)),
           (dt.date(2026, 6, 30), dt.date(2026, 8, 14))]  # fmt: skip
COLS = 15


def _csv_rows(path: Path):
    with zipfile.ZipFile(path) as zf, zf.open("INFOTABLE.tsv") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.reader(text, delimiter="\t")
        next(reader)
        yield from reader


def floor_sqlite(path: Path, folder: Path) -> tuple[float, float]:
    """Seconds and CPU seconds."""
    db = folder / "floor.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"CREATE TABLE plain ({', '.join(f'c{i}' for i in range(COLS))})")
    t0, c0 = time.perf_counter(), time.process_time()
    with conn:
        conn.executemany(f"INSERT INTO plain VALUES ({', '.join('?' * COLS)})", _csv_rows(path))
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    conn.close()
    db.unlink()
    return took, cpu


def floor_postgresql(path: Path, url: str, server: Callable[[], float]) -> tuple[float, float]:
    """Seconds and CPU seconds (this process's and the server's)."""
    import psycopg

    s0 = server()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(f"CREATE TABLE plain ({', '.join(f'c{i} text' for i in range(COLS))})")
        t0, c0 = time.perf_counter(), time.process_time()
        with conn.cursor().copy("COPY plain FROM STDIN") as copy:
            for row in _csv_rows(path):
                copy.write_row(row)
        conn.commit()
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        conn.execute("DROP TABLE plain")
    return took, cpu + server() - s0


def server_cpu(data: Path) -> Callable[[], float]:
    """CPU seconds of the server's processes that have ended (a connection's backend and
    its parallel workers), read from the postmaster's children's times in /proc; a
    moment's pause first lets the postmaster reap a backend whose client just left."""
    def read() -> float:
        time.sleep(1.0)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime

    return read


def load(url: str, path: Path) -> tuple[float, float, float]:
    """Seconds, peak memory (MB) and CPU seconds of `stakewatch universe load` in its own
    process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "gui", "--db", url, "universe", "load",
                             str(path)], cwd=ROOT, stdout=subprocess.PIPE)  # fmt: skip
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t0
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"load failed ({proc.returncode}): {out}")
    return took, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def single_filer(url: str, runs: int = 15) -> dict[str, float]:
    """Median milliseconds of what the Holdings page and the charts read for NVIDIA."""
    from core.context import AppContext

    ctx = AppContext.open(url, offline=True)
    try:
        p = ctx.queries.portfolio()
        work = {"holdings": lambda: ctx.queries.holdings(p),
                "filings": lambda: ctx.queries.filings(p),
                "chart reports": lambda: ctx.analytics.reports(p)}  # fmt: skip
        out = {}
        for name, fn in work.items():
            fn()
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1000)
            out[name] = statistics.median(times)
        return out
    finally:
        ctx.close()


def queries(url: str, cusips: list[str], period: dt.date, filings: int) -> tuple:
    from core.context import AppContext
    from core.services.holders import HoldersQueries

    ctx = AppContext.open(url, offline=True)
    try:
        q = HoldersQueries(ctx.db.reading)
        rng = random.Random(7)
        picks = rng.sample(cusips, 200)
        q.holders(picks[0], period)
        holders, sizes = [], []
        for c in picks:
            t0 = time.perf_counter()
            r = q.holders(c, period)
            holders.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(r.holders))
        names = []
        for _ in range(200):
            text = rng.choice([f"filer {rng.randint(1, filings)}", "capital management",
                               f"llc {rng.randint(1, 999)}", "nvidia"])
            t0 = time.perf_counter()
            q.search_filers(text)
            names.append((time.perf_counter() - t0) * 1000)
        return holders, sizes, names
    finally:
        ctx.close()


def run_backend(name: str, url: str, sets: list[Path], facts: dict, floor: tuple[float, float],
                server: Callable[[], float] | None = None) -> None:  # fmt: skip
    print(f"\n== {name} ==", flush=True)
    before = single_filer(url)
    for i, path in enumerate(sets):
        s0 = server() if server else 0.0
        took, peak, cpu = load(url, path)
        if server:
            cpu += server() - s0
        # CPU seconds: what the load costs whatever else the machine runs meanwhile.
        line = (f"quarter {i + 1} ({PERIODS[i][0]}): loaded in {took:.1f} s, peak memory "
                f"{peak:.0f} MB, CPU {cpu:.1f} s" + (" (loader + server)" if server else ""))
        if i == 0:
            line += (f"; floor {floor[0]:.1f} s, CPU {floor[1]:.1f} s (ratio {took / floor[0]:.2f}"
                     f", CPU ratio {cpu / floor[1]:.2f}); limit ") + (
                "90 s" if name == "SQLite" else "60 s")
        print(line, flush=True)
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
          flush=True)  # fmt: skip
    holders, sizes, names = queries(url, facts["cusips"], PERIODS[len(sets) - 1][0],
                                    facts["filings"])  # fmt: skip
    print(f"holders of a security, {len(sets)} quarters loaded, 200 random CUSIPs: p50 "
          f"{statistics.median(holders):.1f} ms, p95 {p95(holders):.1f} ms, max "
          f"{max(holders):.1f} ms (limit 100 ms p95); holders per answer: median "
          f"{statistics.median(sizes):.0f}, max {max(sizes)}")  # fmt: skip
    print(f"filer name search, 200 queries: p50 {statistics.median(names):.1f} ms, p95 "
          f"{p95(names):.1f} ms (limit 50 ms)")  # fmt: skip
    after = single_filer(url)
    for k in before:
        print(f"NVIDIA {k}: {before[k]:.1f} ms before the universe, {after[k]:.1f} ms with "
              f"{len(sets)} quarters loaded (median of 15)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quarters", type=int, default=4, choices=range(1, 5))
    ap.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    ap.add_argument("--rows", type=int, default=3_830_000)
    ap.add_argument("--filings", type=int, default=11_852)
    ap.add_argument("--cusips", type=int, default=25_000)
    ap.add_argument("--sets", type=Path, metavar="DIR",
                    help="keep the data sets in DIR and reuse those already there")
    args = ap.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="stakewatch-universe-") as tmp:
        folder = Path(tmp)
        store = args.sets or folder
        store.mkdir(parents=True, exist_ok=True)
        sets = []
        t0 = time.perf_counter()
        facts = {"filings": args.filings, "rows": args.rows,
                 "cusips": [cusip_with_check(f"{i:06d}10") for i in range(args.cusips)]}
        for i in range(args.quarters):
            period, filed = PERIODS[i]
            path = store / f"q{i + 1}_{args.rows}_form13f.zip"
            if not path.exists():
                part = path.with_suffix(".part")
                facts = big_set(part, filings=args.filings, rows=args.rows,
                                cusips=args.cusips, period=period, filed=filed, seed=i + 1,
                                first_accession=i * 100_000)  # fmt: skip
                part.replace(path)
            sets.append(path)
        size = sets[0].stat().st_size / 2**20
        print(f"data sets: {args.quarters} x {facts['rows']:,} rows, {args.filings:,} filings, "
              f"{args.cusips:,} CUSIPs; {size:.0f} MB zip each; written in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
        if args.backend in ("both", "sqlite"):
            floor = floor_sqlite(sets[0], folder)
            print(f"floor (SQLite): csv.reader + executemany into a plain table: {floor[0]:.1f} s"
                  f", CPU {floor[1]:.1f} s ({facts['rows'] / floor[0]:,.0f} rows/s); load "
                  f"average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
            run_backend("SQLite", "sqlite:///" + str(folder / "bench.sqlite3"), sets, facts,
                        floor)  # fmt: skip
            (folder / "bench.sqlite3").unlink()
        if args.backend in ("both", "postgresql"):
            from tests import pg

            bin_dir = pg.server_bin()
            if bin_dir is None:
                print("PostgreSQL: server binaries not found; skipped")
                return
            cluster = pg.Cluster(bin_dir, durable=True)
            cluster.start()
            try:
                url = cluster.url(cluster.create())
                server = server_cpu(cluster.data)
                floor = floor_postgresql(sets[0], url, server)
                print(f"\nfloor (PostgreSQL): csv.reader + COPY into a plain table: "
                      f"{floor[0]:.1f} s, CPU {floor[1]:.1f} s (client + server) "
                      f"({facts['rows'] / floor[0]:,.0f} rows/s); load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
                run_backend("PostgreSQL", url, sets, facts, floor, server)
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
