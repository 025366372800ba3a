"""The window's live ticks: core's QuoteStream started and stopped with the settings, its
ticks carried to the GUI thread by a signal and shown in the quote tiles at most FLUSH_MS
apart, its state in the status bar; when the stream gives up the window's quote timer polls
again. The ticks also reprice Holdings (value now and an own book's gain: only those cells
repaint) and the dashboard's cards (at most once a second). Each tile's line starts from
the session's 1-minute closes, fetched once through core's provider (in its worker process,
under its deadline) unless offline. A composed object the window owns, not a mixin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from core.domain.prices import Quote
from core.services.prices import ALWAYS, PriceNow, utc_now
from gui.shell import Shell

if TYPE_CHECKING:
    from gui.quote_actions import QuoteActions
    from gui.workers import TaskRunner

FLUSH_MS = 250  # tiles change at most four times a second, however fast ticks come


class _Bridge(QObject):
    """Emitted on the stream's thread; Qt queues them to the GUI thread."""

    quote = Signal(object)
    state = Signal(str, str)


class _Host(Shell, Protocol):
    runner: TaskRunner
    quotes: Any  # the tile strip: tiles {ticker: tile}
    quote_actions: QuoteActions  # its timer polls while the stream is down; its label
    pages: Any  # built_page("holdings"), when_built(...): model, follow_quotes(prices)
    dashboard: Any  # loaded, follow_quotes(prices)


class LiveQuotes:
    """Needs the window's ctx, quotes (the tile strip), quote_timer, last_refresh,
    statusBar and holdings page."""

    def __init__(self, window: _Host) -> None:
        self.w = window
        self.stream = None
        self.state = "off"
        self.latest: dict[str, Quote] = {}
        self.minutes_loaded = False  # the tiles' lines start from today's 1-minute closes
        self._dirty: set[str] = set()
        self.bridge = _Bridge()
        self.bridge.quote.connect(self._on_quote)
        self.bridge.state.connect(self._on_state)
        self.flush_timer = QTimer(window)
        self.flush_timer.setInterval(FLUSH_MS)
        self.flush_timer.timeout.connect(self.flush)
        window.pages.when_built("holdings", self._wire_holdings)
        window.dashboard.loaded.connect(self._follow_all)

    def _wire_holdings(self, page) -> None:
        page.model.modelReset.connect(self._subscribe_on_screen)
        # Reloaded rows carry cached prices: the newer ticks go back in once they are shown.
        page.model.modelReset.connect(lambda: QTimer.singleShot(0, page, self._follow_all))

    # -- start, stop ----------------------------------------------------------------------
    def follow_settings(self) -> None:
        """Stream unless offline (or without a stream); stop when offline."""
        if self.w.ctx.settings.offline:
            self.stop()
            return
        self.load_minutes()
        if self.stream is None:
            self.stream = self.w.ctx.quote_stream(self.bridge.quote.emit, self.bridge.state.emit)
            if self.stream is not None:
                self.stream.start(self.tickers_on_screen())
                self.flush_timer.start()
        if self.state == "live":
            self.w.quote_actions.timer.stop()

    def load_minutes(self) -> None:
        """The tiles' lines from the session's 1-minute closes, once (never offline)."""
        w = self.w
        if self.minutes_loaded or w.ctx.settings.offline or w.runner.running("intraday"):
            return
        tickers, prices = list(w.quotes.tiles), w.ctx.prices
        w.runner.submit("intraday", lambda: prices.intraday(tickers),
                        on_success=self._on_minutes)  # fmt: skip

    def _on_minutes(self, result) -> None:
        self.minutes_loaded = True
        for ticker, points in result.points.items():
            tile = self.w.quotes.tiles.get(ticker)
            if tile is None:
                continue
            q = self.latest.get(ticker)  # else the reference the last quote shown set
            tile.spark.seed([(t.timestamp(), price) for t, price in points],
                            q.previous_close if q else None)

    def stop(self) -> None:
        if self.stream is not None:
            self.stream.stop()
            self.stream = None
        self.flush_timer.stop()
        self.state = "off"

    def tickers_on_screen(self) -> list[str]:
        holdings = self.w.pages.built_page("holdings")  # not built: no rows on screen
        held = set()
        if holdings is not None:
            model = holdings.model
            held = {model.row_at(i).position.ticker for i in range(model.rowCount())}
        return sorted(set(ALWAYS) | {t for t in held if t})

    def _subscribe_on_screen(self) -> None:
        if self.stream is not None:
            self.stream.subscribe(self.tickers_on_screen())

    # -- ticks ----------------------------------------------------------------------------
    def _on_quote(self, q: Quote) -> None:
        old = self.latest.get(q.ticker)
        if old is None or q.quote_time >= old.quote_time:
            self.latest[q.ticker] = q
            self._dirty.add(q.ticker)

    def price_now(self, q: Quote) -> PriceNow:
        now = utc_now()
        return PriceNow(q.ticker, q.price, q.previous_close, q.currency, q.quote_time,
                        max(0.0, (now - q.quote_time).total_seconds()), "live",
                        q.market_state or "")  # fmt: skip

    def flush(self) -> None:
        """The tiles of tickers that ticked since the last flush, and nothing else."""
        if not self._dirty:
            return
        tiles, now = self.w.quotes.tiles, utc_now()
        for ticker in sorted(self._dirty):
            tile = tiles.get(ticker)
            if tile is None:
                continue
            q = self.latest[ticker]
            tile.set_price(self.price_now(q), now, offline=False)
            tile.spark.add(q.quote_time.timestamp(), q.price, q.previous_close)
        self._follow({t: self.latest[t] for t in self._dirty})
        self._dirty.clear()

    def _follow_all(self) -> None:
        if self.latest:
            self._follow(self.latest)

    def _follow(self, quotes: dict[str, Quote]) -> None:
        """The pages that value a book at prices now: Holdings and the dashboard."""
        prices = {t: self.price_now(q) for t, q in quotes.items()}
        holdings = self.w.pages.built_page("holdings")
        if holdings is not None:
            holdings.follow_quotes(prices)
        self.w.dashboard.follow_quotes(prices)

    def merge(self, shown: list[PriceNow]) -> list[PriceNow]:
        """A polled or cached answer, with any newer streamed tick in its place."""
        out = []
        for p in shown:
            q = self.latest.get(p.ticker)
            live = self.price_now(q) if q is not None else None
            out.append(live if live is not None and live.newer_than(p) else p)
        return out

    # -- state ----------------------------------------------------------------------------
    def _on_state(self, state: str, detail: str) -> None:
        self.state = state
        w = self.w
        if state == "live":
            w.quote_actions.timer.stop()  # the stream brings the quotes now
            w.quote_actions.last_refresh.setText("quotes: live stream")
        elif state == "retrying":
            w.quote_actions.last_refresh.setText("quotes: stream reconnecting")
            w.quote_actions.last_refresh.setToolTip(detail)
        elif state == "failed":
            self.stream = None
            self.flush_timer.stop()
            if not w.ctx.settings.offline:
                w.quote_actions.timer.start()
            w.quote_actions.last_refresh.setText("quotes: polling")
            w.statusBar().showMessage(
                f"Live stream failed ({detail}); polling every "
                f"{w.ctx.settings.quote_interval} s instead.")  # fmt: skip
