"""Live ticks through yfinance's WebSocket from a local streamer sending Yahoo's real
message format: decoded to quotes, reconnected with backoff, given up on (so the window
polls) when the link keeps failing, and stopped at once."""

from __future__ import annotations

import threading
import time

from core.prices.stream import QuoteStream, quote_of
from tests.stream_server import StreamServer


def until(predicate, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class Recorder:
    def __init__(self) -> None:
        self.quotes = []
        self.states: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def quote(self, q) -> None:
        with self.lock:
            self.quotes.append(q)

    def state(self, state: str, detail: str) -> None:
        with self.lock:
            self.states.append((state, detail))

    def names(self) -> list[str]:
        with self.lock:
            return [s for s, _ in self.states]


def test_ticks_arrive_as_quotes_with_their_time_and_previous_close():
    rec = Recorder()
    with StreamServer(rate=20, prices={"NVDA": 180.0, "CRWV": 95.0}) as server:
        stream = QuoteStream(server.url, rec.quote, rec.state)
        stream.start(["NVDA", "CRWV"])
        try:
            assert until(lambda: len({q.ticker for q in rec.quotes}) == 2)
        finally:
            stream.stop()
    assert sorted(server.subscribed[0]) == ["CRWV", "NVDA"]
    nvda = next(q for q in rec.quotes if q.ticker == "NVDA")
    assert abs(nvda.price - 180.0) < 2 and nvda.previous_close == 180.0
    assert nvda.source == "stream" and nvda.market_state == "REGULAR"
    assert abs(time.time() - nvda.quote_time.timestamp()) < 30
    assert rec.names()[:2] == ["connecting", "live"] and rec.names()[-1] == "stopped"
    assert not stream.running()


def test_a_dropped_link_reconnects_after_a_backoff():
    rec = Recorder()
    with StreamServer(rate=50, drop_after=5) as server:
        stream = QuoteStream(server.url, rec.quote, rec.state, backoff=(0.05,))
        stream.start(["NVDA"])
        try:
            assert until(lambda: server.connections >= 3)
        finally:
            stream.stop()
    assert "retrying" in rec.names() and len(rec.quotes) >= 10
    assert "failed" not in rec.names()  # each link brought ticks: never given up


def test_a_link_that_keeps_failing_is_given_up_so_the_window_polls():
    rec = Recorder()
    with StreamServer(refuse=True) as server:
        stream = QuoteStream(server.url, rec.quote, rec.state, backoff=(0.01, 0.02),
                             give_up_after=3)  # fmt: skip
        stream.start(["NVDA"])
        assert until(lambda: "failed" in rec.names())
        stream.stop()
    assert server.connections == 3 and rec.quotes == []
    state, detail = rec.states[-1]
    assert state == "failed" and "3 tries" in detail


def test_nothing_listens_there_at_all():
    rec = Recorder()
    with StreamServer() as server:
        url = server.url
    stream = QuoteStream(url, rec.quote, rec.state, backoff=(0.01,), give_up_after=2)
    stream.start(["NVDA"])
    assert until(lambda: "failed" in rec.names())
    stream.stop()


def test_a_message_that_is_not_a_tick_is_ignored():
    assert quote_of({"error": "bad", "raw_base64": "xx"}) is None
    assert quote_of({"id": "NVDA"}) is None
    q = quote_of({"id": "nvda", "price": 10.5, "time": "1764600000000", "market_hours": 2})
    assert (q.ticker, q.price, q.market_state) == ("NVDA", 10.5, "POST")
