"""Benchmark: `stakewatch holding import-csv` of a 100,000-line holdings CSV.

The CSV holds 1,000 tickers on each of 100 dates, each line a buy (a monthly export of a broad
book), with a cost on every line and a note on some. It prints, in one run: the whole
`stakewatch holding import-csv` process as a user runs it (offline, so no ticker is looked
up on the network; start-up included) into a fresh database, and as the baseline reading
and parsing the same file with the csv module (plus Decimal and date conversion of every
line) in a fresh process. Target: a few seconds (issue 13: 77 s before).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "gui"]

BARE = """
import csv, datetime as dt, json, sys, time
from decimal import Decimal
t = time.perf_counter()
n = 0
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        Decimal(row["shares"]); Decimal(row["cost"]); dt.date.fromisoformat(row["date"])
        n += 1
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n}))
"""


def ticker(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "X" + letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]


def generate(path: Path, tickers: int, dates: int) -> int:
    first = dt.date(2016, 1, 31)
    days = [first + dt.timedelta(days=30 * k) for k in range(dates)]
    with path.open("w") as f:
        f.write("ticker,shares,date,cost,note\n")
        for k, day in enumerate(days):
            for i in range(tickers):
                note = f"lot {k}-{i}" if i % 10 == 0 else ""
                f.write(f"{ticker(i)},{(i * 7 + k) % 5000 + 1}.125,{day},"
                        f"{(i % 300) + 1}.37,{note}\n")  # fmt: skip
    return tickers * dates


def whole_process(table: Path, db: Path) -> float:
    env = {**os.environ, "STAKEWATCH_OFFLINE": "1"}
    run = dict(cwd=ROOT, check=True, capture_output=True, env=env)
    subprocess.run([*CLI, "--db", str(db), "portfolio", "create", "Mine"], **run)
    t = time.perf_counter()
    subprocess.run([*CLI, "--db", str(db), "holding", "import-csv", str(table),
                    "--portfolio", "Mine"], **run)  # fmt: skip
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickers", type=int, default=1000)
    ap.add_argument("--dates", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        table = Path(d) / "holdings.csv"
        lines = generate(table, a.tickers, a.dates)
        wholes, bares = [], []
        for i in range(a.repeat):
            out = subprocess.run([sys.executable, "-c", BARE, str(table)], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout  # fmt: skip
            bare = json.loads(out)
            assert bare["rows"] == lines
            bares.append(bare["seconds"])
            wholes.append(whole_process(table, Path(d) / f"own-{i}.sqlite3"))
        size = table.stat().st_size
    whole, bare = statistics.median(wholes), statistics.median(bares)
    print(f"holdings CSV import: {lines:,} lines ({a.tickers:,} tickers x {a.dates} dates), "
          f"{size / 2**20:.1f} MB; median of {a.repeat}, fresh processes")
    print(f"  whole process (stakewatch holding import-csv): {whole * 1000:8.0f} ms  "
          f"{lines / whole:>9,.0f} lines/s")
    print(f"  baseline: csv.DictReader + Decimal + date:     {bare * 1000:8.0f} ms  "
          f"{lines / bare:>9,.0f} lines/s")
    print(f"  import / baseline: {whole / bare:.1f}x; target: a few seconds (77 s before)")


if __name__ == "__main__":
    main()
