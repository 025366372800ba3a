"""Read-only questions about portfolios, filings and holdings, answered as plain data."""

from __future__ import annotations

import datetime as dt

from core.domain.filings import FilingSummary
from core.domain.following import Stake
from core.domain.issuer_names import with_display_names
from core.domain.positions import Holdings, PortfolioRef, Position, aggregate
from core.services.seeding import NVIDIA_CIK
from core.storage.database import Database
from core.storage.own_store import OwnStore
from core.storage.price_store import PriceStore
from core.storage.repositories import Repository


class NotFoundError(LookupError):
    """A portfolio or period the user named does not exist; the message says which exist."""


class InvalidRequestError(ValueError):
    """A request that cannot be answered as asked (e.g. a date range that ends first)."""


class PortfolioQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def portfolios(self) -> list[PortfolioRef]:
        with self.db.session() as s:
            return Repository(s).portfolios()

    def portfolio(self, key: str | None = None) -> PortfolioRef:
        """By name or filer CIK; None means NVIDIA Corp."""
        with self.db.session() as s:
            repo = Repository(s)
            found = repo.find_portfolio(key if key is not None else NVIDIA_CIK)
            if found is None:
                names = ", ".join(p.name for p in repo.portfolios()) or "none"
                raise NotFoundError(f"no portfolio {key!r} (there are: {names})")
            return found

    def filings(self, portfolio: PortfolioRef | None = None) -> list[FilingSummary]:
        with self.db.session() as s:
            return Repository(s).filings(portfolio)

    def periods(self, portfolio: PortfolioRef) -> list[dt.date]:
        """Periods of report (a filer's), or the dates an own book's holdings changed."""
        with self.db.session() as s:
            if portfolio.kind == "own":
                return OwnStore(s).change_dates(portfolio)
            return Repository(s).periods(portfolio)

    def stakes(self, cusips) -> dict[str, Stake]:
        """Each issuer's latest reported shares outstanding, where known (cusip -> Stake)."""
        from core.storage.sync_store import SyncStore

        with self.db.session() as s:
            return SyncStore(s).stakes(cusips)

    def holdings(self, portfolio: PortfolioRef, period: dt.date | None = None) -> Holdings:
        """Positions as of a period of report (the latest by default), largest first."""
        with self.db.session() as s:
            repo = Repository(s)
            periods = self.periods(portfolio)
            if not periods:
                raise NotFoundError(f"{portfolio.name} has no reports yet")
            if period is None:
                period = periods[-1]
            elif portfolio.kind == "own":
                return own_holdings(s, portfolio, period)  # derived for any date
            elif period not in periods:
                listed = ", ".join(p.isoformat() for p in periods)
                raise NotFoundError(
                    f"{portfolio.name} has no report for {period.isoformat()} (it has: {listed})"
                )
            if portfolio.kind == "own":
                return own_holdings(s, portfolio, period)
            reports = repo.report_rows(portfolio, period)
            cusips = {r.cusip for rep in reports for r in rep.rows}
            tickers = repo.tickers(cusips)
            names = repo.company_names(cusips)
            from core.services.cusip_master import symbols_as_filed, with_symbols_as_filed

            as_filed = symbols_as_filed(s, cusips, period)
        held = aggregate(portfolio.name, period, reports, tickers)
        return with_display_names(with_symbols_as_filed(held, as_filed), names)


def own_key(ticker: str, cusip: str | None) -> str:
    """An own position's security key: its CUSIP when known, else the ticker."""
    return cusip or f"TICKER:{ticker}"


def own_holdings(s, portfolio: PortfolioRef, period: dt.date) -> Holdings:
    """An own book's holdings on a date, derived from its ledger, valued at the last cached
    close on or before it (else at cost, else nothing), so it can be charted and compared
    like a filing."""
    store, prices = OwnStore(s), PriceStore(s)
    names = {c.ticker: c.name for c in Repository(s).companies() if c.ticker}
    rows, unpriced = [], []
    for h in store.holdings(portfolio, period):
        bar = prices.close_on_or_before(h.ticker, period)
        per = h.cost_per_share
        price = bar.close if bar else (float(per) if per else None)
        if price is None:  # no close and no cost: left out, said so (never a silent $0)
            unpriced.append(own_key(h.ticker, h.cusip))
        shares = float(h.shares)
        rows.append((h, shares, round(shares * (price or 0.0)), price is not None))
    total = sum(v for _, _, v, _ in rows)
    positions = tuple(sorted(
        (Position(own_key(h.ticker, h.cusip), h.ticker, names.get(h.ticker, h.ticker),
                  "", "SH", None, int(sh) if sh.is_integer() else sh, v,
                  (v / total if total else 0.0) if priced else None)
         for h, sh, v, priced in rows),
        key=lambda p: (-p.value, p.ticker or ""),
    ))  # fmt: skip
    return Holdings(portfolio.name, period, (f"ledger to {period}",), total, positions,
                    unpriced=tuple(sorted(unpriced)))  # fmt: skip
