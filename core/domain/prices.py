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


# -- how old a price is, in words: ONE definition for tiles, hovers, the dashboard, exports --
@dataclass(frozen=True, slots=True)
class PriceWhen:
    """What a price shown may claim about its time."""

    text: str  # "live · 14:32:05 UTC", "Sep 25 close · last session", "Sep 25 close · 73 days old"
    current: bool  # of the latest session (or later): its day change may be coloured as today's
    priced: bool  # False: no market price yet (a filing's value / shares is not one)
    day: dt.date | None = None  # the New York date of the price, for "at closes of ..."


def age_words(seconds: float | None) -> str:
    """'just now', '5 min old', '3 h old', '1 day old', '73 days old'."""
    if seconds is None:
        return "age unknown"
    if seconds >= 86400:
        days = int(seconds // 86400)
        return f"{days} day{'s' if days != 1 else ''} old"
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} old"
    return "just now"


def price_when(price: float | None, quote_time: dt.datetime | None, source: str | None,
               now: dt.datetime, market_state: str = "") -> PriceWhen:  # fmt: skip
    """How old a price is, said honestly: a live quote by its time, a close by its date and
    age ("last session" only when it is the latest session's), nothing for a filing's
    implied price or a price without a time."""
    from core.domain import market  # the session calendar

    if price is None or quote_time is None or source == "filing":
        return PriceWhen("no price yet", False, False)
    local = quote_time.astimezone(market.NEW_YORK)
    day = local.date()
    current = day >= market.last_final_session(now)
    age = (now - quote_time).total_seconds()
    if source == "live" and age < 86400:
        state = f" · {market_state.lower()}" if market_state in ("PRE", "POST", "CLOSED") else ""
        return PriceWhen(f"live{state} · {quote_time:%H:%M:%S} UTC", current, True, day)
    closed = local.time() >= market.CLOSE
    what = f"{day:%b} {day.day} close" if closed else f"{day:%b} {day.day} {local:%H:%M} NY"
    days = (now.astimezone(market.NEW_YORK).date() - day).days  # calendar days, as people count
    if current:
        tail = "last session" if closed else age_words(age)
    elif days >= 1:
        tail = f"{days} day{'s' if days != 1 else ''} old"
    else:
        tail = age_words(age)
    return PriceWhen(f"{what} · {tail}", current, True, day)


def prices_span(whens: list[PriceWhen]) -> str:
    """The dates of the prices a value used: 'at the close of Sep 25', 'at closes of Sep 25 -
    Oct 9', 'at prices of Dec 4 - Dec 7' (when some are live quotes), 'no prices yet'."""
    days = [w.day for w in whens if w.priced and w.day is not None]
    if not days:
        return "no prices yet"
    lo, hi = min(days), max(days)
    live = any(w.text.startswith("live") for w in whens)

    def d(x: dt.date) -> str:
        return f"{x:%b} {x.day}" + (f", {x.year}" if lo.year != hi.year else "")

    if lo == hi:
        return f"at prices of {d(lo)}" if live else f"at the close of {d(lo)}"
    return f"at {'prices' if live else 'closes'} of {d(lo)} - {d(hi)}"
