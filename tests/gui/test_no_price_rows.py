"""A holding without a price says "no price" (never a blank that reads as $0), the totals row
says how many it leaves out, and the issuer's name as filed is one hover away."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from core.domain.positions import Position
from core.services.analytics import HoldingRow
from core.services.pnl import PnlTotals
from gui.models.holdings_table_model import (
    COL_ISSUER,
    COL_VALUE_NOW,
    HoldingsTableModel,
    TotalsModel,
)

INTC = Position("458140100", "INTC", "Intel Corp", "COM", "SH", None, 10, 400, 0.8,
                issuer_as_filed="INTEL CORP")  # fmt: skip
ZZZQ = Position("TICKER:ZZZQ", "ZZZQ", "ZZZQ", "", "SH", None, 10, 100, 0.2)
CALL = Position("999999999", None, "UNKNOWN CO", "COM", "SH", "CALL", 5, 900, None)
ROWS = [HoldingRow(INTC, "UNCHANGED", 0, None, 1230.0),
        HoldingRow(ZZZQ, "NEW", 10, None, None),
        HoldingRow(CALL, "NEW", 5, None, None)]  # fmt: skip


def cell(m, row, col, role=Qt.ItemDataRole.DisplayRole):
    return m.data(m.index(row, col), role)


def test_a_row_without_a_price_says_so(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    assert cell(m, 0, COL_VALUE_NOW) == "$1.23K"
    assert cell(m, 1, COL_VALUE_NOW) == "no price"
    assert "left out of the value now" in cell(m, 1, COL_VALUE_NOW, Qt.ItemDataRole.ToolTipRole)
    assert cell(m, 2, COL_VALUE_NOW) == ""  # an option is not valued at a share price


def test_the_name_as_filed_is_on_the_issuers_hover(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    assert cell(m, 0, COL_ISSUER) == "Intel Corp"
    assert "as filed: INTEL CORP" in cell(m, 0, COL_ISSUER, Qt.ItemDataRole.ToolTipRole)
    assert "as filed" not in cell(m, 1, COL_ISSUER, Qt.ItemDataRole.ToolTipRole)


def test_the_total_says_how_many_it_leaves_out(qtbot):
    m = TotalsModel()
    m.totals = PnlTotals(dt.date(2026, 5, 1), 3, 16_404.0, 9_100.0, 7_404.0, 81.4, None, 1, 0)
    assert cell(m, 0, COL_ISSUER) == "3 positions (1 without a price left out)"
    m.totals = PnlTotals(dt.date(2026, 5, 1), 2, 16_404.0, 9_000.0, 7_404.0, 82.3, None, 0, 0)
    assert cell(m, 0, COL_ISSUER) == "2 positions"


def test_the_pdf_says_no_price_for_an_own_position_left_out(qapp, tmp_path, gctx):
    from PySide6.QtPdf import QPdfDocument

    from core.domain.own import HoldingInput
    from gui import export

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "10", "2025-04-01", cost="40"))
    from dataclasses import replace

    gctx.apply_settings(replace(gctx.settings, offline=True))  # an unknown ticker: accepted
    gctx.own.add("Mine", HoldingInput("ZZZQ", "5", "2025-04-02", cost="20"))
    book = next(p for p in gctx.queries.portfolios() if p.name == "Mine")
    snap = gctx.snapshots.build([book], None, live=False)
    out = tmp_path / "mine.pdf"
    export.write_pdf(qapp, snap, {book.name: gctx.snapshots.history(book, None)}, out, False)
    doc = QPdfDocument()
    doc.load(str(out))
    text = " ".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    assert "no price: left out" in text and "ZZZQ" in text
