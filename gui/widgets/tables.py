"""What every table shares: the sort role, right-aligned numbers, and numeric columns that
sort largest first on their first click (people look for the biggest, not the smallest)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def sort_largest_first(table: QTableView, numeric: set[int]) -> None:
    """A first click on a numeric column sorts it descending; the next click flips it."""
    header = table.horizontalHeader()
    state = {"column": header.sortIndicatorSection()}

    def on_clicked(column: int) -> None:
        if column != state["column"]:
            state["column"] = column
            order = (Qt.SortOrder.DescendingOrder if column in numeric
                     else Qt.SortOrder.AscendingOrder)  # fmt: skip
            table.sortByColumn(column, order)

    # Connected after the view's own handler: ours decides the order of a new column.
    header.sectionClicked.connect(on_clicked)


def row_table(proxy: QSortFilterProxyModel, column: int, order: Qt.SortOrder) -> QTableView:
    """A table of whole rows the way every page shows one: sorted by `column`, alternating
    rows, cells edited by a double-click or F2, no row numbers."""
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(column, order)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed)  # fmt: skip
    table.verticalHeader().setVisible(False)
    return table
