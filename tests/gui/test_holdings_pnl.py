"""Holdings of an own book show cost, unrealised gain and the day's change with a totals
row, the numbers core's `pnl` computes; a filer's holdings have no such columns."""

from __future__ import annotations

from core.services.own import pnl_totals
from gui.formatting import money_short, signed_money
from gui.models.holdings_table_model import (
    COL_COST,
    COL_GAIN,
    COL_GAIN_PCT,
    COL_TICKER,
    COL_VALUE_NOW,
    PNL_COLUMNS,
)
from tests.gui.conftest import idle, own_book_window


def cell(model, row, col):
    return model.index(row, col).data()


def test_own_holdings_show_pnl_and_totals(qtbot, make_window, gctx):
    w = own_book_window(qtbot, make_window, gctx, "holdings")
    page = w.holdings
    rows = {r.ticker: r for r in gctx.own.pnl("Mine").lines}
    by_ticker = {cell(page.model, i, COL_TICKER): i for i in range(page.model.rowCount())}
    crwv = by_ticker["CRWV"]
    assert cell(page.model, crwv, COL_COST) == money_short(rows["CRWV"].cost)
    assert cell(page.model, crwv, COL_GAIN) == signed_money(rows["CRWV"].pnl)
    assert cell(page.model, crwv, COL_GAIN_PCT) == f"{rows['CRWV'].pnl_pct:+.2f}%"
    nvda = by_ticker["NVDA"]
    assert cell(page.model, nvda, COL_GAIN) == ""
    assert "no cost entered" in page.model.index(nvda, COL_GAIN).data(3)  # a blank says why
    totals = pnl_totals(list(rows.values()))
    assert page.totals.isVisibleTo(w)
    assert cell(page.totals_model, 0, COL_VALUE_NOW) == money_short(totals.value)
    assert cell(page.totals_model, 0, COL_GAIN) == signed_money(totals.pnl)
    assert not any(page.table.isColumnHidden(c) for c in PNL_COLUMNS) or page.fitter.hidden_by_fit


def test_a_filers_holdings_have_no_pnl_columns(qtbot, make_window, gctx):
    w = make_window(gctx)
    w.show_page("holdings")
    idle(qtbot, w)
    assert all(w.holdings.table.isColumnHidden(c) for c in PNL_COLUMNS)
    assert not w.holdings.totals.isVisibleTo(w)
