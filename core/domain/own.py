"""What the user typed for an own book, before checks: one transaction, or a holding."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TxInput:
    """One ledger entry as typed (every number a string, as entered)."""

    type: str
    ticker: str
    date: str
    shares: str | None = None
    price: str | None = None
    fees: str | None = None
    amount: str | None = None
    ratio: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class HoldingInput:
    """A holding as typed (ticker, shares, date, cost per share): recorded as a buy."""

    ticker: str
    shares: str
    date: str
    cost: str | None = None
    note: str | None = None
