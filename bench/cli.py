"""Benchmark: how fast the command line starts.

Times, each in a fresh process (median of --repeat runs, interleaved so machine load hits
all alike): `stakewatch --help`, `stakewatch portfolios` on a seeded SQLite database, and
as the baseline `python -c "import sqlalchemy"` (the one library listing portfolios needs).
Targets: portfolios within 1.6x of the baseline; --help under 0.15 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The installed entry point's own code path: `python -m gui` is what `stakewatch` runs.
STAKEWATCH = [sys.executable, "-m", "gui"]


def seconds(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "bench.sqlite3")
        subprocess.run([*STAKEWATCH, "--db", db, "init"], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        runs: dict[str, list[float]] = {"baseline": [], "help": [], "portfolios": [],
                                        "python": []}  # fmt: skip
        for _ in range(a.repeat):
            runs["python"].append(seconds([sys.executable, "-c", "pass"]))
            runs["baseline"].append(seconds([sys.executable, "-c", "import sqlalchemy"]))
            runs["help"].append(seconds([*STAKEWATCH, "--help"]))
            runs["portfolios"].append(seconds([*STAKEWATCH, "--db", db, "portfolios"]))
    med = {k: statistics.median(v) for k, v in runs.items()}
    ratio = med["portfolios"] / med["baseline"]
    print(f"CLI start-up: median of {a.repeat} runs, each a fresh process")
    print(f"  python -c pass (interpreter alone):   {med['python'] * 1000:6.0f} ms")
    print(f"  baseline: python -c 'import sqlalchemy': {med['baseline'] * 1000:4.0f} ms")
    print(f"  stakewatch portfolios:                {med['portfolios'] * 1000:6.0f} ms  "
          f"= {ratio:.2f}x the baseline (target <= 1.6x)")
    print(f"  stakewatch --help:                    {med['help'] * 1000:6.0f} ms  "
          f"(target < 150 ms; {med['help'] / med['python']:.1f}x a bare interpreter)")
    ok = ratio <= 1.6 and med["help"] < 0.15
    print("  result: " + ("all targets met" if ok else "TARGET MISSED"))


if __name__ == "__main__":
    main()
