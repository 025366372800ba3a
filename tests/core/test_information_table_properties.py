"""Property tests: any valid table, in any namespace form and any chunking, parses back."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from core.filings import FilingFormatError
from core.filings import information_table as it
from core.filings.information_table import InformationTableReader
from tests.builders import Row, info_table
from tests.conftest import F13

cusips = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=9, max_size=9)
names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
    max_size=40,
).map(str.strip).filter(bool)  # fmt: skip
amounts = st.integers(min_value=0, max_value=10**15)
rows = st.builds(
    Row, cusip=cusips, issuer=names, title=names, value=amounts, shares=amounts,
    share_type=st.sampled_from(["SH", "PRN"]),
    put_call=st.sampled_from([None, "Put", "Call"]),
    other_manager=st.sampled_from([None, "1", "2,7"]),
    sole=amounts, shared=amounts, none=amounts,
)  # fmt: skip
forms = st.sampled_from([("ns1", False), ("n1", False), (None, True), (None, False)])


def escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse(data: bytes, cuts: list[int]) -> list:
    reader = InformationTableReader("t", 2**30)
    out = []
    prev = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        for batch in reader.feed(data[prev:cut]):
            out.extend(batch.rows())
        prev = cut
    for batch in reader.close():
        out.extend(batch.rows())
    return out


def parse_slowly(data: bytes) -> list:
    """The same, with the column-wise fast path switched off."""
    original = it.read_rows_fast

    def decline(*_args):
        raise it.FastPathDeclined

    it.read_rows_fast = decline
    try:
        return parse(data, [])
    finally:
        it.read_rows_fast = original


@settings(max_examples=150, deadline=None)
@given(st.lists(rows, min_size=1, max_size=30), forms, st.lists(st.integers(0, 10**6)))
def test_rows_round_trip_whatever_the_chunking(table_rows, form, cuts):
    safe = [Row(**{**r.__dict__, "issuer": escape(r.issuer), "title": escape(r.title)})
            for r in table_rows]  # fmt: skip
    data = info_table(safe, form[0], default_ns=form[1]).encode()
    parsed = parse(data, [c % (len(data) + 1) for c in cuts])
    assert parsed == parse_slowly(data)  # both readers agree on every field
    assert [(p.cusip, p.issuer, p.title_of_class, p.value, p.shares, p.share_type, p.put_call,
             p.other_managers, p.voting_sole, p.voting_shared, p.voting_none)
            for p in parsed] == [
        (r.cusip, r.issuer, r.title, r.value, r.shares, r.share_type,
         r.put_call.upper() if r.put_call else None, r.other_manager, r.sole, r.shared, r.none)
        for r in table_rows
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200))
def test_a_doctype_split_across_chunks_is_still_refused(cut):
    data = b'<?xml version="1.0"?>\n<!DOCTYPE informationTable [<!ENTITY a "b">]>\n' + (
        info_table([Row()], None).split("\n", 1)[1].encode())
    try:
        parse(data, [cut])
    except FilingFormatError as exc:
        assert "DTD" in str(exc)
    else:
        raise AssertionError("a DTD got through")


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_never_raises_anything_but_a_format_error(junk):
    with contextlib.suppress(FilingFormatError):
        parse(junk, [len(junk) // 2])


def test_edgar_tables_take_the_fast_path(monkeypatch):
    """Real EDGAR tables (default namespace, ns1: prefix) are read column-wise."""

    def refuse(*_args):
        raise AssertionError("fell back to the row-by-row reader")

    monkeypatch.setattr(it, "read_rows_slowly", refuse)
    for name in ("infotable_255_rows.xml", "information_table.xml"):
        rows = parse((F13 / name).read_bytes(), [4096, 50_000])
        assert len(rows) in (255, 169)


def test_rows_longer_than_the_hold_back_limit(monkeypatch):
    """When no row end is in sight the reader feeds anyway; half-parsed rows wait."""
    monkeypatch.setattr(it, "MAX_PENDING", 100)
    monkeypatch.setattr(it, "BATCH", 3)
    table_rows = [Row(value=i, shares=i, issuer=f"ISSUER {i}") for i in range(40)]
    data = info_table(table_rows).encode()
    parsed = parse(data, list(range(0, len(data), 97)))
    assert [(p.issuer, p.value) for p in parsed] == [(r.issuer, r.value) for r in table_rows]
