"""Follow and unfollow 13F filers; list them with when they were synced and when due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.domain.following import FilerStatus
from core.domain.positions import PortfolioRef
from core.domain.text import one_line
from core.edgar.client import EdgarClient, cik10
from core.edgar.http import Deadline, HttpError, check_contact
from core.services.queries import InvalidRequestError, PortfolioQueries
from core.services.settings import Settings
from core.storage.database import Database
from core.storage.repositories import Repository
from core.storage.sync_store import SyncStore


class FilerLookupError(Exception):
    """EDGAR could not be asked (network, deadline): the reason is the message."""


@dataclass(frozen=True, slots=True)
class FollowResult:
    portfolio: PortfolioRef
    created: bool
    was_followed: bool
    name_from_edgar: bool
    files_13f: bool | None  # None: not asked (--name given)


def parse_cik(text: str) -> str:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) == 0:
        raise InvalidRequestError(f"{text!r} is not a CIK (a number of up to 10 digits)")
    return cik10(value)


class Following:
    def __init__(self, db: Database, settings: Settings,
                 edgar_factory: Callable[[str], EdgarClient] = EdgarClient) -> None:  # fmt: skip
        self.db = db
        self.settings = settings
        self.edgar_factory = edgar_factory

    def statuses(self) -> list[FilerStatus]:
        with self.db.session() as s:
            return SyncStore(s).filer_statuses()

    def lookup_name(self, cik: str, deadline: float | None = None) -> tuple[str, bool]:
        """EDGAR's name for the CIK and whether it files 13F-HR; InvalidRequestError if
        EDGAR knows no such filer, FilerLookupError if EDGAR cannot be asked."""
        contact = check_contact(self.settings.sec_contact)
        if self.settings.offline:
            raise InvalidRequestError("offline: give the filer's name with --name")
        edgar = self.edgar_factory(contact)
        seconds = deadline if deadline is not None else self.settings.deadline
        try:
            return edgar.filer_name(cik, Deadline(seconds))
        except HttpError as exc:
            if exc.status == 404:
                raise InvalidRequestError(f"EDGAR knows no filer with CIK {cik}") from None
            raise FilerLookupError(f"cannot look up CIK {cik} on EDGAR: {exc}") from None

    def follow(self, cik_text: str, name: str | None = None,
               deadline: float | None = None) -> FollowResult:  # fmt: skip
        """Follow a filer (its portfolio made if new). With a name no request is sent."""
        cik = parse_cik(cik_text)
        files_13f = None
        from_edgar = False
        if name is not None:
            name = one_line(name)
            if not name or len(name) > 200:
                raise InvalidRequestError("--name must be 1 to 200 characters")
        else:
            name, files_13f = self.lookup_name(cik, deadline)
            from_edgar = True
        with self.db.session() as s:
            store = SyncStore(s)
            existing = Repository(s).find_portfolio(cik)
            was = bool(existing and existing.kind == "filer"
                       and store.set_followed(existing.id, True))  # fmt: skip
            ref, created = store.follow(cik, name)
        return FollowResult(ref, created, was, from_edgar, files_13f)

    def unfollow(self, key: str) -> tuple[PortfolioRef, bool]:
        """Stop syncing a filer; its data stays. Returns it and whether it was followed."""
        p = PortfolioQueries(self.db).portfolio(key)
        if p.kind != "filer":
            raise InvalidRequestError(f"{p.name} is your own portfolio, not a 13F filer")
        with self.db.session() as s:
            return p, SyncStore(s).set_followed(p.id, False)

    def last_check(self) -> dt.datetime | None:
        from core.services.sync import LAST_CHECK_KEY

        with self.db.session() as s:
            raw = Repository(s).get_meta(LAST_CHECK_KEY)
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class NewFiling:
    """What a new filing says, for the banner and the notification."""

    portfolio: PortfolioRef
    accession: str
    period: dt.date
    filed: dt.date
    positions: int  # non-option positions after amendments
    total_value: int
    new: int
    sold_out: int


def new_filings(report, queries, analytics) -> list[NewFiling]:
    """For each filer with new filings, its newest period as it now stands."""
    out = []
    for f in report.filers:
        if not f.imported:
            continue
        latest = max(f.imported, key=lambda i: (i.period, i.filed))
        portfolio = queries.portfolio(f.cik)
        holdings = queries.holdings(portfolio, latest.period)
        changes = analytics.changes(portfolio, latest.period)
        statuses = [c.status for c in changes.changes]
        out.append(NewFiling(
            portfolio, latest.accession, latest.period, latest.filed,
            sum(1 for p in holdings.positions if not p.is_option), holdings.total_value,
            statuses.count("NEW") if changes.previous_period else 0,
            statuses.count("SOLD OUT"),
        ))  # fmt: skip
    return out
