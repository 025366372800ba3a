"""The main window, for now: one portfolio's holdings for a chosen period of report, with
live NVDA and CRWV quotes refreshed in the background."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
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

from core.domain import market
from core.domain.filings import issuer_label
from core.domain.positions import Holdings, PortfolioRef
from core.services.prices import ALWAYS, PriceRefresher, RefreshReport, utc_now
from core.services.queries import PortfolioQueries
from core.services.settings import Settings
from gui.formatting import money_long, money_short, percent
from gui.models.holdings_table_model import COL_ISSUER, SORT_ROLE, HoldingsTableModel
from gui.widgets.quote_strip import QuoteStrip
from gui.workers import TaskRunner


class MainWindow(QMainWindow):
    def __init__(
        self,
        queries: PortfolioQueries,
        prices: PriceRefresher | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.queries = queries
        self.prices = prices
        self.settings = settings or Settings()
        self.runner = TaskRunner(self)
        self.quotes = QuoteStrip(ALWAYS)
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
        bar.addWidget(self.quotes)
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
        self.refresh_action = QAction("&Refresh prices", self)
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.setStatusTip("Fetch missing daily prices and the latest quotes")
        self.refresh_action.triggered.connect(self.refresh_prices)
        self.refresh_action.setEnabled(prices is not None and not self.settings.offline)
        self.menuBar().addMenu("&Prices").addAction(self.refresh_action)
        for action in (quit_action, self.refresh_action):
            self.addAction(action)  # shortcuts work whether or not a menu bar shows

        # Live quotes on a timer; each tick fetches only while US markets trade.
        self.quote_timer = QTimer(self)
        self.quote_timer.setInterval(self.settings.quote_interval * 1000)
        self.quote_timer.timeout.connect(self._on_quote_timer)

        self.portfolio_box.currentIndexChanged.connect(self._on_portfolio_changed)
        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self._portfolios: list[PortfolioRef] = []
        self.reload()
        self._show_cached_quotes()
        if prices is not None and not self.settings.offline:
            self.refresh_quotes()
            self.quote_timer.start()

    # -- prices ---------------------------------------------------------------------------
    def _show_cached_quotes(self) -> None:
        if self.prices is not None:
            shown = self.prices.prices_now(list(ALWAYS), live=False)
            self.quotes.set_prices(shown, utc_now(), self.settings.offline)

    def _on_quote_timer(self) -> None:
        if market.is_open(utc_now()):
            self.refresh_quotes()
        else:
            self._show_cached_quotes()  # ages and badges move on even when prices do not

    def refresh_quotes(self) -> None:
        """Fetch NVDA and CRWV quotes off the GUI thread (one request at a time)."""
        if self.prices is None or self.runner.running("quotes"):
            return
        prices = self.prices
        self.runner.submit(
            "quotes",
            lambda: prices.prices_now(list(ALWAYS), live=True),
            on_success=self._on_quotes_refreshed,
            on_failure=lambda why: self.statusBar().showMessage(f"Quotes failed: {why}"),
        )

    def _on_quotes_refreshed(self, shown) -> None:
        self.quotes.set_prices(shown, utc_now(), self.settings.offline)
        failed = [f"{p.ticker}: {p.reason}" for p in shown if p.source != "live" and p.reason]
        stamp = f"{utc_now():%H:%M:%S} UTC"
        if failed:
            self.statusBar().showMessage(f"Quotes at {stamp}; not live: " + "; ".join(failed))
        else:
            self.statusBar().showMessage(f"Quotes updated {stamp}", 10_000)

    def refresh_prices(self) -> None:
        """F5: missing daily bars for every held ticker, then quotes."""
        if self.prices is None or self.settings.offline or self.runner.running("prices"):
            return
        prices = self.prices
        self.refresh_action.setEnabled(False)
        self.statusBar().showMessage("Refreshing prices...")
        self.runner.submit(
            "prices",
            prices.refresh,
            on_success=self._on_prices_refreshed,
            on_failure=self._on_prices_failed,
            on_progress=lambda p: self.statusBar().showMessage(
                f"Refreshing prices [{p.done}/{p.total}]: {p.message}"),
        )  # fmt: skip

    def _on_prices_refreshed(self, report: RefreshReport) -> None:
        self.refresh_action.setEnabled(True)
        added = sum(u.rows_added for u in report.updated.values())
        text = (f"Prices refreshed {report.fetched_at:%H:%M:%S} UTC: {added:,} new daily bars "
                f"for {len(report.updated)} ticker(s)")  # fmt: skip
        if report.failed:
            text += "; failed: " + "; ".join(f"{t} ({why})" for t, why in
                                             sorted(report.failed.items()))  # fmt: skip
        self.statusBar().showMessage(text)
        self.refresh_quotes()

    def _on_prices_failed(self, why: str) -> None:
        self.refresh_action.setEnabled(True)
        self.statusBar().showMessage(f"Price refresh failed: {why}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.quote_timer.stop()
        if self.prices is not None:
            self.prices.provider.close()  # a hung request ends now, not at its deadline
        self.runner.shutdown(5000)
        super().closeEvent(event)

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
