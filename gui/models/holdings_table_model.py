"""Holdings of one period as a table: ticker, issuer, class, shares, value, weight."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from core.domain.filings import issuer_label
from core.domain.positions import Position
from gui.formatting import money_long, money_short, percent

COL_TICKER, COL_ISSUER, COL_CLASS, COL_SHARES, COL_VALUE, COL_WEIGHT = range(6)
HEADERS = ("Ticker", "Issuer", "Class", "Shares", "Value", "Weight")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_RIGHT = {COL_SHARES, COL_VALUE, COL_WEIGHT}

Index = QModelIndex | QPersistentModelIndex


class HoldingsTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Position] = []

    def set_rows(self, rows: list[Position] | tuple[Position, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def position(self, row: int) -> Position:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(p, col)
        if role == SORT_ROLE:
            return self._sort_key(p, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_VALUE:
                return f"{money_long(p.value)} as filed"
            if col == COL_TICKER and p.ticker is None:
                return f"No ticker known for CUSIP {p.cusip}"
            if col == COL_ISSUER:
                _name, labelled = issuer_label(p.issuer)
                note = "\nItalic: a label; the name as filed was not seen" if labelled else ""
                return f"CUSIP {p.cusip}{note}"
        if role == Qt.ItemDataRole.FontRole and col == COL_ISSUER and issuer_label(p.issuer)[1]:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(p: Position, col: int) -> str:
        if col == COL_TICKER:
            return p.ticker or "—"
        if col == COL_ISSUER:
            return issuer_label(p.issuer)[0]
        if col == COL_CLASS:
            return p.title_of_class + (f" ({p.put_call.title()})" if p.put_call else "")
        if col == COL_SHARES:
            return f"{p.shares:,}"
        if col == COL_VALUE:
            return money_short(p.value)
        if col == COL_WEIGHT:
            return percent(p.weight) if p.weight is not None else "option"
        return ""

    @staticmethod
    def _sort_key(p: Position, col: int):
        return {
            COL_TICKER: p.ticker or "",
            COL_ISSUER: p.issuer.lower(),
            COL_CLASS: p.title_of_class,
            COL_SHARES: p.shares,
            COL_VALUE: p.value,
            COL_WEIGHT: p.weight if p.weight is not None else -1.0,
        }[col]
