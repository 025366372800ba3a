"""Dashboard: what the book is worth, how concentrated, what changed. Figures on cards, the
value over the last year with each filing marked, the allocation now with the top holding
called out, and the last report's changes. Own portfolios get cost, value, unrealised
gain and the day's change instead of 13F wording. A slot on top takes a banner (new
filings) from whoever has one: `set_banner(widget)`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain.filings import issuer_label
from core.domain.positions import PortfolioRef
from core.domain.prices import price_when, prices_span
from core.services.pnl import pnl_at, pnl_totals
from core.services.prices import PriceNow, utc_now
from gui import theme
from gui.formatting import money_long, money_short, no_filings_yet, percent, signed_money
from gui.widgets.allocation import AllocationDonut, Slice
from gui.widgets.card import BREAK, Card, CardRow
from gui.widgets.changes_table import ChangesTable
from gui.widgets.wide import MAX_CONTENT_WIDTH, keep_centred
from gui.workers import TaskRunner

if TYPE_CHECKING:  # numpy and the ORM load on the worker's first load, after the first paint
    from core.services.analytics import Analytics, ChangeSet, History, Summary

YEAR = dt.timedelta(days=365)
MAX_CHANGE_ROWS = 200  # the Holdings page lists them all
NOTHING_PRICED = "no price for any position yet"
TICK_MS = 1000  # streamed prices reach the cards and the allocation at most once a second


class DashboardPage(QWidget):
    loaded = Signal()  # a book's figures are shown (at cached prices)

    add_requested = Signal()  # an empty own book's "Add your first holding"
    import_requested = Signal()  # ... and "Import a CSV"

    def __init__(self, analytics: Analytics, runner: TaskRunner, own=None,
                 parent: QWidget | None = None, performance=None) -> None:  # fmt: skip
        super().__init__(parent)
        self.analytics = analytics
        self.own = own  # OwnPortfolios: the P&L of own books (None: filers only)
        self.performance = performance  # Performances: returns against the benchmark
        self.perf_chart = None  # built when its first data arrives, as the year chart
        self.runner = runner
        self._generation = 0
        # What the cards show, repriced by streamed ticks (core's Summary.at and pnl_at).
        self.summary: Summary | None = None
        self.pnl = None  # an own book's (lines, totals)
        self._ticks: dict[str, PriceNow] = {}
        self.tick_timer = QTimer(self)
        self.tick_timer.setSingleShot(True)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self._apply_ticks)
        self.portfolio: PortfolioRef | None = None
        self.offline = False
        self.banner: QWidget | None = None
        self.year_chart = None  # built when its first data arrives: pyqtgraph costs start-up

        self.value_card = Card("Value now")
        self.gain_card = Card("Unrealised gain")
        self.concentration_card = Card("Concentration now")
        self.report_card = Card("Last filing")
        self.gain_card.hide()
        # Side by side while they fit, else two to a row: never a phrase squeezed.
        self.cards = CardRow([self.value_card, self.gain_card, self.concentration_card,
                              self.report_card])  # fmt: skip

        self.chart_box = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_title = QLabel("<b>Value over the last year</b>")
        self.chart_layout.addWidget(self.chart_title)
        self.chart_note = QLabel("Loading…")
        self.chart_note.setWordWrap(True)
        self.chart_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_layout.addWidget(self.chart_note, 1)
        self.allocation = AllocationDonut()
        alloc_box = QWidget()
        alloc_layout = QVBoxLayout(alloc_box)
        alloc_layout.setContentsMargins(0, 0, 0, 0)
        alloc_layout.addWidget(QLabel("<b>Allocation now</b>"))
        alloc_layout.addWidget(self.allocation, 1)
        # An empty own book: what to do, in the chart's place.
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add your first holding")
        self.add_button.clicked.connect(self.add_requested)
        self.import_button = QPushButton("Import a CSV")
        self.import_button.clicked.connect(self.import_requested)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addLayout(buttons)
        empty_layout.addStretch(1)
        self.empty.hide()
        self.chart_layout.addWidget(self.empty, 1)
        self.chart_tabs = QTabWidget()
        self.chart_tabs.setDocumentMode(True)
        self.chart_tabs.addTab(self.chart_box, "Value")
        self.perf_box = QWidget()
        self.perf_layout = QVBoxLayout(self.perf_box)
        self.perf_layout.setContentsMargins(0, 0, 0, 0)
        self.perf_note = QLabel("Loading…")
        self.perf_note.setWordWrap(True)
        self.perf_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.perf_layout.addWidget(self.perf_note, 1)
        self.chart_tabs.addTab(self.perf_box, "Return")
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.chart_tabs)
        top.addWidget(alloc_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([600, 400])
        self.top_splitter = top

        self.changes_title = QLabel("<b>What changed in the last filing</b>")
        self.changes = ChangesTable()
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.changes_title)
        bottom_layout.addWidget(self.changes, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        # The banner slot: empty until someone has news (issue 10's new-filing banner).
        self.banner_slot = QVBoxLayout()
        self.banner_slot.setContentsMargins(0, 0, 0, 0)
        layout = QGridLayout(self)
        layout.addLayout(self.banner_slot, 0, 0)
        layout.addWidget(self.cards, 1, 0)
        layout.addWidget(self.splitter, 2, 0)
        layout.setRowStretch(2, 1)
        # On a wide screen cards, chart and table keep to a centred column: numbers stay
        # near their labels instead of spreading apart.
        keep_centred(self, MAX_CONTENT_WIDTH)

    def content_rect(self):
        """Where the cards, chart and table are laid out."""
        return self.layout().contentsRect()

    # -- the banner slot ------------------------------------------------------------------
    def set_banner(self, widget: QWidget | None) -> None:
        """Show `widget` above the cards (None removes the one shown)."""
        if self.banner is not None:
            self.banner_slot.removeWidget(self.banner)
            self.banner.hide()
            self.banner.setParent(None)
        self.banner = widget
        if widget is not None:
            self.banner_slot.addWidget(widget)
            widget.show()

    # -- loading --------------------------------------------------------------------------
    def show_portfolio(self, portfolio: PortfolioRef) -> None:
        if self.portfolio is not None and portfolio.id != self.portfolio.id:
            self._forget_book(portfolio)
        self.portfolio = portfolio
        self.reload()

    def _forget_book(self, portfolio: PortfolioRef) -> None:
        """Another book was picked: until its figures arrive (and its charts, a moment
        later), the page shows none of the last book's under the new one's name."""
        own = portfolio.kind == "own"
        self._clear("Loading…", empty="Loading…")
        self.value_card.set_title("Market value" if own else "Value now")
        self.report_card.set_title("Earned" if own else "Last filing")
        self.changes_title.setText("<b>Transactions</b>" if own else "<b>Changes</b>")
        self.chart_note.show()

    def _clear(self, note: str, empty: str = "No positions") -> None:
        """None of a book's figures: cards, changes, allocation (saying `empty`) and charts
        cleared, the charts' notes saying `note`; streamed prices reprice nothing."""
        self.summary, self.pnl = None, None
        for card in (self.value_card, self.gain_card, self.concentration_card,
                     self.report_card):  # fmt: skip
            card.clear()
        self.changes.set_changes([])
        self.allocation.set_slices([], empty=empty)
        if self.year_chart is not None:
            self.year_chart.series = None
            self.year_chart.redraw()
            self.year_chart.hide()
        self.chart_note.setText(note)
        if self.perf_chart is not None:
            self.perf_chart.set_report(None, note)
        self.perf_note.setText(note)

    def set_quotes(self, prices: list[PriceNow], offline: bool) -> None:
        """The quote tiles live in the window's toolbar, once; the page notes offline."""
        self.offline = offline

    def reload(self) -> None:
        """Load on a worker; show when it arrives (a newer load supersedes an older one)."""
        if self.portfolio is None:
            return
        self._generation += 1
        generation, portfolio, analytics, own = (self._generation, self.portfolio,
                                                 self.analytics, self.own)  # fmt: skip

        performance = self.performance

        def load():
            from core.services.queries import InvalidRequestError, NotFoundError

            summary = analytics.summary(portfolio, live=False)
            changes = analytics.changes(portfolio)
            pnl = None
            if portfolio.kind == "own" and own is not None:
                # Today's holdings at the latest prices, and what the ledger earned.
                report = own.pnl(portfolio.name, latest=True)
                pnl = (report.lines, report.totals, report)
            perf = performance.run(portfolio) if performance is not None else None
            try:
                history = analytics.history(portfolio, start=utc_now().date() - YEAR)
            except (NotFoundError, InvalidRequestError) as exc:  # the cards still show
                history = str(exc)
            return summary, changes, pnl, history, perf

        self.runner.submit("dashboard", load,
                           on_success=lambda data: self._apply(generation, *data),
                           on_failure=lambda why: self._show_nothing(generation, why))

    def _show_nothing(self, generation: int, why: str) -> None:
        """No reports (a new own portfolio): clear the cards, never keep another book's."""
        if generation != self._generation:
            return
        p = self.portfolio
        if p is not None and p.kind == "filer" and "no reports" in why:
            why = no_filings_yet(p.name)  # followed, not synced yet: says when it fills
        own = self.portfolio is not None and self.portfolio.kind == "own"
        if own:  # a new own book: what to do, and nothing of another book
            why = (f"{self.portfolio.name} has no transactions yet. Add your first holding "
                   "(Portfolio > Add transaction, Ctrl+N) or import a CSV of transactions or "
                   "holdings (your broker's, Portfolio Performance's or Wealthfolio's).")
            self.value_card.set_title("Market value")
            self.report_card.set_title("Earned")
            self.changes_title.setText("<b>Transactions</b>")
        self._clear(why)
        self.empty_text.setText(why)
        self.empty.setVisible(own)
        for w in (self.chart_title, self.changes_title, self.changes):
            w.setVisible(not own)
        self.value_card.detail.setText("" if own else why)
        self.chart_note.setText("" if own else why)
        self.chart_note.setVisible(not own)

    def _apply(self, generation: int, summary: Summary, changes: ChangeSet, pnl,
               history: History | str, perf=None) -> None:  # fmt: skip
        if generation != self._generation:
            return
        own = summary.portfolio.kind == "own"
        self.empty.hide()
        for w in (self.chart_title, self.changes_title, self.changes):
            w.show()
        self.summary, self.pnl = summary, (pnl[:2] if pnl is not None else None)
        self._show_book(summary, own)
        if own and pnl is not None:
            self._show_pnl(*pnl[:2])
            self._show_earned(pnl[2])
        self.gain_card.setVisible(own and pnl is not None)
        self.cards.refit()
        self._show_changes(changes, own)
        # The chart after this paint: the figures are up first.
        QTimer.singleShot(0, lambda: self._show_history(generation, history))
        QTimer.singleShot(0, lambda: self._show_performance(generation, perf))
        self.loaded.emit()

    # -- streamed prices ------------------------------------------------------------------
    def follow_quotes(self, prices: dict[str, PriceNow]) -> None:
        """Streamed prices: the value, gain and concentration cards and the allocation
        follow them, at most once a second (the tiles show every tick)."""
        if self.summary is None:
            return
        self._ticks.update(prices)
        if not self.tick_timer.isActive():
            self.tick_timer.start()

    def _apply_ticks(self) -> None:
        prices, self._ticks = self._ticks, {}
        s = self.summary
        if s is None or not prices:
            return
        own = s.portfolio.kind == "own"
        repriced = s.at(prices)
        if repriced is not s:
            self.summary = repriced
            self._show_book(repriced, own)
        if own and self.pnl is not None:
            lines = pnl_at(self.pnl[0], prices)
            if any(a is not b for a, b in zip(lines, self.pnl[0], strict=True)):
                self.pnl = (lines, pnl_totals(lines, self.pnl[1].statement))
                self._show_pnl(*self.pnl)

    # -- figures --------------------------------------------------------------------------
    def _show_book(self, s: Summary, own: bool) -> None:
        c = theme.colours()
        unpriced = [p.position.ticker or p.position.cusip for p in s.positions if not p.priced]
        if own:
            self.value_card.set_title("Market value")
            self.report_card.set_title("Earned")
        else:
            self.value_card.set_title("Value now")
            self.report_card.set_title("Last filing")
            colour = c.up if s.total_now >= s.reported_total else c.down
            self.value_card.figure.setText(money_short(s.total_now))
            self.value_card.figure.setToolTip(money_long(s.total_now))
            detail = (f"<span style='color:{colour}'>{s.change_pct:+.2f}%</span> against "
                      f"{money_short(s.reported_total)}{BREAK}reported for {s.report.period}")
            detail += f"<br>{self._span(s)}"
            if unpriced:
                detail += (f"<br><i>no price for {', '.join(unpriced)}:{BREAK}counted as "
                           "reported</i>")
            self.value_card.detail.setText(detail)
        top = max(s.positions, key=lambda p: p.value_now, default=None)
        if s.nothing_valued:  # no weights without a value: not "X 0.00%, HHI 0"
            self.concentration_card.clear()
            self.concentration_card.detail.setText(NOTHING_PRICED)
        elif top is not None:
            name = top.position.ticker or issuer_label(top.position.issuer)[0]
            self.concentration_card.figure.setText(f"{name} {percent(top.weight_now or 0)}")
            self.concentration_card.figure.setToolTip("the largest position's share of the book")
            self.concentration_card.detail.setText(
                f"top-5 {percent(s.top5_now)} · HHI {s.hhi_now * 10_000:,.0f} · "
                f"effective N {s.effective_n_now:.2f}")  # fmt: skip
        else:
            self.concentration_card.clear()
        if not own:
            self.report_card.figure.setText(str(s.report.period))
            self.report_card.detail.setText(
                f"filed {s.report.filed} ({s.days_since_filed} days ago) · "
                f"{s.days_since_period} days since the period end<br>"
                f"{', '.join(s.report.holdings.accessions)}")  # fmt: skip
        total = s.total_now or 1.0
        self.allocation.set_slices([
            Slice(p.position.ticker or issuer_label(p.position.issuer)[0], p.value_now,
                  p.value_now / total, "" if p.priced else "(no price: counted as reported)")
            for p in s.positions if p.value_now > 0])  # fmt: skip

    def _show_earned(self, report) -> None:
        """An own book's realised gain and income, from its ledger (core's figures)."""
        c = theme.colours()
        gain = report.realised_gain
        if gain is None:
            self.report_card.figure.setText("—")
            self.report_card.figure.setToolTip("a sale without its price: realised gain unknown")
        else:
            colour = c.up if gain >= 0 else c.down
            self.report_card.figure.setText(
                f"<span style='color:{colour}'>{signed_money(float(gain))}</span>")
            self.report_card.figure.setToolTip("realised gain of every sale, fees counted")
        self.report_card.detail.setText(
            f"realised · dividends {money_short(float(report.dividends))}"
            + (f" · fees {money_short(float(report.fees))}" if report.fees else "")
            + f"<br>{report.transactions} transaction{'s' if report.transactions != 1 else ''}"
            f" · holdings as of {report.day}")

    def _show_performance(self, generation: int, perf) -> None:
        if generation != self._generation:
            return
        if perf is None or not len(perf.days):
            self.perf_note.setText("No daily closes to compute returns from yet: Prices > "
                                   "Refresh prices (F5), or Prices > Import CSV.")
            self.perf_note.show()
            if self.perf_chart is not None:
                self.perf_chart.hide()
            return
        if self.perf_chart is None:
            from gui.charts.performance_chart import PerformanceChart

            self.perf_chart = PerformanceChart(compact=True)
            self.perf_chart.setMinimumHeight(150)
            self.perf_layout.insertWidget(0, self.perf_chart, 1)
        self.perf_chart.show()
        self.perf_chart.set_report(perf)
        self.perf_note.hide()

    def _show_pnl(self, rows, totals) -> None:
        c = theme.colours()
        if self.summary is not None and self.summary.nothing_valued:
            self.value_card.figure.setText("—")  # not $0: nothing has a price to value it
            self.value_card.figure.setToolTip(NOTHING_PRICED)
        else:
            self.value_card.figure.setText(money_short(totals.value))
            self.value_card.figure.setToolTip(money_long(totals.value))
        detail = f"cost {money_short(totals.cost)}" if totals.cost else "no costs entered"
        if self.summary is not None:
            detail += f"<br>{self._span(self.summary)}"
        if self.summary is not None and self.summary.nothing_valued:
            detail += f"<br><i>{NOTHING_PRICED}</i>"
        elif totals.unpriced:
            detail += f"<br><i>{totals.unpriced} without a price:{BREAK}not in the value</i>"
        self.value_card.detail.setText(detail)
        if totals.pnl is None:
            self.gain_card.figure.setText("—")
            self.gain_card.detail.setText(f"enter costs to see a gain{BREAK}(Portfolio > Add "
                                          "holding)")
        else:
            colour = c.up if totals.pnl >= 0 else c.down
            self.gain_card.figure.setText(
                f"<span style='color:{colour}'>{signed_money(totals.pnl)}</span>")
            self.gain_card.figure.setToolTip(money_long(totals.pnl))
            detail = f"<span style='color:{colour}'>{totals.pnl_pct:+.2f}%</span> on cost"
            if totals.no_cost:
                detail += f" · {totals.no_cost} without a cost left out"
            self.gain_card.detail.setText(detail + self._day_text(rows, totals))

    @staticmethod
    def _span(s: Summary) -> str:
        """The dates of the prices the value used (core's words)."""
        now = utc_now()
        return prices_span([p.price.when(now) for p in s.positions
                            if p.priced and p.price is not None])  # fmt: skip

    @staticmethod
    def _day_text(rows, totals) -> str:
        if totals.day_change is None:
            return f"<br>day's change:{BREAK}no previous close known"
        now = utc_now()
        times = [r.quote_time for r in rows if r.quote_time is not None]
        # Coloured only when every price is of the latest session (core's rule).
        today = bool(times) and all(price_when(1.0, t, "cache", now).current for t in times)
        c = theme.colours()
        text = signed_money(totals.day_change)
        if today:
            colour = c.up if totals.day_change >= 0 else c.down
            return f"<br>today <span style='color:{colour}'>{text}</span>"
        when = f" of {max(times):%b} {max(times).day}" if times else ""
        return f"<br>day's change{when}: {text}"

    def _show_changes(self, cs: ChangeSet, own: bool) -> None:
        shown = [c for c in cs.changes if c.status != "UNCHANGED"]
        unchanged = len(cs.changes) - len(shown)
        count = (f"{len(shown)} change{'s' if len(shown) != 1 else ''}, "
                 f"{unchanged} unchanged")
        if own:  # a portfolio's words: transactions and holdings, never reports
            since = f"against {cs.previous_period}" if cs.previous_period else "the first"
            self.changes_title.setText(f"<b>What your transactions of {cs.period} changed</b> "
                                       f"({since}) · {count}")
        else:
            since = f"since {cs.previous_period}" if cs.previous_period else "the first report"
            self.changes_title.setText(f"<b>What changed in the last filing</b> ({cs.period}, "
                                       f"{since}) · {count}")
        rows = cs.changes
        if len(rows) > MAX_CHANGE_ROWS:  # a compact table: the largest changes of a big book
            rows = sorted(rows, key=lambda c: (c.status == "UNCHANGED", -abs(c.value_change)))
            rows = rows[:MAX_CHANGE_ROWS]
            self.changes_title.setText(self.changes_title.text()
                                       + f" · the {MAX_CHANGE_ROWS} largest shown")
        self.changes.set_changes(rows)

    # -- the year chart -------------------------------------------------------------------
    def _show_history(self, generation: int, history: History | str) -> None:
        if generation != self._generation:
            return
        if isinstance(history, str) or not len(history.series.dates):
            # Empty axes say nothing: say why instead.
            self.chart_note.setText(history if isinstance(history, str) else
                                    "No daily prices for this book in the last year: "
                                    "Prices > Refresh prices (F5) fetches them; offline, Prices > "
                                    "Import prices CSV...")  # fmt: skip
            self.chart_note.show()
            if self.year_chart is not None:
                self.year_chart.hide()
            return
        chart = self._chart()
        chart.show()
        chart.set_series(history.series, stacked=True)
        marks = []
        for r in history.reports:
            accessions = ", ".join(r.holdings.accessions)
            marks.append((r.period, f"period of report {r.period} ({accessions})", True))
            if r.filed != r.period:
                marks.append((r.filed, f"filed {r.filed}: report for {r.period}", False))
        chart.set_markers(marks)
        self.chart_note.hide()

    def _chart(self):
        if self.year_chart is None:
            from gui.charts.value_chart import ValueChart

            self.year_chart = ValueChart()
            self.year_chart.total_only = True
            self.year_chart.setMinimumHeight(150)
            self.chart_layout.insertWidget(1, self.year_chart, 1)
        return self.year_chart

    def apply_theme(self) -> None:
        if self.year_chart is not None:
            self.year_chart.apply_theme()
        if self.perf_chart is not None:
            self.perf_chart.apply_theme()
            self.year_chart.redraw()
        self.allocation.update()
        if self.portfolio is not None:
            self.reload()
