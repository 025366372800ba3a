"""The main window, for now: one portfolio's holdings for a chosen period of report."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.domain.filings import issuer_label
from core.domain.positions import Holdings, PortfolioRef
from core.services.queries import PortfolioQueries
from gui.formatting import money_long, money_short, percent
from gui.models.holdings_table_model import COL_ISSUER, SORT_ROLE, HoldingsTableModel


class MainWindow(QMainWindow):
    def __init__(self, queries: PortfolioQueries, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queries = queries
        self.setWindowTitle("Stakewatch")
        self.resize(1100, 640)

        self.portfolio_box = QComboBox()
        self.portfolio_box.setMinimumWidth(220)
        self.period_box = QComboBox()
        self.period_box.setMinimumWidth(140)
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = HoldingsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ISSUER, QHeaderView.ResizeMode.Stretch)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Portfolio:"))
        bar.addWidget(self.portfolio_box)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Period of report:"))
        bar.addWidget(self.period_box)
        bar.addStretch(1)
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.footnote = QLabel("<i>Italic</i> issuer: a label from the bundled data; "
                               "the name as filed was not seen.")
        self.footnote.setVisible(False)
        layout.addWidget(self.footnote)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)
        self.addAction(quit_action)  # the shortcut works whether or not a menu bar shows

        self.portfolio_box.currentIndexChanged.connect(self._on_portfolio_changed)
        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self._portfolios: list[PortfolioRef] = []
        self.reload()

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        self._portfolios = [p for p in self.queries.portfolios() if self.queries.periods(p)]
        self.portfolio_box.blockSignals(True)
        self.portfolio_box.clear()
        for p in self._portfolios:
            self.portfolio_box.addItem(p.name)
        self.portfolio_box.blockSignals(False)
        if self._portfolios:
            default = self.queries.portfolio()
            names = [p.name for p in self._portfolios]
            index = names.index(default.name) if default.name in names else 0
            self.portfolio_box.setCurrentIndex(index)
            self._on_portfolio_changed(index)
        else:
            self.summary.setText("No filings in the database yet.")

    def _on_portfolio_changed(self, index: int) -> None:
        if index < 0:
            return
        periods = self.queries.periods(self._portfolios[index])
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for period in reversed(periods):  # newest first
            self.period_box.addItem(period.isoformat(), period.isoformat())
        self.period_box.blockSignals(False)
        self.period_box.setCurrentIndex(0)
        self._on_period_changed(0)

    def _on_period_changed(self, index: int) -> None:
        if index < 0:
            return
        portfolio = self._portfolios[self.portfolio_box.currentIndex()]
        period = dt.date.fromisoformat(self.period_box.itemData(index))
        self.show_holdings(self.queries.holdings(portfolio, period))

    def show_holdings(self, h: Holdings) -> None:
        self.model.set_rows(h.positions)
        self.footnote.setVisible(any(issuer_label(p.issuer)[1] for p in h.positions))
        equity = [p for p in h.positions if not p.is_option]
        top = max(equity, key=lambda p: p.value, default=None)
        parts = [
            f"<b>{money_short(h.total_value)}</b> in {len(equity)} positions",
            f"as of {h.period.isoformat()}",
        ]
        if top is not None and top.weight is not None:
            parts.append(f"largest: {top.ticker or top.issuer} {percent(top.weight)}")
        parts.append("filing " + ", ".join(h.accessions))
        self.summary.setText(" · ".join(parts))
        self.summary.setToolTip(f"Total as filed: {money_long(h.total_value)}")
        self.statusBar().showMessage(f"{h.portfolio}: {len(h.positions)} rows for {h.period}")
