"""Where Stakewatch keeps its data: the user data directory, overridable for tests."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Stakewatch"
DB_ENV = "STAKEWATCH_DB"
DATA_DIR_ENV = "STAKEWATCH_DATA_DIR"


def data_dir() -> Path:
    """The folder for the database, backups and caches (STAKEWATCH_DATA_DIR overrides)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported here: start-up only pays for it when it is needed

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "stakewatch.sqlite3"


def database_url(value: str | None = None) -> str:
    """An SQLAlchemy URL from `--db`, STAKEWATCH_DB or the default file.

    A value with '://' is taken as a URL; anything else is a path to an SQLite file.
    """
    value = value or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())
