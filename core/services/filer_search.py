"""Filers found by name: the stored ones (data sets, followed, imported) and, online,
EDGAR's own company list, merged by CIK."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from core.edgar.client import EdgarClient
from core.edgar.http import Deadline, HttpError, MissingContactError, check_contact
from core.edgar.search import EdgarCompany, company_search
from core.services.holders import FilerMatch, HoldersQueries
from core.services.settings import Settings
from core.storage.database import Database


@dataclass(frozen=True, slots=True)
class FilerSearch:
    """What a name search found, and why EDGAR was not searched (None: it was)."""

    matches: tuple[FilerMatch, ...]
    edgar_missing: str | None


def merge(local: Sequence[FilerMatch], edgar: Sequence[EdgarCompany]) -> list[FilerMatch]:
    """Stored filers first (as they came), then EDGAR's companies not stored, in EDGAR's
    order: one entry per CIK. A stored filer EDGAR lists too is marked as on EDGAR."""
    listed = {c.cik for c in edgar}
    out = [replace(m, on_edgar=True) if m.cik in listed else m for m in local]
    seen = {m.cik for m in local if m.cik}
    for c in edgar:
        if c.cik not in seen:
            seen.add(c.cik)
            out.append(FilerMatch(None, c.cik, c.name, False, False, None, None, on_edgar=True))
    return out


class FilerSearcher:
    """`search(text)`: stored filers, plus EDGAR's when online (same client, limiter,
    contact, caps and deadline as sync); EDGAR failing leaves the stored ones."""

    def __init__(self, db: Database, settings: Settings,
                 edgar_factory: Callable[[str], EdgarClient] = EdgarClient) -> None:  # fmt: skip
        self.queries = HoldersQueries(db)
        self.settings = settings
        self.edgar_factory = edgar_factory

    def local(self, text: str, limit: int = 50) -> list[FilerMatch]:
        return self.queries.search_filers(text, limit)

    def edgar(self, text: str, deadline: Deadline | None = None) -> list[EdgarCompany]:
        """EDGAR's companies for `text`; HttpError (or MissingContactError) if it cannot
        be searched; offline, nothing is sent. `deadline` (default: the deadline setting)
        can be cancelled from another thread (the window does when the typing goes on)."""
        if self.settings.offline:
            raise HttpError("offline")
        edgar = self.edgar_factory(check_contact(self.settings.sec_contact))
        return company_search(edgar, text, deadline or Deadline(self.settings.deadline))

    def search(self, text: str, limit: int = 50, deadline: float | None = None) -> FilerSearch:
        found = self.local(text, limit)  # bad input is refused before anything is sent
        if self.settings.offline:
            return FilerSearch(tuple(found), "offline")
        try:
            companies = self.edgar(text, Deadline(deadline) if deadline else None)
        except MissingContactError:
            return FilerSearch(tuple(found), "no sec_contact set")
        except HttpError as exc:
            return FilerSearch(tuple(found), str(exc))
        return FilerSearch(tuple(merge(found, companies)), None)
