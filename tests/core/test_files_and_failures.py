"""Files and failures: a lone table's identity includes its period, and the failures that
used to end in a traceback or exit 1 are one `error:` line with exit 2."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from core.cli import main
from tests.conftest import F13, cli

TABLE = F13 / "information_table.xml"


def run(db: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        rc = main(["--db", str(db), *argv], out=out)
    finally:
        sys.stderr = old
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.backends
def test_a_lone_table_for_a_new_period_is_a_new_report(db_url):
    common = ("--cik", "333", "--name", "Same Table LP", "--filed", "2025-08-14", "--no-map")
    rc, out = cli(db_url, "import-13f", str(TABLE), "--period", "2025-06-30", *common)
    assert rc == 0 and "already imported" not in out, out
    rc, out = cli(db_url, "import-13f", str(TABLE), "--period", "2025-09-30", *common)
    assert rc == 0 and "already imported" not in out, out  # the same table, a new quarter
    rc, out = cli(db_url, "import-13f", str(TABLE), "--period", "2025-09-30", *common)
    assert rc == 0 and "already imported" in out  # that quarter again: a no-op
    rc, out = cli(db_url, "filings", "--portfolio", "333", "--json")
    import json

    periods = sorted(f["period"] for f in json.loads(out)) if rc == 0 else out
    assert periods == ["2025-06-30", "2025-09-30"], out


@pytest.mark.backends
def test_a_table_stored_under_an_older_id_is_still_already_imported(db_url):
    """Databases hold lone tables keyed by filer and content (the id before the period was
    part of it): the same table for the same period is still a no-op there."""
    import hashlib

    from core.context import AppContext

    with_filer = hashlib.sha256(b"cik:0000000444\n" + TABLE.read_bytes()).hexdigest()[:14]
    args = ("--cik", "444", "--period", "2025-06-30", "--filed", "2025-08-14", "--no-map",
            "--accession", "local-" + with_filer)  # fmt: skip
    ctx = AppContext.open(db_url)
    ctx.close()
    rc, out = cli(db_url, "import-13f", str(TABLE), *args[:-2], "--accession",
                  "0000000444-25-000001")  # fmt: skip
    assert rc == 0
    # Stored as an older version stored it: rename the accession to the old local id.
    from sqlalchemy import text

    ctx = AppContext.open(db_url)
    with ctx.db.session() as s:
        s.execute(text("UPDATE filings SET accession = :a WHERE accession = :b"),
                  {"a": "local-" + with_filer, "b": "0000000444-25-000001"})  # fmt: skip
    ctx.close()
    rc, out = cli(db_url, "import-13f", str(TABLE), *args[:-2])
    assert rc == 0 and "already imported" in out, out
    rc, out = cli(db_url, "import-13f", str(TABLE), "--cik", "444", "--period", "2025-09-30",
                  "--filed", "2025-11-14", "--no-map")  # fmt: skip
    assert rc == 0 and "already imported" not in out, out


# -- Ctrl-C after the import committed ---------------------------------------------------------
IMPORT = ("import-13f", str(TABLE), "--cik", "555", "--period", "2025-06-30", "--filed",
          "2025-08-14")  # fmt: skip


def _filings_of(db_url: str, cik: str) -> list:
    rc, out = cli(db_url, "filings", "--portfolio", cik, "--json")
    import json

    return json.loads(out) if rc == 0 else []


@pytest.mark.backends
def test_ctrl_c_as_the_import_commits_reports_it_done(db_url, monkeypatch):
    from core.services.importer import Importer

    original = Importer._transaction

    def store_then_interrupted(self, *args):
        yield from original(self, *args)  # committed
        raise KeyboardInterrupt  # the user's Ctrl-C, a moment too late

    monkeypatch.setattr(Importer, "_transaction", store_then_interrupted)
    rc, out, err = run(db_url, *IMPORT, "--no-map")
    assert (rc, err) == (0, ""), (rc, err)
    assert "accession local-" in out and "rows:" in out
    assert len(_filings_of(db_url, "555")) == 1


@pytest.mark.backends
def test_ctrl_c_before_the_commit_is_an_interrupt_and_nothing_is_kept(db_url, monkeypatch):
    from core.storage.repositories import Repository

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    # the transaction's last step: which of its CUSIPs are left without a ticker
    monkeypatch.setattr(Repository, "without_ticker", interrupted)
    rc, _, err = run(db_url, *IMPORT, "--no-map")
    assert (rc, err) == (130, "error: interrupted\n")
    monkeypatch.undo()
    assert _filings_of(db_url, "555") == []


@pytest.mark.backends
def test_ctrl_c_while_mapping_after_the_import_keeps_it_and_says_so(db_url, monkeypatch):
    import core.cli.filings

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(core.cli.filings, "_map_imported", interrupted)
    rc, out, err = run(db_url, *IMPORT)
    assert (rc, err) == (0, ""), (rc, err)
    assert "rows:" in out and "mapping interrupted" in out
    assert len(_filings_of(db_url, "555")) == 1


# -- a database with a corrupt page -------------------------------------------------------------
def _corrupt_table(db: Path, table: str) -> None:
    """Overwrite the root page of `table` with garbage, as a bad sector would."""
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x42\x13\x37" + b"\xee" * (page_size - 3))


def _rows(db: Path, sql: str) -> list:
    import sqlite3

    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_corrupt_page_is_one_line_and_no_write_goes_in(tmp_path):
    import shutil

    db = tmp_path / "stakewatch.sqlite3"
    assert run(str(db), "init")[0] == 0
    good = tmp_path / "good-copy.sqlite3"
    shutil.copyfile(db, good)
    _corrupt_table(db, "filing_rows")
    # A read that meets the bad page: one line, exit 2, the file named.
    rc, _, err = run(str(db), "holdings")
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert str(db) in err and "damaged" in err
    # From now on no write goes in, even one that never touches that page.
    before = db.read_bytes()
    for argv in (("portfolio", "create", "Mine"), ("settings", "deadline", "30")):
        rc, _, err = run(str(db), *argv)
        assert rc == 2 and err.count("\n") == 1 and "nothing more is written" in err, err
    assert db.read_bytes() == before
    assert ("Mine",) not in _rows(db, "SELECT name FROM portfolios")
    # A read that does not meet the page still says the file is damaged.
    rc, out, err = run(str(db), "portfolios")
    assert rc == 2 and "NVIDIA Corp" in out and "damaged" in err
    # The backup restored over it: it checks clean, and writes go in again.
    shutil.copyfile(good, db)
    assert run(str(db), "portfolio", "create", "Mine")[0] == 0
    assert not db.with_name(db.name + ".damaged").exists()


def test_corruption_a_step_goes_past_still_ends_in_one_line(tmp_path, monkeypatch):
    """SQLite's report is noticed where it happens, even if the code that met it went on."""

    import core.services.portfolio_list as listing

    db = tmp_path / "stakewatch.sqlite3"
    assert run(str(db), "init")[0] == 0
    _corrupt_table(db, "filing_rows")
    original = listing.portfolio_lines

    def lenient(database, *args, **kwargs):
        try:
            with database.engine.connect() as conn:
                conn.exec_driver_sql("SELECT * FROM filing_rows").fetchall()
        except Exception:  # a step that shrugs the error off
            pass
        return original(database, *args, **kwargs)

    monkeypatch.setattr(listing, "portfolio_lines", lenient)
    rc, _, err = run(str(db), "portfolios")
    assert rc == 2 and "damaged" in err and err.count("\n") == 1, err


# -- a PostgreSQL server gone mid-import ------------------------------------------------------
@pytest.mark.backends
def test_a_server_connection_lost_mid_import_is_one_line(db_url, backend, request, monkeypatch,
                                                         tmp_path):
    """The server ends the import's connection while rows go in (as when it dies): one
    line saying so, exit 2, never PendingRollbackError; nothing of the filing is kept."""
    if backend != "postgresql":
        pytest.skip("SQLite has no server to lose")
    from core.storage.repositories import Repository
    from tests.builders import Row, info_table

    cluster = request.getfixturevalue("pg_cluster")
    name = db_url.split("@/", 1)[1].split("?")[0]
    assert run(db_url, "init")[0] == 0
    table = tmp_path / "big.xml"
    table.write_text(info_table([Row(value=i + 1, shares=i + 1, issuer=f"ISSUER {i}")
                                 for i in range(30_000)]))  # fmt: skip
    original, batches = Repository.add_rows, []

    def add_rows(self, *args, **kwargs):
        batches.append(1)
        if len(batches) == 2:  # rows are going in: the server ends this connection
            cluster.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Repository, "add_rows", add_rows)
    rc, _, err = run(db_url, "import-13f", str(table), "--cik", "9", "--period", "2025-06-30",
                     "--filed", "2025-08-14", "--no-map")  # fmt: skip
    assert len(batches) >= 2, "the table went in as one batch: nothing was cut"
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "connection to the database server was lost" in err, err
    assert "PendingRollback" not in err and "OperationalError" not in err
    monkeypatch.undo()
    assert _filings_of(db_url, "9") == []


def test_pending_rollback_after_a_lost_connection_says_what_happened():
    """SQLAlchemy's PendingRollbackError, met on the way out after the server went away,
    is explained by the first failure, not by its own name."""
    import psycopg
    from sqlalchemy.exc import OperationalError, PendingRollbackError

    from core.storage.errors import explain

    lost = OperationalError("INSERT ...", {}, psycopg.OperationalError(
        "server closed the connection unexpectedly"))  # fmt: skip
    try:
        try:
            raise lost
        except OperationalError:
            raise PendingRollbackError("This Session's transaction has been rolled back") from None
    except PendingRollbackError as exc:
        why = explain(exc, None)
    assert why is not None and "connection to the database server was lost" in why, why
    assert "PendingRollback" not in why and "INSERT" not in why
