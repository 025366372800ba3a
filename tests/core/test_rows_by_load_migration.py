"""Migration 0009 (filing_rows partitioned by bulk load on PostgreSQL, a column on SQLite)
upgrades a database that already holds universe rows: nothing lost, holders still add up,
the next data set loads into a partition of its own, deletes still cascade."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from core.context import AppContext
from core.services.holders import HoldersQueries
from core.services.importer import run
from core.services.universe import UniverseLoader
from core.storage.database import HEAD_REVISION, Database
from tests.migrations import database_at, downgrade
from tests.universe_sets import Filing, Holding, write_set

pytestmark = pytest.mark.backends

CW = "21873S108"
INDEX_COLUMNS = ["cusip", "filing_id", "share_type", "put_call", "shares", "value_usd"]
Q1, Q2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)


def _database_at_0008(url: str) -> Database:
    """Two universe filers' Q1 filings as 0008 stored them (one with two CRWV rows)."""
    now = dt.datetime(2026, 5, 2, tzinfo=dt.UTC)
    with database_at(url, "0008") as (db, conn):
        for pid, cik, name, rows in ((1, "0000000001", "ALPHA CAPITAL", [(CW, 100, 1000),
                                                                         (CW, 50, 500)]),
                                     (2, "0000000002", "BETA PARTNERS", [(CW, 200, 2000)])):
            conn.execute(text("INSERT INTO portfolios (id, name, kind, cik, followed, "
                              "created_at) VALUES (:i, :n, 'filer', :c, false, :t)"),
                         {"i": pid, "n": name, "c": cik, "t": now})  # fmt: skip
            conn.execute(text("INSERT INTO universe_filers (portfolio_id, first_set) "
                              "VALUES (:i, '01mar2026-31may2026')"), {"i": pid})
            conn.execute(text(
                "INSERT INTO filings (id, portfolio_id, accession, form_type, "
                "period_of_report, filed_date, entry_total, value_total, value_unit, source, "
                "imported_at) VALUES (:i, :i, :a, '13F-HR', :p, :f, :e, :v, 'dollars', "
                "'13F data set 01mar2026-31may2026', :t)"),
                {"i": pid, "a": f"{cik}-26-000001", "p": Q1, "f": dt.date(2026, 5, 1),
                 "e": len(rows), "v": sum(r[2] for r in rows), "t": now})  # fmt: skip
            for n, (cusip, shares, usd) in enumerate(rows, 1):
                conn.execute(text(
                    "INSERT INTO filing_rows (filing_id, row_number, issuer, title_of_class, "
                    "cusip, value_as_filed, value_usd, shares, share_type) VALUES (:f, :n, "
                    "'COREWEAVE INC', 'COM', :c, :v, :v, :s, 'SH')"),
                    {"f": pid, "n": n, "c": cusip, "v": usd, "s": shares})  # fmt: skip
            conn.execute(text("INSERT INTO filing_totals (filing_id, equity_usd, options_usd, "
                              "rows) VALUES (:i, :v, 0, :n)"),
                         {"i": pid, "v": sum(r[2] for r in rows), "n": len(rows)})
        if conn.dialect.name == "postgresql":  # ids given above: the sequences move past
            for table in ("portfolios", "filings"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  "10)"))  # fmt: skip
    assert db.current_revision() == "0008"
    return db


def test_universe_rows_survive_and_the_next_set_gets_its_own_partition(db_url, tmp_path):
    db = _database_at_0008(db_url)
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    db.dispose()
    ctx = AppContext.open(db_url, offline=True, seed_data=False)
    try:
        q = HoldersQueries(ctx.db)
        before = {h.name: (h.shares, h.value) for h in q.holders(CW).holders}
        assert before == {"ALPHA CAPITAL": (150, 1500), "BETA PARTNERS": (200, 2000)}
        run(UniverseLoader(ctx.db).load(write_set(tmp_path / "01jun2026-31aug2026.zip", [
            Filing("0000000001-26-000002", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CW, 1800, 180, issuer="COREWEAVE INC")]),
            Filing("0000000003-26-000001", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CW, 300, 30, issuer="COREWEAVE INC")]),
        ])))  # fmt: skip
        after = q.holders(CW)
        assert {h.name: (h.shares, h.change, h.shares_before) for h in after.holders} == {
            "ALPHA CAPITAL": (180, "ADDED", 150), "GAMMA FUND": (30, "NEW", None)}
        assert after.sold_out == ()  # BETA filed nothing for Q2: not sold out
        with ctx.db.session() as s:
            loads = dict(s.execute(text(
                "SELECT f.accession, r.bulk_load FROM filing_rows r JOIN filings f ON f.id = "
                "r.filing_id")).all())  # fmt: skip
            old, new = "0000000001-26-000001", "0000000003-26-000001"
            assert loads[old] == loads["0000000002-26-000001"] == 0  # stored before: 0
            if s.connection().dialect.name == "postgresql":
                n = loads[new]
                assert n >= 1 and loads["0000000001-26-000002"] == n  # the set's own
                parts = s.execute(text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = "
                    "i.inhrelid WHERE i.inhparent = 'filing_rows'::regclass "
                    "ORDER BY c.relname")).scalars().all()  # fmt: skip
                assert parts == ["filing_rows_p0", f"filing_rows_p{n}"]
                # The load gave its own partition planner statistics, and sampled no other
                # (filing_rows as a whole reads every partition: 13 s after five quarters).
                stats = dict(s.execute(text(
                    "SELECT c.relname, count(st.starelid) FROM pg_class c LEFT JOIN "
                    "pg_statistic st ON st.starelid = c.oid WHERE c.relname IN "
                    "('filing_rows', :p) GROUP BY c.relname"), {"p": f"filing_rows_p{n}"}).all())
                assert stats[f"filing_rows_p{n}"] > 0 and stats["filing_rows"] == 0
            s.execute(text("DELETE FROM filings WHERE accession IN (:a, :b)"),
                      {"a": old, "b": new})  # cascades to the rows, in either partition
        with ctx.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM filing_rows")).scalar() == 2
    finally:
        ctx.close()


def test_a_set_of_known_filings_only_adds_no_partition(db_url, tmp_path):
    ctx = AppContext.open(db_url, offline=True, seed_data=False)
    try:
        path = write_set(tmp_path / "01jun2026-31aug2026.zip", [
            Filing("0000000003-26-000001", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CW, 300, 30)])])  # fmt: skip
        run(UniverseLoader(ctx.db).load(path))
        again = write_set(tmp_path / "01jun2026-31aug2026_2.zip", [
            Filing("0000000003-26-000001", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CW, 300, 30)])], level=1)  # other bytes, same filing
        report = run(UniverseLoader(ctx.db).load(again))
        assert report.new_filings == 0 and report.known_filings == 1
        with ctx.db.session() as s:
            if s.connection().dialect.name == "postgresql":
                n = s.execute(text("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                   "'filing_rows'::regclass")).scalar()  # fmt: skip
                assert n == 2  # partition 0 and the first load's; none for the second
    finally:
        ctx.close()


def test_downgrade_to_0008_keeps_every_row_and_upgrades_again(db_url, tmp_path):
    """Down from the newest revision to 0008: the partitions' rows are one plain table
    again, with 0008's key, foreign key and CUSIP index; up again, holders add up."""
    db = _database_at_0008(db_url)
    db.upgrade()
    db.dispose()
    ctx = AppContext.open(db_url, offline=True, seed_data=False)
    try:
        run(UniverseLoader(ctx.db).load(write_set(tmp_path / "01jun2026-31aug2026.zip", [
            Filing("0000000003-26-000001", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CW, 300, 30, issuer="COREWEAVE INC")])])))  # fmt: skip
        with ctx.db.session(write=False) as s:
            rows = s.execute(text("SELECT filing_id, row_number, cusip, shares FROM "
                                  "filing_rows ORDER BY 1, 2")).all()  # fmt: skip
    finally:
        ctx.close()
    assert len(rows) == 4
    downgrade(db_url, "0008")
    db = Database(db_url)
    try:
        assert db.current_revision() == "0008"
        with db.engine.connect() as conn:
            insp = inspect(conn)
            assert "bulk_load" not in {c["name"] for c in insp.get_columns("filing_rows")}
            assert "name_key" not in {c["name"] for c in insp.get_columns("portfolios")}
            assert insp.get_pk_constraint("filing_rows")["constrained_columns"] == [
                "filing_id", "row_number"]
            assert [fk["referred_table"] for fk in insp.get_foreign_keys("filing_rows")] == [
                "filings"]
            assert [i["column_names"] for i in insp.get_indexes("filing_rows")
                    if i["name"] == "ix_filing_rows_cusip"] == [INDEX_COLUMNS]  # fmt: skip
            assert conn.execute(text("SELECT filing_id, row_number, cusip, shares FROM "
                                     "filing_rows ORDER BY 1, 2")).all() == rows  # fmt: skip
            if conn.dialect.name == "postgresql":
                assert "filing_row_parts" not in insp.get_schema_names()
                kind = conn.execute(text("SELECT relkind FROM pg_class WHERE relname = "
                                         "'filing_rows'")).scalar()  # fmt: skip
                assert kind == "r"  # a plain table again, not a partitioned one
        db.upgrade()
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.dispose()
    ctx = AppContext.open(db_url, offline=True, seed_data=False)
    try:
        after = HoldersQueries(ctx.db).holders(CW)
        assert {h.name: h.shares for h in after.holders} == {"GAMMA FUND": 30}
        assert {s.name for s in after.sold_out} == set()  # Alpha and Beta: no Q2 report
        assert [f.name for f in HoldersQueries(ctx.db).search_filers("gamma")] == ["GAMMA FUND"]
    finally:
        ctx.close()
