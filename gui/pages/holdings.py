"""Holdings: any report's positions, sortable and filterable, with the change since the
previous report and the value at the latest price; unmapped tickers editable in place."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.domain.filings import issuer_label
from core.domain.positions import PortfolioRef
from core.services.analytics import Analytics, HoldingRow
from core.services.companies import CompanyService, clean_ticker
from core.services.own import Pnl, pnl_totals
from core.services.prices import PriceNow
from core.services.queries import InvalidRequestError, PortfolioQueries
from gui import theme
from gui.formatting import money_long, money_short, no_filings_yet, percent
from gui.models.holdings_table_model import (
    COL_CHANGE,
    COL_CLASS,
    COL_COST,
    COL_DAY,
    COL_GAIN_PCT,
    COL_ISSUER,
    COL_STAKE,
    COL_VALUE,
    FILTER_ROLE,
    NUMERIC,
    PNL_COLUMNS,
    SORT_ROLE,
    HoldingsTableModel,
    TotalsModel,
)
from gui.own_commands import WindowEdit
from gui.widgets.column_fit import ColumnFitter
from gui.widgets.tables import row_table, sort_largest_first
from gui.widgets.wide import hug_rows, keep_centred
from gui.workers import TaskRunner


class SetTickerCommand(WindowEdit):
    """Map a CUSIP to a ticker; undo restores the mapping it had. The write waits for
    another Stakewatch's without freezing the window (see WindowEdit)."""

    def __init__(self, companies: CompanyService, cusip: str, old: str | None, new: str,
                 on_change) -> None:  # fmt: skip
        super().__init__(f"set ticker of {cusip} to {new}", on_change)
        self.companies, self.cusip, self.old, self.new = companies, cusip, old, new

    def make(self) -> None:
        self.companies.set_ticker(self.cusip, self.new)

    def revert(self) -> None:
        self.companies.set_ticker(self.cusip, self.old)


class HoldingsPage(QWidget):
    tickers_changed = Signal()
    sell_requested = Signal(str)  # an own book's row: "Sell..." (the ticker)

    def __init__(
        self,
        queries: PortfolioQueries,
        analytics: Analytics,
        companies: CompanyService,
        undo_stack: QUndoStack,
        runner: TaskRunner,
        parent: QWidget | None = None,
        own=None,  # OwnPortfolios: P&L columns for own books
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.own = own
        self._generation = 0
        self._shown_period: dt.date | None = None  # the report the rows are of
        self.queries = queries
        self.analytics = analytics
        self.companies = companies
        self.undo_stack = undo_stack
        self.portfolio: PortfolioRef | None = None

        self.period_box = QComboBox()
        self.period_box.setMinimumWidth(140)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by ticker, issuer, CUSIP or change (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # a followed filer's long empty state: not 1,200 px wide
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = HoldingsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = row_table(self.proxy, COL_VALUE, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setResizeContentsPrecision(200)  # 10,000s of rows
        # At 800 pixels the essentials stay (ticker, issuer, shares, change, weight): a NEW
        # or SOLD OUT says more than the value as filed, which goes first.
        self.fitter = ColumnFitter(self.table, COL_ISSUER, [COL_CLASS, COL_STAKE, COL_DAY,
                                                            COL_COST, COL_VALUE, COL_CHANGE,
                                                            COL_GAIN_PCT])  # fmt: skip
        self.fitter.when_empty = {COL_STAKE}  # a Stake column only when a row has one
        self.fitter.set_never(PNL_COLUMNS)
        sort_largest_first(self.table, NUMERIC)
        # The totals row of an own book: a one-row table under the rows, columns in step.
        self.totals = QTableView()
        self.totals_model = TotalsModel(self)
        self.totals.setModel(self.totals_model)
        self.totals.horizontalHeader().hide()
        self.totals.verticalHeader().hide()
        self.totals.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals.setFixedHeight(self.table.verticalHeader().defaultSectionSize() + 4)
        self.totals.hide()
        self.table.horizontalHeader().sectionResized.connect(
            lambda col, _old, new: self.totals.setColumnWidth(col, new))
        self.fitter.fitted.connect(self._sync_totals)
        self.footnote = QLabel("<i>Italic</i> issuer: a label from the bundled data; the name "
                               "as filed was not seen. Value now: shares at the latest price, "
                               "live ticks included (hover for its time and source). "
                               "Stake: shares held / the company's shares outstanding as "
                               "last reported to EDGAR "
                               "(hover for the date; blank when unknown: hover for why)."
                               )  # fmt: skip
        self.footnote.setWordWrap(True)

        bar = QHBoxLayout()
        self.period_label = QLabel("Period of report:")
        bar.addWidget(self.period_label)
        bar.addWidget(self.period_box)
        bar.addSpacing(12)
        bar.addWidget(self.filter, 1)
        self.count = QLabel()
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.footnote)
        # A wide, tall screen: the notes stay under the last row, the page a centred column.
        layout.addStretch(0)
        hug_rows(self.table)
        keep_centred(self)

        self.copy_action = QAction("&Copy rows", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.table.addAction(self.copy_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)

        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(self._show_count)
        self.model.modelReset.connect(self._show_count)
        self.model.ticker_edited.connect(self._on_ticker_edited)

    # -- loading --------------------------------------------------------------------------
    def show_portfolio(self, portfolio: PortfolioRef) -> None:
        self.portfolio = portfolio
        self.model.shares_editable = portfolio.kind == "own"
        # An own book speaks a portfolio's language: holdings on a date, never "report".
        self.period_label.setText("Holdings on:" if portfolio.kind == "own"
                                  else "Period of report:")  # fmt: skip
        # A stake is shown for 13F books (an own holding's share of a company is noise).
        self.fitter.set_never({COL_STAKE} if portfolio.kind == "own" else PNL_COLUMNS)
        periods = self.queries.periods(portfolio)
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for period in reversed(periods):
            self.period_box.addItem(period.isoformat(), period.isoformat())
        self.period_box.blockSignals(False)
        self.period_box.setCurrentIndex(0)
        self.reload()

    def period(self) -> dt.date | None:
        data = self.period_box.currentData()
        return dt.date.fromisoformat(data) if data else None

    def select_period(self, period: dt.date) -> None:
        self.period_box.setCurrentIndex(self.period_box.findData(period.isoformat()))

    def show_statement(self, day: dt.date) -> None:
        """Select the statement of `day` if there is one (after an edit dated that day)."""
        index = self.period_box.findData(day.isoformat())
        if index >= 0 and index != self.period_box.currentIndex():
            self.period_box.setCurrentIndex(index)

    def _on_period_changed(self, _index: int) -> None:
        self.reload()

    def reload(self) -> None:
        """Load the rows on a worker; show them when they arrive (newest request wins)."""
        period = self.period()
        self._generation += 1
        if self.portfolio is None or period is None:
            self.model.set_rows([])
            self.summary.setText(no_filings_yet(self.portfolio.name)
                                 if self.portfolio is not None and self.portfolio.kind == "filer"
                                 else "No reports for this portfolio yet.")  # fmt: skip
            return
        generation, portfolio, analytics, own = (self._generation, self.portfolio,
                                                 self.analytics, self.own)  # fmt: skip
        self.summary.setText(f"Loading {period}...")

        def load():
            rows = analytics.holdings_view(portfolio, period)
            # An own book's P&L: core's numbers, the same `stakewatch pnl` prints.
            pnl = own.pnl(portfolio.name, period, latest=True).lines \
                if portfolio.kind == "own" and own else None
            return rows, pnl

        self.runner.submit("holdings", load,
                           on_success=lambda data: self._apply(generation, period, *data))

    def _sync_totals(self) -> None:
        header = self.table.horizontalHeader()
        for col in range(header.count()):
            self.totals.setColumnHidden(col, self.table.isColumnHidden(col))
            self.totals.setColumnWidth(col, header.sectionSize(col))

    def _apply(self, generation: int, period: dt.date, rows: list[HoldingRow],
               pnl: list[Pnl] | None = None) -> None:  # fmt: skip
        if generation != self._generation:
            return
        self.model.set_rows(rows, pnl)
        self.totals_model.set_totals(pnl_totals(pnl, period) if pnl is not None else None)
        self.totals.setVisible(pnl is not None)
        self._sync_totals()
        self._shown_period = period
        self._show_summary()

    def follow_quotes(self, prices: dict[str, PriceNow]) -> None:
        """Streamed prices: the rows' value now, an own book's gain and totals, and the
        summary line follow them (core's figures, with the quote's time and source)."""
        if not self.model.follow(prices):
            return
        totals = self.totals_model.totals
        if totals is not None:
            self.totals_model.set_totals(pnl_totals(self.model.pnl_rows(), totals.statement))
        self._show_summary()

    def _show_summary(self) -> None:
        period = self._shown_period
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        h = [r.position for r in rows if r.status != "SOLD OUT"]
        equity = [p for p in h if not p.is_option]
        total = sum(p.value for p in equity)
        top = max(equity, key=lambda p: p.value, default=None)
        now = [r.value_now for r in rows if r.value_now is not None and r.status != "SOLD OUT"]
        n = len(equity)
        parts = [f"<b>{money_short(total)}</b> in {n} position{'s' if n != 1 else ''} "
                 f"as of {period}"]
        if top is not None and top.weight is not None:
            parts.append(f"largest: {top.ticker or issuer_label(top.issuer)[0]} "
                         f"{percent(top.weight)}")  # fmt: skip
        if now:
            parts.append(f"priced now: {money_short(sum(now))} ({len(now)} of {len(equity)})")
        unmapped = sum(1 for p in h if p.ticker is None)
        if unmapped:
            error = theme.colours().error
            parts.append(f"<span style='color:{error}'>{unmapped} unmapped CUSIP(s): "
                         "double-click the ticker to enter one</span>")  # fmt: skip
        self.summary.setText(" · ".join(parts))
        own = self.portfolio is not None and self.portfolio.kind == "own"
        self.summary.setToolTip(f"At the last close on or before {period}: {money_long(total)}"
                                if own else f"Total as filed: {money_long(total)}")

    def _show_count(self, *_args) -> None:
        """With a filter: "5 of 8 shown", or "No matches"."""
        if not self.filter.text():
            self.count.setText("")
            return
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} shown" if shown else "No matches")

    # -- editing and copying --------------------------------------------------------------
    def _on_ticker_edited(self, cusip: str, old: str | None, new: str) -> None:
        try:
            ticker = clean_ticker(new)  # checked before the edit enters the undo stack
        except InvalidRequestError as exc:
            QMessageBox.warning(self, "Ticker not saved", str(exc))
            return
        if ticker is None:
            return
        try:  # a refused edit leaves the undo stack (WindowEdit); say why
            self.undo_stack.push(SetTickerCommand(self.companies, cusip, old, ticker,
                                                  self._after_ticker_change))  # fmt: skip
        except InvalidRequestError as exc:
            QMessageBox.warning(self, "Ticker not saved", str(exc))

    def _after_ticker_change(self) -> None:
        self.reload()
        self.tickers_changed.emit()

    def selected_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return sorted(rows)

    def copy_selection(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText(self.model.as_tsv(rows))

    def _on_context_menu(self, pos) -> None:
        self._menu = self.context_menu(pos)  # kept alive while it shows
        self._menu.popup(self.table.viewport().mapToGlobal(pos))

    def context_menu(self, pos):
        """Copy; on an own book's row also Sell... (the ledger records the sale)."""
        from PySide6.QtWidgets import QMenu

        index = self.table.indexAt(pos)
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        if index.isValid() and self.portfolio is not None and self.portfolio.kind == "own":
            row = self.model.row_at(self.proxy.mapToSource(index).row())
            ticker = row.position.ticker
            if ticker and row.position.shares:
                sell = menu.addAction(f"Sell {ticker}...")
                sell.triggered.connect(lambda: self.sell_requested.emit(ticker))
        return menu

    def focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()
