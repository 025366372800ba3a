"""Opening, upgrading and backing up the database; where it lives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from core import paths
from core.context import AppContext
from core.storage.database import HEAD_REVISION, MIGRATIONS_DIR, Database, DatabaseError


def test_head_revision_constant_matches_alembic():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_schema_matches_the_models(db_file):
    """The migrations produce exactly what the ORM models describe (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.storage.schema import Base

    db = Database("sqlite:///" + str(db_file))
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_fresh_database_needs_no_backup(db_file):
    db = Database("sqlite:///" + str(db_file))
    assert db.upgrade() is None
    assert db.current_revision() == HEAD_REVISION
    assert db.upgrade() is None  # nothing pending


def test_backup_before_a_pending_migration(db_file):
    """A database at the first revision is copied aside, then upgraded; the copy is whole."""
    from alembic import command

    db = Database("sqlite:///" + str(db_file))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
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
