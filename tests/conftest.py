"""Shared fixtures: every test gets its own data directory and a real SQLite file; tests
marked `backends` run twice, on SQLite and on a real PostgreSQL server (tests/pg.py)."""

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


@pytest.fixture(scope="session")
def _refusing_port():
    """A local port that is bound but never listens: a connection to it is refused at once."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    yield s.getsockname()[1]
    s.close()


REMOTE_HOST_ENVS = ("STAKEWATCH_SEC_DATA_URL", "STAKEWATCH_SEC_ARCHIVES_URL",
                    "STAKEWATCH_SEC_SEARCH_URL", "STAKEWATCH_OPENFIGI_URL")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_remote_services(_refusing_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches EDGAR or OpenFIGI (an import maps CUSIPs online): their hosts point at
    a refusing local port unless a test serves them itself (tests/fake_sec.py)."""
    for name in REMOTE_HOST_ENVS:
        monkeypatch.setenv(name, f"http://127.0.0.1:{_refusing_port}")


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "stakewatch.sqlite3"


BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "backends: run on SQLite and on PostgreSQL (db_url)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test (or module) marked `backends` runs once per backend; others on SQLite."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("backends"):
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL server for the session. Without the server binaries the
    PostgreSQL half is skipped, saying why, except in CI (CI=true), where it must run."""
    from tests import pg

    bin_dir = pg.server_bin()
    if bin_dir is None or not pg.psycopg_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true: " + pg.SKIP_REASON.replace("is skipped", "must run"))
        pytest.skip(pg.SKIP_REASON)
    cluster = pg.Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def db_url(backend: str, db_file: Path, request: pytest.FixtureRequest):
    """An empty database of this test's backend: an SQLite file URL, or a new PostgreSQL
    database on the session's server (dropped after the test)."""
    if backend == "sqlite":
        yield "sqlite:///" + str(db_file)
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create()
    yield cluster.url(name)
    cluster.drop(name)


@pytest.fixture
def ctx(db_url: str):
    from core.context import AppContext

    c = AppContext.open(db_url)
    yield c
    c.close()


@pytest.fixture
def empty_ctx(db_url: str):
    """A database with the schema but without NVIDIA's bundled filings."""
    from core.context import AppContext

    c = AppContext.open(db_url, seed_data=False)
    yield c
    c.close()


def cli(db_file, *argv) -> tuple[int, str]:
    """Run `stakewatch --db DB ARGV...` in this process; the exit code and stdout."""
    import io

    from core.cli import main

    out = io.StringIO()
    rc = main(["--db", str(db_file), *argv], out=out)
    return rc, out.getvalue()
