"""Value and concentration over time, changes between reports, and reported versus now,
for any portfolio, from the stored filings and the price cache."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from core.domain import analytics as an
from core.domain.following import PositionStake
from core.domain.positions import Holdings, PortfolioRef, Position
from core.services.prices import ALWAYS, PriceNow, PriceRefresher, utc_now
from core.services.queries import InvalidRequestError, NotFoundError, PortfolioQueries
from core.services.stakes import SOLD_OUT, issuer_facts, stake_of
from core.storage.database import Database
from core.storage.price_store import PriceStore


@dataclass(frozen=True, slots=True)
class History:
    portfolio: PortfolioRef
    freq: str  # "daily" or "filing"
    series: an.Series
    reports: list[an.Report]
    include_options: bool


@dataclass(frozen=True, slots=True)
class ChangeSet:
    portfolio: PortfolioRef
    period: dt.date
    previous_period: dt.date | None
    filed: dt.date
    changes: list[an.Change]


@dataclass(frozen=True, slots=True)
class PositionNow:
    position: Position
    shares_now: float  # split-adjusted since the period
    price: PriceNow
    value_now: float
    weight_now: float | None
    priced: bool  # False: no price known; counted at its reported value
    split_factor: float = 1.0  # the ticker's splits since the report's period


@dataclass(frozen=True, slots=True)
class Summary:
    portfolio: PortfolioRef
    report: an.Report
    positions: list[PositionNow]
    reported_total: int
    total_now: float
    top1_now: float
    top5_now: float
    hhi_now: float
    effective_n_now: float
    as_of: dt.datetime
    days_since_period: int
    days_since_filed: int
    quotes: list[PriceNow]  # NVDA and CRWV
    # Positions without a market price left out of total_now and the weights (own books:
    # see counts_unpriced), and the reported value of those counted, to compare like with like.
    left_out: int = 0
    reported_counted: int | None = None

    @property
    def nothing_valued(self) -> bool:
        """Every position is left out for want of a price (an own book before its first
        price): no value, weight or concentration to show, rather than $0 and 0%."""
        return self.left_out > 0 and self.left_out == len(self.positions)

    @property
    def change_pct(self) -> float:
        base = self.reported_total if self.reported_counted is None else self.reported_counted
        return (self.total_now / base - 1) * 100 if base else 0.0

    def at(self, prices: dict[str, PriceNow]) -> Summary:
        """The book at streamed prices newer than its own: values, weights and
        concentration computed as `summary` computes them. Itself if none is newer."""
        moved = False
        positions = []
        for pn in self.positions:
            price = prices.get(pn.position.ticker or "")
            if price is not None and price.newer_than(pn.price if pn.priced else None):
                pn = _position_now(pn.position, price, pn.split_factor)
                moved = True
            positions.append(pn)
        if not moved:
            return self
        quotes = [prices[q.ticker] if q.ticker in prices and prices[q.ticker].newer_than(q)
                  else q for q in self.quotes]  # fmt: skip
        return _book(self.portfolio, self.report, positions, self.as_of, quotes)


def _position_now(p: Position, price: PriceNow | None, factor: float) -> PositionNow:
    """A position valued now; without a market price it counts at its reported value."""
    value = market_value(p, price, factor)
    if value is not None:
        return PositionNow(p, p.shares * factor, price, value, None, True, factor)  # type: ignore[arg-type]
    fallback = price or PriceNow(p.ticker or p.cusip, None,
                                 reason="no ticker known for this CUSIP")  # fmt: skip
    return PositionNow(p, p.shares * factor, fallback, float(p.value), None, False, factor)


def counts_unpriced(portfolio: PortfolioRef) -> bool:
    """What a position without a market price counts for, defined once: in a 13F filer's
    book its value as filed (a record the filer made, said as "counted as reported"); in an
    own book nothing (its ledger value is a trade price, not a value now): it is left out
    of the value and the weights and counted apart, as `pnl` and Holdings' totals count it."""
    return portfolio.kind != "own"


def _book(portfolio: PortfolioRef, report: an.Report, rows: list[PositionNow],
          as_of: dt.datetime, quotes: list[PriceNow]) -> Summary:  # fmt: skip
    """The summary of positions valued now: their weights, total and concentration."""
    keep = counts_unpriced(portfolio)
    # A position left out is worth nothing here and has no weight (views say "no price").
    rows = [r if r.priced or keep else replace(r, value_now=0.0) for r in rows]
    counted = [r for r in rows if r.priced or keep]
    total = sum(r.value_now for r in counted)
    weights = np.array([[r.value_now / total if total else 0.0 for r in counted]])
    top1, top5, hhi, eff = (float(x[0]) for x in an.concentration(weights))
    left_out = len(rows) - len(counted)
    weighted = [replace(r, weight_now=r.value_now / total if total and (r.priced or keep)
                        else None) for r in rows]  # fmt: skip
    return Summary(
        portfolio=portfolio,
        report=report,
        positions=weighted,
        left_out=left_out,
        reported_counted=sum(r.position.value for r in counted) if left_out else None,
        reported_total=report.holdings.total_value,
        total_now=total,
        top1_now=top1, top5_now=top5, hhi_now=hhi, effective_n_now=eff,
        as_of=as_of,
        days_since_period=(as_of.date() - report.period).days,
        days_since_filed=(as_of.date() - report.filed).days,
        quotes=quotes,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class HoldingRow:
    """A position of one report as the holdings table shows it."""

    position: Position
    status: str  # change from the previous report: NEW, ADDED, REDUCED, UNCHANGED, SOLD OUT
    shares_change: float
    price: PriceNow | None  # the best price known now (None: no ticker)
    value_now: float | None  # shares (split-adjusted since the period) x price now
    stake: PositionStake | None = None  # of the issuer (13F books), or why it is unknown
    split_factor: float = 1.0  # the ticker's splits since the report's period

    def at(self, price: PriceNow) -> HoldingRow:
        """This row at a newer price (a streamed tick); a sold-out row stays at zero."""
        if self.status == "SOLD OUT":
            return self
        return replace(self, price=price,
                       value_now=market_value(self.position, price, self.split_factor))


def market_value(p: Position, price: PriceNow | None, split_factor: float) -> float | None:
    """Shares, split-adjusted since the period, times a market price now. An option is not
    valued at its share price, and a filing's implied price is not a market price."""
    if price is None or price.price is None or p.put_call is not None or price.source == "filing":
        return None
    return p.shares * split_factor * price.price


class Analytics:
    def __init__(
        self, db: Database, queries: PortfolioQueries, prices: PriceRefresher
    ) -> None:
        self.db = db
        self.queries = queries
        self.prices = prices

    def reports(self, portfolio: PortfolioRef) -> list[an.Report]:
        filed: dict[str, dt.date] = {f.accession: f.filed for f in self.queries.filings(portfolio)}
        out = []
        for period in self.queries.periods(portfolio):
            h = self.queries.holdings(portfolio, period)
            # An own statement is known the day it is dated; a filing when it is filed.
            known = max((filed[a] for a in h.accessions if a in filed), default=period)
            out.append(an.Report(period, known, h))
        if not out:
            raise NotFoundError(f"{portfolio.name} has no reports yet")
        return out

    def _market_data(self, tickers: set[str]):
        prices: dict[str, an.PriceSeries] = {}
        with self.db.session() as s:
            store = PriceStore(s)
            splits = store.splits(tickers)
            for t in sorted(tickers):
                bars = store.bars(t)
                if bars:
                    prices[t] = an.PriceSeries(
                        np.array([b.date for b in bars], dtype="datetime64[D]"),
                        np.array([b.close for b in bars], dtype=float),
                    )
        return prices, splits

    def history(
        self,
        portfolio: PortfolioRef,
        start: dt.date | None = None,
        end: dt.date | None = None,
        freq: str = "daily",
        include_options: bool = False,
    ) -> History:
        reports = self.reports(portfolio)
        tickers = {p.ticker for r in reports for p in r.holdings.positions if p.ticker}
        prices, splits = self._market_data(tickers)
        end = end or utc_now().date()
        start = start or reports[0].period
        if end < start:
            raise InvalidRequestError(f"--from {start} is after --to {end}")
        if freq == "filing":
            lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
            periods = np.array([r.period for r in reports], dtype="datetime64[D]")
            days = periods[(periods >= lo) & (periods <= hi)]
            if not len(days):
                raise NotFoundError(f"{portfolio.name} has no report between {start} and {end}")
            series = an.value_series(reports, {}, splits, days, include_options, start, end)
            keep = series.is_period_end
            series = _select(series, keep)
        else:
            all_days = [s.dates for s in prices.values()]
            days = np.unique(np.concatenate(all_days)) if all_days else np.array(
                [], dtype="datetime64[D]")  # fmt: skip
            series = an.value_series(reports, prices, splits, days, include_options, start, end)
        return History(portfolio, freq, series, reports, include_options)

    def changes(self, portfolio: PortfolioRef, period: dt.date | None = None) -> ChangeSet:
        reports = self.reports(portfolio)
        periods = [r.period for r in reports]
        if period is None:
            i = len(reports) - 1
        elif period in periods:
            i = periods.index(period)
        else:
            listed = ", ".join(p.isoformat() for p in periods)
            raise NotFoundError(f"{portfolio.name} has no report for {period} (it has: {listed})")
        before = reports[i - 1] if i > 0 else None
        tickers = {p.ticker for r in reports for p in r.holdings.positions if p.ticker}
        with self.db.session() as s:
            splits = PriceStore(s).splits(tickers)
        changes = an.changes(before.holdings if before else None, reports[i].holdings, splits)
        return ChangeSet(portfolio, reports[i].period, before.period if before else None,
                         reports[i].filed, changes)  # fmt: skip

    def holdings_view(self, portfolio: PortfolioRef, period: dt.date) -> list[HoldingRow]:
        """The report's positions with their change since the previous report and their
        value at the latest cached price; sold-out positions are listed last, at zero."""
        cs = self.changes(portfolio, period)
        by_key = {c.key: c for c in cs.changes}
        h = self.queries.holdings(portfolio, period)
        tickers = sorted({p.ticker for p in h.positions if p.ticker}
                         | {c.ticker for c in cs.changes if c.ticker})  # fmt: skip
        now = {p.ticker: p for p in self.prices.prices_now(tickers, live=False)}
        with self.db.session() as s:
            splits = PriceStore(s).splits(tickers)
        # The filer's stake in each issuer; an own book's is not shown (it is negligible).
        facts = (issuer_facts(self.db, {p.cusip for p in h.positions})
                 if portfolio.kind == "filer" else None)
        rows = []
        for p in h.positions:
            c = by_key.get(p.key)
            price = now.get(p.ticker) if p.ticker else None
            factor = an.split_factor(splits.get(p.ticker, []), period) if p.ticker else 1.0
            stake = None if facts is None else stake_of(
                p.shares, facts.get(p.cusip), put_call=p.put_call, share_type=p.share_type)
            rows.append(HoldingRow(p, c.status if c else "NEW",
                                   c.shares_change if c else p.shares, price,
                                   market_value(p, price, factor), stake, factor))  # fmt: skip
        for c in cs.changes:
            if c.status == "SOLD OUT":
                gone = Position(c.cusip, c.ticker, c.issuer, "", c.share_type, c.put_call, 0, 0,
                                0.0 if c.put_call is None else None)  # fmt: skip
                rows.append(HoldingRow(gone, c.status, c.shares_change, now.get(c.ticker or ""),
                                       0.0, None if facts is None else PositionStake(
                                           None, 0, reason=SOLD_OUT)))  # fmt: skip
        return rows

    def summary(self, portfolio: PortfolioRef, live: bool = True) -> Summary:
        report = self.reports(portfolio)[-1]
        positions = [p for p in report.holdings.positions if not p.is_option]
        tickers = sorted({p.ticker for p in positions if p.ticker} | set(ALWAYS))
        now_prices = {p.ticker: p for p in self.prices.prices_now(tickers, live=live)}
        with self.db.session() as s:
            splits = PriceStore(s).splits(tickers)
        rows = [_position_now(p, now_prices.get(p.ticker) if p.ticker else None,
                              an.split_factor(splits.get(p.ticker or "", []), report.period))
                for p in positions]  # fmt: skip
        return _book(portfolio, report, rows, self.prices.clock(),
                     [now_prices[t] for t in ALWAYS])  # fmt: skip


def _select(series: an.Series, keep: np.ndarray) -> an.Series:
    """The same series restricted to the days where `keep` is true."""
    fields = {}
    for name in an.Series.__dataclass_fields__:
        v = getattr(series, name)
        per_day = isinstance(v, np.ndarray) and v.shape[:1] == keep.shape and name != "included"
        fields[name] = v[keep] if per_day else v
    return an.Series(**fields)


def holdings_of(reports: list[an.Report], period: dt.date) -> Holdings:
    return next(r.holdings for r in reports if r.period == period)
