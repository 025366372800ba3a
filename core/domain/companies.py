"""The security master as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Company:
    cusip: str
    ticker: str | None
    name: str
    exchange: str | None
    origin: str  # "bundled", "filing" (named by a filing, no ticker yet) or "user"
    note: str | None = None
    reports: int = 0  # filing rows that reference this CUSIP
    # The ticker's mapping: when it was set, and for a dated source (the SEC's fails data,
    # the bundled filings) the first and last date that symbol was seen.
    mapped_at: dt.datetime | None = None
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Holding:
    """One filing's report of a security: who held how much, when."""

    portfolio: str
    period: dt.date
    accession: str
    shares: int
    value: int
