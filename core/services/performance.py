"""How a book has done: an own ledger's returns, or a 13F filer's disclosed book held as a
clone, against a benchmark, from the cached daily closes (core/domain/returns.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from core.domain.ledger import Transaction, replay
from core.domain.positions import PortfolioRef
from core.domain.returns import (
    Closes,
    DailyBook,
    Rebalance,
    clone_book,
    daily_book,
    performance,
)
from core.services.prices import utc_now
from core.services.queries import InvalidRequestError, PortfolioQueries
from core.storage.database import Database
from core.storage.own_store import OwnStore
from core.storage.price_store import PriceStore

REBALANCE = ("filed", "period")


@dataclass(frozen=True, slots=True)
class PerformanceReport:
    portfolio: str
    kind: str  # "own" or "filer"
    start: dt.date | None
    end: dt.date | None
    twr: float | None
    irr: float | None
    max_drawdown: float | None
    value_start: float
    value_end: float
    net_flows: float
    realised_gain: float | None
    dividends: float | None
    benchmark: str
    benchmark_twr: float | None
    missing_prices: list[dict]  # {"ticker", "weight"?}: held, but no close to value it
    rebalance: str | None = None  # a filer's clone: "filed" or "period"
    left_out_weight: float = 0.0  # a clone: the filed weight with no prices, at most
    days: np.ndarray = field(default_factory=lambda: np.array([], dtype="datetime64[D]"),
                             repr=False)  # fmt: skip
    index: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)
    benchmark_index: np.ndarray | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "portfolio": self.portfolio, "kind": self.kind,
            "from": day(self.start), "to": day(self.end),
            "twr": self.twr, "irr": self.irr, "max_drawdown": self.max_drawdown,
            "value_start": self.value_start, "value_end": self.value_end,
            "net_flows": self.net_flows, "realised_gain": self.realised_gain,
            "dividends": self.dividends,
            "benchmark": {"ticker": self.benchmark, "twr": self.benchmark_twr},
            "missing_prices": self.missing_prices,
            **({"rebalance": self.rebalance, "left_out_weight": self.left_out_weight}
               if self.kind == "filer" else {}),
        }  # fmt: skip


def traded_closes(store: PriceStore, tickers: list[str], end: dt.date) -> dict[str, Closes]:
    """Each ticker's cached closes as traded each day: Yahoo's closes are adjusted for every
    later split, so the adjustment is undone (a split is never a price fall)."""
    splits = store.splits(tickers)
    out = {}
    for t in tickers:
        days, values = store.closes(t, end)
        if not days:
            continue
        dates = np.array(days, dtype="datetime64[D]")  # ISO text (SQLite) or dates
        prices = np.array(values, dtype=float)
        for s in splits.get(t, []):
            prices[dates < np.datetime64(s.date, "D")] *= s.ratio
        ok = np.isfinite(prices) & (prices > 0)
        out[t] = Closes(dates[ok], prices[ok])
    return out


class Performances:
    def __init__(self, db: Database, queries: PortfolioQueries, cost_basis: str = "fifo",
                 benchmark: str = "SPY") -> None:  # fmt: skip
        self.db = db
        self.queries = queries
        self.cost_basis = cost_basis
        self.benchmark = benchmark

    def run(self, portfolio: PortfolioRef, start: dt.date | None = None,
            end: dt.date | None = None, benchmark: str | None = None,
            rebalance: str = "filed") -> PerformanceReport:  # fmt: skip
        if start and end and start >= end:
            raise InvalidRequestError(f"--from {start} is not before --to {end}")
        if rebalance not in REBALANCE:
            raise InvalidRequestError(f"rebalance {rebalance!r}: use filed or period")
        bench = (benchmark or self.benchmark).strip().upper()
        last = min(end or utc_now().date(), utc_now().date())
        if portfolio.kind == "own":
            return self._own(portfolio, start, last, end, bench)
        return self._filer(portfolio, start, last, end, bench, rebalance)

    def _own(self, p: PortfolioRef, start, last, end, bench: str) -> PerformanceReport:
        with self.db.session(write=False) as s:
            txs = OwnStore(s).transactions(p)
            closes = traded_closes(PriceStore(s), sorted({t.ticker for t in txs} | {bench}),
                                   last)  # fmt: skip
        book = daily_book(txs, closes, last)
        perf = performance(book, start, end, closes.get(bench))
        realised, dividends = _earned(txs, perf.start if start else None, perf.end,
                                      self.cost_basis)  # fmt: skip
        return PerformanceReport(
            p.name, "own", perf.start, perf.end, perf.twr, perf.irr, perf.max_drawdown,
            perf.value_start, perf.value_end, perf.net_flows, realised, dividends, bench,
            perf.benchmark_twr, [{"ticker": t} for t in book.missing],
            days=perf.days, index=perf.index, benchmark_index=perf.benchmark,
        )  # fmt: skip

    def _filer(self, p: PortfolioRef, start, last, end, bench: str,
               rebalance: str) -> PerformanceReport:  # fmt: skip
        first_filed: dict[dt.date, dt.date] = {}
        for f in self.queries.filings(p):
            first_filed[f.period] = min(first_filed.get(f.period, f.filed), f.filed)
        rebalances, tickers = [], set()
        for period in self.queries.periods(p):
            h = self.queries.holdings(p, period)
            weights, unnamed = {}, {}
            for pos in h.positions:
                if pos.is_option or not pos.weight:
                    continue
                if pos.ticker:
                    weights[pos.ticker] = weights.get(pos.ticker, 0.0) + pos.weight
                    tickers.add(pos.ticker)
                else:  # no ticker, so no prices: named by its CUSIP
                    unnamed[pos.cusip] = unnamed.get(pos.cusip, 0.0) + pos.weight
            day = period if rebalance == "period" else first_filed.get(period, period)
            rebalances.append(Rebalance(day, weights, unnamed))
        with self.db.session(write=False) as s:
            closes = traded_closes(PriceStore(s), sorted(tickers | {bench}), last)
        # A position whose ticker has no close by its rebalance day is left out of it (the
        # rest scaled up to 100%): each is named with the largest weight it had.
        priced_rebalances, missing, left_out = [], {}, 0.0
        for r in rebalances:
            kept, out = {}, dict(r.left_out)
            for t, w in r.weights.items():
                c = closes.get(t)
                if c is not None and len(c.dates) and c.dates[0] <= np.datetime64(r.day, "D"):
                    kept[t] = w
                else:
                    out[t] = w
            if r.day <= last:
                for t, w in out.items():
                    missing[t] = max(missing.get(t, 0.0), w)
                left_out = max(left_out, sum(out.values()))
            priced_rebalances.append(Rebalance(r.day, kept, out))
        book: DailyBook = clone_book(priced_rebalances, closes, last)
        perf = performance(book, start, end, closes.get(bench))
        return PerformanceReport(
            p.name, "filer", perf.start, perf.end, perf.twr, perf.irr, perf.max_drawdown,
            perf.value_start, perf.value_end, perf.net_flows, None, None, bench,
            perf.benchmark_twr,
            [{"ticker": t, "weight": w} for t, w in sorted(missing.items(), key=lambda x: -x[1])],
            rebalance=rebalance, left_out_weight=left_out,
            days=perf.days, index=perf.index, benchmark_index=perf.benchmark,
        )  # fmt: skip


def _earned(txs: list[Transaction], start: dt.date | None, end: dt.date | None,
            basis: str) -> tuple[float | None, float]:  # fmt: skip
    """Realised gain and dividends of the entries dated in (start, end]."""
    book = replay(txs, end, basis)
    realised = [r for r in book.realised if start is None or r.tx.date > start]
    gains = [r.gain for r in realised]
    gain = None if any(g is None for g in gains) else float(sum(gains, Decimal(0)))  # type: ignore[arg-type]
    dividends = sum((t.amount or Decimal(0) for t in txs if t.type.value == "dividend"
                     and (start is None or t.date > start) and (end is None or t.date <= end)),
                    Decimal(0))  # fmt: skip
    return gain, float(dividends)
