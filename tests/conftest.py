"""Shared fixtures: every test gets its own data directory and a real SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
F13 = DATA / "13f"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does may touch the user's real data directory or database."""
    d = tmp_path / "data-dir"
    monkeypatch.setenv("STAKEWATCH_DATA_DIR", str(d))
    monkeypatch.delenv("STAKEWATCH_DB", raising=False)
    return d


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "stakewatch.sqlite3"


@pytest.fixture
def ctx(db_file: Path):
    from core.context import AppContext

    c = AppContext.open(str(db_file))
    yield c
    c.close()


@pytest.fixture
def empty_ctx(db_file: Path):
    """A database with the schema but without NVIDIA's bundled filings."""
    from core.context import AppContext

    c = AppContext.open(str(db_file), seed_data=False)
    yield c
    c.close()


def cli(db_file, *argv) -> tuple[int, str]:
    """Run `stakewatch --db DB ARGV...` in this process; the exit code and stdout."""
    import io

    from core.cli import main

    out = io.StringIO()
    rc = main(["--db", str(db_file), *argv], out=out)
    return rc, out.getvalue()
