"""Quotes and price refreshes in the window: off the GUI thread, shown with their source."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from core.context import AppContext
from core.domain.prices import DailyBar, Quote
from core.prices.provider import MemoryProvider
from gui.main_window import MainWindow

WHEN = dt.datetime(2026, 9, 25, 20, 0, tzinfo=dt.UTC)


class SlowProvider(MemoryProvider):
    """Takes `delay` seconds per request, like a slow network."""

    def __init__(self, delay: float, **kw) -> None:
        super().__init__(**kw)
        self.delay = delay

    def daily_bars(self, tickers, start, end):
        time.sleep(self.delay)
        return super().daily_bars(tickers, start, end)

    def quotes(self, tickers):
        time.sleep(self.delay / 4)
        return super().quotes(tickers)


def provider(delay: float = 0.0) -> SlowProvider:
    return SlowProvider(
        delay,
        bars={"NVDA": [DailyBar("NVDA", dt.date(2026, 9, 25), 1, 1, 1, 225.07, None, 1, "m")]},
        quotes={"NVDA": Quote("NVDA", 225.07, 224.57, "USD", WHEN, "CLOSED", "memory")},
        failures={"CRWV": "no network: cannot resolve Yahoo's address"},
    )  # fmt: skip


@pytest.fixture
def open_ctx(db_file):
    made = []

    def make(p, **kw):
        c = AppContext.open(str(db_file), provider=p, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def window(qtbot, ctx) -> MainWindow:
    w = MainWindow(ctx.queries, ctx.prices, ctx.settings)
    qtbot.addWidget(w)
    return w


def tile_text(w, ticker):
    return w.quotes.tiles[ticker].label.text()


def test_quotes_arrive_in_the_background_with_their_source(qtbot, open_ctx):
    w = window(qtbot, open_ctx(provider()))
    qtbot.waitUntil(lambda: "$225.07" in tile_text(w, "NVDA"), timeout=5000)
    assert "+0.22%" in tile_text(w, "NVDA") and "live" in tile_text(w, "NVDA")
    crwv = w.quotes.tiles["CRWV"]
    # CoreWeave's live quote failed: the tile shows the filing's price, labelled so.
    qtbot.waitUntil(lambda: "filing" in crwv.label.text(), timeout=5000)
    assert "not live: no network" in crwv.toolTip()
    assert "CRWV: no network" in w.statusBar().currentMessage()


def test_f5_refreshes_prices_and_reports_failures(qtbot, open_ctx):
    w = window(qtbot, open_ctx(provider()))
    qtbot.waitUntil(lambda: not w.runner.running(), timeout=5000)
    messages: list[str] = []
    w.statusBar().messageChanged.connect(messages.append)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: any("Prices refreshed" in m for m in messages), timeout=5000)
    qtbot.waitUntil(lambda: not w.runner.running(), timeout=5000)
    done = next(m for m in messages if "Prices refreshed" in m)
    assert "1 new daily bars" in done
    assert "CRWV (no network: cannot resolve Yahoo's address)" in done
    assert any(m.startswith("Refreshing prices [") for m in messages)  # progress was shown
    assert w.refresh_action.isEnabled()


def test_the_window_keeps_painting_during_a_slow_refresh(qtbot, open_ctx):
    """A timer records event-loop lateness while a 1.5 s refresh runs."""
    w = window(qtbot, open_ctx(provider(delay=1.5)))
    qtbot.waitUntil(lambda: not w.runner.running(), timeout=5000)
    lateness: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick():
        now = clock.elapsed()
        lateness.append(now - last[0] - 10)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    w.refresh_prices()
    qtbot.waitUntil(lambda: w.refresh_action.isEnabled(), timeout=10_000)
    timer.stop()
    assert len(lateness) > 50
    assert max(lateness) < 100, max(lateness)


def test_offline_shows_the_cache_and_never_fetches(qtbot, open_ctx):
    p = provider()
    w = window(qtbot, open_ctx(p, offline=True))
    assert not w.refresh_action.isEnabled()
    assert not w.quote_timer.isActive()
    assert "offline" in tile_text(w, "CRWV") and "filing" in tile_text(w, "CRWV")
    assert p.calls == []


def test_closing_mid_refresh_does_not_wait_for_the_network(qtbot, open_ctx):
    w = window(qtbot, open_ctx(provider(delay=1.0)))
    w.refresh_prices()
    began = time.monotonic()
    w.close()
    assert time.monotonic() - began < 3
    assert not w.runner.running("prices") or w.runner.pool.activeThreadCount() == 0
