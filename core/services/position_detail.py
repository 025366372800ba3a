"""One position in depth: its price bars, the shares held over time, its value and weight
in the book, the stake in the company where known, and every filed row behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from core.domain.following import Stake
from core.domain.positions import PortfolioRef, PositionKey
from core.domain.prices import DailyBar
from core.services.analytics import Analytics
from core.services.queries import NotFoundError, PortfolioQueries
from core.storage.database import Database
from core.storage.own_store import OwnStore
from core.storage.repositories import Repository


@dataclass(frozen=True, slots=True)
class FiledRow:
    """One row behind the position: a 13F information-table row or an own ledger entry."""

    accession: str  # the filing's accession; "transaction N" for an own book
    form_type: str
    period: dt.date
    filed: dt.date
    title_of_class: str
    shares: float
    value_as_filed: int | None  # in the filing's unit (dollars since 2023, thousands before)
    value_usd: int | None
    other_managers: str
    cost_per_share: float | None = None  # own books only: the entry's price


@dataclass(frozen=True, slots=True)
class PositionDetail:
    portfolio: PortfolioRef
    key: PositionKey
    ticker: str | None
    issuer: str
    dates: np.ndarray  # datetime64[D], the book's series days
    shares: np.ndarray  # held each day (split-adjusted)
    values: np.ndarray  # the position's value each day
    weights: np.ndarray  # its share of the book each day
    known: np.ndarray  # bool: that day's close or the value as filed (else carried)
    bars: list[DailyBar]
    stake: Stake | None
    stake_now: float | None  # shares held now / shares outstanding
    rows: list[FiledRow]


class PositionDetails:
    def __init__(self, db: Database, queries: PortfolioQueries, analytics: Analytics) -> None:
        self.db = db
        self.queries = queries
        self.analytics = analytics

    def detail(self, portfolio: PortfolioRef, cusip: str, ticker: str | None = None,
               put_call: str | None = None) -> PositionDetail:  # fmt: skip
        """The position of `cusip` (and put/call) in the book; for an own book a holding
        may be known by its ticker only."""
        history = self.analytics.history(portfolio)
        s = history.series
        matches = [j for j, k in enumerate(s.keys)
                   if (k.cusip == cusip or (ticker and s.tickers[j] == ticker))
                   and k.put_call == put_call]  # fmt: skip
        if not matches:
            raise NotFoundError(f"{portfolio.name} never held {ticker or cusip}")
        j = max(matches, key=lambda m: float(s.values[:, m].max()) if len(s.dates) else 0.0)
        key = s.keys[j]
        tick = s.tickers[j] or ticker
        issuer = next((p.issuer for r in reversed(history.reports) for p in r.holdings.positions
                       if p.key == key), key.cusip)  # fmt: skip
        bars: list[DailyBar] = []
        if tick:
            bars = self.analytics.prices.cached_bars(tick)
        rows = self._rows(portfolio, key.cusip, tick)
        stake = self.queries.stakes([key.cusip]).get(key.cusip) if portfolio.kind == "filer" \
            else None  # fmt: skip
        held_now = float(s.shares[-1, j]) if len(s.dates) else 0.0
        stake_now = held_now / stake.shares_outstanding if stake and stake.shares_outstanding \
            else None  # fmt: skip
        return PositionDetail(
            portfolio=portfolio, key=key, ticker=tick, issuer=issuer, dates=s.dates,
            shares=s.shares[:, j], values=s.values[:, j], weights=s.weights[:, j],
            known=s.fresh[:, j] | s.is_period_end, bars=bars, stake=stake,
            stake_now=stake_now, rows=rows,
        )  # fmt: skip

    def _rows(self, portfolio: PortfolioRef, cusip: str, ticker: str | None) -> list[FiledRow]:
        with self.db.session() as s:
            if portfolio.kind == "own":  # the ledger's entries for it, oldest first
                return [FiledRow(f"transaction {t.id}", t.type.value, t.date, t.date, "",
                                 float(t.shares) if t.shares is not None else 0.0, None, None,
                                 t.note or "", float(t.price) if t.price is not None else None)
                        for t in OwnStore(s).transactions(portfolio)
                        if t.ticker == ticker or (t.cusip and t.cusip == cusip)]
            return [FiledRow(acc, form, period, filed, title, float(shares), as_filed, usd,
                             others or "")
                    for (acc, form, period, filed, title, _st, _pc, shares, as_filed, usd,
                         others, _n) in Repository(s).position_rows(portfolio, cusip)]
