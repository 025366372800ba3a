"""Database failures in one line a user can act on: never SQL, never parameters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError


def latest_backup(path: Path) -> Path | None:
    """The newest `<name>.<revision>-<time>.bak` beside an SQLite file, if any."""
    backups = sorted(path.parent.glob(f"{path.name}.*.bak"), key=lambda p: p.stat().st_mtime)
    return backups[-1] if backups else None


def explain(exc: BaseException, path: Path | None) -> str | None:
    """A one-line reason for a database failure, or None if `exc` is not one."""
    if not isinstance(exc, SQLAlchemyError | sqlite3.Error):
        return None
    # A failure the session met again on its way out (PendingRollbackError after a server
    # went away mid-import): the first one says what happened.
    first = _first_dbapi_error(exc)
    if first is not None:
        exc = first
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    where = str(path) if path is not None else "the database"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        backup = latest_backup(path) if path is not None else None
        restore = (f"; restore the most recent backup, {backup}" if backup is not None
                   else "; no backup (*.bak) of it was found")  # fmt: skip
        return f"{where} is damaged (corrupted or truncated){restore}"
    if "disk is full" in text or "database or disk is full" in text:
        return f"the disk holding {where} is full; nothing was changed"
    if "readonly" in text or "read-only" in text:
        return f"{where} is read-only: this user cannot change it"
    if "unable to open" in text:
        return f"cannot open {where} (is its folder missing or not writable?)"
    if "disk i/o error" in text:
        return f"cannot read or write {where}: a disk I/O error"
    if "locked" in text or "busy" in text:
        return f"{where} is busy: another program holds it; try again"
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or any(
            lost in text for lost in _LOST)):  # fmt: skip
        said = str(orig).strip().splitlines()[0][:160] if str(orig).strip() else "no reason"
        return (f"the connection to the database server was lost ({said}); the work in "
                "progress was not saved: try again")
    return f"the database failed ({type(orig).__name__}); nothing was changed"


# How psycopg and libpq say a server went away mid-transaction.
_LOST = ("server closed the connection", "terminating connection", "connection is closed",
         "connection is lost", "consuming input failed", "connection already closed",
         "the connection was closed", "ssl syscall error", "no connection to the server")


def _first_dbapi_error(exc: BaseException) -> DBAPIError | None:
    """The first driver error among the exceptions that led to `exc` (itself included)."""
    seen: set[int] = set()
    found = None
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, DBAPIError):
            found = cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return found
