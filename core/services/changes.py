"""What other processes changed (a CLI import, a sync, a teammate), for the window to reload
the pages it touches: a cheap poll of the database's own change signals."""

from __future__ import annotations

from core.storage.changes import Change, ChangeWatch
from core.storage.database import Database

__all__ = ["Change", "ChangeWatch", "watch"]


def watch(db: Database) -> ChangeWatch:
    """A watcher to `poll()` about once a second; `close()` it at the end."""
    return ChangeWatch(db)
