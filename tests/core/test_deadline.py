"""The deadline holds: a hung price source is abandoned and the caller returns in time."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from core.prices.isolated import IsolatedProvider
from core.prices.yahoo import YahooFactory
from tests.slow_providers import BrokenFactory, SleepyFactory, day


@pytest.fixture
def isolated():
    made = []

    def make(factory, deadline):
        p = IsolatedProvider(factory, deadline=deadline, name="test source")
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def test_a_hanging_call_is_abandoned_at_the_deadline(isolated):
    p = isolated(SleepyFactory(120), deadline=4)
    p.daily_bars(["FAST"], day(), day())  # warm the worker so the timing below is its own
    began = time.monotonic()
    r = p.daily_bars(["SLOW1", "SLOW2"], day(), day())
    took = time.monotonic() - began
    assert took < 4 + 2.5, took
    assert r.bars == {}
    assert r.failed == {t: "no answer from test source within 4 s; abandoned"
                        for t in ("SLOW1", "SLOW2")}  # fmt: skip


def test_a_hanging_minute_fetch_is_abandoned_at_the_deadline(isolated):
    """The quote tiles' 1-minute bars go through the same worker and deadline."""
    p = isolated(SleepyFactory(120), deadline=3)
    assert p.intraday(["FAST"]).points["FAST"]  # warm, and answered through the worker
    began = time.monotonic()
    r = p.intraday(["SLOW1", "NVDA"])
    assert time.monotonic() - began < 3 + 2.5
    assert r.points == {}
    assert r.failed == {t: "no answer from test source within 3 s; abandoned"
                        for t in ("SLOW1", "NVDA")}  # fmt: skip


def test_the_next_call_gets_a_fresh_worker(isolated):
    p = isolated(SleepyFactory(120), deadline=3)
    assert p.daily_bars(["SLOW"], day(), day()).failed
    r = p.daily_bars(["FAST"], day(), day())
    assert r.failed == {} and r.bars["FAST"][0].close == 1.0


def test_a_provider_bug_fails_the_call_not_the_worker(isolated):
    p = isolated(BrokenFactory(), deadline=10)
    r = p.daily_bars(["NVDA"], day(), day())
    assert r.failed == {"NVDA": "RuntimeError: bug in a provider"}
    assert p.quotes(["NVDA"]).failed == {}  # the same worker still answers


def test_close_during_a_hang_returns_at_once(isolated):
    p = isolated(SleepyFactory(120), deadline=60)
    p.quotes(["FAST"])
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=p.quotes(["SLOW"])))
    worker.start()
    time.sleep(0.5)
    began = time.monotonic()
    p.close()  # what quitting the app does
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - began < 3
    assert "SLOW" in result["r"].failed


@pytest.fixture
def silent_server():
    """A local socket that accepts connections and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield server.getsockname()[1]
    stop.set()
    t.join()
    for c in held:
        c.close()
    server.close()


def test_yahoo_through_a_silent_proxy_is_abandoned(isolated, silent_server):
    """The real Yahoo provider, its HTTP stuck on a connection that never answers."""
    proxy = f"http://127.0.0.1:{silent_server}"
    p = isolated(YahooFactory(cache_dir=None, timeout=300, proxy=proxy), deadline=6)
    began = time.monotonic()
    r = p.quotes(["NVDA", "CRWV"])
    took = time.monotonic() - began
    assert took < 6 + 2.5, took
    assert r.quotes == {}
    # It hung (no quick proxy error) and was abandoned by our deadline, not yfinance's.
    reason = "no answer from test source within 6 s; abandoned"
    assert r.failed == {"NVDA": reason, "CRWV": reason}
