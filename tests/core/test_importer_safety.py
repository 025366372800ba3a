"""Hostile and malformed files get one clear error and leave the database exactly as it was."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from core.filings import FilingFormatError
from core.services.importer import Importer, ImportOptions, run
from core.storage.repositories import Repository
from tests.builders import Row, cover_page, info_table, submission

LONE = ImportOptions(cik="123", name="LONE", period=dt.date(2025, 6, 30),
                     filed=dt.date(2025, 8, 14))  # fmt: skip
REPO_ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL


def dump(ctx) -> list[tuple[str, list[str]]]:
    """Every table's content, for before/after comparisons (either backend)."""
    from sqlalchemy import inspect, text

    with ctx.db.engine.connect() as c:
        return [(table, sorted(repr(tuple(r)) for r in c.execute(text(f'SELECT * FROM "{table}"'))))
                for table in sorted(inspect(c).get_table_names())]  # fmt: skip


def refused(ctx, db_file, path, match, options=LONE, importer=None):
    before = dump(ctx)
    with pytest.raises(FilingFormatError, match=match) as info:
        run((importer or ctx.importer).import_path(path, options))
    assert dump(ctx) == before
    assert "\n" not in str(info.value)  # one line, fit for `error: ...`
    return info.value


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<informationTable xmlns="http://www.sec.gov/edgar/document/thirteenf/informationtable">
<infoTable><nameOfIssuer>&lol3;</nameOfIssuer></infoTable></informationTable>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<informationTable><infoTable><nameOfIssuer>&xxe;</nameOfIssuer></infoTable></informationTable>
"""


@pytest.mark.parametrize("doc", [BOMB, XXE], ids=["entity-bomb", "external-entity"])
def test_dtds_and_entities_are_refused(ctx, db_file, tmp_path, doc):
    path = tmp_path / "evil.xml"
    path.write_text(doc)
    refused(ctx, db_file, path, "DTD or entities")


def test_entity_in_a_submission_file_is_refused(ctx, db_file, tmp_path):
    path = tmp_path / "0000999999-25-000001.txt"
    path.write_text(submission("0000999999-25-000001", cover_page(), XXE))
    refused(ctx, db_file, path, "DTD or entities")


def test_truncated_table(ctx, db_file, tmp_path):
    text = info_table([Row(), Row(cusip="67066G104")])
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) // 2 + 7])
    refused(ctx, db_file, path, "not well-formed|truncated")


def test_truncated_submission(ctx, db_file, tmp_path):
    text = submission("0000999999-25-000002", cover_page(), info_table([Row()] * 3))
    path = tmp_path / "0000999999-25-000002.txt"
    path.write_text(text[: text.index("</ns1:informationTable>")])
    refused(ctx, db_file, path, "truncated|ends inside")


def test_wrong_document_type(ctx, db_file, tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><portfolio><infoTable><cusip>1</cusip></infoTable>'
                    "</portfolio>")  # fmt: skip
    refused(ctx, db_file, path, "neither an EDGAR submission")
    path.write_text('<?xml version="1.0"?><!-- informationTable --><portfolio><infoTable>'
                    "<cusip>21873S108</cusip></infoTable></portfolio>")  # fmt: skip
    refused(ctx, db_file, path, "not a 13F information table")


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (Row(value="12x"), r"row 2: <value> is '12x'"),
        (Row(value="-5"), r"row 2: <value> is '-5'"),
        (Row(shares="1e6"), r"row 2: <sshPrnamt> is '1e6'"),
        (Row(value=""), r"row 2: <value> is missing"),
        (Row(cusip=""), r"row 2: <cusip> is missing"),
        (Row(share_type="XX"), r"row 2: <sshPrnamtType> is 'XX'"),
        (Row(put_call="Straddle"), r"row 2: <putCall>"),
    ],
)
def test_bad_values_name_the_row(ctx, db_file, tmp_path, row, match):
    path = tmp_path / "bad.xml"
    path.write_text(info_table([Row(), row, Row()]))
    refused(ctx, db_file, path, match)


def test_binary_and_empty_files(ctx, db_file, tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_bytes(os.urandom(4096))
    refused(ctx, db_file, junk, "neither")
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    refused(ctx, db_file, empty, "neither")


def test_size_cap(ctx, db_file, tmp_path):
    path = tmp_path / "big.xml"
    path.write_text(info_table([Row()] * 3000))
    small = Importer(ctx.db, max_bytes=100_000)
    refused(ctx, db_file, path, "larger than", importer=small)


def test_zip_bomb(ctx, db_file, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("primary_doc.xml", cover_page())
        z.writestr("table.xml", info_table([Row()]) + " " * (50 * 2**20))
    refused(ctx, db_file, path, "zip bomb")


def test_zip_with_two_tables(ctx, db_file, tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("primary_doc.xml", cover_page())
        z.writestr("a.xml", info_table([Row()]))
        z.writestr("b.xml", info_table([Row()]))
    refused(ctx, db_file, path, "more than one filing")


def test_not_a_zip(ctx, db_file, tmp_path):
    path = tmp_path / "0000999999-25-000003.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    refused(ctx, db_file, path, "zip|neither")


def test_a_bad_row_after_thousands_of_good_ones_stores_nothing(ctx, db_file, tmp_path):
    rows = [Row(value=i, shares=i) for i in range(12_000)]
    rows[11_000] = Row(value="oops")
    path = tmp_path / "late-failure.xml"
    path.write_text(info_table(rows))
    refused(ctx, db_file, path, "row 11001")


def test_failure_injected_mid_write_leaves_no_trace(ctx, db_file, tmp_path, monkeypatch):
    path = tmp_path / "0000999999-25-000004.txt"
    path.write_text(submission("0000999999-25-000004", cover_page(),
                               info_table([Row(value=i) for i in range(7000)])))  # fmt: skip
    before = dump(ctx)

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    # Rows are written by then; the failure comes after them, inside the same transaction.
    monkeypatch.setattr(Repository, "add_filing_companies", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(ctx.importer.import_path(path))
    assert dump(ctx) == before
    monkeypatch.undo()
    assert run(ctx.importer.import_path(path)).rows == 7000  # and it imports cleanly after


def test_killed_mid_import_leaves_the_database_as_before(ctx, db_url, backend, tmp_path):
    """SIGKILL after rows were written: SQLite's journal (PostgreSQL: the server) rolls the
    transaction back."""
    path = tmp_path / "0000999999-25-000005.txt"
    path.write_text(submission("0000999999-25-000005", cover_page(),
                               info_table([Row(value=i) for i in range(30_000)])))  # fmt: skip
    before = dump(ctx)
    script = textwrap.dedent(f"""
        import os, signal
        from core.context import AppContext
        ctx = AppContext.open({db_url!r})
        for progress in ctx.importer.import_path({str(path)!r}):
            if progress.rows >= 10_000:
                print("killing at", progress.rows, flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "killing at" in proc.stdout
    assert dump(ctx) == before
    if backend == "sqlite":
        con = sqlite3.connect(ctx.db.path)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
