"""Guard against a Qt binding that drops references to True (PySide6 6.12.0 does, as
pyqtgraph items are added and their view changes; Python then aborts at exit)."""

from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg


def test_plot_items_keep_pythons_booleans_alive(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    vb = widget.getPlotItem().vb
    items = [pg.PlotDataItem(np.arange(5.0), np.arange(5.0)) for _ in range(50)]
    before = sys.getrefcount(True)
    for item in items:
        vb.addItem(item)
        item.viewRangeChanged()
    for item in items:
        vb.removeItem(item)
    # Adding and removing may hold or release references, but never lose hundreds.
    assert sys.getrefcount(True) - before > -20
