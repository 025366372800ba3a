"""Streamed ticks reach the quote tiles (throttled, nothing else repainted), with today's
line; a stream that keeps failing hands over to polling; offline streams nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.stream_server import StreamServer


def test_ticks_reach_the_tiles_and_pause_polling(qtbot, make_window, gctx):
    with StreamServer(rate=20, prices={"NVDA": 180.0, "CRWV": 95.0}) as server:
        gctx.stream_url = server.url
        w = make_window(gctx)
        tile = w.quotes.tiles["NVDA"]
        qtbot.waitUntil(lambda: "live · " in tile.text() and w.live.state == "live",
                        timeout=10_000)  # fmt: skip
        assert not w.quote_actions.timer.isActive()  # the stream brings the quotes now
        assert w.quote_actions.last_refresh.text() == "quotes: live stream"
        qtbot.waitUntil(lambda: len(tile.spark.points) >= 3, timeout=10_000)
        assert tile.spark.reference == 180.0 and tile.spark.isVisibleTo(tile)
        # A cached answer read later never replaces the newer streamed tick.
        from core.services.prices import PriceNow

        old = PriceNow("NVDA", 1.0, quote_time=gctx.prices.clock().replace(year=2020),
                       source="cache")  # fmt: skip
        w.quote_actions.set_quotes([old])
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
        quotes = w.quote_actions
        assert quotes.timer.isActive() and "live" not in quotes.last_refresh.text()
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


def _tick(ticker: str, price: float, previous: float, when):
    from core.domain.prices import Quote

    return Quote(ticker, price, previous, "USD", when, "REGULAR", "stream")


def test_holdings_value_gain_and_totals_follow_the_ticks(qtbot, make_window, gctx):
    """Streamed ticks reprice Holdings' value now, an own book's gain and day's change, its
    totals row and the summary line; an older tick changes nothing, and a reload (cached
    prices) keeps the newer tick."""
    import datetime as dt

    from gui.formatting import money_short, signed_money
    from gui.models.holdings_table_model import COL_DAY, COL_GAIN, COL_TICKER, COL_VALUE_NOW
    from tests.gui.conftest import idle, own_book_window

    w = own_book_window(qtbot, make_window, gctx, "holdings")
    page, model = w.holdings, w.holdings.model
    rows = {model.index(i, COL_TICKER).data(): i for i in range(model.rowCount())}
    crwv, nvda = rows["CRWV"], rows["NVDA"]
    before_nvda = model.index(nvda, COL_VALUE_NOW).data()
    assert model.index(crwv, COL_VALUE_NOW).data() != money_short(15_000.0)

    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    w.live.bridge.quote.emit(_tick("CRWV", 150.0, 140.0, when))
    w.live.flush()
    assert model.index(crwv, COL_VALUE_NOW).data() == money_short(15_000.0)  # 100 x 150
    assert model.index(crwv, COL_GAIN).data() == signed_money(11_000.0)  # against 100 x 40
    assert model.index(crwv, COL_DAY).data() == signed_money(1_000.0)  # 100 x (150 - 140)
    tip = model.index(crwv, COL_VALUE_NOW).data(Qt.ItemDataRole.ToolTipRole)
    assert "150.00" in tip and "live" in tip and f"{when:%Y-%m-%d %H:%M} UTC" in tip
    assert model.index(nvda, COL_VALUE_NOW).data() == before_nvda  # it did not tick
    nvda_value = model.row_at(nvda).value_now
    total = page.totals_model.index(0, COL_VALUE_NOW).data()
    assert total == money_short(15_000.0 + nvda_value)
    assert page.totals_model.index(0, COL_GAIN).data() == signed_money(11_000.0)
    assert f"priced now: {money_short(15_000.0 + nvda_value)}" in page.summary.text()

    # An older tick never rewinds the row.
    w.live.bridge.quote.emit(_tick("CRWV", 1.0, 140.0, when - dt.timedelta(hours=1)))
    w.live.flush()
    assert model.index(crwv, COL_VALUE_NOW).data() == money_short(15_000.0)
    # A reload brings the cached prices; the newer tick is put back once they are shown.
    page.reload()
    idle(qtbot, w)
    qtbot.waitUntil(lambda: model.index(rows["CRWV"], COL_VALUE_NOW).data()
                    == money_short(15_000.0), timeout=2000)  # fmt: skip
    assert page.totals_model.index(0, COL_GAIN).data() == signed_money(11_000.0)


def test_a_filers_holdings_follow_the_ticks_split_adjusted(qtbot, make_window, gctx):
    """NVIDIA's book: CoreWeave's value now is the filed shares (split-adjusted since the
    period, as core counts them) times the tick; sold-out rows stay at zero."""
    import datetime as dt

    from gui.formatting import money_short
    from gui.models.holdings_table_model import COL_TICKER, COL_VALUE_NOW
    from tests.gui.conftest import idle

    w = make_window(gctx)
    w.show_page("holdings")
    idle(qtbot, w)
    model = w.holdings.model
    i = next(i for i in range(model.rowCount())
             if model.index(i, COL_TICKER).data() == "CRWV"
             and model.row_at(i).status != "SOLD OUT")  # fmt: skip
    row = model.row_at(i)
    sold = [j for j in range(model.rowCount()) if model.row_at(j).status == "SOLD OUT"]
    w.live.bridge.quote.emit(_tick("CRWV", 123.0, 120.0, dt.datetime.now(dt.UTC)))
    w.live.flush()
    expected = row.position.shares * row.split_factor * 123.0
    assert model.row_at(i).value_now == expected
    assert model.index(i, COL_VALUE_NOW).data() == money_short(expected)
    assert all(model.row_at(j).value_now == 0.0 for j in sold)


def test_the_dashboard_follows_the_ticks_once_a_second(qtbot, make_window, gctx):
    """NVIDIA's book: a CoreWeave tick moves the value card, the concentration card and the
    allocation, by core's figures (the other positions keep their cached prices)."""
    import datetime as dt

    from gui.formatting import money_short, percent
    from tests.gui.conftest import idle

    w = make_window(gctx)
    w.show_page("dashboard")
    idle(qtbot, w)
    page = w.dashboard
    before = page.summary
    crwv = next(p for p in before.positions if p.position.ticker == "CRWV")
    w.live.bridge.quote.emit(_tick("CRWV", 300.0, 290.0, dt.datetime.now(dt.UTC)))
    w.live.flush()
    assert page.summary is before  # not yet: the cards change at most once a second
    qtbot.waitUntil(lambda: page.summary is not before, timeout=3000)
    expected = before.total_now - crwv.value_now + crwv.shares_now * 300.0
    assert abs(page.summary.total_now - expected) < 1e-6 * expected
    assert page.value_card.figure.text() == money_short(expected)
    top = max(page.summary.positions, key=lambda p: p.value_now)
    assert percent(top.weight_now) in page.concentration_card.figure.text()
    slices = {s.name: s.value for s in page.allocation.slices}
    assert slices["CRWV"] == crwv.shares_now * 300.0


def test_an_own_dashboard_gain_follows_the_ticks(qtbot, make_window, gctx):
    import datetime as dt

    from core.domain.own import HoldingInput
    from gui.formatting import money_short, signed_money
    from tests.gui.conftest import idle

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    w.show_page("dashboard")
    idle(qtbot, w)
    page = w.dashboard
    qtbot.waitUntil(lambda: page.pnl is not None, timeout=5000)
    w.live.bridge.quote.emit(_tick("CRWV", 150.0, 140.0, dt.datetime.now(dt.UTC)))
    w.live.flush()
    qtbot.waitUntil(lambda: page.value_card.figure.text() == money_short(15_000.0),
                    timeout=3000)  # fmt: skip
    assert signed_money(11_000.0) in page.gain_card.figure.text()
    assert "today" in page.gain_card.detail.text() and signed_money(1_000.0) in \
        page.gain_card.detail.text()
