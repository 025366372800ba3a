"""Benchmark: many writers at once. 4 processes add holdings while 1 imports a generated
50,000-row 13F table, on SQLite and on PostgreSQL (a throwaway local server with its
default, durable settings).

Prints, per backend: adds per second, p50/p95 latency of an add during the import, lost
or failed writes (must be 0), and the import's time. Baseline in the same run: the same
50,000-row import alone (median of 3, fresh database each) on SQLite; target: PostgreSQL
within 2x of it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_13f import generate  # noqa: E402

WRITERS = 4

WRITER = """
import json, sys, time
from pathlib import Path
from core.context import AppContext
from core.domain.own import HoldingInput
url, n, stop, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
ctx = AppContext.open(url, offline=True)
ctx.own.create(f"Writer {n}")
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
adds, failed = [], []
i = 0
while not stop.exists() or i < 20:
    i += 1
    t0 = time.time()
    try:
        ctx.own.add(f"Writer {n}", HoldingInput(f"W{n}X{i}", str(i), "2025-07-01", None, None))
        adds.append((t0, time.time() - t0, f"W{n}X{i}"))
    except Exception as exc:
        failed.append(f"{type(exc).__name__}: {exc}"[:200])
ctx.close()
print(json.dumps({"adds": adds, "failed": failed}))
"""

IMPORTER = """
import datetime as dt, json, sys, time
from pathlib import Path
from core.context import AppContext
from core.services.importer import ImportOptions, run
url, table, stop, go = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
ctx = AppContext.open(url, seed_data=False)
opts = ImportOptions(cik="999", name="Bench", period=dt.date(2025, 6, 30),
                     filed=dt.date(2025, 8, 14))
if go.name != "-":
    while not go.exists():
        time.sleep(0.005)
    time.sleep(0.5)  # the writers are under way
t0 = time.time()
report = run(ctx.importer.import_path(table, opts))
t1 = time.time()
stop.touch()
ctx.close()
print(json.dumps({"start": t0, "end": t1, "rows": report.rows}))
"""


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def result(p: subprocess.Popen) -> dict:
    out, err = p.communicate(timeout=600)
    if p.returncode != 0:
        raise SystemExit(f"a bench process failed: {err.strip().splitlines()[-1:]}")
    return json.loads(out.strip().splitlines()[-1])


def import_alone(url: str, table: Path, folder: Path) -> float:
    r = result(spawn(IMPORTER, url, str(table), str(folder / "stop-alone"), "-"))
    return r["end"] - r["start"]


def contended(url: str, table: Path, folder: Path) -> dict:
    stop, go = folder / "stop", folder / "go"
    stop.unlink(missing_ok=True)
    go.unlink(missing_ok=True)
    from core.context import AppContext

    AppContext.open(url, seed_data=False).close()  # schema first: the race is not measured
    writers = [spawn(WRITER, url, str(n), str(stop), str(go)) for n in range(WRITERS)]
    for w in writers:
        assert w.stdout.readline().strip() == "ready"
    importer = spawn(IMPORTER, url, str(table), str(stop), str(go))
    t0 = time.time()
    go.touch()
    imp = result(importer)
    done = [result(w) for w in writers]
    wall = time.time() - t0
    adds = [a for d in done for a in d["adds"]]
    failed = [f for d in done for f in d["failed"]]
    during = [lat for start, lat, _ in adds if imp["start"] <= start <= imp["end"]]
    ctx = AppContext.open(url, seed_data=False, offline=True)
    try:
        stored = {t.ticker for _, t in ctx.own.all_transactions()}
    finally:
        ctx.close()
    lost = [t for _, _, t in adds if t not in stored]
    return {"adds": len(adds), "wall": wall, "during": during, "failed": failed, "lost": lost,
            "import": imp["end"] - imp["start"], "rows": imp["rows"]}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else max(values, default=0)


def report(label: str, r: dict) -> bool:
    d = r["during"]
    print(f"{label}:")
    print(f"  adds: {r['adds']} by {WRITERS} processes in {r['wall']:.1f} s = "
          f"{r['adds'] / r['wall']:.1f} writes/s")
    print(f"  add latency during the import ({len(d)} adds): p50 "
          f"{statistics.median(d) * 1000 if d else 0:.0f} ms, p95 {p95(d) * 1000:.0f} ms")
    print(f"  lost writes: {len(r['lost'])}, failed writes: {len(r['failed'])}"
          + (f" ({r['failed'][0]})" if r["failed"] else ""))
    print(f"  {r['rows']:,}-row import under contention: {r['import']:.2f} s")
    return not r["lost"] and not r["failed"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from tests import pg

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = folder / "table.xml"
        generate(table, a.rows, distinct=2_000)
        sqlite_url = lambda name: f"sqlite:///{folder / name}.sqlite3"  # noqa: E731
        alone_sqlite = statistics.median(import_alone(sqlite_url(f"alone{i}"), table, folder)
                                         for i in range(a.repeat))  # fmt: skip
        print(f"concurrency benchmark: {WRITERS} writers adding holdings + 1 import of "
              f"{a.rows:,} rows")
        ok &= report("SQLite", contended(sqlite_url("contended"), table, folder))
        bin_dir = pg.server_bin()
        if bin_dir is None or not pg.psycopg_available():
            print("PostgreSQL: skipped (" + pg.SKIP_REASON + ")")
        else:
            cluster = pg.Cluster(bin_dir, durable=True)
            cluster.start()
            try:
                alone_pg = statistics.median(
                    import_alone(cluster.url(cluster.create("alone")), table, folder)
                    for _ in range(a.repeat))  # fmt: skip
                ok &= report("PostgreSQL", contended(cluster.url(cluster.create("bench")),
                                                     table, folder))  # fmt: skip
            finally:
                cluster.stop()
            ratio = alone_pg / alone_sqlite
            print(f"{a.rows:,}-row import alone (median of {a.repeat}): PostgreSQL "
                  f"{alone_pg:.2f} s; baseline SQLite {alone_sqlite:.2f} s; ratio {ratio:.2f}x "
                  "(target <= 2x)")
            ok &= ratio <= 2.0
    print("OK" if ok else "FAILED: a write was lost or failed, or the import ratio is over 2x")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
