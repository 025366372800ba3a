"""The piecewise table reader reads exactly what the sequential reader reads, or declines;
the importer then reads the table again sequentially and stores each row once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from core.context import AppContext
from core.filings import FilingFormatError
from core.filings import information_table as it
from core.filings import sources as src
from core.filings import table_pieces as tp
from core.filings.information_table import InformationTableReader
from core.filings.table_pieces import PiecewiseTableReader, TableDeclined
from core.services.importer import ImportOptions, run
from tests.builders import Row, info_table
from tests.conftest import F13


def read(reader, data: bytes, chunk: int) -> list:
    out = []
    try:
        for i in range(0, len(data), chunk):
            for batch in reader.feed(data[i : i + chunk]):
                out.extend(batch.rows())
        for batch in reader.close():
            out.extend(batch.rows())
    finally:
        reader.abort()
    return out


def sequential(data: bytes) -> list:
    return read(InformationTableReader("t", 2**30), data, 1 << 20)


def piecewise(data: bytes, chunk: int = 4096) -> list:
    return read(PiecewiseTableReader("t", 2**30), data, chunk)


def rows(n: int, **kw) -> list[Row]:
    return [Row(**{"cusip": f"{i:08d}0"[:9], "issuer": f"ISSUER {i}", "value": i,
                   "shares": i + 1, **kw}) for i in range(n)]  # fmt: skip


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of a few rows each, so a short table spans many of them."""
    monkeypatch.setattr(tp, "PIECE_BYTES", 700)
    monkeypatch.setattr(tp, "FIRST_PIECE_BYTES", 700)


def no_table_threads() -> bool:
    return not any(t.name.startswith("stakewatch-table") for t in threading.enumerate())


forms = st.sampled_from([("ns1", False), ("n1", False), (None, True), (None, False)])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), forms, st.integers(50, 5000), st.booleans())
def test_pieces_read_what_the_sequential_reader_reads(n, form, chunk, options):
    sizes = tp.FIRST_PIECE_BYTES, tp.PIECE_BYTES
    # many pieces, the first smaller (hypothesis cannot take a function-scoped fixture)
    tp.FIRST_PIECE_BYTES, tp.PIECE_BYTES = 400, 900
    try:
        extra = {"put_call": "Call", "other_manager": "2,7"} if options else {}
        data = info_table(rows(n, **extra), form[0], default_ns=form[1]).encode()
        assert piecewise(data, chunk) == sequential(data)
    finally:
        tp.FIRST_PIECE_BYTES, tp.PIECE_BYTES = sizes


def test_real_edgar_tables_read_alike(small_pieces):
    for name in ("infotable_255_rows.xml", "information_table.xml"):
        data = (F13 / name).read_bytes()
        got = piecewise(data, 1000)
        assert len(got) in (255, 169)
        assert got == sequential(data)


def test_a_latin1_table_keeps_its_encoding_in_every_piece(small_pieces):
    data = info_table(rows(12, title="CAFÉ CL À")).replace("UTF-8", "ISO-8859-1")
    got = piecewise(data.encode("latin-1"), 300)
    assert {r.title_of_class for r in got} == {"CAFÉ CL À"}
    assert got == sequential(data.encode("latin-1"))


# A row end inside a comment or CDATA, followed by more than a piece of bytes: the piece is
# cut there, and does not parse.
FILLER = "x" * 2000
ODD = {
    "comment": lambda t: t.replace(
        "  <ns1:infoTable>", f"<!-- </ns1:infoTable> {FILLER} -->\n  <ns1:infoTable>", 1),
    # a root start tag inside a comment before the real one
    "prolog comment": lambda t: t.replace(
        "<ns1:informationTable", "<!-- <ns1:informationTable> --><ns1:informationTable", 1),
    # a `>` inside an attribute of the root start tag
    "attribute": lambda t: t.replace("<ns1:informationTable ", '<ns1:informationTable a="x>y" ', 1),
    # a row end inside CDATA
    "cdata": lambda t: t.replace("COREWEAVE", f"<![CDATA[</ns1:infoTable>{FILLER}]]>", 1),
}  # fmt: skip


@pytest.mark.parametrize("odd", ODD)
def test_what_pieces_cannot_vouch_for_is_declined_and_read_sequentially(odd, small_pieces):
    text = ODD[odd](info_table(rows(8, issuer="COREWEAVE")))
    data = text.encode()
    expected = sequential(data)
    assert len(expected) == 8
    with pytest.raises(TableDeclined):
        piecewise(data, 200)
    assert no_table_threads()


BAD = {
    "truncated": lambda t: t[: len(t) * 2 // 3],
    "bad number": lambda t: t.replace("<ns1:value>5</ns1:value>", "<ns1:value>five</ns1:value>"),
    "stray element": lambda t: t.replace("  <ns1:infoTable>", "<ns1:note/>\n  <ns1:infoTable>", 3),
    "no rows": lambda t: t.split("  <ns1:infoTable>")[0] + "</ns1:informationTable>\n",
    "other root": lambda t: t.replace("informationTable", "informationTables"),
    "two roots": lambda t: t + t.split("\n", 1)[1],
}


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_table_fails_with_the_sequential_readers_own_words(bad, small_pieces, tmp_path):
    """Through the importer: whatever the pieces made of it, the message is the one the
    sequential reader gives (with its line numbers), and nothing is stored."""
    path = tmp_path / "table.xml"
    path.write_text(BAD[bad](info_table(rows(12))))
    try:
        read(InformationTableReader(path.name, 2**30), path.read_bytes(), 1 << 20)
        want = None  # no rows, or two roots: the importer's own words
    except FilingFormatError as exc:
        want = str(exc)
    ctx = AppContext.open(str(tmp_path / "db.sqlite3"), seed_data=False)
    try:
        opts = ImportOptions(cik="999", period=dt.date(2025, 6, 30), filed=dt.date(2025, 8, 14))
        with pytest.raises(FilingFormatError) as caught:
            run(ctx.importer.import_path(path, opts))
        if want is not None:
            assert str(caught.value) == want
        with ctx.db.session(write=False) as s:
            assert s.execute(text("SELECT count(*) FROM filing_rows")).scalar() == 0
    finally:
        ctx.db.dispose()
    assert no_table_threads()


def test_a_decline_after_stored_pieces_stores_every_row_once(small_pieces, tmp_path,
                                                             monkeypatch):  # fmt: skip
    """The comment trick sits late in the table: pieces before it were stored already;
    the importer drops them and reads the table again."""
    monkeypatch.setattr(src, "CHUNK", 256)
    table = info_table(rows(40))
    marker = "  <ns1:infoTable>\n    <ns1:nameOfIssuer>ISSUER 35<"
    assert marker in table
    table = table.replace(marker, f"<!-- </ns1:infoTable> {FILLER} -->\n" + marker)
    path = tmp_path / "late.xml"
    path.write_text(table)
    events = list(src.read(src.read_table_file, path))
    restarts = [i for i, e in enumerate(events) if isinstance(e, src.Restart)]
    assert len(restarts) == 1 and restarts[0] > 1  # some rows came before the restart
    ctx = AppContext.open(str(tmp_path / "db.sqlite3"), seed_data=False)
    try:
        opts = ImportOptions(cik="999", period=dt.date(2025, 6, 30), filed=dt.date(2025, 8, 14))
        report = run(ctx.importer.import_path(path, opts))
        assert report.rows == 40
        assert report.total_value_usd == sum(range(40))
        with ctx.db.session(write=False) as s:
            got = s.execute(text(
                "SELECT row_number, issuer FROM filing_rows ORDER BY row_number")).all()
        assert got == [(i + 1, f"ISSUER {i}") for i in range(40)]
    finally:
        ctx.db.dispose()


def test_stopping_early_stops_the_worker(small_pieces, tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(info_table(rows(200)))
    events = src.read(src.read_table_file, path)
    next(e for e in events if not isinstance(e, src.Progress))
    assert not no_table_threads()
    events.close()
    assert no_table_threads()


def test_a_value_in_thousands_too_large_in_dollars_is_refused_by_row(tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(info_table([*rows(3), Row(value=2**62)]))
    ctx = AppContext.open(str(tmp_path / "db.sqlite3"), seed_data=False)
    try:
        opts = ImportOptions(cik="999", period=dt.date(2022, 6, 30), filed=dt.date(2022, 8, 1))
        with pytest.raises(FilingFormatError, match=r"^row 4: <value> is [\d,]+ thousand dollars"):
            run(ctx.importer.import_path(path, opts))
    finally:
        ctx.db.dispose()


def test_a_cut_is_made_after_the_last_row_ending_before_the_limit():
    data = b"<r><infoTable>a</infoTable><infoTable>b</infoTable ><infoTable>c</infoTable></r>"
    first = data.index(b"</infoTable>") + len(b"</infoTable>")
    second = data.index(b"</infoTable >") + len(b"</infoTable >")
    assert it.cut_after_last_row(data) == data.rindex(b"</r>")
    assert it.cut_after_last_row(data, second) == second
    assert it.cut_after_last_row(data, second - 1) == first  # the second end tag not whole
    assert it.cut_after_last_row(data, first - 1) == 0
    assert it.cut_after_last_row(data, 10**9) == data.rindex(b"</r>")


def test_the_first_piece_is_small_and_the_rest_full_size(monkeypatch):
    monkeypatch.setattr(tp, "FIRST_PIECE_BYTES", 600)
    monkeypatch.setattr(tp, "PIECE_BYTES", 3000)
    sizes = []
    real = PiecewiseTableReader._submit
    monkeypatch.setattr(PiecewiseTableReader, "_submit",
                        lambda self, piece: sizes.append(len(piece)) or real(self, piece))
    data = info_table(rows(60)).encode()
    assert piecewise(data, 1000) == sequential(data)
    assert sizes[0] <= 600 < sizes[1]
    assert all(2000 < s <= 3000 + 100 for s in sizes[1:-1])
