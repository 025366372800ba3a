"""How writers queue instead of failing: SQLite BEGIN IMMEDIATE and PostgreSQL lock waits,
the "waiting for another Stakewatch" notice, change notices and masked URLs."""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
import time
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from core.masking import mask_secrets, url_password

log = logging.getLogger(__name__)

WAITING = "waiting for another Stakewatch to finish writing..."
BUSY_TIMEOUT_ENV = "STAKEWATCH_BUSY_TIMEOUT"
NOTICE_ENV = "STAKEWATCH_WAIT_NOTICE"
DEFAULT_BUSY_TIMEOUT = 60.0  # seconds a writer waits for another one before giving up
DEFAULT_NOTICE_AFTER = 1.0  # seconds of waiting before the user is told
CHANNEL = "stakewatch_changes"  # PostgreSQL LISTEN/NOTIFY channel
BEGIN_OPTION = "stakewatch_begin"  # execution option: "IMMEDIATE" for write sessions

# SQLSTATEs worth running the whole transaction again for: serialization failure,
# deadlock, and a unique key another writer took first (the retry reads it and moves on).
RETRYABLE = {"40001", "40P01", "23505"}
READ_ONLY_STATES = {"42501", "25006"}  # insufficient privilege, read-only transaction
_WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


def masked(url: str) -> str:
    """The URL as it may be shown: never a password (core.masking, the one function)."""
    return mask_secrets(url, *url_password(url))


def seconds_from_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE


def is_read_only_error(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    if sqlstate(exc) in READ_ONLY_STATES:
        return True
    return "readonly database" in str(getattr(exc, "orig", "")).lower()


class WaitNotice:
    """Calls `notify(WAITING)` once per wait that lasts longer than `after` seconds."""

    def __init__(self, notify: Callable[[str], None] | None, after: float) -> None:
        self.notify = notify
        self.after = after

    def tell(self) -> None:
        if self.notify is not None:
            try:
                self.notify(WAITING)
            except Exception:  # a notice must never break a write
                log.exception("the waiting notice failed")


class ChangeTally:
    """Which tables this process's committed transactions wrote, and a count of them."""

    def __init__(self) -> None:
        self.commits = 0
        self.token = f"{os.getpid()}-{id(self):x}"  # tells our own notices from others'
        self.lock = threading.Lock()

    def committed(self) -> None:
        with self.lock:
            self.commits += 1


def track_writes(engine: Engine, tally: ChangeTally, notify_pg: bool) -> None:
    """Remember the tables a transaction writes; at commit, count it and (PostgreSQL)
    NOTIFY listeners inside the same transaction, so they hear only of committed work."""

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn: Connection, _cursor, statement: str, *_args) -> None:
        m = _WRITE_SQL.match(statement)
        if m:
            conn.info.setdefault("stakewatch_written", set()).add(m.group(1).lower())

    @event.listens_for(engine, "commit")
    def _commit(conn: Connection) -> None:
        written = conn.info.pop("stakewatch_written", None)
        if not written:
            return
        tally.committed()
        if notify_pg:
            payload = f"{tally.token}:{','.join(sorted(written))}"
            cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload[:7000]))
            finally:
                cur.close()

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Connection) -> None:
        conn.info.pop("stakewatch_written", None)


def configure_sqlite(engine: Engine, busy_timeout: float, notice: WaitNotice,
                     read_only: bool = False) -> None:  # fmt: skip
    """pysqlite's own transaction handling off; our BEGIN: IMMEDIATE for write sessions, so
    writers queue on SQLite's lock (busy timeout) instead of failing on an upgrade. A
    read-only file keeps its journal mode (switching it would be a write)."""
    full_ms = int(busy_timeout * 1000)
    first_ms = int(min(notice.after, busy_timeout) * 1000)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        # Wait (not fail) while another first start switches the file to WAL.
        cur.execute(f"PRAGMA busy_timeout = {full_ms}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        # Statements inside a write transaction hold the lock already; a reader in WAL
        # mode never waits. Only BEGIN IMMEDIATE waits, in two steps (see _begin).
        cur.execute(f"PRAGMA busy_timeout = {first_ms}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION)
        if mode == "TRY":  # the GUI thread: the write lock if free, else read at once
            conn.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except OperationalError:
                conn.exec_driver_sql("BEGIN")
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {first_ms}")
            return
        if mode != "IMMEDIATE":
            conn.exec_driver_sql("BEGIN")
            return
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
                raise
        notice.tell()  # waited `after` seconds already: say so, then wait the rest
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {max(1, full_ms - first_ms)}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {first_ms}")


class LockWatch:
    """PostgreSQL: a statement of this process that waits on another's lock for longer
    than the notice delay is reported once (pg_stat_activity says it waits on a Lock)."""

    def __init__(self, engine: Engine, notice: WaitNotice) -> None:
        self.engine = engine
        self.notice = notice
        self.running: dict[int, tuple[float, int]] = {}  # key -> (started, backend pid)
        self.lock = threading.Lock()
        self.ids = itertools.count()
        self.thread: threading.Thread | None = None
        self.closed = threading.Event()

    def start(self, pid: int) -> int:
        key = next(self.ids)
        with self.lock:
            self.running[key] = (time.monotonic(), pid)
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="pg-lock-watch",
                                               daemon=True)  # fmt: skip
                self.thread.start()
        return key

    def stop(self, key: int | None) -> None:
        with self.lock:
            self.running.pop(key, None)  # type: ignore[arg-type]

    def _watch(self) -> None:
        told: set[int] = set()
        while not self.closed.wait(min(0.25, self.notice.after / 2 or 0.05)):
            now = time.monotonic()
            with self.lock:
                late = {k: pid for k, (t0, pid) in self.running.items()
                        if now - t0 >= self.notice.after and k not in told}  # fmt: skip
                told &= set(self.running)
            if late and self._waiting_on_lock(set(late.values())):
                told |= set(late)
                self.notice.tell()

    def close(self) -> None:
        self.closed.set()
        if self.thread is not None:
            self.thread.join(5)
            self.thread = None

    def _waiting_on_lock(self, pids: set[int]) -> bool:
        try:
            raw = self.engine.raw_connection()
        except Exception:
            return False
        try:
            cur = raw.cursor()
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) "
                        "AND wait_event_type = 'Lock'", (list(pids),))  # fmt: skip
            waiting = cur.fetchone()[0]
            raw.rollback()
            return bool(waiting)
        except Exception:
            return False
        finally:
            raw.close()


def configure_postgresql(engine: Engine, notice: WaitNotice) -> LockWatch:
    """Watch write-session statements for lock waits (the notice); close it at the end."""
    watch = LockWatch(engine, notice)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Connection, _cursor, *_args) -> None:
        if conn.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE":
            pid = conn.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
            conn.info["stakewatch_watch"] = watch.start(pid)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Connection, *_args) -> None:
        watch.stop(conn.info.pop("stakewatch_watch", None))

    @event.listens_for(engine, "handle_error")
    def _failed(ctx) -> None:
        if ctx.connection is not None:
            watch.stop(ctx.connection.info.pop("stakewatch_watch", None))

    return watch
