"""Prices as plain data: daily bars, splits, quotes, and what a fetch returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DailyBar:
    """One trading day. `close` is as Yahoo publishes with auto_adjust=False: adjusted for
    later splits, not for dividends; `adj_close` also for dividends."""

    ticker: str
    date: dt.date
    open: float | None
    high: float | None
    low: float | None
    close: float
    adj_close: float | None
    volume: int | None
    source: str  # provenance: "yahoo", "csv:<file> (<origin>)", ...


@dataclass(frozen=True, slots=True)
class Split:
    ticker: str
    date: dt.date
    ratio: float  # new shares per old share: 10.0 for NVIDIA's 10-for-1 of 2024-06-10


@dataclass(frozen=True, slots=True)
class Quote:
    ticker: str
    price: float
    previous_close: float | None
    currency: str | None
    quote_time: dt.datetime  # when the exchange printed the price (UTC)
    market_state: str | None = None  # Yahoo's: PRE, REGULAR, POST, CLOSED, ...
    source: str = "yahoo"

    @property
    def change_pct(self) -> float | None:
        if not self.previous_close:
            return None
        return (self.price / self.previous_close - 1.0) * 100.0


@dataclass(frozen=True, slots=True)
class BarsResult:
    """What a provider returned for many tickers. Failures are data: {ticker: reason}."""

    bars: dict[str, list[DailyBar]] = field(default_factory=dict)
    splits: dict[str, list[Split]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def all_failed(cls, tickers, reason: str) -> BarsResult:
        return cls(failed={t: reason for t in tickers})


@dataclass(frozen=True, slots=True)
class QuotesResult:
    quotes: dict[str, Quote] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def all_failed(cls, tickers, reason: str) -> QuotesResult:
        return cls(failed={t: reason for t in tickers})


@dataclass(frozen=True, slots=True)
class IntradayResult:
    """Each ticker's 1-minute closes of its latest session, oldest first, as (UTC time,
    close); failures are data: {ticker: reason}."""

    points: dict[str, list[tuple[dt.datetime, float]]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def all_failed(cls, tickers, reason: str) -> IntradayResult:
        return cls(failed={t: reason for t in tickers})


def normalize_ticker(text: str) -> str:
    return text.strip().upper()


# A price is a finite number above zero, printed between these times: anything else in a
# feed (NaN, inf, a negative or zero price, a time before 1990 or far in the future) is
# dropped where it comes in, and counted, never shown as a quote.
EARLIEST_PRICE = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=2)  # clocks and time zones differ; more is not a price


def price_problem(price: object, when: dt.datetime | dt.date | None,
                  now: dt.datetime) -> str | None:  # fmt: skip
    """Why this price cannot be a quote or a bar (None: it can)."""
    if isinstance(price, bool) or not isinstance(price, int | float):
        return "the price is not a number"
    value = float(price)
    if value != value or value in (float("inf"), float("-inf")):
        return f"the price is {value}"
    if value <= 0:
        return f"the price {value:g} is not above zero"
    if when is not None:
        at = when if isinstance(when, dt.datetime) else dt.datetime.combine(
            when, dt.time(), dt.UTC)  # fmt: skip
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        if at < EARLIEST_PRICE:
            return f"the price's time {at:%Y-%m-%d} is before 1990"
        if at > now + FUTURE_SLACK:
            return f"the price's time {at:%Y-%m-%d} is in the future"
    return None
