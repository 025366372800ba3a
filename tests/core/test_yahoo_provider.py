"""The Yahoo provider on recorded yfinance answers: every frame shape, failures, backoff."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.prices.yahoo import YahooProvider, frame_to_result, quotes_from_json
from tests.yahoo_replay import YAHOO, ReplayDownload, load_frame

D = dt.date


def test_one_ticker_multiindex():
    r = frame_to_result(load_frame("download_one.csv"), ["CRWV"])
    bars = r.bars["CRWV"]
    assert [b.date for b in bars][:3] == [D(2025, 6, 23), D(2025, 6, 24), D(2025, 6, 25)]
    june30 = next(b for b in bars if b.date == D(2025, 6, 30))
    assert june30.close == 163.06  # the anchor in the shared data's README
    assert (june30.open, june30.volume) == (163.31, 13_731_800)
    assert r.failed == {} and r.splits["CRWV"] == []


def test_many_tickers_with_a_listing_inside_the_range():
    r = frame_to_result(load_frame("download_many.csv"), ["NVDA", "CRWV", "INTC"])
    assert len(r.bars["NVDA"]) == len(r.bars["INTC"]) == 10
    crwv = r.bars["CRWV"]
    assert crwv[0].date == D(2025, 3, 28)  # NaN rows before the IPO are skipped
    assert (crwv[0].open, crwv[0].close) == (39.0, 40.0)


def test_nan_last_bar_is_skipped():
    bars = frame_to_result(load_frame("download_nan_last.csv"), ["NVDA"]).bars["NVDA"]
    assert bars[-1].date == D(2026, 9, 25) and bars[-1].close == 225.07
    assert all(b.close == b.close for b in bars)  # no NaN closes


def test_closes_no_bar_can_hold_are_dropped():
    """A recorded answer with the last closes made 0, negative and infinite, and one bar
    dated in 1985: dropped like a NaN close (the stream and the quotes drop them too)."""
    frame = load_frame("download_one.csv")
    close = next(c for c in frame.columns if "Close" in c and "Adj" not in str(c))
    frame.loc[frame.index[-3:], close] = [0.0, -5.0, float("inf")]
    old = frame.index[0].replace(year=1985)
    frame.loc[old] = frame.iloc[0]
    good = frame_to_result(load_frame("download_one.csv"), ["CRWV"]).bars["CRWV"]
    bars = frame_to_result(frame, ["CRWV"]).bars["CRWV"]
    assert [b.date for b in bars] == [b.date for b in good[:-3]]
    assert all(0 < b.close < float("inf") for b in bars)


def test_empty_frame_fails_every_ticker():
    r = frame_to_result(load_frame("download_empty.csv"), ["TSP"])
    assert r.bars == {} and r.failed == {"TSP": "no price data returned"}


def test_split_event():
    r = frame_to_result(load_frame("download_split.csv"), ["NVDA"])
    assert [(s.date, s.ratio) for s in r.splits["NVDA"]] == [(D(2024, 6, 10), 10.0)]
    closes = {b.date: b.close for b in r.bars["NVDA"]}
    # Yahoo's closes are split-adjusted: no 10x jump across the split.
    assert 0.8 < closes[D(2024, 6, 10)] / closes[D(2024, 6, 7)] < 1.2


def test_flat_columns_for_one_ticker():
    r = frame_to_result(load_frame("download_flat.csv"), ["CRWV"])
    assert [b.close for b in r.bars["CRWV"]][:2] == [173.68, 172.62]


def test_provider_asks_for_one_batch_unadjusted_with_actions():
    replay = ReplayDownload("download_many.csv")
    p = YahooProvider(download=replay)
    r = p.daily_bars(["NVDA", "CRWV", "INTC"], D(2025, 3, 24), D(2025, 4, 4))
    assert set(r.bars) == {"NVDA", "CRWV", "INTC"}
    [call] = replay.calls
    assert call["auto_adjust"] is False and call["actions"] is True
    assert call["start"] == "2025-03-24" and call["end"] == "2025-04-05"  # end is exclusive


def test_chunks_of_at_most_fifty():
    replay = ReplayDownload("download_many.csv")
    tickers = ["NVDA", "CRWV", "INTC"] + [f"X{i}" for i in range(100)]
    r = YahooProvider(download=replay).daily_bars(tickers, D(2025, 3, 24), D(2025, 4, 4))
    assert [len(c["tickers"]) for c in replay.calls] == [50, 50, 3]
    assert len(r.failed) == 100 and len(r.bars) == 3


def test_unknown_ticker_fails_with_yfinances_reason():
    r = YahooProvider(download=ReplayDownload("download_many.csv")).daily_bars(
        ["NVDA", "TSP"], D(2025, 3, 24), D(2025, 4, 4))  # fmt: skip
    assert "NVDA" in r.bars
    assert "possibly delisted" in r.failed["TSP"]


def test_rate_limit_backs_off_then_succeeds():
    sleeps: list[float] = []
    replay = ReplayDownload("download_one.csv", rate_limited=2)
    p = YahooProvider(download=replay, sleep=sleeps.append, backoff=2.0)
    r = p.daily_bars(["CRWV"], D(2025, 6, 23), D(2025, 7, 3))
    assert sleeps == [2.0, 4.0]  # exponential, on the fake clock
    assert len(replay.calls) == 3 and "CRWV" in r.bars


def test_rate_limit_gives_up_after_max_tries():
    sleeps: list[float] = []
    p = YahooProvider(download=ReplayDownload("download_one.csv", rate_limited=9),
                      sleep=sleeps.append, max_tries=3, backoff=1.0)  # fmt: skip
    r = p.daily_bars(["CRWV"], D(2025, 6, 23), D(2025, 7, 3))
    assert sleeps == [1.0, 2.0]
    assert r.failed == {"CRWV": "rate limited by Yahoo (HTTP 429) after 3 tries"}


def test_a_network_error_is_a_plain_reason():
    def down(*_a, **_k):
        raise RuntimeError("Failed to perform, curl: (6) Could not resolve host: "
                           "query2.finance.yahoo.com. See https://curl.se/libcurl/ for more")

    r = YahooProvider(download=down).daily_bars(["NVDA", "CRWV"], D(2025, 1, 2), D(2025, 1, 3))
    assert r.failed == {t: "no network: cannot resolve Yahoo's address" for t in ("NVDA", "CRWV")}


def test_quotes_from_recorded_json():
    payload = json.loads((YAHOO / "quote_nvda_crwv.json").read_text())
    r = quotes_from_json(payload, ["NVDA", "CRWV", "ZZZZ"])
    nvda = r.quotes["NVDA"]
    assert (nvda.price, nvda.previous_close, nvda.currency) == (225.07, 224.57, "USD")
    assert nvda.quote_time == dt.datetime(2026, 9, 25, 20, 0, tzinfo=dt.UTC)
    assert nvda.market_state == "REGULAR"
    assert round(nvda.change_pct, 4) == 0.2226
    assert r.quotes["CRWV"].quote_time == dt.datetime(2025, 6, 30, 20, 0, tzinfo=dt.UTC)
    assert r.failed == {"ZZZZ": "Yahoo returned no quote"}


def test_quote_rate_limit_backoff():
    sleeps: list[float] = []
    quote = {"symbol": "NVDA", "regularMarketPrice": 1.0, "regularMarketTime": 1764600000}
    answers = iter([RuntimeError("HTTP 429 Too Many Requests"),
                    {"quoteResponse": {"result": [quote]}}])

    def fetch(_tickers):
        a = next(answers)
        if isinstance(a, Exception):
            raise a
        return a

    r = YahooProvider(fetch_quotes=fetch, sleep=sleeps.append).quotes(["NVDA"])
    assert sleeps == [2.0] and r.quotes["NVDA"].price == 1.0


@pytest.mark.skipif("not __import__('os').environ.get('STAKEWATCH_LIVE_TESTS')")
@pytest.mark.live
def test_live_yahoo():  # opt-in: STAKEWATCH_LIVE_TESTS=1
    r = YahooProvider().daily_bars(["NVDA"], D(2025, 6, 27), D(2025, 7, 1))
    assert r.bars["NVDA"][-1].close > 0
