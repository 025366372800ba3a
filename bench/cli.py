"""Benchmark: how fast the command line starts.

Times, each in a fresh process (median of --repeat runs, interleaved so machine load hits
all alike): `stakewatch --help`, `stakewatch portfolios` on a seeded SQLite database, and
as the baseline `python -c "import sqlalchemy"` (the one library listing portfolios needs).
Targets: portfolios within 1.6x of the baseline; --help under 0.15 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import compile_bytecode  # bench/ is on sys.path: scripts run from it

ROOT = Path(__file__).resolve().parents[1]
# The installed entry point's own code path: `python -m gui` is what `stakewatch` runs.
STAKEWATCH = [sys.executable, "-m", "gui"]


CPU: dict[str, list[float]] = {}  # per command: CPU seconds it used (load moves wall time)


def seconds(cmd: list[str], label: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(label, []).append(after.ru_utime + after.ru_stime
                                     - before.ru_utime - before.ru_stime)  # fmt: skip
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    a = ap.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "bench.sqlite3")
        subprocess.run([*STAKEWATCH, "--db", db, "init"], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        runs: dict[str, list[float]] = {"baseline": [], "help": [], "portfolios": [],
                                        "python": []}  # fmt: skip
        commands = {"python": [sys.executable, "-c", "pass"],
                    "baseline": [sys.executable, "-c", "import sqlalchemy"],
                    "help": [*STAKEWATCH, "--help"],
                    "portfolios": [*STAKEWATCH, "--db", db, "portfolios"]}  # fmt: skip
        for _ in range(a.repeat):
            for label, cmd in commands.items():
                runs[label].append(seconds(cmd, label))
    med = {k: statistics.median(v) for k, v in runs.items()}
    ratio = med["portfolios"] / med["baseline"]
    print(f"CLI start-up: median of {a.repeat} runs, each a fresh process")
    print(f"  python -c pass (interpreter alone):   {med['python'] * 1000:6.0f} ms")
    print(f"  baseline: python -c 'import sqlalchemy': {med['baseline'] * 1000:4.0f} ms")
    print(f"  stakewatch portfolios:                {med['portfolios'] * 1000:6.0f} ms  "
          f"= {ratio:.2f}x the baseline (target <= 1.6x)")
    print(f"  stakewatch --help:                    {med['help'] * 1000:6.0f} ms  "
          f"(target < 150 ms; {med['help'] / med['python']:.1f}x a bare interpreter)")
    cpu = {k: statistics.median(v) for k, v in CPU.items()}
    print(f"  CPU time (median): python {cpu['python'] * 1000:.0f} ms, import sqlalchemy "
          f"{cpu['baseline'] * 1000:.0f} ms, portfolios {cpu['portfolios'] * 1000:.0f} ms "
          f"({cpu['portfolios'] / cpu['baseline']:.2f}x), --help {cpu['help'] * 1000:.0f} ms")
    ok = ratio <= 1.6 and med["help"] < 0.15
    print("  result: " + ("all targets met" if ok else "TARGET MISSED"))


if __name__ == "__main__":
    main()
