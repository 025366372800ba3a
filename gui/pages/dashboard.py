"""Dashboard: NVDA and CRWV quotes, the book now against its last report, concentration
now, and the last filing with what changed in it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.positions import PortfolioRef
from core.services.analytics import Analytics, ChangeSet, Summary
from core.services.prices import ALWAYS, PriceNow, utc_now
from gui import theme
from gui.formatting import money_long, money_short, percent
from gui.widgets.quote_strip import QuoteTile
from gui.workers import TaskRunner


class Card(QFrame):
    """A titled panel with a big figure and a line of detail."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<span style='color:{theme.colours().muted}'>{title}</span>")
        self.figure = QLabel("—")
        font = self.figure.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.figure.setFont(font)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.figure)
        layout.addWidget(self.detail)
        layout.addStretch(1)


class DashboardPage(QWidget):
    def __init__(self, analytics: Analytics, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.analytics = analytics
        self.runner = runner
        self._generation = 0
        self.portfolio: PortfolioRef | None = None
        self.offline = False
        self.tiles = {t: QuoteTile(t, big=True) for t in ALWAYS}
        self.value_card = Card("Value now vs last report")
        self.concentration_card = Card("Concentration now")
        self.filing_card = Card("Last filing")
        self.changes = QListWidget()
        self.changes.setAlternatingRowColors(True)
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        tiles.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.value_card, 0, 0)
        grid.addWidget(self.concentration_card, 0, 1)
        grid.addWidget(self.filing_card, 0, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(tiles)
        layout.addLayout(grid)
        layout.addWidget(QLabel("<b>What changed in the last filing</b>"))
        layout.addWidget(self.changes, 1)

    def show_portfolio(self, portfolio: PortfolioRef) -> None:
        self.portfolio = portfolio
        self.reload()

    def set_quotes(self, prices: list[PriceNow], offline: bool) -> None:
        self.offline = offline
        by = {p.ticker: p for p in prices}
        now = utc_now()
        for t, tile in self.tiles.items():
            tile.set_price(by.get(t), now, offline)

    def reload(self) -> None:
        """Load on a worker; show when it arrives (a newer load supersedes an older one)."""
        if self.portfolio is None:
            return
        self._generation += 1
        generation, portfolio, analytics = self._generation, self.portfolio, self.analytics
        self.runner.submit(
            "dashboard",
            lambda: (analytics.summary(portfolio, live=False), analytics.changes(portfolio)),
            on_success=lambda data: self._apply(generation, *data),
            on_failure=lambda why: self._show_nothing(generation, why),
        )

    def _show_nothing(self, generation: int, why: str) -> None:
        """No reports (a new own portfolio): clear the cards, never keep another book's."""
        if generation != self._generation:
            return
        for card in (self.value_card, self.concentration_card, self.filing_card):
            card.figure.setText("—")
            card.detail.setText("")
        self.value_card.detail.setText(why)
        self.changes.clear()

    def _apply(self, generation: int, summary: Summary, changes: ChangeSet) -> None:
        if generation != self._generation:
            return
        # Quote tiles are the window's to set: a cached read here could overwrite a live one.
        self._show_summary(summary)
        self._show_changes(changes)

    def _show_summary(self, s: Summary) -> None:
        c = theme.colours()
        colour = c.up if s.total_now >= s.reported_total else c.down
        self.value_card.figure.setText(money_short(s.total_now))
        self.value_card.figure.setToolTip(money_long(s.total_now))
        unpriced = [p.position.ticker or p.position.cusip for p in s.positions if not p.priced]
        detail = (f"<span style='color:{colour}'>{s.change_pct:+.2f}%</span> against "
                  f"{money_short(s.reported_total)} reported for {s.report.period}")  # fmt: skip
        if unpriced:
            detail += f"<br><i>no price for {', '.join(unpriced)}: counted as reported</i>"
        self.value_card.detail.setText(detail)
        top = max(s.positions, key=lambda p: p.value_now, default=None)
        if top is not None:
            self.concentration_card.figure.setText(
                f"{top.position.ticker or top.position.cusip} {percent(top.weight_now or 0)}")
            self.concentration_card.detail.setText(
                f"top-5 {percent(s.top5_now)} · HHI {s.hhi_now * 10_000:,.0f} · "
                f"effective N {s.effective_n_now:.2f}")  # fmt: skip
        self.filing_card.figure.setText(str(s.report.period))
        self.filing_card.detail.setText(
            f"filed {s.report.filed} ({s.days_since_filed} days ago) · "
            f"{s.days_since_period} days since the period end<br>"
            f"{', '.join(s.report.holdings.accessions)}")  # fmt: skip

    def _show_changes(self, cs: ChangeSet) -> None:
        self.changes.clear()
        since = f"since {cs.previous_period}" if cs.previous_period else "first report"
        self.changes.addItem(QListWidgetItem(f"Period {cs.period} ({since}):"))
        for c in cs.changes:
            if c.status == "UNCHANGED":
                continue
            text = (f"{c.status:9s}  {c.ticker or c.cusip:6s}  {c.shares_before:>14,.0f} → "
                    f"{c.shares_after:,}   value {money_short(c.value_before)} → "
                    f"{money_short(c.value_after)}")  # fmt: skip
            item = QListWidgetItem(text)
            item.setForeground(QColor(theme.status_colours()[c.status]))
            self.changes.addItem(item)
        unchanged = sum(1 for c in cs.changes if c.status == "UNCHANGED")
        if unchanged:
            self.changes.addItem(QListWidgetItem(f"{unchanged} position(s) unchanged"))
