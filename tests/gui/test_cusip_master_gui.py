"""Issue 20 in the window: Holdings shows the symbol of the report's date with today's on
hover; Companies shows each mapping's source and dates, and why a CUSIP is unmapped."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from core.domain.positions import Position
from core.services.analytics import HoldingRow
from gui.models.holdings_table_model import COL_TICKER, HoldingsTableModel
from gui.pages.companies import COL_ORIGIN, COL_SEEN, CompaniesPage
from gui.pages.companies import COL_TICKER as C_TICKER
from tests.conftest import F13, cli
from tests.core.test_cusip_master import RENAMED, TUSIMPLE

TIP = Qt.ItemDataRole.ToolTipRole


def test_holdings_show_the_symbol_of_the_report_and_todays_on_hover(qtbot):
    then = Position(TUSIMPLE, "TSPH", "TuSimple Holdings Inc", "CL A", "SH", None, 3_465_372,
                    3_041_904, 0.0132, ticker_as_filed="TSP",
                    as_filed_until=dt.date(2024, 2, 20))  # fmt: skip
    same = Position("042068205", "ARM", "Arm Holdings plc", "ADR", "SH", None, 1, 2, 0.6)
    m = HoldingsTableModel()
    m.set_rows([HoldingRow(then, "NEW", 0, None, None), HoldingRow(same, "NEW", 0, None, None)])
    assert m.index(0, COL_TICKER).data() == "TSP"
    assert m.index(0, COL_TICKER).data(TIP).startswith(
        "Traded as TSP until 2024-02-20; TSPH today (prices use it).")
    assert m.index(1, COL_TICKER).data() == "ARM"
    assert "Traded as" not in (m.index(1, COL_TICKER).data(TIP) or "")


def test_companies_page_says_where_each_ticker_came_from_and_why_not(ctx, qtbot, tmp_path):
    from gui.workers import TaskRunner
    from tests.builders import Row
    from tests.fake_sec import filing_text

    path = tmp_path / "0000555005-24-000001.txt"
    path.write_text(filing_text("0000555005", "SHOWN LLC", "0000555005-24-000001",
                                dt.date(2024, 3, 31), dt.date(2024, 5, 1),
                                [Row(cusip=RENAMED, issuer="NOBODY KNOWS INC")]))  # fmt: skip
    for p in (path, F13 / "0001894188-23-000007.txt"):
        rc, out = cli(ctx.db.url, "import-13f", str(p), "--offline")
        assert rc == 0, out
    runner = TaskRunner()
    page = CompaniesPage(ctx.companies, runner)
    qtbot.addWidget(page)
    page.model.set_rows(ctx.companies.companies())
    rows = {page.model.company(i).cusip: i for i in range(page.model.rowCount())}
    m = page.model
    iff = rows["459506101"]  # International Flavors & Fragrances, from LTS One's filing
    assert m.index(iff, C_TICKER).data() == "IFF"
    assert m.index(iff, COL_ORIGIN).data() == "CUSIP seed"
    assert m.index(iff, COL_SEEN).data() == f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"  # loaded at init
    tus = rows[TUSIMPLE]
    assert (m.index(tus, C_TICKER).data(), m.index(tus, COL_ORIGIN).data()) == ("TSPH",
                                                                                 "CUSIP seed")
    unknown = rows[RENAMED]
    assert m.index(unknown, C_TICKER).data() == "unmapped"
    assert "not in the bundled CUSIP map" in m.index(unknown, C_TICKER).data(TIP)
    page.table.setCurrentIndex(page.proxy.mapFromSource(m.index(unknown, 0)))
    assert "OpenFIGI not asked yet" in page.title.text()
    assert "Tickers over time" not in page.title.text()  # no source has named it
    page.table.setCurrentIndex(page.proxy.mapFromSource(m.index(tus, 0)))
    assert ("Tickers over time: TSP 2023-12-31 (NVIDIA&#x27;s bundled filings)"
            in page.title.text())  # fmt: skip
