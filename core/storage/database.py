"""The one place that opens the database: engine, sessions, SQLite pragmas, upgrades."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from core.masking import mask_secrets, url_password
from core.storage import transactions as tx
from core.storage.damage import DamageWatch
from core.storage.locks import SetupLockTimeout, advisory_lock, file_lock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration; tests check it against Alembic's head so start-up can compare
# revisions without loading Alembic when nothing is pending.
HEAD_REVISION = "0010"


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why."""


class ReadOnlyDatabaseError(DatabaseError):
    """A write to a database this user may only read (a read-only file or role)."""


T = TypeVar("T")
# Read-only: a read-only server or session, or no INSERT on the tables (before the first
# migration, no right to create them).
_PG_READ_ONLY = (
    "SELECT current_setting('transaction_read_only') = 'on' OR NOT coalesce("
    "has_table_privilege(to_regclass('meta'), 'INSERT'), "
    "has_schema_privilege(current_schema(), 'CREATE'))"
)


class Database:
    """Owns the engine. `session()` is one unit of work: committed, or rolled back whole.

    Writers queue rather than fail: a write session starts with SQLite's BEGIN IMMEDIATE
    (PostgreSQL: row locks under a lock timeout) and waits up to `busy_timeout` seconds
    ($STAKEWATCH_BUSY_TIMEOUT, default 60) for another process's write; after a second of
    waiting `on_wait` hears "waiting for another Stakewatch to finish writing...".
    `url` is the masked URL (no password): the only one any message may show.
    """

    def __init__(self, url: str, *, busy_timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self._url = url
        self.url = tx.masked(url)
        self.is_sqlite = url.startswith("sqlite")
        self.path: Path | None = None
        self.read_only = False
        self.busy_timeout = (busy_timeout if busy_timeout is not None else
                             tx.seconds_from_env(tx.BUSY_TIMEOUT_ENV, tx.DEFAULT_BUSY_TIMEOUT))
        self.notice = tx.WaitNotice(on_wait, tx.seconds_from_env(tx.NOTICE_ENV,
                                                                 tx.DEFAULT_NOTICE_AFTER))
        self.changes = tx.ChangeTally()
        self._damage: DamageWatch | None = None
        self._threads = threading.local()
        kwargs: dict = {}
        if self.is_sqlite:
            database = url.split(":///", 1)[1] if ":///" in url else ""
            if not database or database == ":memory:":
                raise DatabaseError("an in-memory database is not supported: give a file path")
            self.path = Path(database)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False,
                                      "timeout": self.busy_timeout}  # fmt: skip
            if self.path.exists() and self._sqlite_read_only():
                # SQLite opens a file it cannot write (or whose folder it cannot write its
                # journal in) only when asked to read: browsing works, a write is refused.
                self.read_only = True
                kwargs["creator"] = lambda: self.raw_sqlite(self.busy_timeout)
        elif url.startswith("postgresql"):
            # Writers wait for each other's row locks up to the busy timeout, then fail
            # with one clear line (never hang for ever behind a forgotten transaction).
            lock_ms = int(self.busy_timeout * 1000)
            kwargs["connect_args"] = {"options": f"-c lock_timeout={lock_ms}",
                                      "application_name": "stakewatch", "connect_timeout": 15}
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except Exception as exc:  # bad URL or missing driver
            raise DatabaseError(f"cannot open database {self.url}: "
                                f"{type(exc).__name__}") from None  # fmt: skip
        is_pg = self.engine.dialect.name == "postgresql"
        self._lock_watch: tx.LockWatch | None = None
        if self.is_sqlite:
            tx.configure_sqlite(self.engine, self.busy_timeout, self.notice,
                                read_only=self.read_only)  # fmt: skip
            assert self.path is not None
            self._damage = DamageWatch(self.path)
            self._damage.install(self.engine, DatabaseError)
            if self.path.exists():
                self._damage.check_at_open(lambda: sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True))  # fmt: skip
        elif is_pg:
            self._lock_watch = tx.configure_postgresql(self.engine, self.notice)
        tx.track_writes(self.engine, self.changes, notify_pg=is_pg)
        self._writer = self.engine.execution_options(**{tx.BEGIN_OPTION: "IMMEDIATE"})

    # Session factories are made on first use: sqlalchemy.orm is slow to import, and a
    # light command (list portfolios) reads through Core alone (core/storage/quick_reads).
    @cached_property
    def _sessions(self) -> sessionmaker:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self._writer, expire_on_commit=False)

    @cached_property
    def _readers(self) -> sessionmaker:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def _try_writers(self) -> sessionmaker:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine.execution_options(**{tx.BEGIN_OPTION: "TRY"}),
                            expire_on_commit=False)  # fmt: skip

    @property
    def reading(self) -> ReadingDatabase:
        """This database for services that only read: their sessions never queue behind a
        writer (SQLite WAL readers see the last commit)."""
        return ReadingDatabase(self)

    @property
    def on_wait(self) -> Callable[[str], None] | None:
        return self.notice.notify

    @on_wait.setter
    def on_wait(self, callback: Callable[[str], None] | None) -> None:
        self.notice.notify = callback

    def prefer_reads_on_this_thread(self) -> None:
        """Sessions opened on this thread (the GUI's) never queue behind another writer:
        they take the write lock if it is free at once, else they only read (a write in
        them then fails at once with one clear line instead of freezing the window)."""
        self._threads.reader = True

    @contextmanager
    def session(self, write: bool | None = None) -> Iterator[Session]:
        """One transaction. A write session (the default) takes the write lock first
        (SQLite BEGIN IMMEDIATE), so what it reads stays true until it commits; a read
        session (`write=False`) never waits for writers."""
        if self.read_only or write is False:
            factory = self._readers
        elif write is None and getattr(self._threads, "reader", False):
            factory = self._try_writers
        else:
            factory = self._sessions
        try:
            with factory() as s, s.begin():
                yield s
        except DBAPIError as exc:
            if tx.is_read_only_error(exc):
                raise ReadOnlyDatabaseError(f"read-only database {self.url}: "
                                    "this user cannot change it") from None  # fmt: skip
            if "lock" in str(exc.orig).lower() and tx.sqlstate(exc) in (None, "55P03"):
                raise DatabaseError(f"another Stakewatch kept {self.url} busy for more than "
                                    f"{self.busy_timeout:.0f} s; try again (or set "
                                    f"${tx.BUSY_TIMEOUT_ENV})") from None  # fmt: skip
            raise

    def transaction(self, work: Callable[[Session], T], attempts: int = 5) -> T:
        """Run `work(session)` in one write transaction; run it again (at most `attempts`
        times) when PostgreSQL reports a serialization failure, a deadlock or a key another
        writer took first: each run reads afresh what it changes."""
        for attempt in range(1, attempts + 1):
            try:
                with self.session(write=True) as s:
                    return work(s)
            except DBAPIError as exc:
                if attempt == attempts or not tx.is_retryable(exc):
                    raise
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Held around upgrade and seeding, so one process does them and others wait."""
        try:
            if self.path is not None:
                lock = file_lock(self.path.with_name(self.path.name + ".lock"),
                                 self.busy_timeout, self.notice)  # fmt: skip
            else:
                lock = advisory_lock(self.engine, self.busy_timeout, self.notice)
            with lock:
                yield
        except SetupLockTimeout as exc:
            raise DatabaseError(f"{exc} ({self.url}); try again") from None
        except OperationalError as exc:
            if self.is_sqlite:
                raise
            # The server's first line (refused, bad password, no such database): no URL
            # with a password, no SQL.
            why = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "failed"
            why = mask_secrets(why, *url_password(self._url))  # a driver may echo a part
            raise DatabaseError(f"cannot open database {self.url}: {why}") from None

    def detect_read_only(self) -> bool:
        """Whether this user may only read: an SQLite file without write permission, or a
        PostgreSQL role without INSERT on the tables (or a read-only server)."""
        if self.path is not None:
            self.read_only = self.read_only or self._sqlite_read_only()
        elif self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                ro = conn.exec_driver_sql(_PG_READ_ONLY).scalar()
            self.read_only = bool(ro)
        return self.read_only

    def raw_sqlite(self, timeout: float) -> sqlite3.Connection:
        """A plain sqlite3 connection to the file; one that only reads if the database is
        read-only. In a read-only folder without the WAL's side files SQLite cannot even
        read a WAL database, unless told the file is immutable."""
        assert self.path is not None
        if not self.read_only:
            return sqlite3.connect(self.path, check_same_thread=False, timeout=timeout)
        side_files = all(self.path.with_name(self.path.name + s).exists()
                         for s in ("-wal", "-shm"))  # fmt: skip
        ro = "ro" if os.access(self.path.parent, os.W_OK) or side_files else "ro&immutable=1"
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode={ro}", uri=True,
                               check_same_thread=False, timeout=timeout)  # fmt: skip

    def _sqlite_read_only(self) -> bool:
        """The file (or, if there is none yet, its folder) is not writable, or the folder
        is not (SQLite writes its journal beside the file)."""
        assert self.path is not None
        folder = os.access(self.path.parent, os.W_OK)
        return not folder or (self.path.exists() and not os.access(self.path, os.W_OK))

    @property
    def damaged(self) -> str | None:
        """Why nothing may be written to this SQLite file (SQLite reported it corrupt, now or
        at an earlier run, and it has not checked clean since), or None."""
        if self._damage is None or self._damage.reason is None:
            return None
        return self._damage.message()

    def dispose(self) -> None:
        if self._lock_watch is not None:
            self._lock_watch.close()
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
        if self.read_only:
            raise DatabaseError(f"the database {self.path or self.url} needs a schema upgrade, "
                                "which this read-only user cannot do")  # fmt: skip
        backup = self._backup(current) if current is not None else None
        with self._writer.begin() as conn:
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


class ReadingDatabase:
    """A Database whose `session()` is a read session unless asked for `write=True`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def session(self, write: bool = False):
        return self._db.session(write=write)

    def __getattr__(self, name: str):
        return getattr(self._db, name)
