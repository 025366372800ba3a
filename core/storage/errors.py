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
    return f"the database failed ({type(orig).__name__}); nothing was changed"
