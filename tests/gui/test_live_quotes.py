"""Streamed ticks reach the quote tiles (throttled, nothing else repainted), with today's
line; a stream that keeps failing hands over to polling; offline streams nothing."""

from __future__ import annotations

from tests.stream_server import StreamServer


def test_ticks_reach_the_tiles_and_pause_polling(qtbot, make_window, gctx):
    with StreamServer(rate=20, prices={"NVDA": 180.0, "CRWV": 95.0}) as server:
        gctx.stream_url = server.url
        w = make_window(gctx)
        tile = w.quotes.tiles["NVDA"]
        qtbot.waitUntil(lambda: "live · " in tile.text() and w.live.state == "live",
                        timeout=10_000)  # fmt: skip
        assert not w.quote_timer.isActive()  # the stream brings the quotes now
        assert w.last_refresh.text() == "quotes: live stream"
        qtbot.waitUntil(lambda: len(tile.spark.points) >= 3, timeout=10_000)
        assert tile.spark.reference == 180.0 and tile.spark.isVisibleTo(tile)
        # A cached answer read later never replaces the newer streamed tick.
        from core.services.prices import PriceNow

        old = PriceNow("NVDA", 1.0, quote_time=gctx.prices.clock().replace(year=2020),
                       source="cache")  # fmt: skip
        w._set_quotes([old])
        assert "$1.00" not in tile.text()
        w.close()
        assert w.live.stream is None


def test_a_failing_stream_hands_over_to_polling(qtbot, make_window, gctx, monkeypatch):
    from core.prices.stream import QuoteStream

    with StreamServer(refuse=True) as server:
        monkeypatch.setattr(gctx, "quote_stream", lambda on_quote, on_state: QuoteStream(
            server.url, on_quote, on_state, backoff=(0.01,), give_up_after=2))
        w = make_window(gctx)
        qtbot.waitUntil(lambda: w.live.state == "failed", timeout=10_000)
        assert w.quote_timer.isActive() and "live" not in w.last_refresh.text()
        assert "polling every" in w.statusBar().currentMessage()


def test_offline_streams_nothing(qtbot, make_window, gctx):
    from dataclasses import replace

    gctx.settings = replace(gctx.settings, offline=True)
    gctx.stream_url = "ws://127.0.0.1:9/"  # would fail loudly if anything tried it
    w = make_window(gctx)
    assert w.live.stream is None and w.live.state == "off"


def _minutes():
    from core.prices.yahoo import YahooProvider
    from tests.yahoo_replay import ReplayHistory

    return YahooProvider(history=ReplayHistory()).intraday(["NVDA"]).points


def test_the_tile_line_starts_from_the_sessions_minutes(qtbot, make_window, gctx,
                                                         memory_provider):  # fmt: skip
    """Fetched once through core's provider, before any tick: today's line from 09:30."""
    memory_provider.minutes = _minutes()
    w = make_window(gctx)
    tile = w.quotes.tiles["NVDA"]
    qtbot.waitUntil(lambda: w.live.minutes_loaded, timeout=10_000)
    minutes = memory_provider.minutes["NVDA"]
    assert tile.spark.points == [(t.timestamp(), p) for t, p in minutes]
    assert tile.spark.reference == 129.9  # the quote's previous close
    assert tile.spark.isVisibleTo(tile)
    assert not w.quotes.tiles["CRWV"].spark.points  # no minutes for it: no line invented
    # A tick after the last minute extends the line; an older one never rewinds it.
    last = minutes[-1][0].timestamp()
    tile.spark.add(last + 60, 181.5, 129.9)
    tile.spark.add(last - 600, 1.0, 129.9)
    assert tile.spark.points[-1] == (last + 60, 181.5) and len(tile.spark.points) == 30
    calls = [c for c in memory_provider.calls if c[0] == "intraday"]
    assert calls == [("intraday", ("NVDA", "CRWV"), None, None)]  # once, for the tiles


def test_offline_fetches_no_minutes(qtbot, make_window, gctx, memory_provider):
    from dataclasses import replace

    memory_provider.minutes = _minutes()
    gctx.settings = replace(gctx.settings, offline=True)
    w = make_window(gctx)
    assert not any(c[0] == "intraday" for c in memory_provider.calls)
    assert not w.quotes.tiles["NVDA"].spark.points and not w.live.minutes_loaded
