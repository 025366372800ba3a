"""Did another process change the database? SQLite: PRAGMA data_version on a connection of
our own (it moves only when another connection commits); PostgreSQL: LISTEN for the NOTIFY
every writer sends inside its transaction. Cheap enough to poll every second on the GUI
thread; what changed is then told from a small summary of the tables."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import dataclass

from sqlalchemy import text

from core.storage.database import Database
from core.storage.transactions import CHANNEL

log = logging.getLogger(__name__)

# Small aggregates that move with every kind of change a user can make.
_SUMMARY = text(
    "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM portfolios), "
    "(SELECT count(*) FROM own_transactions), (SELECT max(modified_at) FROM own_transactions), "
    "(SELECT max(id) FROM own_transactions), (SELECT count(*) FROM companies), "
    "(SELECT max(updated_at) FROM companies), (SELECT max(fetched_at) FROM quotes), "
    "(SELECT max(fetched_at) FROM price_bars)"
)


@dataclass(frozen=True, slots=True)
class Summary:
    filings: int
    portfolios: int
    holdings: int
    holdings_modified: object
    statements: int | None  # the newest transaction's id: a removal and an add still show
    companies: int
    companies_updated: object
    quotes_fetched: object
    bars_fetched: object


@dataclass(frozen=True, slots=True)
class Change:
    """What another process changed, and the sentence the status bar shows."""

    filings_added: int
    portfolios: bool  # the list of portfolios changed (a new filer, an own book)
    holdings: bool  # own books' transactions
    companies: bool  # tickers mapped, companies added
    prices: bool  # quotes or daily bars
    message: str


def _describe(old: Summary, new: Summary) -> Change:
    added = new.filings - old.filings
    portfolios = new.portfolios != old.portfolios
    holdings = (new.holdings, new.holdings_modified, new.statements) != (
        old.holdings, old.holdings_modified, old.statements)  # fmt: skip
    companies = (new.companies, new.companies_updated) != (old.companies, old.companies_updated)
    prices = (new.quotes_fetched, new.bars_fetched) != (old.quotes_fetched, old.bars_fetched)
    parts = []
    if added > 0:
        parts.append(f"{added} filing{'s' if added != 1 else ''} imported")
    elif added < 0:
        parts.append(f"{-added} filing{'s' if added != -1 else ''} removed")
    if portfolios and not added:
        parts.append("portfolios changed")
    if holdings:
        parts.append("holdings edited")
    if companies and not added:
        parts.append("tickers mapped")
    if prices:
        parts.append("prices updated")
    what = ", ".join(parts) if parts else "the database changed"
    return Change(added, portfolios or added != 0, holdings, companies, prices,
                  f"{what[0].upper()}{what[1:]} by another process")  # fmt: skip


class ChangeWatch:
    """`poll()` returns a Change when another process committed since the last poll."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sqlite: sqlite3.Connection | None = None
        self._listener = None  # PostgreSQL: a pooled connection kept for LISTEN
        self._version: int | None = None
        # Our own commit counts at the last two polls: SQLite cannot say whose commit moved
        # data_version, so a move while we committed too is taken as ours (the window
        # reloads after its own edits anyway). Two polls, because the count moves just
        # before the commit reaches the file.
        self._local = [db.changes.commits] * 2
        if db.path is not None:
            self._sqlite = db.raw_sqlite(timeout=1)  # read-only if the database is
            self._version = self._data_version()
        elif db.engine.dialect.name == "postgresql":
            self._listener = db.engine.raw_connection()
            conn = self._listener.driver_connection
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
        self._summary = self.summary()

    def _data_version(self) -> int:
        assert self._sqlite is not None
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]

    def summary(self) -> Summary:
        # Core, not a session: the window takes its first summary before its first paint,
        # and sqlalchemy.orm is slow to import.
        with self.db.engine.connect() as conn:
            return Summary(*conn.execute(_SUMMARY).one())

    def _others_wrote(self) -> bool:
        if self._sqlite is not None:
            version = self._data_version()
            moved, self._version = version != self._version, version
            return moved
        if self._listener is not None:
            conn = self._listener.driver_connection
            own = f"{self.db.changes.token}:"
            foreign = False
            # A no-op round trip delivers what the server queued for us; the handler-free
            # generator then yields it without blocking.
            conn.execute("SELECT 1")
            for note in conn.notifies(timeout=0):
                foreign = foreign or not note.payload.startswith(own)
            return foreign
        return False

    def poll(self) -> Change | None:
        self._local = [self._local[1], self.db.changes.commits]
        try:
            if not self._others_wrote():
                return None
            new = self.summary()
        except Exception as exc:  # a server gone for a moment: try again next time
            log.info("change poll failed: %s", type(exc).__name__)
            return None
        old, self._summary = self._summary, new
        if self.db.path is not None and self.db.changes.commits != self._local[0]:
            return None  # most likely our own commit
        if new == old:
            return None
        return _describe(old, new)

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._listener is not None:
            with contextlib.suppress(Exception):
                self._listener.driver_connection.execute(f"UNLISTEN {CHANNEL}")
            self._listener.invalidate()  # never back to the pool in autocommit mode
            self._listener = None
