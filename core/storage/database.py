"""The one place that opens the database: engine, sessions, SQLite pragmas, upgrades."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration; tests check it against Alembic's head so start-up can compare
# revisions without loading Alembic when nothing is pending.
HEAD_REVISION = "0005"


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.close()


class Database:
    """Owns the engine. `session()` is one unit of work: committed, or rolled back whole."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.path: Path | None = None
        kwargs: dict = {}
        if self.is_sqlite:
            database = url.split(":///", 1)[1] if ":///" in url else ""
            if not database or database == ":memory:":
                raise DatabaseError("an in-memory database is not supported: give a file path")
            self.path = Path(database)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except Exception as exc:  # bad URL or missing driver
            raise DatabaseError(f"cannot open database {url!r}: {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def upgrade(self) -> Path | None:
        """Bring the schema to the newest revision; returns the backup made first, if any."""
        current = self.current_revision()
        if current == HEAD_REVISION:
            return None
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        known = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
        if current is not None and current not in known:
            raise DatabaseError(
                f"the database {self.path or self.url} is at schema revision {current!r}, which "
                "this Stakewatch does not know: it was written by a newer version"
            )
        backup = self._backup(current) if current is not None else None
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        return backup

    def _backup(self, revision: str) -> Path | None:
        """Copy the SQLite file aside before a migration touches it."""
        if self.path is None or not self.path.exists():
            log.info("no backup before migrating %s: not an SQLite file", self.url)
            return None
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.{revision}-{stamp}.bak")
        # sqlite3's backup API copies a consistent image, WAL included.
        src = sqlite3.connect(self.path)
        try:
            dst = sqlite3.connect(target)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
        log.info("backed up %s to %s before migrating", self.path, target)
        return target

    def copy_to(self, target: Path) -> None:
        """A consistent copy of the SQLite file (used by tests and support)."""
        if self.path is None:
            raise DatabaseError("only SQLite databases can be copied")
        shutil.copyfile(self.path, target)
