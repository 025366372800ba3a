"""Benchmark: time from process start to the first painted main window.

Stakewatch with the bundled database (already created, offline, so no network) against a
bare PySide6 + pyqtgraph window, each started as a fresh process 7 times (min, median, max).
Target: within 1.8x of the bare window (issue 23; it was 2x before). The window paints its
first page before its figures arrive (they load on a worker after that paint), so the time
until the dashboard shows its figures (its `loaded` signal) is printed too, against the same
baseline, without a target.

`--frozen PATH` also times the real entry point, `stakewatch` with no command, of the
PyInstaller bundle at PATH (packaging/, `make package`) against the venv's, same run, same
database: each prints "painted" at its first painted widget and leaves
(STAKEWATCH_EXIT_AT_FIRST_PAINT, read by gui/app.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7

# Both children print "painted" at the first Paint event of any of their widgets, then leave.
PAINT_PROBE = """
from PySide6.QtCore import QObject, QEvent
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            import os; os._exit(0)
        return False
"""

BARE = PAINT_PROBE + """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication([])
w = QMainWindow()
w.setCentralWidget(pg.PlotWidget())
w.resize(1280, 800)
probe = Probe(); app.installEventFilter(probe)  # the first widget painted
w.show()
app.exec()
"""

STAKEWATCH = PAINT_PROBE + """
import sys
from gui.app import application, window_settings
from core.context import AppContext
from gui.main_window import MainWindow
app = application()
ctx = AppContext.open(sys.argv[1], offline=True)
w = MainWindow(ctx, window_settings())
probe = Probe(); app.installEventFilter(probe)  # the first widget painted
w.show()
app.exec()
"""

# The same start, but on after the first paint: "painted", then "filled" once the dashboard
# shows its figures (value, concentration, last filing, changes).
FILLED = """
import os, sys
from PySide6.QtCore import QObject, QEvent
from gui.app import application, window_settings
from core.context import AppContext
from gui.main_window import MainWindow
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            app.removeEventFilter(self)
        return False
def filled():
    print("filled", flush=True)
    os._exit(0)
app = application()
ctx = AppContext.open(sys.argv[1], offline=True)
w = MainWindow(ctx, window_settings())
w.dashboard.loaded.connect(filled)
probe = Probe(); app.installEventFilter(probe)
w.show()
app.exec()
"""


def time_to_paint(cmd: list[str], env: dict) -> float:
    """Seconds from starting `cmd` to its "painted" line."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    line = proc.stdout.readline() if proc.stdout else ""
    took = time.perf_counter() - began
    proc.wait(timeout=60)
    if "painted" not in line:
        raise RuntimeError(f"the window never painted: {cmd[0]}")
    return took


def once(code: str, *args: str, env: dict) -> float:
    return time_to_paint([sys.executable, "-c", code, *args], env)


def time_to_filled(db: str, env: dict) -> float:
    """Seconds from process start to the dashboard showing its figures."""
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", FILLED, db], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = [proc.stdout.readline(), proc.stdout.readline()] if proc.stdout else []
    took = time.perf_counter() - began
    proc.wait(timeout=60)
    if [x.strip() for x in lines] != ["painted", "filled"]:
        raise RuntimeError("the dashboard never showed its figures")
    return took


def spread(xs: list[float]) -> str:
    return (f"median {statistics.median(xs) * 1000:5.0f} ms (min {min(xs) * 1000:.0f}, "
            f"max {max(xs) * 1000:.0f})")


def frozen_against_venv(frozen: Path, db: str, env: dict) -> tuple[float, float]:
    """Medians of the bundle's and the venv's `stakewatch --db DB` (window, offline)."""
    probe_env = {**env, "STAKEWATCH_EXIT_AT_FIRST_PAINT": "1"}
    venv_cmd = [sys.executable, "-m", "gui", "--db", db]
    frozen_cmd = [str(frozen), "--db", db]
    time_to_paint(frozen_cmd, probe_env)  # warm the file cache for both
    time_to_paint(venv_cmd, probe_env)
    ours = [time_to_paint(frozen_cmd, probe_env) for _ in range(RUNS)]
    venv = [time_to_paint(venv_cmd, probe_env) for _ in range(RUNS)]
    return statistics.median(ours), statistics.median(venv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, metavar="PATH",
                        help="a built bundle's executable, e.g. dist/stakewatch/stakewatch")
    args = parser.parse_args()
    if args.frozen and not os.access(args.frozen, os.X_OK):
        parser.error(f"{args.frozen} is not an executable (run 'make package')")
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "STAKEWATCH_DATA_DIR": d}  # fmt: skip
        db = str(Path(d) / "stakewatch.sqlite3")
        subprocess.run([sys.executable, "-m", "gui", "--db", db, "init"], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        once(BARE, env=env)  # warm the file cache for both
        once(STAKEWATCH, db, env=env)
        bare, ours, filled = [], [], []
        for _ in range(RUNS):  # interleaved: a busy moment of the machine hits both alike
            bare.append(once(BARE, env=env))
            ours.append(once(STAKEWATCH, db, env=env))
            filled.append(time_to_filled(db, env))
        if args.frozen:
            subprocess.run([sys.executable, "-m", "gui", "--db", db, "settings", "offline",
                            "true"], cwd=ROOT, env=env, check=True, capture_output=True)
            frozen, venv = frozen_against_venv(args.frozen, db, env)
    b, o = statistics.median(bare), statistics.median(ours)
    f = statistics.median(filled)
    print(f"start-up benchmark: process start to first painted window, {RUNS} runs each")
    print(f"  stakewatch (bundled database, offline): {spread(ours)}")
    print(f"  baseline: bare PySide6 + pyqtgraph:     {spread(bare)}")
    print(f"  ratio of medians {o / b:.2f}x; target: within 1.8x -> " + ("met" if o / b <= 1.8
                                                                        else "MISSED"))
    print(f"  dashboard's figures shown:              {spread(filled)}; "
          f"{f / b:.2f}x the baseline (no target)")
    if args.frozen:
        print(f"frozen bundle against the venv: `stakewatch --db DB` (window, offline), "
              f"median of {RUNS}")
        print(f"  frozen {args.frozen}: {frozen * 1000:7.0f} ms")
        print(f"  baseline: the venv's stakewatch: {venv * 1000:7.0f} ms")
        print(f"  ratio {frozen / venv:.2f}x")


if __name__ == "__main__":
    main()
