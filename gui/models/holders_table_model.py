"""Holders of a security as a table: one row per filer (and SH/PRN, put/call), the filers
that sold out listed after them; NVIDIA and followed filers in bold on a tinted row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.services.holders import Holder, SoldOut
from gui import theme
from gui.formatting import money_long, money_short, percent

Index = QModelIndex | QPersistentModelIndex
(COL_RANK, COL_FILER, COL_CIK, COL_SHARES, COL_VALUE, COL_WEIGHT, COL_STAKE, COL_CHANGE,
 COL_BEFORE) = range(9)  # fmt: skip
HEADERS = ("#", "Filer", "CIK", "Shares", "Value as filed", "Weight", "Stake", "Change",
           "Shares before")  # fmt: skip
_RIGHT = {COL_RANK, COL_SHARES, COL_VALUE, COL_WEIGHT, COL_STAKE, COL_BEFORE}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SOLD_OUT = "SOLD OUT"


class HoldersTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Holder | SoldOut] = []
        self._holders = 0

    def set_rows(self, holders: tuple[Holder, ...], sold_out: tuple[SoldOut, ...]) -> None:
        self.beginResetModel()
        self._rows = [*holders, *sold_out]
        self._holders = len(holders)
        self.endResetModel()

    def row_at(self, row: int) -> Holder | SoldOut:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col, i = self._rows[index.row()], index.column(), index.row()
        sold = isinstance(r, SoldOut)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col, i, sold)
        if role == SORT_ROLE:
            return self._sort_key(r, col, i, sold)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_VALUE and not sold:
                return money_long(r.value)
            if col == COL_FILER:
                return f"{r.name} (CIK {r.cik}): double-click or Enter opens its book"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_CHANGE:
                change = SOLD_OUT if sold else r.change
                return QColor(theme.status_colours().get(change, theme.colours().muted))
            if sold:
                return QColor(theme.colours().muted)
        if role == Qt.ItemDataRole.BackgroundRole and r.highlighted:
            return QColor(theme.colours().row_match)
        if role == Qt.ItemDataRole.FontRole and r.highlighted:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _kind(r: Holder | SoldOut) -> str:
        return (f" {r.put_call}" if r.put_call else "") + (" PRN" if r.share_type == "PRN" else "")

    def _display(self, r, col: int, i: int, sold: bool) -> str:
        if col == COL_RANK:
            return "" if sold else str(i + 1)
        if col == COL_FILER:
            return r.name
        if col == COL_CIK:
            return r.cik
        if sold:
            return {COL_SHARES: "0" + self._kind(r), COL_CHANGE: SOLD_OUT,
                    COL_BEFORE: f"{r.shares_before:,}"}.get(col, "")  # fmt: skip
        return {
            COL_SHARES: f"{r.shares:,}" + self._kind(r),
            COL_VALUE: money_short(r.value),
            COL_WEIGHT: percent(r.weight) if r.weight is not None else "",
            COL_STAKE: percent(r.stake) if r.stake is not None else "",
            COL_CHANGE: r.change,
            COL_BEFORE: "" if r.shares_before is None else f"{r.shares_before:,}",
        }.get(col, "")

    @staticmethod
    def _sort_key(r, col: int, i: int, sold: bool):
        """Numbers sort as numbers; a missing number below every present one."""
        if col == COL_RANK:
            return i
        if col == COL_FILER:
            return r.name.lower()
        if col == COL_CIK:
            return r.cik
        if col == COL_CHANGE:
            return SOLD_OUT if sold else r.change
        if col == COL_BEFORE:
            return -1 if r.shares_before is None else r.shares_before
        if sold:
            return -1.0
        value = {COL_SHARES: r.shares, COL_VALUE: r.value, COL_WEIGHT: r.weight,
                 COL_STAKE: r.stake}[col]  # fmt: skip
        return -1.0 if value is None else float(value)
