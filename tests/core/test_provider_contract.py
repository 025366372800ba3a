"""What every PriceProvider promises, checked on each: the Yahoo provider fed with recorded
answers, and the in-memory fake the rest of the suite uses."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.domain.prices import DailyBar, Quote
from core.prices.provider import MemoryProvider, PriceProvider
from core.prices.yahoo import YahooProvider
from tests.yahoo_replay import YAHOO, ReplayDownload, ReplayHistory, load_frame

START, END = dt.date(2025, 3, 24), dt.date(2025, 4, 4)


def _memory() -> MemoryProvider:
    from core.prices.yahoo import frame_to_result

    recorded = frame_to_result(load_frame("download_many.csv"), ["NVDA", "CRWV", "INTC"])
    when = dt.datetime(2026, 9, 25, 20, tzinfo=dt.UTC)
    minutes = YahooProvider(history=ReplayHistory()).intraday(["NVDA"]).points
    return MemoryProvider(
        bars=recorded.bars, minutes=minutes,
        quotes={"NVDA": Quote("NVDA", 225.07, 224.57, "USD", when, "REGULAR", "memory"),
                "CRWV": Quote("CRWV", 163.06, 159.99, "USD", when, "CLOSED", "memory")},
    )  # fmt: skip


def _yahoo() -> YahooProvider:
    payload = json.loads((YAHOO / "quote_nvda_crwv.json").read_text())
    return YahooProvider(download=ReplayDownload("download_many.csv"),
                         fetch_quotes=lambda _t: payload, history=ReplayHistory())  # fmt: skip


@pytest.fixture(params=["memory", "yahoo"])
def provider(request) -> PriceProvider:
    return {"memory": _memory, "yahoo": _yahoo}[request.param]()


def test_is_a_price_provider(provider):
    assert isinstance(provider, PriceProvider)
    assert provider.name


def test_bars_lie_in_range_sorted_and_typed(provider):
    r = provider.daily_bars(["NVDA", "CRWV", "INTC"], START, END)
    assert set(r.bars) == {"NVDA", "CRWV", "INTC"} and r.failed == {}
    for ticker, bars in r.bars.items():
        assert bars, ticker
        assert all(isinstance(b, DailyBar) and b.ticker == ticker for b in bars)
        dates = [b.date for b in bars]
        assert dates == sorted(set(dates))
        assert dates[0] >= START and dates[-1] <= END
        assert all(b.close > 0 for b in bars)


def test_end_is_inclusive_and_narrow_ranges_work(provider):
    r = provider.daily_bars(["NVDA"], dt.date(2025, 3, 28), dt.date(2025, 3, 28))
    assert [b.date for b in r.bars["NVDA"]] == [dt.date(2025, 3, 28)]


def test_unknown_tickers_fail_with_a_reason_not_an_exception(provider):
    r = provider.daily_bars(["NVDA", "NOPE"], START, END)
    assert "NVDA" in r.bars
    assert set(r.failed) == {"NOPE"} and r.failed["NOPE"].strip()


def test_quotes_carry_an_aware_exchange_time(provider):
    r = provider.quotes(["NVDA", "CRWV", "NOPE"])
    assert set(r.quotes) == {"NVDA", "CRWV"} and set(r.failed) == {"NOPE"}
    for q in r.quotes.values():
        assert q.price > 0 and q.quote_time.tzinfo is not None


def test_intraday_is_the_sessions_minutes_in_utc_order(provider):
    r = provider.intraday(["NVDA", "NOPE"])
    assert set(r.points) == {"NVDA"} and set(r.failed) == {"NOPE"} and r.failed["NOPE"].strip()
    points = r.points["NVDA"]
    times = [t for t, _ in points]
    assert times == sorted(set(times)) and all(t.tzinfo is not None for t in times)
    # 09:30 New York is 13:30 UTC; the minute without a trade (09:37) is left out.
    assert times[0] == dt.datetime(2026, 9, 25, 13, 30, tzinfo=dt.UTC)
    assert dt.datetime(2026, 9, 25, 13, 37, tzinfo=dt.UTC) not in times
    assert len(points) == 29 and all(price > 0 for _, price in points)


def test_results_cross_a_process_boundary(provider):
    """Providers run in a worker process: their results must pickle."""
    import pickle

    r = provider.daily_bars(["NVDA"], START, END)
    assert pickle.loads(pickle.dumps(r)) == r
    q = provider.quotes(["NVDA"])
    assert pickle.loads(pickle.dumps(q)) == q
    m = provider.intraday(["NVDA"])
    assert pickle.loads(pickle.dumps(m)) == m
