"""Benchmark: how long `stakewatch sync --deadline D` runs, as a whole process, while a local
EDGAR (tests/hostile_sec.py) trickles a byte a second, sends an endless body or never
answers (the submissions index, then a document), and the process's peak memory.

Baseline in the same run: the same command against the same server behaving well, and the
process's start and exit alone (`stakewatch portfolios`). The promise is that every run
ends within D plus about two seconds past the baseline's start-up.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fake_sec import NEW_NVIDIA, NVIDIA_CIK, serve_nvidia  # noqa: E402
from tests.hostile_sec import HostileSec  # noqa: E402

INDEX = f"/submissions/CIK{NVIDIA_CIK}.json"
DOC = f"/Archives/edgar/data/1045810/{NEW_NVIDIA.replace('-', '')}/{NEW_NVIDIA}.txt"


def timed(argv: list[str], env: dict[str, str], bound: float) -> tuple[float, int, int]:
    """(seconds, exit code, peak KiB) of one process; killed (exit -9) past `bound`."""
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "gui", *argv], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return time.monotonic() - began, proc.returncode, usage.ru_maxrss
        if time.monotonic() - began > bound:
            proc.kill()
            _, _, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return time.monotonic() - began, -9, usage.ru_maxrss
        time.sleep(0.02)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--deadline", type=float, default=8.0)
    args = ap.parse_args()
    d = args.deadline
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        scenarios = [("well-behaved", None, None)] + [
            (f"{what}: {kind}", path, kind)
            for what, path in (("index", INDEX), ("document", DOC))
            for kind in ("trickle", "endless", "hang")
        ]  # fmt: skip
        for i, (name, path, kind) in enumerate(scenarios):
            fake = HostileSec()
            serve_nvidia(fake)
            if kind == "hang":
                fake.hang.add(path)
            elif kind is not None:
                getattr(fake, kind)(path)
            env = {**os.environ, "STAKEWATCH_DATA_DIR": f"{tmp}/data{i}",
                   "STAKEWATCH_SEC_CONTACT": "Bench Runner bench@example.com",
                   "STAKEWATCH_SEC_DATA_URL": fake.url, "STAKEWATCH_SEC_ARCHIVES_URL": fake.url,
                   "STAKEWATCH_OPENFIGI_URL": fake.url, "TMPDIR": tmp}  # fmt: skip
            env.pop("STAKEWATCH_OFFLINE", None)
            db = f"{tmp}/db{i}.sqlite3"
            start_up, _, _ = timed(["--db", db, "portfolios"], env, 120)  # also seeds the db
            again, _, _ = timed(["--db", db, "portfolios"], env, 120)
            took, rc, peak = timed(["--db", db, "sync", "--deadline", f"{d:g}"], env, d + 60)
            fake.close()
            rows.append((name, took, rc, peak, min(start_up, again)))
    print(f"sync --deadline {d:g}, whole process (start, sync, exit):")
    print(f"{'server':<22}{'seconds':>9}{'past D':>9}{'exit':>6}{'peak MiB':>10}"
          f"{'start-up alone':>16}")
    for name, took, rc, peak, base in rows:
        print(f"{name:<22}{took:>9.2f}{took - d:>+9.2f}{rc:>6}{peak / 1024:>10.0f}"
              f"{base:>16.2f}")


if __name__ == "__main__":
    main()
