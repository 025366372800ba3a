"""The holdings table model, tested without a window."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from core.domain.positions import Position
from gui.models.holdings_table_model import (
    COL_CLASS,
    COL_ISSUER,
    COL_SHARES,
    COL_TICKER,
    COL_VALUE,
    COL_WEIGHT,
    SORT_ROLE,
    HoldingsTableModel,
)

ROWS = (
    Position("21873S108", "CRWV", "CoreWeave Inc [parser label; filed name not seen]",
             "COM CL A", None, None, 24_277_573, 3_958_701_053, 0.9136),
    Position("042068205", "ARM", "ARM HOLDINGS", "SPONSORED ADS", "SH", None, 1_101_249,
             178_116_013, 0.0411),
    Position("999999999", None, "UNKNOWN CO", "COM", "SH", "CALL", 5, 900, None),
)  # fmt: skip


def cell(model, row, col, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, col), role)


def test_display_and_tooltips(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    assert (m.rowCount(), m.columnCount()) == (3, 6)
    assert cell(m, 0, COL_TICKER) == "CRWV"
    assert cell(m, 0, COL_ISSUER) == "CoreWeave Inc"  # the label mark is shown as italics
    assert cell(m, 0, COL_ISSUER, Qt.ItemDataRole.FontRole).italic()
    assert cell(m, 1, COL_ISSUER, Qt.ItemDataRole.FontRole) is None
    assert cell(m, 0, COL_SHARES) == "24,277,573"
    assert cell(m, 0, COL_VALUE) == "$3.96B"
    assert cell(m, 0, COL_VALUE, Qt.ItemDataRole.ToolTipRole) == "$3,958,701,053 as filed"
    assert cell(m, 0, COL_WEIGHT) == "91.36%"
    assert cell(m, 2, COL_TICKER) == "—"
    assert "999999999" in cell(m, 2, COL_TICKER, Qt.ItemDataRole.ToolTipRole)
    assert cell(m, 2, COL_CLASS) == "COM (Call)"
    assert cell(m, 2, COL_WEIGHT) == "option"


def test_sorting_uses_numbers_not_text(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(m)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(COL_VALUE, Qt.SortOrder.AscendingOrder)
    values = [proxy.data(proxy.index(r, COL_VALUE)) for r in range(3)]
    assert values == ["$900", "$178.12M", "$3.96B"]
    proxy.sort(COL_SHARES, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, COL_TICKER)) == "CRWV"


def test_set_rows_resets(qtbot):
    m = HoldingsTableModel()
    m.set_rows(ROWS)
    m.set_rows(ROWS[:1])
    assert m.rowCount() == 1
