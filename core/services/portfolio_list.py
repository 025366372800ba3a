"""The list of portfolios with their reports and following, read without the ORM so that
`stakewatch portfolios` starts fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.storage import quick_reads
from core.storage.database import Database


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    id: int
    name: str
    kind: str  # "filer" or "own"
    cik: str | None
    followed: bool
    last_synced: dt.datetime | None  # UTC
    reports: int  # a filer's filings, or an own portfolio's dated statements
    latest: dt.date | None  # the latest period of report (or statement date)


def portfolio_lines(db: Database) -> list[PortfolioLine]:
    """Every portfolio, filers first, by name."""
    return [PortfolioLine(*row) for row in quick_reads.portfolio_overview(db)]
