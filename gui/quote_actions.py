"""The window's prices: the quote tiles filled from the cache, then live (polled on a timer
while the market is open), and F5's refresh of daily prices; the status bar's right-hand
label says when prices were last fetched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from core.domain import market
from core.plain_words import plain
from core.services.prices import ALWAYS, NOT_CACHED, PriceNow, RefreshReport, utc_now
from gui.shell import Shell

if TYPE_CHECKING:
    from gui.tasks import LongTasks
    from gui.workers import TaskRunner


class _Host(Shell, Protocol):
    runner: TaskRunner
    tasks: LongTasks
    quotes: object  # the tile strip: set_prices(shown, now, offline)
    dashboard: object  # set_quotes(shown, offline)
    live: object  # merge(shown) -> shown, state


class QuoteActions(QObject):
    def __init__(self, host: _Host) -> None:
        super().__init__()
        self.w = host
        self._live_quotes = 0  # live answers shown so far (a cached read must not follow)
        self._said_ro = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_timer)
        self.last_refresh = QLabel()

    def show_cached(self) -> None:
        """The cached quotes, read on a worker (a live refresh, if running, comes after)."""
        runner = self.w.runner
        if runner.running("quotes"):
            return
        prices, generation = self.w.ctx.prices, self._live_quotes
        runner.submit("cached-quotes", lambda: prices.prices_now(list(ALWAYS), live=False),
                      on_success=lambda shown: self._on_cached(generation, shown))

    def _on_cached(self, generation: int, shown: list[PriceNow]) -> None:
        # Never over a live answer that came (or is coming) after this read began.
        if generation == self._live_quotes and not self.w.runner.running("quotes"):
            self.set_quotes(shown)

    def set_quotes(self, shown: list[PriceNow]) -> None:
        shown = self.w.live.merge(shown)  # never over a newer streamed tick
        offline = self.w.ctx.settings.offline
        self.w.quotes.set_prices(shown, utc_now(), offline)
        self.w.dashboard.set_quotes(shown, offline)

    def _on_timer(self) -> None:
        if market.is_open(utc_now()):
            self.refresh_quotes()
        else:
            self.show_cached()  # ages and badges move on even when prices do not

    def follow_settings(self) -> None:
        s = self.w.ctx.settings
        self.timer.setInterval(s.quote_interval * 1000)
        if s.offline:
            self.timer.stop()
            self.last_refresh.setText("offline")
        else:
            self.timer.start()

    def refresh_quotes(self) -> None:
        if self.w.ctx.settings.offline or self.w.runner.running("quotes"):
            return
        prices, status = self.w.ctx.prices, self.w.statusBar()
        self.w.runner.submit("quotes", lambda: prices.prices_now(list(ALWAYS), live=True),
                             on_success=self._on_quotes_refreshed,
                             on_failure=lambda why: status.say(
                                 f"Quotes failed: {plain(why)}", why))  # fmt: skip

    def _on_quotes_refreshed(self, shown: list[PriceNow]) -> None:
        self._live_quotes += 1
        self.set_quotes(shown)
        stamp = f"{utc_now():%H:%M:%S} UTC"
        if self.w.live.state != "live":  # while streaming, the label says so
            self.last_refresh.setText(f"quotes {stamp}")
        failed = [f"{p.ticker}: {plain(p.reason)}" for p in shown
                  if p.source != "live" and p.reason]  # fmt: skip
        detail = "\n".join(f"{p.ticker}: {p.reason}" for p in shown
                            if p.source != "live" and p.reason) or None  # fmt: skip
        # A read-only database shows live quotes without keeping them: said once, not a failure.
        note = ""
        if any(p.detail == NOT_CACHED for p in shown) and not self._said_ro:
            self._said_ro = True
            note = "read-only database: quotes are shown but not cached"
        status = self.w.statusBar()
        if failed:
            text = f"Quotes at {stamp}; not live: " + "; ".join(failed)
            status.say(f"{text}; {note}" if note else text, detail)
        elif note:
            status.showMessage(note, 10_000)

    def refresh_prices(self) -> None:
        """F5: missing daily bars for every held ticker, then quotes."""
        if self.w.ctx.settings.offline or self.w.tasks.busy:
            return
        self.w.tasks.start("prices", self.w.ctx.prices.refresh, "Refreshing prices",
                           self._on_prices_refreshed)  # fmt: skip

    def _on_prices_refreshed(self, report: RefreshReport) -> None:
        added = sum(u.rows_added for u in report.updated.values())
        text = (f"Prices refreshed {report.fetched_at:%H:%M:%S} UTC: {added:,} new daily bars "
                f"for {len(report.updated)} ticker(s)")  # fmt: skip
        detail = None
        if report.failed:
            text += "; not fetched: " + "; ".join(f"{t} ({plain(why)})" for t, why in
                                                  sorted(report.failed.items()))  # fmt: skip
            detail = "\n".join(f"{t}: {why}" for t, why in sorted(report.failed.items()))
        self.w.statusBar().say(text, detail)
        self.last_refresh.setText(f"prices {report.fetched_at:%H:%M} UTC")
        self.w.reload_pages()
        self.refresh_quotes()
