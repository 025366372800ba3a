"""The first window: NVIDIA's latest holdings from the database, with a period selector."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from gui.models.holdings_table_model import COL_TICKER, COL_VALUE, COL_WEIGHT


def column(window, col):
    proxy = window.proxy
    return [proxy.data(proxy.index(r, col)) for r in range(proxy.rowCount())]


def test_opens_on_nvidias_latest_period(qtbot, ctx):
    w = MainWindow(ctx.queries)
    qtbot.addWidget(w)
    w.show()
    assert w.portfolio_box.currentText() == "NVIDIA Corp"
    assert w.period_box.currentText() == "2026-06-30"
    assert w.period_box.count() == 11
    assert column(w, COL_TICKER)[:2] == ["INTC", "SPCX"]
    assert "$63.44B" in w.summary.text()
    assert "0001045810-26-000065" in w.summary.text()


def test_choosing_a_period_shows_it(qtbot, ctx):
    w = MainWindow(ctx.queries)
    qtbot.addWidget(w)
    index = w.period_box.findText(dt.date(2025, 6, 30).isoformat())
    w.period_box.setCurrentIndex(index)
    assert column(w, COL_TICKER)[0] == "CRWV"
    assert column(w, COL_WEIGHT)[0] == "91.36%"
    assert "$4.33B" in w.summary.text() and "CRWV 91.36%" in w.summary.text()
    assert w.summary.toolTip() == "Total as filed: $4,333,080,800"
    assert w.footnote.isVisibleTo(w)  # the bundled names for 2025 are labels


def test_names_as_filed_need_no_footnote(qtbot, ctx):
    w = MainWindow(ctx.queries)
    qtbot.addWidget(w)
    assert w.period_box.currentText() == "2026-06-30"  # every name here is as filed
    assert not w.footnote.isVisibleTo(w)


def test_clicking_a_header_sorts(qtbot, ctx):
    w = MainWindow(ctx.queries)
    qtbot.addWidget(w)
    w.show()
    header = w.table.horizontalHeader()
    x = header.sectionViewportPosition(COL_TICKER) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    tickers = column(w, COL_TICKER)
    assert tickers in (sorted(tickers), sorted(tickers, reverse=True))
    assert tickers != column(w, COL_VALUE)  # sanity: it is the ticker column that sorted


def test_quit_shortcut_closes(qtbot, ctx):
    w = MainWindow(ctx.queries)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=2000)


def test_empty_database_says_so(qtbot, empty_ctx):
    w = MainWindow(empty_ctx.queries)
    qtbot.addWidget(w)
    assert w.model.rowCount() == 0
    assert "No filings" in w.summary.text()
