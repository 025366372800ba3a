"""A database as an older revision left it, for the tests of what an upgrade keeps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from core.storage.database import MIGRATIONS_DIR, Database


@contextmanager
def database_at(url: str, revision: str) -> Iterator[tuple[Database, Connection]]:
    """The database at `url` migrated only up to `revision`, and a connection inside that
    migration's transaction, to store what a database of that revision held."""
    db = Database(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        yield db, conn


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at `url` down to `revision` (what `alembic downgrade` does)."""
    db = Database(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        db.dispose()
