"""Companies: the security master (CUSIP, ticker, name, exchange) and, for the selected
one, every report that holds it with the filer's stake in the company."""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.companies import Company
from core.services.companies import CompanyService
from gui.formatting import money_long, money_short
from gui.models.holdings_table_model import stake_text, stake_tooltip
from gui.widgets.column_fit import ColumnFitter
from gui.widgets.wide import keep_centred
from gui.workers import TaskRunner

COL_CUSIP, COL_TICKER, COL_NAME, COL_EXCHANGE, COL_REPORTS, COL_ORIGIN, COL_SEEN = range(7)
HEADERS = ("CUSIP", "Ticker", "Name", "Exchange", "Reports", "Ticker from", "Mapped / seen")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ORIGIN = {"bundled": "bundled data", "filing": "— (named by a filing)", "user": "you",
          "openfigi": "OpenFIGI", "import-map": "your mapping file",
          "seed": "CUSIP seed", "sec-fails": "SEC fails data"}


def seen_text(c: Company) -> str:
    """When the mapping was made, or for a dated source the span the symbol was seen."""
    if c.first_seen is not None:
        return f"{c.first_seen:%Y-%m-%d} – {c.last_seen:%Y-%m-%d}"
    if c.ticker and c.mapped_at is not None:
        return f"{c.mapped_at:%Y-%m-%d}"
    return ""


class CompaniesTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Company] = []

    def set_rows(self, rows: list[Company]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def company(self, row: int) -> Company:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if (orientation == Qt.Orientation.Horizontal and section == COL_REPORTS
                and role == Qt.ItemDataRole.TextAlignmentRole):  # fmt: skip
            return RIGHT
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.cusip, c.ticker or "unmapped", c.name, c.exchange or "", f"{c.reports:,}",
                    ORIGIN.get(c.origin, c.origin), seen_text(c))[col]  # fmt: skip
        if role == Qt.ItemDataRole.UserRole:  # sort and filter
            return (c.cusip, c.ticker or "", c.name.lower(), c.exchange or "", c.reports,
                    c.origin, str(c.last_seen or c.mapped_at or ""))[col]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and c.note:
            return c.note
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_REPORTS:
            return RIGHT  # numbers right-aligned everywhere
        return None


class CompaniesPage(QWidget):
    def __init__(self, companies: CompanyService, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.companies = companies
        self.runner = runner
        self.model = CompaniesTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter companies")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TICKER, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.fitter = ColumnFitter(self.table, COL_NAME, [COL_SEEN, COL_ORIGIN, COL_EXCHANGE,
                                                          COL_REPORTS, COL_CUSIP])  # fmt: skip
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.title = QLabel("Select a company to see the reports that hold it.")
        self.title.setWordWrap(True)  # the mapping's note is long: it wraps, not widens
        self.held = QTableWidget(0, 6)
        self.held.setHorizontalHeaderLabels(["Portfolio", "Period", "Accession", "Shares",
                                             "Value as filed", "Stake"])  # fmt: skip
        self.held.verticalHeader().setVisible(False)
        self.held.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.held.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.title)
        lower_layout.addWidget(self.held)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(splitter, 1)
        keep_centred(self)  # a wide screen: a centred column

    def reload(self) -> None:
        self.runner.submit("companies", self.companies.companies, on_success=self.model.set_rows)

    def _on_selected(self, current, _previous) -> None:
        if not current.isValid():
            return
        c = self.model.company(self.proxy.mapToSource(current).row())
        rows = self.companies.stakes_in(c.cusip)  # each report with the filer's stake
        known = next((st for _, st in rows if st.value is not None), None)
        # One count is kept (the latest), so older reports' stakes are against it too.
        outstanding = (f"; stake = shares / {known.shares_outstanding:,} shares outstanding on "
                       f"{known.as_of} (the latest count reported to EDGAR)" if known else "")
        # Where the ticker came from (and when), or why there is none: text from OpenFIGI
        # or a file, so escaped before it goes into rich text.
        why = f"<br>{html.escape(c.note)}" if c.note else ""
        history = self.companies.tickers_over_time(c.cusip)
        if history:
            why += f"<br>Tickers over time: {html.escape(history)}"
        self.title.setText(f"<b>{c.ticker or 'unmapped'}</b> {html.escape(c.name)} (CUSIP "
                           f"{c.cusip}): {len(rows)} report(s){outstanding}{why}")  # fmt: skip
        self.held.setRowCount(len(rows))
        for i, (h, stake) in enumerate(rows):
            cells = (h.portfolio, h.period.isoformat(), h.accession, f"{h.shares:,}",
                     money_short(h.value),
                     stake_text(stake.value) if stake.value is not None else "")  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(RIGHT)
                if j == 4:
                    item.setToolTip(money_long(h.value))
                if j == 5:
                    item.setToolTip(stake_tooltip(stake))
                self.held.setItem(i, j, item)
