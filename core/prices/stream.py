"""Live ticks pushed by Yahoo's streamer: yfinance's WebSocket (its messages decoded with
yfinance's own pricing protobuf) on a thread of its own, reconnecting with backoff, handing
each tick over as a Quote through a plain callback. After repeated failures it gives up and
says so: the window then polls. Besides yahoo.py, the only module that imports yfinance."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from core.domain.prices import Quote

YAHOO_STREAM = "wss://streamer.finance.yahoo.com/?version=2"
# PricingData.market_hours as Yahoo numbers it.
MARKET_HOURS = {0: "PRE", 1: "REGULAR", 2: "POST", 3: "CLOSED"}
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds before each reconnect
GIVE_UP_AFTER = 5  # failed connections in a row (no tick between): then the window polls


def quote_of(message: dict) -> Quote | None:
    """A decoded PricingData message as a Quote (None: not a usable tick)."""
    ticker, price = message.get("id"), message.get("price")
    if not ticker or price is None or "error" in message:
        return None
    millis = int(message.get("time", 0) or 0)
    when = dt.datetime.fromtimestamp(millis / 1000, dt.UTC) if millis else dt.datetime.now(
        dt.UTC)  # fmt: skip
    previous = message.get("previous_close")
    return Quote(ticker=str(ticker).upper(), price=float(price),
                 previous_close=float(previous) if previous else None,
                 currency=message.get("currency") or None, quote_time=when,
                 market_state=MARKET_HOURS.get(int(message.get("market_hours", 1) or 0)),
                 source="stream")  # fmt: skip


class QuoteStream:
    """`on_quote(Quote)` per tick and `on_state(state, detail)` on each change, both called
    on the stream's thread. States: connecting, live, retrying, failed, stopped."""

    def __init__(self, url: str, on_quote: Callable[[Quote], None],
                 on_state: Callable[[str, str], None], backoff: Sequence[float] = BACKOFF,
                 give_up_after: int = GIVE_UP_AFTER) -> None:  # fmt: skip
        self.url = url
        self.on_quote = on_quote
        self.on_state = on_state
        self.backoff = tuple(backoff)
        self.give_up_after = give_up_after
        self.tickers: set[str] = set()
        self.state = "stopped"
        self.ticks = 0
        self._ws = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control (any thread) -------------------------------------------------------------
    def start(self, tickers: Sequence[str]) -> None:
        self.tickers = {t.upper() for t in tickers}
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="quote-stream", daemon=True)
        self._thread.start()

    def subscribe(self, tickers: Sequence[str]) -> None:
        """Stream these too (tickers that came on screen)."""
        new = {t.upper() for t in tickers} - self.tickers
        if not new:
            return
        self.tickers |= new
        with self._lock:
            ws = self._ws
        if ws is not None:
            # A dropped link fails here: the reconnect subscribes them all.
            with contextlib.suppress(Exception):
                ws.subscribe(sorted(new))

    def stop(self, timeout: float = 5.0) -> None:
        """End the stream and its thread (the connection is closed, not waited out)."""
        self._stop.set()
        self._close()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the stream's thread --------------------------------------------------------------
    def _set(self, state: str, detail: str = "") -> None:
        self.state = state
        self.on_state(state, detail)

    def _close(self) -> None:
        with self._lock:
            ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):  # a dead link fails to close: it is closed
                ws.close()

    def _on_message(self, message: dict) -> None:
        quote = quote_of(message)
        if quote is not None and quote.ticker in self.tickers:
            self.ticks += 1
            self.on_quote(quote)

    def _run(self) -> None:
        import yfinance as yf

        # yfinance logs each dropped link with a traceback; the state callback says it once.
        logging.getLogger("yfinance").setLevel(logging.CRITICAL)
        failures = 0
        while not self._stop.is_set():
            self._set("connecting", self.url)
            reason = "the stream closed"
            ticks_before = self.ticks
            try:
                ws = yf.WebSocket(url=self.url, verbose=False)
                with self._lock:
                    self._ws = ws
                ws.subscribe(sorted(self.tickers))
                self._set("live", f"{len(self.tickers)} tickers")
                ws.listen(self._on_message)  # returns when the link drops
            except Exception as exc:  # any failure: back off and retry
                reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            finally:
                self._close()
            if self._stop.is_set():
                break
            failures = 0 if self.ticks > ticks_before else failures + 1
            if failures >= self.give_up_after:
                self._set("failed", f"{reason} ({failures} tries)")
                return
            delay = self.backoff[min(failures, len(self.backoff) - 1)]
            self._set("retrying", f"{reason}; again in {delay:g} s")
            self._stop.wait(delay)
        self._set("stopped")

