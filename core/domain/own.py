"""Own portfolios as plain data: dated statements of holdings the user entered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OwnHolding:
    id: int
    statement_date: dt.date
    ticker: str
    cusip: str | None
    shares: Decimal
    cost_per_share: Decimal | None
    note: str | None
    verified: bool
    created_at: dt.datetime
    modified_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HoldingInput:
    """What the user typed for one holding, before checks."""

    ticker: str
    shares: str
    date: str
    cost: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedHolding:
    ticker: str
    cusip: str | None
    shares: Decimal
    date: dt.date
    cost: Decimal | None
    note: str | None
    verified: bool
