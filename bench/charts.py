"""Benchmark: the value chart with 20 positions x 10 years of daily values.

Times building the chart (set_series: stacked layers, markers of 40 reports) and the mean
and worst frame time of a scripted pan and zoom (60 frames, each rendered in full with
grab()), against the same frames of an empty chart as the baseline in the same run.
Target: under 33 ms per frame.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from bench.analytics import book  # the same synthetic book
from core.domain import analytics as an

FRAMES = 60


def frames(chart, app) -> list[float]:
    """Pan across the decade, then zoom in and out; render each step in full."""
    lo, hi = chart.getViewBox().viewRange()[0]
    span = hi - lo
    steps = []
    for i in range(FRAMES // 2):  # pan a one-year window
        start = lo + (span - 365 * 86400) * i / (FRAMES // 2 - 1)
        steps.append((start, start + 365 * 86400))
    for i in range(FRAMES // 2):  # zoom from everything to one month and back
        f = abs((FRAMES // 4) - i) / (FRAMES // 4)
        width = 30 * 86400 + (span - 30 * 86400) * f
        steps.append((hi - width, hi))
    out = []
    for a, b in steps:
        t = time.perf_counter()
        chart.setXRange(a, b, padding=0)
        app.processEvents()
        chart.grab()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from gui.charts.value_chart import ValueChart

    reports, prices, splits, days = book(20, 10, 40)
    series = an.value_series(reports, prices, splits, days)
    chart = ValueChart()
    chart.resize(1200, 700)
    chart.show()
    app.processEvents()
    began = time.perf_counter()
    chart.set_series(series)
    marks = [(r.period, "period", True) for r in reports]
    chart.set_markers(marks)
    app.processEvents()
    build = time.perf_counter() - began
    ours = frames(chart, app)

    empty = ValueChart()
    empty.resize(1200, 700)
    empty.show()
    empty.setXRange(float(chart._x[0]), float(chart._x[-1]))
    app.processEvents()
    bare = frames(empty, app)
    print(f"chart benchmark: 20 positions x {len(series.dates):,} days (10 years), 40 reports, "
          f"{FRAMES} frames of pan and zoom, 1200x700")  # fmt: skip
    print(f"  build the value chart:           {build * 1000:7.1f} ms")
    print(f"  frame, stakewatch value chart:   mean {statistics.mean(ours) * 1000:6.1f} ms, "
          f"worst {max(ours) * 1000:6.1f} ms")
    print(f"  frame, baseline (empty chart):   mean {statistics.mean(bare) * 1000:6.1f} ms, "
          f"worst {max(bare) * 1000:6.1f} ms")
    mean = statistics.mean(ours)
    print("  target: mean under 33 ms per frame -> " + ("met" if mean < 0.033 else "MISSED"))
    os._exit(0)  # skip Qt teardown: it is not what is measured


if __name__ == "__main__":
    main()
