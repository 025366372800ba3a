"""The whole window over real services: pages, shortcuts, editing with undo, persistence."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from gui.main_window import MainWindow
from gui.models.holdings_table_model import COL_CHANGE, COL_TICKER, COL_VALUE_NOW
from tests.gui.conftest import activate, idle


def column(page, col):
    proxy = page.proxy
    return [proxy.data(proxy.index(r, col)) for r in range(proxy.rowCount())]


def test_opens_on_nvidia_with_every_page(qtbot, make_window, gctx):
    w = make_window(gctx)
    assert w.portfolio_box.currentText() == "NVIDIA Corp"
    assert w.current_page() == "dashboard"
    assert w.holdings.period_box.currentText() == "2026-06-30"
    assert column(w.holdings, COL_TICKER)[:2] == ["INTC", "SPCX"]
    assert "$63.44B" in w.holdings.summary.text()
    assert w.dashboard.report_card.figure.text() == "2026-06-30"
    changes = w.dashboard.changes.proxy
    assert changes.index(0, 0).data() == "New" and changes.index(0, 1).data() == "SPCX"
    assert w._charts is None  # the charts page is built when first shown
    w.show_page("charts")
    idle(qtbot, w)
    assert w.charts.value.series is not None and len(w.charts.value.series.dates) > 11
    assert w.companies.model.rowCount() == 17


def test_page_shortcuts_and_filter(qtbot, make_window, gctx):
    w = make_window(gctx)
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert w.current_page() == "charts"
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.current_page() == "holdings" and w.holdings.filter.hasFocus()
    idle(qtbot, w)
    qtbot.keyClicks(w.holdings.filter, "coreweave")
    assert column(w.holdings, COL_TICKER) == ["CRWV"]


def test_a_past_period_shows_changes_and_value_now(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.holdings.select_period(dt.date(2025, 6, 30))
    idle(qtbot, w)
    tickers = column(w.holdings, COL_TICKER)
    assert tickers[0] == "CRWV"
    changes = dict(zip(tickers, column(w.holdings, COL_CHANGE), strict=True))
    assert changes["CRWV"] == "ADDED +95,113"
    # CRWV has cached quotes (live from the fake network at start-up): valued now.
    value_now = dict(zip(tickers, column(w.holdings, COL_VALUE_NOW), strict=True))
    assert value_now["CRWV"].startswith("$2.")  # 24,277,573 x $104.50
    assert value_now["ARM"] == "no price"  # none cached for Arm: said, never a blank


def test_copy_rows_to_the_clipboard(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.show_page("holdings")
    w.holdings.table.selectRow(0)
    w.holdings.copy_selection()
    text = QGuiApplication.clipboard().text()
    assert text.splitlines()[0].startswith("Ticker\tIssuer")
    assert "29989261126" in text  # Intel's value in exact dollars


def unmapped_filing(tmp_path):
    """A filing of 14 CUSIPs no map knows (real ones are named from the bundled CUSIP map)."""
    from tests.builders import Row
    from tests.cusips import unknown_cusips
    from tests.fake_sec import filing_text

    acc = "0000555006-24-000001"
    rows = [Row(cusip=c, issuer=f"UNKNOWN {i} INC", value=100 + i, shares=10 + i)
            for i, c in enumerate(unknown_cusips(14, prefix="Q6"))]  # fmt: skip
    path = tmp_path / f"{acc}.txt"
    path.write_text(filing_text("0000555006", "UNMAPPED LLC", acc, dt.date(2024, 3, 31),
                                dt.date(2024, 5, 1), rows))  # fmt: skip
    return path


def test_unmapped_ticker_edit_is_saved_and_undoable(qtbot, make_window, gctx, tmp_path):
    from core.services.importer import run

    run(gctx.importer.import_path(unmapped_filing(tmp_path)))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("UNMAPPED LLC")
    idle(qtbot, w)
    page = w.holdings
    assert column(page, COL_TICKER).count("unmapped") == 14
    proxy = page.proxy
    row = column(page, COL_TICKER).index("unmapped")
    cusip = page.model.row_at(proxy.mapToSource(proxy.index(row, 0)).row()).position.cusip
    assert proxy.setData(proxy.index(row, COL_TICKER), "amzn")
    assert {c.cusip: c.ticker for c in gctx.companies.companies()}[cusip] == "AMZN"
    idle(qtbot, w)
    assert column(page, COL_TICKER).count("unmapped") == 13
    w.undo_action.trigger()
    assert {c.cusip: c.ticker for c in gctx.companies.companies()}[cusip] is None
    idle(qtbot, w)
    assert column(page, COL_TICKER).count("unmapped") == 14
    w.redo_action.trigger()
    assert {c.cusip: c.ticker for c in gctx.companies.companies()}[cusip] == "AMZN"


def test_a_bad_ticker_is_refused_and_nothing_saved(qtbot, make_window, gctx, messages,
                                                   tmp_path):  # fmt: skip
    from core.services.importer import run

    run(gctx.importer.import_path(unmapped_filing(tmp_path)))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("UNMAPPED LLC")
    idle(qtbot, w)
    row = column(w.holdings, COL_TICKER).index("unmapped")
    w.holdings.proxy.setData(w.holdings.proxy.index(row, COL_TICKER), "NOT A TICKER!")
    assert messages and messages[-1][1] == "Ticker not saved"
    assert w.undo_stack.count() == 0


def test_companies_page_lists_who_held_a_company(make_window, gctx):
    w = make_window(gctx)
    page = w.companies
    proxy = page.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.data(proxy.index(r, 1)) == "CRWV")
    page.table.selectRow(row)
    assert "CoreWeave" in page.title.text() and "6 report(s)" in page.title.text()
    assert page.held.item(0, 1).text() == "2026-06-30"


def test_chart_controls(qtbot, make_window, gctx):
    w = make_window(gctx)
    charts = w.charts
    idle(qtbot, w)
    charts.apply_preset("1Y")
    lo, hi = charts.value.getViewBox().viewRange()[0]
    assert 300 * 86400 < hi - lo < 400 * 86400
    charts.lines.setChecked(True)
    assert not charts.value.stacked
    first = charts.positions.item(0)
    first.setCheckState(Qt.CheckState.Unchecked)
    assert first.data(Qt.ItemDataRole.UserRole) in charts.value.hidden
    charts.log.setChecked(True)
    assert charts.value.getPlotItem().ctrl.logYCheck.isChecked()
    text = charts.value._describe_day(len(charts.value.series.dates) - 1)
    assert "total" in text


def test_state_is_remembered(qtbot, qsettings, messages, gctx):
    w = MainWindow(gctx, qsettings)
    qtbot.addWidget(w)
    idle(qtbot, w)
    w.show_page("charts")
    w.charts.splitter.setSizes([300, 200])
    sizes = w.charts.splitter.sizes()
    w.show_page("companies")
    w.resize(700, 500)  # the offscreen screen is 800 x 600
    w.close()
    again = MainWindow(gctx, qsettings)
    qtbot.addWidget(again)
    idle(qtbot, again)
    assert again.current_page() == "companies"
    assert (again.size().width(), again.size().height()) == (700, 500)
    assert again.charts.splitter.sizes()[1] == sizes[1]  # the positions panel kept its width
    again.close()


def test_quit_closes(qtbot, make_window, gctx):
    w = make_window(gctx)
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=2000)


def test_crosshair_tooltip_reads_the_values(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.show_page("charts")
    idle(qtbot, w)
    activate(qtbot, w)
    chart = w.charts.value
    rect = chart.getPlotItem().vb.sceneBoundingRect()
    chart._on_mouse_moved(rect.center())
    assert chart._cursor.isVisible()
    x = chart.getPlotItem().vb.mapSceneToView(rect.center()).x()
    assert chart._cursor.value() == chart._x[chart.index_at(x)]
    assert chart.index_at(chart._x[5] + 1) == 5


def test_the_window_composes_its_actions_instead_of_mixing_them_in():
    from PySide6.QtWidgets import QMainWindow

    from gui.main_window import MainWindow
    from gui.own_actions import OwnPortfolioActions
    from gui.snapshot_actions import SnapshotActions

    assert MainWindow.__bases__ == (QMainWindow,)
    assert not issubclass(MainWindow, OwnPortfolioActions | SnapshotActions)


def test_a_narrow_charts_page_gives_the_chart_the_room(qtbot, make_window, gctx, tmp_path):
    from gui.pages.charts import LIST_NARROW, LIST_WIDTH

    w = make_window(gctx)
    w.resize(800, 600)
    w.show()
    w.show_page("charts")
    qtbot.waitExposed(w)
    idle(qtbot, w)
    charts = w.charts
    chart, side = charts.splitter.sizes()
    assert side <= LIST_NARROW and chart >= 3 * side
    assert not charts.positions.horizontalScrollBar().isVisible()  # long names end in "..."
    folded = tmp_path / "folded.png"
    charts.side_button.click()  # fold the list away: the chart takes its room
    assert not charts.side.isVisible()
    qtbot.waitUntil(lambda: charts.tabs.width() > chart + side // 2, timeout=2000)
    assert w.grab().save(str(folded))
    charts.side_button.click()
    assert charts.side.isVisible()
    charts.tabs.setCurrentIndex(1)  # the list and its button belong to the value tab
    assert not charts.side.isVisible() and not charts.side_button.isVisible()
    charts.tabs.setCurrentIndex(0)
    w.resize(1600, 900)
    idle(qtbot, w)
    qtbot.waitUntil(lambda: charts.splitter.sizes()[1] == LIST_WIDTH, timeout=2000)
