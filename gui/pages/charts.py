"""Charts: position value (stacked or lines), concentration, and NVDA/CRWV prices, with
range presets, a log scale switch and per-position toggles. On a narrow window the list of
positions starts narrow, and a button beside the tabs folds it away for the chart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.positions import PortfolioRef
from core.services.analytics import Analytics, History
from core.services.prices import ALWAYS, PriceRefresher
from gui.charts.concentration_chart import ConcentrationChart
from gui.charts.performance_chart import PerformanceChart
from gui.charts.price_chart import PriceChart
from gui.charts.time_chart import PRESETS, TimeChart
from gui.charts.value_chart import OTHER, TOTAL, ValueChart, position_names
from gui.workers import TaskRunner

NARROW = 900  # px of page width below which the positions list starts narrow
LIST_WIDTH, LIST_NARROW = 220, 150  # the list's width (and cap), and on a narrow page
TOTAL_TIP = ("Total: the sum of the ticked lines, drawn on the days each of them has a close "
             "(dots: the values as filed)")


class ChartsPage(QWidget):
    def __init__(self, analytics: Analytics, prices: PriceRefresher | None,
                 runner: TaskRunner, parent: QWidget | None = None,
                 performance=None) -> None:  # fmt: skip
        super().__init__(parent)
        self.analytics = analytics
        self.performance = performance  # Performances: the return tab (None: no tab)
        self.runner = runner
        self._generation = 0
        self.prices = prices
        self.portfolio: PortfolioRef | None = None
        self.history: History | None = None

        self.value = ValueChart()
        self.concentration = ConcentrationChart()
        self.price = PriceChart(ALWAYS)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.value, "Value")
        self.tabs.addTab(self.concentration, "Concentration")
        self.tabs.addTab(self.price, "NVDA and CRWV")
        self.returns = PerformanceChart()
        if performance is not None:
            self.tabs.addTab(self.returns, "Return")

        self.positions = QListWidget()
        self.positions.setMaximumWidth(LIST_WIDTH)
        # Names that do not fit end in "..." (full name on hover), never a sideways scroll.
        self.positions.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.positions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.positions.itemChanged.connect(self._on_position_toggled)
        self.lines = QCheckBox("Lines instead of stacked areas")
        self.lines.toggled.connect(self._on_lines_toggled)
        self.log = QCheckBox("Log scale")
        self.log.toggled.connect(self._on_log_toggled)
        self.note = QLabel()
        self.note.setWordWrap(True)

        self.preset_buttons = QButtonGroup(self)
        presets = QHBoxLayout()
        for name in PRESETS:
            button = QPushButton(name)
            button.setCheckable(True)
            button.setMaximumWidth(56)
            self.preset_buttons.addButton(button)
            presets.addWidget(button)
            button.clicked.connect(lambda _=False, n=name: self.apply_preset(n))
        self.preset_buttons.buttons()[-1].setChecked(True)
        presets.addSpacing(16)
        presets.addWidget(self.lines)
        presets.addWidget(self.log)
        presets.addStretch(1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("<b>Positions</b>"))
        side_layout.addWidget(self.positions, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(side)
        self.side = side
        self.splitter.setStretchFactor(0, 1)
        self._sized_by_user = False  # the user's (or a restored) split wins over ours
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
        # Folds the list away (the chart takes its room) and back; on the value tab only.
        self.side_button = QToolButton()
        self.side_button.setText("Positions")
        self.side_button.setCheckable(True)
        self.side_button.setChecked(True)
        self.side_button.setToolTip("Show or hide the list of positions beside the chart")
        self.side_button.toggled.connect(lambda _on: self._show_side())
        self.tabs.setCornerWidget(self.side_button, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda _i: self._show_side())
        layout = QVBoxLayout(self)
        # The Return tab has ranges of its own (each restarts at 0%): this row hides there.
        self.preset_bar = QWidget()
        presets.setContentsMargins(0, 0, 0, 0)
        self.preset_bar.setLayout(presets)
        layout.addWidget(self.preset_bar)
        self.tabs.currentChanged.connect(
            lambda _i: self.preset_bar.setVisible(self.tabs.currentWidget() is not self.returns))
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.note)

    def _show_side(self) -> None:
        value_tab = self.tabs.currentIndex() == 0
        self.side_button.setVisible(value_tab)
        self.side.setVisible(value_tab and self.side_button.isChecked())

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._sized_by_user = True
        self.side_button.setChecked(self.splitter.sizes()[1] > 0)  # dragged shut: folded

    def restore_splitter(self, state) -> bool:
        """The split the user left last time (it then wins over the narrow default)."""
        self._sized_by_user = self.splitter.restoreState(state)
        return self._sized_by_user

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._sized_by_user and self.side.isVisible():
            side = LIST_NARROW if self.width() < NARROW else LIST_WIDTH
            total = sum(self.splitter.sizes())
            if total > side:
                self.splitter.setSizes([total - side, side])

    def time_charts(self) -> list[TimeChart]:
        return [self.value, *self.concentration.charts(), self.price]

    def show_portfolio(self, portfolio: PortfolioRef) -> None:
        self.portfolio = portfolio
        self.reload()

    def reload(self) -> None:
        """Compute the series on a worker; draw when it arrives (newest request wins)."""
        if self.portfolio is None:
            return
        self._generation += 1
        generation, portfolio, analytics, prices, performance = (
            self._generation, self.portfolio, self.analytics, self.prices, self.performance)

        def load():
            bars = {t: prices.cached_bars(t) for t in ALWAYS} if prices is not None else {}
            perf = performance.run(portfolio) if performance is not None else None
            return analytics.history(portfolio), bars, perf

        self.runner.submit("charts", load,
                           on_success=lambda data: self._apply(generation, *data),
                           on_failure=lambda why: self._show_nothing(generation, why))

    def _show_nothing(self, generation: int, why: str) -> None:
        """No reports to chart: empty charts, never another book's."""
        if generation != self._generation:
            return
        self.history = None
        self.value.series = None
        self.value.redraw()
        self.concentration.clear()
        for chart in self.time_charts():  # no other book's filing lines either
            chart.set_markers([])
        self.returns.set_report(None, why)
        self.positions.clear()
        if self.portfolio is not None and self.portfolio.kind == "own":
            why = (f"{self.portfolio.name} has no transactions yet: add your first holding "
                   "(Portfolio > Add transaction, Ctrl+N) or import a CSV.")
        self.note.setText(why)
        # Empty axes say nothing ("$1 $1 $0"): the message takes the charts' place.
        self.splitter.hide()
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout().setStretchFactor(self.note, 1)

    def _apply(self, generation: int, h: History, bars: dict, perf=None) -> None:
        if generation != self._generation:
            return
        self.splitter.show()
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.layout().setStretchFactor(self.note, 0)
        self.returns.set_report(perf)
        self.history = h
        s = h.series
        self.value.set_series(s, names=position_names(s, h.reports))
        self.concentration.set_series(s)
        own = h.portfolio.kind == "own"
        marks = []
        for r in h.reports:
            if own:  # a portfolio's words: the days its transactions changed the holdings
                marks.append((r.period, f"transactions of {r.period}", True))
                continue
            accessions = ", ".join(r.holdings.accessions)
            marks.append((r.period, f"period of report {r.period} ({accessions})", True))
            marks.append((r.filed, f"filed {r.filed}: report for {r.period} ({accessions})",
                          False))  # fmt: skip
        for chart in [self.value, *self.concentration.charts()]:
            chart.set_markers(marks)
        self.price.set_bars(bars)
        self.price.set_markers(marks)
        self._fill_positions()
        priced_days = int((~s.is_period_end).sum())
        names = self.value.names
        unpriced = sorted({names[j] for j in range(len(s.keys))
                           if (s.shares[:, j] > 0).any() and not s.priced[:, j].any()})  # fmt: skip
        note = ("Dots: values as filed at each period of report. Solid lines: periods of "
                "report; dashed: filing dates (hover for the filing)." if not own else
                "Lines: the days your transactions changed the holdings (hover for the date).")
        if not priced_days:
            note += (" No daily prices cached: quarterly points only (F5 fetches prices; "
                     "offline: Prices > Import prices CSV...).")
        elif unpriced:
            note += (f" No prices for {', '.join(unpriced)}: their filed values are dots; "
                     "a stack holds them until the next report.")
        self.note.setText(note)
        checked = self.preset_buttons.checkedButton()
        self.apply_preset(checked.text() if checked else "All")

    def _fill_positions(self) -> None:
        self.positions.blockSignals(True)
        self.positions.clear()
        rows = self.value.order() + ([OTHER] if self.value.rest() else [])
        if self.value.draws_lines() and rows:  # the total line, named like every other
            rows.append(TOTAL)
        for j in rows:
            item = QListWidgetItem(self.value.label(j))
            item.setToolTip(TOTAL_TIP if j == TOTAL else self.value.label(j))
            swatch = QPixmap(12, 12)
            swatch.fill(self.value.colour(j))
            item.setIcon(QIcon(swatch))
            item.setData(Qt.ItemDataRole.UserRole, j)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if j in self.value.hidden
                               else Qt.CheckState.Checked)  # fmt: skip
            self.positions.addItem(item)
        self.positions.blockSignals(False)

    def apply_theme(self) -> None:
        for chart in self.time_charts():
            chart.apply_theme()
        self.returns.apply_theme()
        self.concentration.apply_theme()
        self.value.redraw()
        if self.history is not None:
            self._fill_positions()

    def apply_preset(self, name: str) -> None:
        for b in self.preset_buttons.buttons():
            b.setChecked(b.text() == name)
        for chart in self.time_charts():
            chart.apply_preset(name)

    def _on_position_toggled(self, item: QListWidgetItem) -> None:
        hidden = {
            self.positions.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.positions.count())
            if self.positions.item(i).checkState() != Qt.CheckState.Checked
        }
        self.value.set_hidden(hidden)

    def _on_lines_toggled(self, on: bool) -> None:
        if self.value.series is not None:
            self.value.set_series(self.value.series, stacked=not on)
            self._fill_positions()

    def _on_log_toggled(self, on: bool) -> None:
        # A stacked area cannot be logarithmic: log draws lines (total and positions).
        self.lines.setEnabled(not on)
        self.lines.setToolTip("On a log scale the chart always draws lines" if on else "")
        self.value.set_log_y(on)
        self.price.set_log_y(on)
        if self.value.series is not None:
            self._fill_positions()  # lines come with their Total
