"""The Stake column (core's figure, shown as it is: date and source on hover, blank with the
reason when unknown) and the stake per report in the Companies detail, over a database a
sync against the local fake EDGAR filled; pictures saved for a person to look at."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.domain.following import PositionStake
from core.domain.positions import Position
from core.services.analytics import HoldingRow
from gui.models.holdings_table_model import (
    COL_STAKE,
    COL_TICKER,
    SORT_ROLE,
    HoldingsTableModel,
    stake_text,
)
from tests.core.sec_fixtures import fake, run_sync  # noqa: F401
from tests.core.test_stakes import CRWV
from tests.fake_sec import serve_nvidia
from tests.gui.conftest import idle

TIP = Qt.ItemDataRole.ToolTipRole
SOURCE = "EDGAR XBRL company facts, dei:EntityCommonStockSharesOutstanding (CIK 1769628)"


def row(ticker, shares, stake):
    p = Position("21873S108", ticker, "COREWEAVE INC", "COM CL A", "SH", None, shares, 1, 0.5)
    return HoldingRow(p, "UNCHANGED", 0, None, None, stake)


def test_the_model_shows_cores_stake_and_says_why_when_blank(qtbot):
    known = PositionStake(47_213_353 / 490_000_000, 47_213_353, 490_000_000,
                          dt.date(2026, 7, 31), SOURCE)  # fmt: skip
    unknown = PositionStake(None, 10, reason="no ticker: shares outstanding are looked up "
                            "by ticker (map the CUSIP first)")  # fmt: skip
    m = HoldingsTableModel()
    m.set_rows([row("CRWV", 47_213_353, known), row(None, 10, unknown), row("X", 5, None)])
    assert m.headerData(COL_STAKE, Qt.Orientation.Horizontal) == "Stake"
    assert m.index(0, COL_STAKE).data() == "9.64%"
    tip = m.index(0, COL_STAKE).data(TIP)
    assert "47,213,353 of 490,000,000 shares outstanding" in tip
    assert "as of 2026-07-31" in tip and SOURCE in tip
    assert m.index(1, COL_STAKE).data() == ""
    assert m.index(1, COL_STAKE).data(TIP).startswith("Stake unknown: no ticker")
    assert m.index(2, COL_STAKE).data() == "" and m.index(2, COL_STAKE).data(TIP) is None
    assert m.index(0, COL_STAKE).data(SORT_ROLE) > m.index(1, COL_STAKE).data(SORT_ROLE)
    assert m.as_tsv([0]).splitlines()[1].split("\t")[COL_STAKE] == "0.09635378"
    assert [stake_text(v) for v in (0.0512, 0.00034, 0.000000042)] == ["5.12%", "0.034%",
                                                                        "<0.001%"]


@pytest.fixture
def synced_ctx(fake, db_file, memory_provider, monkeypatch):  # noqa: F811
    from core.context import AppContext

    serve_nvidia(fake, with_new=False)
    fake.tickers = [("1769628", "CRWV", "CoreWeave, Inc."), ("50863", "INTC", "INTEL CORP")]
    fake.add_shares_outstanding("1769628", "CoreWeave, Inc.", [
        ("2026-07-31", 490_000_000, "0001769628-26-000020")])  # fmt: skip
    c = AppContext.open(str(db_file), provider=memory_provider)
    run_sync(c)
    monkeypatch.delenv("STAKEWATCH_SEC_CONTACT")  # the window checks nothing by itself
    yield c
    c.close()


def save(widget, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    if Path("/tmp/team").is_dir():
        shutil.copy(path, Path("/tmp/team") / name)


def test_holdings_and_companies_pages_show_the_stake(synced_ctx, make_window, qtbot,
                                                     tmp_path):  # fmt: skip
    w = make_window(synced_ctx)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.show_page("holdings")
    page = w.holdings
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    idle(qtbot, w)
    m = page.model
    by_ticker = {m.index(i, COL_TICKER).data(): i for i in range(m.rowCount())}
    crwv = by_ticker["CRWV"]
    shares = m.row_at(crwv).position.shares
    assert m.index(crwv, COL_STAKE).data() == stake_text(shares / 490_000_000)
    assert "as of 2026-07-31" in m.index(crwv, COL_STAKE).data(TIP)
    intc = by_ticker["INTC"]
    assert m.index(intc, COL_STAKE).data() == ""
    assert "no single count" in m.index(intc, COL_STAKE).data(TIP)
    assert not page.table.isColumnHidden(COL_STAKE)  # 1280 pixels: room for it
    save(w, tmp_path, "stake-holdings.png")

    w.show_page("companies")
    cp = w.companies
    qtbot.waitUntil(lambda: cp.model.rowCount() > 0, timeout=10_000)
    row = next(i for i in range(cp.proxy.rowCount())
               if cp.proxy.index(i, 0).data() == CRWV)  # fmt: skip
    cp.table.selectRow(row)
    qtbot.waitUntil(lambda: cp.held.rowCount() > 0, timeout=5000)
    assert "stake = shares / 490,000,000 shares outstanding on 2026-07-31" in cp.title.text()
    stakes = [cp.held.item(i, 5).text() for i in range(cp.held.rowCount())]
    shares_by_report = [int(cp.held.item(i, 3).text().replace(",", ""))
                        for i in range(cp.held.rowCount())]  # fmt: skip
    assert stakes == [stake_text(n / 490_000_000) for n in shares_by_report]
    assert SOURCE in cp.held.item(0, 5).toolTip()
    save(w, tmp_path, "stake-companies.png")


def test_an_own_book_has_no_stake_column(synced_ctx, make_window, qtbot):
    from gui.write_runner import writes

    w = make_window(synced_ctx)
    writes.run(lambda: synced_ctx.own.create("Mine"))  # as the window writes
    w.reload_portfolios(select="Mine")
    qtbot.waitUntil(lambda: w.holdings.portfolio is not None
                    and w.holdings.portfolio.kind == "own", timeout=5000)  # fmt: skip
    assert w.holdings.table.isColumnHidden(COL_STAKE)
