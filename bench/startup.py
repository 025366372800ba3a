"""Benchmark: time from process start to the first painted main window.

Stakewatch with the bundled database (already created, offline, so no network) against a
bare PySide6 + pyqtgraph window, each started as a fresh process 7 times (median).
Target: within 2x of the bare window.
"""

from __future__ import annotations

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


def once(code: str, *args: str, env: dict) -> float:
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    line = proc.stdout.readline() if proc.stdout else ""
    took = time.perf_counter() - began
    proc.wait(timeout=60)
    if "painted" not in line:
        raise RuntimeError("the window never painted")
    return took


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "STAKEWATCH_DATA_DIR": d}  # fmt: skip
        db = str(Path(d) / "stakewatch.sqlite3")
        subprocess.run([sys.executable, "-m", "gui", "--db", db, "init"], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        once(BARE, env=env)  # warm the file cache for both
        once(STAKEWATCH, db, env=env)
        bare = [once(BARE, env=env) for _ in range(RUNS)]
        ours = [once(STAKEWATCH, db, env=env) for _ in range(RUNS)]
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"start-up benchmark: process start to first painted window, median of {RUNS}")
    print(f"  stakewatch (bundled database, offline): {o * 1000:7.0f} ms")
    print(f"  baseline: bare PySide6 + pyqtgraph:     {b * 1000:7.0f} ms")
    print(f"  ratio {o / b:.2f}x; target: within 2x -> " + ("met" if o / b <= 2 else "MISSED"))


if __name__ == "__main__":
    main()
