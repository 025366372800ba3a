"""One schema upgrade and first seeding at a time, whoever starts first: an SQLite file lock
on a sidecar file, a PostgreSQL advisory lock. Others wait (and are told so), then see the
finished database."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from core.storage.transactions import WaitNotice

log = logging.getLogger(__name__)

# Any fixed 64-bit number that other applications sharing the database are unlikely to use.
ADVISORY_KEY = 0x5374616B65  # "Stake"
POLL = 0.05  # seconds between tries while another process holds the lock


class SetupLockTimeout(Exception):
    """Another process held the set-up lock for longer than the busy timeout."""


def _wait_loop(try_once, timeout: float, notice: WaitNotice) -> None:
    start = time.monotonic()
    told = False
    while not try_once():
        waited = time.monotonic() - start
        if waited >= timeout:
            raise SetupLockTimeout(f"another Stakewatch kept the database busy for {waited:.0f} s")
        if not told and waited >= notice.after:
            notice.tell()
            told = True
        time.sleep(POLL)


@contextmanager
def file_lock(path: Path, timeout: float, notice: WaitNotice) -> Iterator[None]:
    """An exclusive lock on `path` (created if missing) held for the block."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own locking still keeps the file whole
        yield
        return
    try:
        handle = open(path, "a+b")  # noqa: SIM115  (held open across the block)
    except OSError as exc:  # a read-only folder: nobody can migrate or seed here anyway
        log.info("no set-up lock at %s: %s", path, exc)
        yield
        return

    def try_once() -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    try:
        _wait_loop(try_once, timeout, notice)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def advisory_lock(engine: Engine, timeout: float, notice: WaitNotice) -> Iterator[None]:
    """A PostgreSQL session advisory lock, on a connection of its own, held for the block."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")

        def try_once() -> bool:
            return bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})")
                        .scalar())  # fmt: skip

        _wait_loop(try_once, timeout, notice)
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
