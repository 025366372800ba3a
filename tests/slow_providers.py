"""Providers for the deadline tests; module-level so a spawned worker can import them."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from core.domain.prices import BarsResult, DailyBar, IntradayResult, QuotesResult


class SleepyProvider:
    """Answers at once, except for tickers named SLOW*, which take `seconds`."""

    name = "sleepy"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def daily_bars(self, tickers, start, end) -> BarsResult:
        if any(t.startswith("SLOW") for t in tickers):
            time.sleep(self.seconds)
        bar = DailyBar("", end, 1, 1, 1, 1.0, 1.0, 1, "sleepy")
        return BarsResult(bars={t: [replace(bar, ticker=t)] for t in tickers})

    def quotes(self, tickers) -> QuotesResult:
        if any(t.startswith("SLOW") for t in tickers):
            time.sleep(self.seconds)
        return QuotesResult()

    def intraday(self, tickers) -> IntradayResult:
        if any(t.startswith("SLOW") for t in tickers):
            time.sleep(self.seconds)
        when = dt.datetime(2025, 6, 30, 13, 30, tzinfo=dt.UTC)
        return IntradayResult(points={t: [(when, 1.0)] for t in tickers})

    def close(self) -> None:
        pass


class SleepyFactory:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> SleepyProvider:
        return SleepyProvider(self.seconds)


class BrokenFactory:
    """A provider whose method raises: the worker reports it and keeps serving."""

    def __call__(self):
        class Broken(SleepyProvider):
            def daily_bars(self, tickers, start, end):
                raise RuntimeError("bug in a provider")

        return Broken(0)


def day() -> dt.date:
    return dt.date(2025, 6, 30)
