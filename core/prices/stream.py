"""Live ticks pushed by Yahoo's streamer: yfinance's WebSocket (its messages decoded with
yfinance's own pricing protobuf) in a child process, so importing yfinance and pandas and
decoding never hold the window's interpreter; a thread here reads the child's ticks, hands
each over as a Quote through a plain callback, and reconnects (a fresh child) with backoff.
After repeated failures it gives up and says so: the window then polls. Stopping kills the
child at once. Besides yahoo.py, the only module that imports yfinance (in the child)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing as mp
import threading
from collections.abc import Callable, Sequence

from core.domain.prices import Quote, price_problem

YAHOO_STREAM = "wss://streamer.finance.yahoo.com/?version=2"
# PricingData.market_hours as Yahoo numbers it.
MARKET_HOURS = {0: "PRE", 1: "REGULAR", 2: "POST", 3: "CLOSED"}
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds before each reconnect
GIVE_UP_AFTER = 5  # failed connections in a row (no tick between): then the window polls


def quote_of(message: dict) -> Quote | None:
    """A decoded PricingData message as a Quote (None: not a tick, or not a usable one)."""
    quote, _ = check_tick(message)
    return quote


def check_tick(message: dict) -> tuple[Quote | None, str | None]:
    """(the quote, None), or (None, why it was dropped) for a tick whose price or time is
    not one (NaN, inf, zero or negative, before 1990, far ahead), or (None, None) for a
    message that is not a tick at all."""
    ticker, price = message.get("id"), message.get("price")
    if not ticker or price is None or "error" in message:
        return None, None
    now = dt.datetime.now(dt.UTC)
    try:
        millis = int(message.get("time", 0) or 0)
        when = dt.datetime.fromtimestamp(millis / 1000, dt.UTC) if millis else now
    except (TypeError, ValueError, OverflowError, OSError):
        return None, "the tick's time is not a time"
    if isinstance(price, str):
        try:
            price = float(price)
        except ValueError:
            return None, "the price is not a number"
    why = price_problem(price, when, now)
    if why is not None or not isinstance(ticker, str) or len(ticker) > 32:
        return None, why or "the ticker is not one"
    previous = message.get("previous_close")
    if price_problem(previous, None, now) is not None:
        previous = None  # no usable previous close: no change is shown, the tick stands
    try:
        state = MARKET_HOURS.get(int(message.get("market_hours", 1) or 0))
    except (TypeError, ValueError):
        state = None
    currency = message.get("currency")
    return Quote(ticker=ticker.upper(), price=float(price),
                 previous_close=float(previous) if previous else None,
                 currency=currency if isinstance(currency, str) and currency.isalpha()
                 and len(currency) <= 5 else None, quote_time=when,
                 market_state=state, source="stream"), None  # fmt: skip


def _child(url: str, tickers: list[str], conn) -> None:
    """The child process: connect, subscribe, send ("quote", Quote) per tick; more tickers
    arrive as ("subscribe", [...]); ("closed", reason) when the link ends, then exit."""
    import yfinance as yf

    logging.getLogger("yfinance").setLevel(logging.CRITICAL)  # the parent reports, once
    ws = yf.WebSocket(url=url, verbose=False)
    try:
        ws.subscribe(tickers)
    except Exception as exc:  # refused, unreachable, not a WebSocket
        conn.send(("closed", str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__))
        return
    conn.send(("live", ""))

    def commands() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                kind, value = conn.recv()
                if kind == "subscribe":
                    ws.subscribe(value)

    threading.Thread(target=commands, daemon=True).start()

    def on_message(message: dict) -> None:
        quote, dropped = check_tick(message)
        if quote is not None:
            conn.send(("quote", quote))
        elif dropped is not None:
            conn.send(("dropped", dropped))

    ws.listen(on_message)  # returns when the link drops
    with contextlib.suppress(Exception):
        conn.send(("closed", "the stream closed"))


class QuoteStream:
    """`on_quote(Quote)` per tick and `on_state(state, detail)` on each change, both called
    on the stream's reading thread. States: connecting, live, retrying, failed, stopped."""

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
        self.dropped = 0  # ticks whose price or time was not one (NaN, <= 0, 1970, 2999)
        self.last_dropped = ""
        self._mp = mp.get_context("spawn")  # never fork a process that runs Qt threads
        self._proc = None
        self._conn = None
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
            conn = self._conn
            if conn is not None:
                # A dropped link fails here: the next child subscribes them all.
                with contextlib.suppress(OSError, ValueError):
                    conn.send(("subscribe", sorted(new)))

    def stop(self, timeout: float = 5.0) -> None:
        """End the stream: the child is killed, not waited out; the thread ends."""
        self._stop.set()
        self._kill()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the reading thread ---------------------------------------------------------------
    def _set(self, state: str, detail: str = "") -> None:
        self.state = state
        self.on_state(state, detail)

    def _kill(self) -> None:
        with self._lock:
            proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(5)
        if conn is not None:
            conn.close()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._set("connecting", self.url)
            reason, ticks_before = "the stream ended", self.ticks
            here, there = self._mp.Pipe()
            proc = self._mp.Process(target=_child, args=(self.url, sorted(self.tickers), there),
                                    name="quote-stream-child", daemon=True)  # fmt: skip
            with self._lock:
                self._proc, self._conn = proc, here
            proc.start()
            there.close()
            try:
                while not self._stop.is_set():
                    if not here.poll(0.2):
                        if not proc.is_alive() and not here.poll(0):
                            break
                        continue
                    kind, value = here.recv()
                    if kind == "quote":
                        if value.ticker in self.tickers:
                            self.ticks += 1
                            self.on_quote(value)
                    elif kind == "dropped":
                        self.dropped += 1
                        self.last_dropped = value
                    elif kind == "live":
                        self._set("live", f"{len(self.tickers)} tickers")
                    elif kind == "closed":
                        reason = value or reason
                        break
            except (EOFError, OSError):
                pass  # the child is gone (killed by stop, or crashed): reconnect
            finally:
                self._kill()
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
