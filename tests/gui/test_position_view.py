"""Enter (or a double-click) on a holding opens the position in depth; Back returns."""

from __future__ import annotations

import numpy as np

from gui.models.holdings_table_model import COL_SHARES, COL_TICKER
from gui.pages.position import steps
from tests.gui.conftest import idle


def test_a_holding_opens_its_position_and_back_returns(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.show_page("holdings")
    idle(qtbot, w)
    page = w.holdings
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, COL_TICKER).data() == "CRWV")  # fmt: skip
    page.table.activated.emit(page.proxy.index(row, COL_SHARES))
    qtbot.waitUntil(lambda: w.position_nav.showing(), timeout=10_000)
    view = w.position_nav.page
    d = view.detail
    assert d.ticker == "CRWV" and "CRWV" in view.title.text()
    # Every filed row of the CUSIP in NVIDIA's filings, as filed.
    assert view.rows.rowCount() == len(d.rows) > 0
    assert {view.rows.item(i, 0).text() for i in range(view.rows.rowCount())} <= {
        f.accession for f in gctx.queries.filings(gctx.queries.portfolio())}
    assert d.shares[-1] == page.model.row_at(page.proxy.mapToSource(
        page.proxy.index(row, 0)).row()).position.shares  # fmt: skip
    assert w.current_page() == "holdings"  # where it was opened from
    view.back.click()
    assert w.stack.currentWidget() is w.holdings and not w.position_nav.showing()


def test_the_sidebar_leaves_a_position_for_the_page_clicked(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.show_page("holdings")
    idle(qtbot, w)
    w.position_nav.open(gctx.queries.portfolio(), "21873S108", "CRWV", None)
    qtbot.waitUntil(lambda: w.position_nav.showing(), timeout=10_000)
    w.show_page("holdings")
    assert w.stack.currentWidget() is w.holdings


def test_shares_are_drawn_as_steps_not_ramps():
    x, y = steps(np.array([0.0, 10.0, 20.0]), np.array([5.0, 5.0, 9.0]))
    assert list(zip(x, y, strict=True)) == [(0, 5), (10, 5), (20, 5), (20, 9)]
