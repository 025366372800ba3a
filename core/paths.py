"""Where Stakewatch keeps its data: the user data directory, overridable for tests."""

from __future__ import annotations

import os
import re
from pathlib import Path

APP_NAME = "Stakewatch"
DB_ENV = "STAKEWATCH_DB"
DATA_DIR_ENV = "STAKEWATCH_DATA_DIR"


_KEYWORDS = re.compile(r"(?:^|\s)(?:host|hostaddr|user|password|dbname|port)\s*=")


class DatabaseUrlError(ValueError):
    """A --db value that is neither a URL nor a file path (bad input, exit 2)."""


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
        return _at_in_password(value)
    if _KEYWORDS.search(value):  # never an SQLite file named after a password
        raise DatabaseUrlError("--db looks like a libpq keyword string (host=... user=...): "
                               "give a URL like postgresql+psycopg://user@host/dbname")
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def _at_in_password(url: str) -> str:
    """owner:p@ss@host means the password p@ss (the host follows the LAST '@'); SQLAlchemy
    would split at the first one and hand the password's tail to the driver as a host
    name, which its error then prints. The '@' is percent-encoded, as the URL should be."""
    scheme, rest = url.split("://", 1)
    end = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0),
              default=len(rest))  # fmt: skip
    authority = rest[:end]
    if authority.count("@") < 2:
        return url
    userinfo, host = authority.rsplit("@", 1)
    user, colon, password = userinfo.partition(":")
    userinfo = user.replace("@", "%40") + colon + password.replace("@", "%40")
    return f"{scheme}://{userinfo}@{host}{rest[end:]}"
