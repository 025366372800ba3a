"""Refreshing prices: incremental, split-aware, never storing an in-progress bar, losing
nothing on failure; and the best price known now, with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from core.domain.prices import DailyBar, Quote, Split
from core.prices.provider import MemoryProvider
from core.services.prices import HISTORY_START, PriceRefresher
from core.storage.price_store import PriceStore

D = dt.date
NY_EVENING = dt.datetime(2025, 7, 2, 23, 0, tzinfo=dt.UTC)  # 19:00 New York, Wednesday


def weekdays(start: D, end: D):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


def bars(ticker: str, start: D, end: D, price: float = 10.0) -> list[DailyBar]:
    return [DailyBar(ticker, d, price, price, price, price + i * 0.01, None, 1000, "memory")
            for i, d in enumerate(weekdays(start, end))]  # fmt: skip


def refresher(ctx, provider, now=NY_EVENING):
    return PriceRefresher(ctx.db, provider, clock=lambda: now)


def run(gen):
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            return stop.value, progress


def stored(ctx, ticker):
    with ctx.db.session() as s:
        return PriceStore(s).bars(ticker)


def test_first_refresh_fetches_history_then_only_missing_days(empty_ctx):
    p = MemoryProvider(bars={"CRWV": bars("CRWV", D(2025, 3, 28), D(2025, 7, 2))})
    r1, progress = run(refresher(empty_ctx, p).refresh(["CRWV"]))
    assert p.calls[-1] == ("daily_bars", ("CRWV",), HISTORY_START, D(2025, 7, 2))
    assert r1.updated["CRWV"].rows_added == len(stored(empty_ctx, "CRWV")) > 60
    assert progress[-1].done == progress[-1].total == 1
    later = dt.datetime(2025, 7, 8, 22, 0, tzinfo=dt.UTC)
    p.bars["CRWV"] = bars("CRWV", D(2025, 3, 28), D(2025, 7, 8))
    r2, _ = run(refresher(empty_ctx, p, later).refresh(["CRWV"]))
    assert p.calls[-1] == ("daily_bars", ("CRWV",), D(2025, 7, 3), D(2025, 7, 8))
    assert r2.updated["CRWV"].rows_added == 4  # Thu, Fri, Mon, Tue
    assert r2.updated["CRWV"].last_date == D(2025, 7, 8)


def test_up_to_date_tickers_are_not_fetched(empty_ctx):
    p = MemoryProvider(bars={"CRWV": bars("CRWV", D(2025, 6, 2), D(2025, 7, 2))})
    run(refresher(empty_ctx, p).refresh(["CRWV"]))
    calls = len(p.calls)
    r, _ = run(refresher(empty_ctx, p).refresh(["CRWV"]))
    assert len(p.calls) == calls
    assert r.updated["CRWV"].rows_added == 0


def test_the_bar_of_a_session_in_progress_is_never_stored(empty_ctx):
    midday = dt.datetime(2025, 7, 2, 16, 0, tzinfo=dt.UTC)  # 12:00 New York
    p = MemoryProvider(bars={"NVDA": bars("NVDA", D(2025, 6, 23), D(2025, 7, 2))})
    r, _ = run(refresher(empty_ctx, p, midday).refresh(["NVDA"]))
    assert stored(empty_ctx, "NVDA")[-1].date == D(2025, 7, 1)
    assert r.updated["NVDA"].last_date == D(2025, 7, 1)


def test_a_failed_refresh_loses_nothing(empty_ctx):
    p = MemoryProvider(bars={"NVDA": bars("NVDA", D(2025, 6, 2), D(2025, 6, 30))})
    run(refresher(empty_ctx, p).refresh(["NVDA"]))
    before = stored(empty_ctx, "NVDA")
    broken = MemoryProvider(failures={"NVDA": "rate limited by Yahoo (HTTP 429) after 4 tries"})
    r, _ = run(refresher(empty_ctx, broken).refresh(["NVDA", "CRWV"]))
    assert r.failed["NVDA"].startswith("rate limited")
    assert "CRWV" in r.failed and "NVDA" not in r.updated
    assert stored(empty_ctx, "NVDA") == before


def test_a_new_split_refetches_that_tickers_history(empty_ctx):
    old = bars("NVDA", D(2024, 5, 1), D(2024, 6, 7), price=1200.0)
    p = MemoryProvider(bars={"NVDA": old})
    run(refresher(empty_ctx, p, dt.datetime(2024, 6, 7, 22, tzinfo=dt.UTC)).refresh(["NVDA"]))
    # After the split Yahoo re-adjusts all history: a tenth of the old prices.
    adjusted = bars("NVDA", D(2024, 5, 1), D(2024, 6, 14), price=120.0)
    p.bars["NVDA"] = adjusted
    p.splits["NVDA"] = [Split("NVDA", D(2024, 6, 10), 10.0)]
    after = dt.datetime(2024, 6, 14, 22, tzinfo=dt.UTC)
    r, _ = run(refresher(empty_ctx, p, after).refresh(["NVDA"]))
    assert r.updated["NVDA"].refetched_for_split
    assert p.calls[-1] == ("daily_bars", ("NVDA",), HISTORY_START, D(2024, 6, 14))
    got = stored(empty_ctx, "NVDA")
    assert got[0].date == D(2024, 5, 1) and got[0].close == 120.0  # old rows replaced
    with empty_ctx.db.session() as s:
        assert PriceStore(s).splits(["NVDA"])["NVDA"] == [Split("NVDA", D(2024, 6, 10), 10.0)]
    again, _ = run(refresher(empty_ctx, p, after).refresh(["NVDA"], since=D(2024, 6, 10)))
    assert not again.updated["NVDA"].refetched_for_split  # a known split is not new


def test_default_tickers_are_nvda_crwv_and_every_held_one(ctx):
    tickers = PriceRefresher(ctx.db, MemoryProvider()).default_tickers()
    assert tickers[:2] == ["NVDA", "CRWV"]
    # TuSimple (TSP when NVIDIA reported it) is priced under today's symbol, TSPH.
    assert {"INTC", "ARM", "SPCX", "TSPH", "GENB"} <= set(tickers) and "TSP" not in tickers
    assert len(tickers) == len(set(tickers)) == 17


def test_quotes_are_stored_with_both_times(empty_ctx):
    when = dt.datetime(2025, 7, 2, 19, 59, tzinfo=dt.UTC)
    p = MemoryProvider(quotes={"NVDA": Quote("NVDA", 157.25, 153.3, "USD", when, "REGULAR")})
    rep = refresher(empty_ctx, p).refresh_quotes(["nvda", "CRWV"])
    assert set(rep.quotes) == {"NVDA"} and set(rep.failed) == {"CRWV"}
    with empty_ctx.db.session() as s:
        [(q, fetched)] = PriceStore(s).quotes(["NVDA"]).values()
    assert q.quote_time == when and fetched == NY_EVENING and q.price == 157.25


def test_prices_now_prefers_live_then_cache_then_filing(ctx):
    when = dt.datetime(2025, 7, 2, 19, 59, tzinfo=dt.UTC)
    p = MemoryProvider(
        quotes={"NVDA": Quote("NVDA", 157.25, 153.3, "USD", when, "REGULAR")},
        bars={"CRWV": bars("CRWV", D(2025, 6, 23), D(2025, 7, 2), price=160.0)},
        failures={"INTC": "no network: cannot resolve Yahoo's address"},
    )
    r = refresher(ctx, p)
    run(r.refresh(["CRWV"]))
    got = {x.ticker: x for x in r.prices_now(["NVDA", "CRWV", "INTC", "ZZZZ"])}
    assert (got["NVDA"].source, got["NVDA"].price) == ("live", 157.25)
    assert got["NVDA"].age_seconds == pytest.approx(3 * 3600 + 60)
    assert got["CRWV"].source == "cache" and got["CRWV"].detail == "close of 2025-07-02"
    assert got["CRWV"].previous_close == pytest.approx(160.06)
    intc = got["INTC"]
    assert intc.source == "filing" and "0001045810-26-000065" in intc.detail
    assert intc.price == pytest.approx(29_989_261_126 / 214_776_632, rel=1e-9)
    assert intc.reason == "no network: cannot resolve Yahoo's address"
    assert got["ZZZZ"].price is None and got["ZZZZ"].reason
    # Offline: the cached quote of NVDA now answers, labelled as cache.
    again = {x.ticker: x for x in r.prices_now(["NVDA"], live=False)}
    assert (again["NVDA"].source, again["NVDA"].price) == ("cache", 157.25)
