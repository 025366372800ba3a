"""Followed filers as plain data, and when a filer's next 13F is due (pure functions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STALE_AFTER_DAYS = 135  # a quarter plus the 45 days to file: past this a report is missing
DUE_DAYS = 45  # 13F-HR is due 45 days after the end of each calendar quarter


@dataclass(frozen=True, slots=True)
class FilerStatus:
    portfolio_id: int
    name: str
    cik: str
    followed: bool
    last_synced: dt.datetime | None
    latest_period: dt.date | None
    latest_filed: dt.date | None
    filings: int


@dataclass(frozen=True, slots=True)
class Staleness:
    """Whether the latest report is old, and if so when the next one is (was) due."""

    stale: bool
    next_period: dt.date | None
    due: dt.date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Stake:
    """The issuer's latest reported shares outstanding, for stake = shares / outstanding."""

    shares_outstanding: int
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class PositionStake:
    """A position's share of its issuer (shares / shares outstanding), with where the count
    came from; or, when unknown, why (never guessed)."""

    value: float | None  # fraction of the issuer's shares outstanding
    shares: int | float = 0
    shares_outstanding: int | None = None
    as_of: dt.date | None = None  # the date the issuer reported the count for
    source: str | None = None  # e.g. "EDGAR XBRL company facts, ... (CIK 1769628)"
    reason: str | None = None  # why `value` is None


@dataclass(frozen=True, slots=True)
class MappingInfo:
    """Where a CUSIP's ticker came from, when, and why it is still unmapped if it is."""

    cusip: str
    ticker: str | None
    source: str | None  # "bundled", "user", "openfigi", "import-map"
    mapped_at: dt.datetime | None
    reason: str | None


def quarter_end_after(day: dt.date) -> dt.date:
    """The first calendar quarter end strictly after `day`."""
    for month, last in ((3, 31), (6, 30), (9, 30), (12, 31)):
        end = dt.date(day.year, month, last)
        if end > day:
            return end
    return dt.date(day.year + 1, 3, 31)


def staleness(latest_period: dt.date | None, today: dt.date) -> Staleness:
    if latest_period is None:
        return Staleness(False, None, None, False)
    if (today - latest_period).days <= STALE_AFTER_DAYS:
        return Staleness(False, None, None, False)
    period = quarter_end_after(latest_period)
    due = period + dt.timedelta(days=DUE_DAYS)
    return Staleness(True, period, due, today > due)


def stake(shares: int | float, outstanding: Stake | None) -> float | None:
    """The fraction of the issuer a position is; None when the count is unknown."""
    if outstanding is None or outstanding.shares_outstanding <= 0:
        return None
    return float(shares) / outstanding.shares_outstanding
