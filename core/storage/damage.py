"""A damaged SQLite file: noticed whenever SQLite reports corruption (even where a caller
goes on), remembered beside the file, and nothing written into it until it checks clean."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.storage.errors import latest_backup

SUFFIX = ".damaged"  # the marker beside the file: its first line says what SQLite reported
_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
# What changes the file; reads (and pragmas, the WAL's checkpoints) stay allowed.
_WRITES = {getattr(sqlite3, n) for n in dir(sqlite3)
           if n.startswith(("SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_",
                            "SQLITE_DROP_", "SQLITE_ALTER_"))}  # fmt: skip


def is_corruption(exc: BaseException | None) -> bool:
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(_CORRUPT) or "malformed" in text or "not a database" in text


class DamageWatch:
    """One SQLite file's damage: `reason` is None while it is sound."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.marker = path.with_name(path.name + SUFFIX)
        self.reason: str | None = None

    def message(self) -> str:
        backup = latest_backup(self.path)
        restore = (f"restore the most recent backup, {backup}" if backup is not None
                   else "no backup (*.bak) of it was found")  # fmt: skip
        return (f"{self.path} is damaged (SQLite: {self.reason}): nothing more is written to "
                f"it; {restore}")

    def check_at_open(self, connect: Callable[[], sqlite3.Connection]) -> None:
        """A file once reported damaged is checked (PRAGMA quick_check) at every open until
        it checks clean (a backup restored over it): then the marker goes."""
        if not self.marker.exists():
            return
        try:
            conn = connect()
            try:
                result = [r[0] for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            result = [str(exc)]
        if result == ["ok"]:
            self.marker.unlink(missing_ok=True)
        else:
            self.reason = "; ".join(result)[:200]

    def noticed(self, exc: BaseException) -> None:
        if self.reason is None:
            self.reason = str(exc)[:200]
        with contextlib.suppress(OSError):  # a read-only folder: this process still refuses
            self.marker.write_text(f"{self.reason}\n{dt.datetime.now(dt.UTC).isoformat()}\n")

    def install(self, engine: Engine, error: type[Exception]) -> None:
        """Every connection refuses writes once damage is known; every corruption SQLite
        reports is noticed, and a refused write becomes `error(message)`."""

        def deny_writes(action: int, *_args) -> int:
            if self.reason is not None and action in _WRITES:
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK

        @event.listens_for(engine, "connect")
        def _connected(dbapi_connection, _record) -> None:
            dbapi_connection.set_authorizer(deny_writes)

        @event.listens_for(engine, "handle_error")
        def _failed(ctx):
            exc = ctx.original_exception
            if is_corruption(exc):
                self.noticed(exc)
            elif self.reason is not None and "not authorized" in str(exc):
                return error(self.message())
            return None
