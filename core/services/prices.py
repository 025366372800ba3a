"""Refresh and read prices: incremental daily history, live quotes, and the best price
known for a ticker (live, cached, or implied by a filing) with where it came from."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace

from core.domain import market
from core.domain.prices import (
    DailyBar,
    IntradayResult,
    PriceWhen,
    Quote,
    Split,
    normalize_ticker,
    price_when,
)
from core.prices.provider import PriceProvider
from core.storage.database import Database, ReadOnlyDatabaseError

# The ORM stores are imported where used: the window paints its first page before the ORM
# loads (issue 23), and PriceNow, ALWAYS and utc_now are imported by every window module.

ALWAYS = ("NVDA", "CRWV")  # the mission's two: refreshed whatever the books hold
HISTORY_START = dt.date(2023, 12, 1)  # a month before NVIDIA's first bundled period


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class TickerUpdate:
    ticker: str
    rows_added: int
    last_date: dt.date | None
    refetched_for_split: bool = False


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    done: int
    total: int
    message: str


@dataclass(frozen=True, slots=True)
class RefreshReport:
    updated: dict[str, TickerUpdate]
    failed: dict[str, str]
    fetched_at: dt.datetime
    seconds: float


NOT_CACHED = "not cached: read-only database"  # a live quote's detail then


@dataclass(frozen=True, slots=True)
class QuoteReport:
    quotes: dict[str, Quote]
    failed: dict[str, str]
    fetched_at: dt.datetime
    cached: bool = True  # False: a read-only database; shown, not kept


@dataclass(frozen=True, slots=True)
class PriceNow:
    """The best price known for a ticker now, and where it came from."""

    ticker: str
    price: float | None
    previous_close: float | None = None
    currency: str | None = None
    quote_time: dt.datetime | None = None
    age_seconds: float | None = None
    source: str | None = None  # "live", "cache" or "filing"
    detail: str = ""  # e.g. the accession behind a filing price, or the cached bar's date
    reason: str | None = None  # why live or any price is missing

    @property
    def change_pct(self) -> float | None:
        if self.price is None or not self.previous_close:
            return None
        return (self.price / self.previous_close - 1.0) * 100.0

    def when(self, now: dt.datetime) -> PriceWhen:
        """How old it is, in the words every view uses (core.domain.prices.price_when)."""
        return price_when(self.price, self.quote_time, self.source, now, self.detail)

    def newer_than(self, shown: PriceNow | dt.datetime | None) -> bool:
        """A market price printed after the price (or at the time) shown: a streamed tick
        replaces it. A filing's implied price is older than any quote; a price without a
        time is never taken for newer."""
        if self.price is None or self.quote_time is None or self.source == "filing":
            return False
        if isinstance(shown, PriceNow):
            if shown.price is None or shown.source == "filing":
                return True
            shown = shown.quote_time
        return shown is None or self.quote_time > shown


@dataclass
class _Plan:
    start: dt.date
    tickers: list[str] = field(default_factory=list)


class PriceRefresher:
    """Fetch what is missing and store it in one transaction; never hold a session open
    across a network call; a failed refresh deletes nothing."""

    def __init__(
        self,
        db: Database,
        provider: PriceProvider,
        clock: Callable[[], dt.datetime] = utc_now,
        history_start: dt.date = HISTORY_START,
    ) -> None:
        self.db = db
        self.provider = provider
        self.clock = clock
        self.history_start = history_start

    def default_tickers(self) -> list[str]:
        from core.storage.repositories import Repository

        with self.db.session() as s:
            held = Repository(s).held_tickers()
        return list(dict.fromkeys([*ALWAYS, *held]))

    # -- daily bars -----------------------------------------------------------------------
    def refresh(
        self, tickers: Sequence[str] | None = None, since: dt.date | None = None
    ) -> Generator[RefreshProgress, None, RefreshReport]:
        from core.storage.price_store import PriceStore

        began = time.monotonic()
        tickers = [normalize_ticker(t) for t in tickers] if tickers else self.default_tickers()
        now = self.clock()
        final = market.last_final_session(now)
        with self.db.session() as s:
            store = PriceStore(s)
            last = store.last_dates(tickers)
            known = {t: {x.date for x in v} for t, v in store.splits(tickers).items()}
        plans: dict[dt.date, _Plan] = {}
        updated: dict[str, TickerUpdate] = {}
        for t in tickers:
            start = since or (last[t] + dt.timedelta(days=1) if t in last else self.history_start)
            if start > final:
                updated[t] = TickerUpdate(t, 0, last.get(t))
                continue
            plans.setdefault(start, _Plan(start)).tickers.append(t)
        total = sum(len(p.tickers) for p in plans.values())
        done = 0
        bars: dict[str, list[DailyBar]] = {}
        splits: dict[str, list[Split]] = {}
        failed: dict[str, str] = {}
        refetch: list[str] = []
        for plan in sorted(plans.values(), key=lambda p: p.start):
            yield RefreshProgress(done, total, f"daily bars from {plan.start} for "
                                  f"{len(plan.tickers)} ticker(s)")  # fmt: skip
            result = self.provider.daily_bars(plan.tickers, plan.start, final)
            failed.update(result.failed)
            for t, got in result.bars.items():
                bars[t] = [b for b in got if b.date <= final]  # never an in-progress bar
                new_splits = [x for x in result.splits.get(t, []) if x.date not in known.get(t, ())]
                splits[t] = new_splits
                if new_splits and t in last and plan.start > self.history_start:
                    refetch.append(t)  # Yahoo re-adjusts all history at a split
            done += len(plan.tickers)
        if refetch:
            yield RefreshProgress(done, total, f"split: refetching {', '.join(refetch)}")
            result = self.provider.daily_bars(refetch, self.history_start, final)
            for t in refetch:
                if t in result.bars:
                    bars[t] = [b for b in result.bars[t] if b.date <= final]
                    splits[t] = result.splits.get(t, [])
                else:
                    failed[t] = "split seen; refetching history failed: " + result.failed.get(
                        t, "no data")  # fmt: skip
                    bars.pop(t, None)
                    splits.pop(t, None)
        fetched_at = self.clock()
        with self.db.session() as s:
            store = PriceStore(s)
            for t, got in bars.items():
                store.save_bars(got, fetched_at)
                store.save_splits(splits.get(t, []), self.provider.name, fetched_at)
        for t, got in bars.items():
            previous = last.get(t)
            added = sum(1 for b in got if previous is None or b.date > previous)
            newest = max((b.date for b in got), default=previous)
            updated[t] = TickerUpdate(t, len(got) if t in refetch else added, newest,
                                      t in refetch)  # fmt: skip
        for t in failed:
            updated.pop(t, None)
        yield RefreshProgress(total, total, "stored")
        return RefreshReport(updated, failed, fetched_at, time.monotonic() - began)

    def cached_bars(
        self, ticker: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[DailyBar]:
        from core.storage.price_store import PriceStore

        with self.db.session() as s:
            return PriceStore(s).bars(normalize_ticker(ticker), start, end)

    # -- quotes ---------------------------------------------------------------------------
    def refresh_quotes(self, tickers: Sequence[str] | None = None) -> QuoteReport:
        tickers = [normalize_ticker(t) for t in tickers] if tickers else self.default_tickers()
        result = self.provider.quotes(tickers)
        fetched_at = self.clock()
        cached = not (result.quotes and self.db.read_only)  # read-only: shown, not kept
        if result.quotes and cached:
            from core.storage.price_store import PriceStore

            try:
                with self.db.session() as s:
                    PriceStore(s).save_quotes(result.quotes.values(), fetched_at)
            except ReadOnlyDatabaseError:  # a role found read-only only now: still shown
                cached = False
        return QuoteReport(dict(result.quotes), dict(result.failed), fetched_at, cached)

    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        """The latest session's 1-minute closes, straight from the provider (not stored:
        a quote tile's line, not a price anything is valued at)."""
        return self.provider.intraday([normalize_ticker(t) for t in tickers])

    def prices_now(self, tickers: Sequence[str], live: bool = True) -> list[PriceNow]:
        """Each ticker's best price: a live quote, else the cache (quote or last close),
        else the price implied by its latest filing. Never waits past the deadline."""
        tickers = [normalize_ticker(t) for t in tickers]
        live_report = self.refresh_quotes(tickers) if live else None
        not_live = None if live else "offline mode: the network is off"
        now = self.clock()
        out = []
        from core.storage.price_store import PriceStore
        from core.storage.repositories import Repository

        with self.db.session() as s:
            store, repo = PriceStore(s), Repository(s)
            cached = store.quotes(tickers)
            for t in tickers:
                reason = live_report.failed.get(t) if live_report else not_live
                if live_report and t in live_report.quotes:
                    q = live_report.quotes[t]
                    shown = _from_quote(q, now, "live")
                    if not live_report.cached:
                        shown = replace(shown, detail=NOT_CACHED)
                    out.append(shown)
                    continue
                if t in cached:
                    out.append(_from_quote(cached[t][0], now, "cache", reason))
                    continue
                bar = store.close_on_or_before(t, now.date())
                if bar is not None:
                    prev = store.close_on_or_before(t, bar.date - dt.timedelta(days=1))
                    when = market.session_close(bar.date)
                    out.append(PriceNow(
                        t, bar.close, prev.close if prev else None, "USD", when,
                        (now - when).total_seconds(), "cache", f"close of {bar.date}", reason,
                    ))  # fmt: skip
                    continue
                implied = repo.filing_price(t)
                if implied is not None:
                    period, price, accession = implied
                    # value / shares: no false precision (PostgreSQL's division is a Decimal,
                    # which no JSON writer takes)
                    price = round(float(price), 6)
                    when = market.session_close(period)
                    out.append(PriceNow(
                        t, price, None, "USD", when, (now - when).total_seconds(), "filing",
                        f"value / shares in {accession}, period {period}", reason,
                    ))  # fmt: skip
                    continue
                out.append(PriceNow(t, None, reason=reason or "no price known for this ticker"))
        return out


def _from_quote(q: Quote, now: dt.datetime, source: str, reason: str | None = None) -> PriceNow:
    return PriceNow(
        ticker=q.ticker,
        price=q.price,
        previous_close=q.previous_close,
        currency=q.currency,
        quote_time=q.quote_time,
        age_seconds=(now - q.quote_time).total_seconds(),
        source=source,
        detail=q.market_state or "",
        reason=reason,
    )
