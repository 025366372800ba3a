"""The security master: list companies, see who held them, map CUSIPs to tickers."""

from __future__ import annotations

import re

from core.domain.companies import Company, Holding
from core.services.queries import InvalidRequestError
from core.storage.database import Database
from core.storage.repositories import Repository

TICKER = re.compile(r"^[A-Z0-9][A-Z0-9.\-^=]{0,15}$")


def clean_ticker(text: str | None) -> str | None:
    """A ticker in canonical form, None for empty; InvalidRequestError if malformed."""
    value = (text or "").strip().upper()
    if not value:
        return None
    if not TICKER.match(value):
        raise InvalidRequestError(f"{text!r} is not a ticker (letters, digits, . - ^ =)")
    return value


class CompanyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def companies(self) -> list[Company]:
        with self.db.session() as s:
            return Repository(s).companies()

    def holdings_of(self, cusip: str) -> list[Holding]:
        with self.db.session() as s:
            return Repository(s).holdings_of(cusip)

    def set_ticker(self, cusip: str, ticker: str | None) -> str | None:
        """Map (or unmap) a CUSIP's ticker in one transaction; returns the previous one so
        the edit can be undone. A CUSIP named only by filings gets a company row."""
        value = clean_ticker(ticker)
        with self.db.session() as s:
            repo = Repository(s)
            try:
                return repo.set_ticker(cusip, value, repo.issuer_name(cusip))
            except ValueError as exc:
                raise InvalidRequestError(str(exc)) from None
