"""The PriceProvider interface every price source implements, and a fake for tests/demos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from core.domain.prices import (
    BarsResult,
    DailyBar,
    IntradayResult,
    Quote,
    QuotesResult,
    Split,
)


@runtime_checkable
class PriceProvider(Protocol):
    """Daily bars, splits and latest quotes for many tickers at once.

    Failures are data, not exceptions: a result names each failed ticker with its reason.
    `end` is inclusive. Implementations must not store anything.
    """

    name: str

    def daily_bars(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> BarsResult: ...

    def quotes(self, tickers: Sequence[str]) -> QuotesResult: ...

    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        """Today's (the latest session's) 1-minute closes: a quote tile's line starts
        from them before live ticks extend it."""
        ...

    def close(self) -> None: ...


class OfflineProvider:
    """The network is off: every request fails at once, saying so."""

    name = "offline"
    REASON = "offline mode: the network is off"

    def daily_bars(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> BarsResult:
        return BarsResult.all_failed(tickers, self.REASON)

    def quotes(self, tickers: Sequence[str]) -> QuotesResult:
        return QuotesResult.all_failed(tickers, self.REASON)

    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        return IntradayResult.all_failed(tickers, self.REASON)

    def close(self) -> None:
        pass


class MemoryProvider:
    """An in-memory provider: bars, splits and quotes given up front. Used by tests and
    demos; it answers exactly like a network provider, including per-ticker failures."""

    name = "memory"

    def __init__(
        self,
        bars: dict[str, list[DailyBar]] | None = None,
        splits: dict[str, list[Split]] | None = None,
        quotes: dict[str, Quote] | None = None,
        failures: dict[str, str] | None = None,
        minutes: dict[str, list[tuple[dt.datetime, float]]] | None = None,
    ) -> None:
        self.bars = bars or {}
        self.minutes = minutes or {}
        self.splits = splits or {}
        self.quote_map = quotes or {}
        self.failures = failures or {}
        self.calls: list[tuple[str, tuple[str, ...], dt.date | None, dt.date | None]] = []

    def daily_bars(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> BarsResult:
        self.calls.append(("daily_bars", tuple(tickers), start, end))
        out = BarsResult()
        for ticker in tickers:
            if ticker in self.failures:
                out.failed[ticker] = self.failures[ticker]
                continue
            bars = [b for b in self.bars.get(ticker, []) if start <= b.date <= end]
            if not bars and ticker not in self.bars:
                out.failed[ticker] = "no price data found (unknown ticker)"
                continue
            out.bars[ticker] = bars
            out.splits[ticker] = [s for s in self.splits.get(ticker, []) if s.date <= end]
        return out

    def quotes(self, tickers: Sequence[str]) -> QuotesResult:
        self.calls.append(("quotes", tuple(tickers), None, None))
        out = QuotesResult()
        for ticker in tickers:
            if ticker in self.failures:
                out.failed[ticker] = self.failures[ticker]
            elif ticker in self.quote_map:
                out.quotes[ticker] = self.quote_map[ticker]
            else:
                out.failed[ticker] = "no quote (unknown ticker)"
        return out

    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        self.calls.append(("intraday", tuple(tickers), None, None))
        out = IntradayResult()
        for ticker in tickers:
            if ticker in self.failures:
                out.failed[ticker] = self.failures[ticker]
            elif self.minutes.get(ticker):
                out.points[ticker] = list(self.minutes[ticker])
            else:
                out.failed[ticker] = "no minute bars for the latest session"
        return out

    def close(self) -> None:
        pass
