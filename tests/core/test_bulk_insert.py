"""Many rows into SQLite: multi-row statements, each row stored once, few statements.

Rows go in as INSERT statements of up to 1,024 rows each (2**k, padded with rows of NULLs
that the statement drops), not one statement per row: per-row statements let the GIL go
per row, and beside a busy thread (the import's parser) each row then waited up to 5 ms
for it back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import filings as fd
from core.domain.cusip import check_digit
from core.storage import repositories as rp
from core.storage.repositories import Repository


def batch(n: int, start: int = 0) -> fd.RowBatch:
    rows = [fd.FilingRow(issuer=f"ISSUER {i}", title_of_class="COM", cusip=f"{i:08d}0",
                         value=i * 7, shares=i + 1, share_type="SH")
            for i in range(start, start + n)]  # fmt: skip
    return fd.RowBatch.from_rows(rows)


def statements(session) -> list[str]:
    """Start recording every statement SQLite runs on this session's connection."""
    seen: list[str] = []
    dbapi = session.connection().connection.dbapi_connection
    dbapi.set_trace_callback(seen.append)
    return seen


def new_filing(repo: Repository) -> int:
    p = repo.filer_portfolio("0000000999", "Bulk")
    header = fd.FilingHeader(accession="0000000999-25-000001", cik="0000000999",
                             filer_name="Bulk", form_type=fd.FormType.HOLDINGS,
                             period=dt.date(2025, 6, 30), filed=dt.date(2025, 8, 14),
                             source="test")  # fmt: skip
    return repo.add_filing(p, header)


@pytest.mark.parametrize("n", [1, 3, 1023, 1024, 1025, 5000])
def test_rows_are_stored_once_each_in_few_statements(empty_ctx, n):
    with empty_ctx.db.session() as s:
        repo = Repository(s)
        filing_id = new_filing(repo)
        seen = statements(s)
        repo.add_rows(filing_id, 1, batch(n), multiplier=1000)
        inserts = [q for q in seen if q.startswith("INSERT INTO filing_rows")]
        # 1,024 rows a statement (the last one padded), not a statement per row
        assert len(inserts) == -(-n // 1024)
    with empty_ctx.db.session() as s:
        got = s.connection().exec_driver_sql(
            "SELECT row_number, cusip, value_as_filed, value_usd, shares FROM filing_rows "
            "ORDER BY row_number").all()  # fmt: skip
    assert [tuple(r) for r in got] == [
        (i + 1, f"{i:08d}0", i * 7, i * 7000, i + 1) for i in range(n)
    ]


def test_companies_new_and_known_are_counted_apart(empty_ctx):
    cusips = [f"{i:08d}{check_digit(f'{i:08d}')}" for i in range(3000)]
    with empty_ctx.db.session() as s:
        repo = Repository(s)
        assert repo.add_filing_companies({c: f"CO {c}" for c in cusips[:1000]}) == 1000
        seen = statements(s)
        # 1,000 known, 2,000 new: the known ones are left as they are
        assert repo.add_filing_companies({c: "RENAMED" for c in cusips}) == 2000
        assert len([q for q in seen if q.startswith("INSERT INTO companies")]) == 3
    with empty_ctx.db.session() as s:
        names = dict(s.connection().exec_driver_sql("SELECT cusip, name FROM companies").all())
    assert len(names) == 3000
    assert all(names[c] == f"CO {c}" for c in cusips[:1000])
    assert all(names[c] == "RENAMED" for c in cusips[1000:])


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(-(2**63), 2**63 - 1), st.text(max_size=12)),
                     max_size=300),
       limit=st.integers(2, 2000))  # fmt: skip
def test_any_rows_under_any_variable_limit(tmp_path_factory, rows, limit):
    """Whatever SQLite's limit on parameters a statement (999 in older builds), every row
    goes in once, in order, each statement within the limit."""
    path = tmp_path_factory.mktemp("bulk") / "t.sqlite3"
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        con.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        with _Conn(con) as conn:
            assert rp._insert_values(conn, "INSERT INTO t (a, b)", rows) == len(rows)
        assert con.execute("SELECT a, b FROM t ORDER BY rowid").fetchall() == rows
    finally:
        con.close()


class _Conn:
    """The little of SQLAlchemy's Connection that _insert_values uses, over raw sqlite3."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con
        self.connection = type("C", (), {"dbapi_connection": con})()

    def exec_driver_sql(self, sql: str, params):
        return self._con.execute(sql, params)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.commit()


def test_a_row_the_padding_filter_would_drop_is_refused(tmp_path):
    con = sqlite3.connect(tmp_path / "t.sqlite3")
    try:
        con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        with pytest.raises(ValueError, match="starts with NULL"), _Conn(con) as conn:
            rp._insert_values(conn, "INSERT INTO t (a, b)", [(1, "x"), (None, "y")])
        assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    finally:
        con.close()


def test_companies_given_with_any_key_order_are_all_added(empty_ctx):
    cusips = [f"{i:08d}{check_digit(f'{i:08d}')}" for i in range(40)]
    given = [{"ticker": None, "name": f"CO {i}", "origin": "user", "cusip": c}
             for i, c in enumerate(cusips[:20])]  # fmt: skip
    bare = [{"name": f"CO {i}", "cusip": c} for i, c in enumerate(cusips[20:], 20)]
    with empty_ctx.db.session() as s:
        assert Repository(s).add_companies_if_absent(given) == 20
        assert Repository(s).add_companies_if_absent(bare) == 20  # the default origin
    with empty_ctx.db.session() as s:
        got = s.connection().exec_driver_sql(
            "SELECT cusip, name, ticker, origin FROM companies").all()  # fmt: skip
    assert sorted(map(tuple, got)) == [
        (c, f"CO {i}", None, "user" if i < 20 else "bundled") for i, c in enumerate(cusips)
    ]
