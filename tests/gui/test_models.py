"""Table models, tested without a window."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt

from core.domain.positions import Position
from core.services.analytics import HoldingRow
from core.services.prices import PriceNow
from gui.models.holdings_table_model import (
    COL_CHANGE,
    COL_ISSUER,
    COL_SHARES,
    COL_TICKER,
    COL_VALUE,
    COL_VALUE_NOW,
    COL_WEIGHT,
    FILTER_ROLE,
    SORT_ROLE,
    HoldingsTableModel,
)

WHEN = dt.datetime(2025, 7, 1, 20, tzinfo=dt.UTC)
ROWS = [
    HoldingRow(Position("21873S108", "CRWV", "CoreWeave Inc [parser label; filed name not seen]",
                        "COM CL A", None, None, 24_277_573, 3_958_701_053, 0.9136),
               "ADDED", 95_113, PriceNow("CRWV", 155.94, None, "USD", WHEN, 0, "cache",
                                         "close of 2025-07-01"), 24_277_573 * 155.94),
    HoldingRow(Position("042068205", "ARM", "ARM HOLDINGS", "SPONSORED ADS", "SH", None,
                        1_101_249, 178_116_013, 0.0411), "UNCHANGED", 0, None, None),
    HoldingRow(Position("999999999", None, "UNKNOWN CO", "COM", "SH", "CALL", 5, 900, None),
               "NEW", 5, None, None),
    HoldingRow(Position("038169207", "APLD", "APPLIED DIGITAL", "", None, None, 0, 0, 0.0),
               "SOLD OUT", -7_716_050, None, 0.0),
]  # fmt: skip


def cell(m, row, col, role=Qt.ItemDataRole.DisplayRole):
    return m.data(m.index(row, col), role)


def test_display_tooltips_and_flags(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    assert (m.rowCount(), m.columnCount()) == (4, 13)  # 4 P&L columns for own books, a stake
    assert cell(m, 0, COL_ISSUER) == "CoreWeave Inc"
    assert cell(m, 0, COL_ISSUER, Qt.ItemDataRole.FontRole).italic()
    assert cell(m, 0, COL_VALUE) == "$3.96B"
    assert cell(m, 0, COL_VALUE, Qt.ItemDataRole.ToolTipRole) == "$3,958,701,053 as filed"
    assert cell(m, 0, COL_WEIGHT) == "91.36%"
    assert cell(m, 0, COL_CHANGE) == "ADDED +95,113"
    assert cell(m, 0, COL_VALUE_NOW) == "$3.79B"
    tip = cell(m, 0, COL_VALUE_NOW, Qt.ItemDataRole.ToolTipRole)
    # The price's date and age in core's words (price_when), then its source.
    assert "155.94 (Jul 1 close · " in tip
    assert " days old; 2025-07-01 20:00 UTC, cache; close of 2025-07-01)" in tip
    assert cell(m, 2, COL_TICKER) == "unmapped"
    assert cell(m, 2, COL_WEIGHT) == "option"
    assert cell(m, 3, COL_VALUE) == "—" and cell(m, 3, COL_CHANGE) == "SOLD OUT"
    # Only a missing ticker of a held row is editable in place.
    assert m.flags(m.index(2, COL_TICKER)) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(m.index(0, COL_TICKER)) & Qt.ItemFlag.ItemIsEditable


def test_editing_a_ticker_asks_the_page(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    with qtbot.waitSignal(m.ticker_edited) as blocker:
        assert m.setData(m.index(2, COL_TICKER), " unkn ")
    assert blocker.args == ["999999999", None, "UNKN"]
    assert not m.setData(m.index(2, COL_TICKER), "   ")


def test_sorting_and_filtering_use_their_roles(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(m)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(COL_SHARES, Qt.SortOrder.AscendingOrder)
    assert [proxy.data(proxy.index(r, COL_TICKER)) for r in range(4)] == [
        "APLD", "unmapped", "ARM", "CRWV"]
    proxy.setFilterRole(FILTER_ROLE)
    proxy.setFilterFixedString("sold out")
    assert proxy.rowCount() == 1


def test_copy_as_tab_separated_text_keeps_exact_dollars(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    lines = m.as_tsv([0]).splitlines()
    assert lines[0].split("\t")[:3] == ["Ticker", "Issuer", "Class"]
    assert "3958701053" in lines[1].split("\t")


def test_a_position_filed_under_two_titles_names_both_on_hover(qtbot):
    from gui.models.holdings_table_model import COL_CLASS

    p = Position("02079K107", "GOOG", "AT&T INC", "COM", "SH", None, 80_699, 7_454_549_653,
                 1.0, titles=("COM", "CAP STK CL C"))  # fmt: skip
    m = HoldingsTableModel()
    m.set_rows([HoldingRow(p, "NEW", 80_699, None, None), ROWS[1]])
    assert cell(m, 0, COL_CLASS) == "COM"
    assert cell(m, 0, COL_CLASS, Qt.ItemDataRole.ToolTipRole) == (
        "Filed under several class titles: COM; CAP STK CL C")
    assert cell(m, 1, COL_CLASS, Qt.ItemDataRole.ToolTipRole) is None
