"""The last report's changes as a compact table: status, ticker, shares before and after,
value before and after; sortable, numbers right-aligned, largest first on the first click."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from core.domain.filings import issuer_label
from gui import theme
from gui.formatting import money_long, money_short
from gui.widgets.column_fit import ColumnFitter
from gui.widgets.tables import RIGHT, SORT_ROLE, sort_largest_first

if TYPE_CHECKING:  # numpy: loaded with the first changes, after the first paint
    from core.domain.analytics import Change

(COL_STATUS, COL_TICKER, COL_ISSUER, COL_SHARES_BEFORE, COL_SHARES_AFTER, COL_SHARES_CHANGE,
 COL_VALUE_BEFORE, COL_VALUE_AFTER) = range(8)  # fmt: skip
HEADERS = ("Change", "Ticker", "Issuer", "Shares before", "Shares after", "Shares +/-",
           "Value before", "Value after")  # fmt: skip
NUMERIC = {COL_SHARES_BEFORE, COL_SHARES_AFTER, COL_SHARES_CHANGE, COL_VALUE_BEFORE,
           COL_VALUE_AFTER}  # fmt: skip
ORDER = ("NEW", "ADDED", "REDUCED", "SOLD OUT", "UNCHANGED")


class ChangesModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Change] = []

    def set_rows(self, rows: list[Change]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
                return RIGHT
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_STATUS: c.status.title(),
                COL_TICKER: c.ticker or "—",
                COL_ISSUER: issuer_label(c.issuer)[0],
                COL_SHARES_BEFORE: f"{c.shares_before:,.0f}",
                COL_SHARES_AFTER: f"{c.shares_after:,}",
                COL_SHARES_CHANGE: f"{c.shares_change:+,.0f}" if c.shares_change else "",
                COL_VALUE_BEFORE: money_short(c.value_before),
                COL_VALUE_AFTER: money_short(c.value_after),
            }[col]
        if role == SORT_ROLE:
            return {
                COL_STATUS: -ORDER.index(c.status),
                COL_TICKER: (c.ticker or "").lower(),
                COL_ISSUER: c.issuer.lower(),
                COL_SHARES_BEFORE: float(c.shares_before),
                COL_SHARES_AFTER: float(c.shares_after),
                COL_SHARES_CHANGE: float(c.shares_change),
                COL_VALUE_BEFORE: float(c.value_before),
                COL_VALUE_AFTER: float(c.value_after),
            }[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return QColor(theme.status_colours()[c.status])
        if role == Qt.ItemDataRole.FontRole and col == COL_STATUS and c.status != "UNCHANGED":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{c.issuer} (CUSIP {c.cusip})\nvalue {money_long(c.value_before)} → "
                    f"{money_long(c.value_after)}\nprice effect {money_short(c.price_effect)}, "
                    f"quantity effect {money_short(c.quantity_effect)}")  # fmt: skip
        return None


class ChangesTable(QTableView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_ = ChangesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(COL_STATUS, Qt.SortOrder.DescendingOrder)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        sort_largest_first(self, NUMERIC | {COL_STATUS})
        self.fitter = ColumnFitter(self, COL_ISSUER, [COL_SHARES_CHANGE, COL_VALUE_BEFORE,
                                                      COL_SHARES_BEFORE], stretch_min=90)

    def set_changes(self, changes: list[Change]) -> None:
        self.model_.set_rows(changes)
