"""Profit and loss of an own book: each holding at a price against its cost, the totals,
and the realised gain and income the ledger has earned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.services.prices import PriceNow


@dataclass(frozen=True, slots=True)
class Pnl:
    ticker: str
    shares: Decimal
    cost_per_share: Decimal | None
    price: float | None
    value: float | None
    cost: float | None
    pnl: float | None
    pnl_pct: float | None
    day_change: float | None = None  # shares x (price - previous close), where both known
    quote_time: dt.datetime | None = None  # when the price was printed

    def at(self, quote: PriceNow | None) -> Pnl:
        """This line at another price (a streamed tick): the same rule as `pnl`."""
        return pnl_line(self.ticker, self.shares, self.cost_per_share, quote)


def pnl_at(lines: list[Pnl], prices: dict[str, PriceNow]) -> list[Pnl]:
    """The lines at the streamed prices newer than their own, by `pnl`'s rule."""
    return [line.at(prices[line.ticker]) if line.ticker in prices
            and prices[line.ticker].newer_than(line.quote_time) else line
            for line in lines]  # fmt: skip


def pnl_line(ticker: str, shares: Decimal, cost_per_share: Decimal | None,
             quote: PriceNow | None) -> Pnl:  # fmt: skip
    """One holding's P&L at a quote: a market price only (live or cached, never a filing's
    implied one), against cost where known; the day's change where the quote has a
    previous close."""
    q = quote
    price = q.price if q is not None and q.source in ("live", "cache") else None
    value = float(shares) * price if price is not None else None
    cost = float(shares * cost_per_share) if cost_per_share is not None else None
    pnl = value - cost if value is not None and cost is not None else None
    day_change = (float(shares) * (price - q.previous_close)
                  if price is not None and q and q.previous_close else None)  # fmt: skip
    return Pnl(ticker, shares, cost_per_share, price, value, cost, pnl,
               pnl / cost * 100 if pnl is not None and cost else None, day_change,
               q.quote_time if price is not None and q is not None else None)


@dataclass(frozen=True, slots=True)
class PnlTotals:
    """A book's sums; a position without a price (or a cost) is left out of the sums that
    need it and counted in `unpriced` (or `no_cost`)."""

    statement: dt.date | None  # the date the holdings are for
    positions: int
    value: float  # market value of the priced positions
    cost: float  # cost of the positions with a cost
    pnl: float | None  # over positions with both a price and a cost
    pnl_pct: float | None
    day_change: float | None
    unpriced: int
    no_cost: int


def pnl_totals(rows: list[Pnl], statement: dt.date | None = None) -> PnlTotals:
    """The totals row of a P&L table (the same figures `pnl` prints)."""
    both = [r for r in rows if r.pnl is not None and r.cost is not None]
    gain = sum(r.pnl for r in both) if both else None  # type: ignore[misc]
    basis = sum(r.cost for r in both)  # type: ignore[misc]
    days = [r.day_change for r in rows if r.day_change is not None]
    return PnlTotals(
        statement=statement, positions=len(rows),
        value=sum(r.value for r in rows if r.value is not None),
        cost=sum(r.cost for r in rows if r.cost is not None),
        pnl=gain, pnl_pct=gain / basis * 100 if gain is not None and basis else None,
        day_change=sum(days) if days else None,
        unpriced=sum(1 for r in rows if r.value is None),
        no_cost=sum(1 for r in rows if r.cost is None),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PnlReport:
    """`pnl`'s answer: the holdings at a date, and what the ledger earned up to it."""

    day: dt.date
    lines: list[Pnl]
    realised_gain: Decimal | None  # None when a sale's price or cost is unknown
    dividends: Decimal
    fees: Decimal  # standalone fees paid
    transactions: int

    @property
    def totals(self) -> PnlTotals:
        return pnl_totals(self.lines, self.day)
