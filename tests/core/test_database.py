"""Opening, upgrading and backing up the database; where it lives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from core import paths
from core.context import AppContext
from core.storage.database import HEAD_REVISION, MIGRATIONS_DIR, Database, DatabaseError


def test_head_revision_constant_matches_alembic():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


@pytest.mark.backends
def test_schema_matches_the_models(db_url):
    """The migrations produce exactly what the ORM models describe (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.storage.schema import Base

    db = Database(db_url)
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


@pytest.mark.backends
def test_fresh_database_needs_no_backup(db_url):
    db = Database(db_url)
    assert db.upgrade() is None
    assert db.current_revision() == HEAD_REVISION
    assert db.upgrade() is None  # nothing pending
    db.dispose()


def test_backup_before_a_pending_migration(db_file):
    """A database at the first revision is copied aside, then upgraded; the copy is whole."""
    from tests.migrations import database_at

    with database_at("sqlite:///" + str(db_file), "0001") as (db, conn):
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('marker', 'kept')")
    assert db.current_revision() == "0001"
    backup = db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    assert backup is not None and backup.name.startswith(db_file.name + ".0001-")
    con = sqlite3.connect(backup)
    assert con.execute("SELECT value FROM meta WHERE key='marker'").fetchone() == ("kept",)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    con.close()
    with db.engine.connect() as c:  # the upgraded file kept the data too
        assert c.exec_driver_sql("SELECT value FROM meta WHERE key='marker'").scalar() == "kept"


def test_sqlite_pragmas(db_file):
    db = Database("sqlite:///" + str(db_file))
    with db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_in_memory_is_refused():
    with pytest.raises(DatabaseError, match="in-memory"):
        Database("sqlite:///:memory:")


def test_database_url_rules(tmp_path, monkeypatch):
    assert paths.database_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert paths.database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("STAKEWATCH_DB", str(tmp_path / "env.db"))
    assert paths.database_url() == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("STAKEWATCH_DB")
    monkeypatch.setenv("STAKEWATCH_DATA_DIR", str(tmp_path / "dd"))
    assert paths.database_url() == f"sqlite:///{tmp_path / 'dd' / 'stakewatch.sqlite3'}"


def test_default_location_is_created_on_first_open(tmp_path):
    ctx = AppContext.open()
    try:
        assert ctx.db.path == paths.default_db_path()
        assert Path(ctx.db.path).exists()
    finally:
        ctx.close()


def test_a_database_from_a_newer_version_is_refused_untouched(db_file, capsys):
    import io

    from core.cli import main

    db = Database("sqlite:///" + str(db_file))
    db.upgrade()
    with db.engine.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    db.dispose()
    before = db_file.read_bytes()
    rc = main(["--db", str(db_file), "holdings"], out=io.StringIO())
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and "written by a newer version" in err
    assert not list(db_file.parent.glob("*.bak"))  # no backup: nothing was going to change
    assert db_file.read_bytes() == before


# -- many writers ---------------------------------------------------------------------------
@pytest.mark.backends
def test_write_sessions_queue_and_read_sessions_do_not(db_url):
    """A write session holds the write lock: a second writer waits (here: gives up at a
    short timeout with one clear error), while a read session answers at once."""
    import threading

    from core.storage.database import DatabaseError

    first = Database(db_url)
    first.upgrade()
    second = Database(db_url, busy_timeout=0.5)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with first.session() as s:
            s.execute(text("UPDATE meta SET value = 'x' WHERE key = 'none'"))
            s.execute(text("INSERT INTO meta (key, value) VALUES ('held', '1')"))
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        with second.session(write=False) as s:  # readers never wait
            assert s.execute(text("SELECT count(*) FROM meta WHERE key = 'held'")).scalar() == 0
        with pytest.raises(DatabaseError, match="busy for more than"), second.session() as s:
            s.execute(text("INSERT INTO meta (key, value) VALUES ('held', '2')"))
    finally:
        release.set()
        t.join()
        first.dispose()
        second.dispose()


def test_busy_timeout_defaults_to_a_minute_and_is_configurable(db_file, monkeypatch):
    assert Database("sqlite:///" + str(db_file)).busy_timeout == 60
    monkeypatch.setenv("STAKEWATCH_BUSY_TIMEOUT", "90")
    db = Database("sqlite:///" + str(db_file))
    assert db.busy_timeout == 90
    with db.engine.connect() as c:  # the first step of BEGIN IMMEDIATE's two-step wait
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1000
    db.dispose()


def test_urls_are_masked_in_every_message(pg_cluster, capsys):
    """A password in the URL never reaches a message: the error names the URL masked."""
    import io

    from core.cli import main

    url = pg_cluster.url("no_such_database", password="s3cret-pw")
    rc = main(["--db", url, "filings"], out=io.StringIO())
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error: cannot open database ")
    assert "s3cret" not in err and "***" in err and len(err.strip().splitlines()) == 1
    assert Database(url).url.count("***") == 1


def test_a_read_only_role_browses_and_cannot_write(pg_cluster, capsys):
    """The README's read-only role: every read works, the database says read_only, and a
    write from the CLI is one error line, nothing changed."""
    import io

    from core.cli import main

    name = pg_cluster.create("ro")
    owner = AppContext.open(pg_cluster.url(name))
    owner.close()
    pg_cluster.admin("DROP ROLE IF EXISTS sw_reader")
    pg_cluster.admin("CREATE ROLE sw_reader LOGIN")
    pg_cluster.admin(f"GRANT CONNECT ON DATABASE {name} TO sw_reader")
    pg_cluster.admin("GRANT USAGE ON SCHEMA public TO sw_reader; "
                     "GRANT SELECT ON ALL TABLES IN SCHEMA public TO sw_reader", name)
    try:
        url = pg_cluster.url(name, user="sw_reader")
        ctx = AppContext.open(url)
        try:
            assert ctx.db.read_only
            assert len(ctx.queries.holdings(ctx.queries.portfolio()).positions) > 0
        finally:
            ctx.close()
        rc = main(["--db", url, "portfolio", "create", "Mine"], out=io.StringIO())
        err = capsys.readouterr().err
        assert rc == 2 and err.startswith("error: read-only database")
        assert len(err.strip().splitlines()) == 1
        rc = main(["--db", url, "filings", "--json"], out=io.StringIO())
        assert rc == 0
    finally:
        pg_cluster.drop(name)
        pg_cluster.admin("DROP ROLE IF EXISTS sw_reader")
