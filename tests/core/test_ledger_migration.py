"""Migration 0006 turns dated statements (a database made with the schema before it) into a
ledger: the holdings at every former statement date are the statement's, share for share,
each transaction marked as from its statement, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.context import AppContext
from core.storage.database import HEAD_REVISION, Database
from tests.migrations import database_at

pytestmark = pytest.mark.backends

# Statements as the app before the ledger wrote them: (date, {ticker: (shares, cost, note)}).
STATEMENTS = [
    ("2025-03-31", {"CRWV": ("100", "40", "core"), "NVDA": ("10", None, None)}),
    ("2025-06-30", {"CRWV": ("150", "41.5", None), "NVDA": ("10", None, None),
                    "AAPL": ("3.25", "200", None)}),
    ("2025-09-30", {"CRWV": ("150", "41.5", None), "AAPL": ("1", "200", None)}),
    ("2025-12-31", {}),  # everything sold: a statement with nothing in it
]  # fmt: skip


def _old_database(url: str) -> Database:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with database_at(url, "0005") as (db, conn):
        conn.exec_driver_sql("INSERT INTO portfolios (id, name, kind, followed, created_at) "
                             "VALUES (7, 'Mine', 'own', false, %s)" if db.engine.dialect.name
                             != "sqlite" else "INSERT INTO portfolios (id, name, kind, followed, "
                             "created_at) VALUES (7, 'Mine', 'own', 0, ?)", (now,))  # fmt: skip
        mark = "%s" if db.engine.dialect.name != "sqlite" else "?"
        for sid, (day, held) in enumerate(STATEMENTS, 1):
            conn.exec_driver_sql(f"INSERT INTO own_statements (id, portfolio_id, as_of, "
                                 f"created_at) VALUES ({mark}, 7, {mark}, {mark})",
                                 (sid, dt.date.fromisoformat(day), now))  # fmt: skip
            for ticker, (shares, cost, note) in held.items():
                conn.exec_driver_sql(
                    "INSERT INTO own_holdings (statement_id, ticker, shares, cost_per_share, "
                    f"note, verified, created_at, modified_at) VALUES ({mark}, {mark}, {mark}, "
                    f"{mark}, {mark}, true, {mark}, {mark})",
                    (sid, ticker, Decimal(shares) if db.engine.dialect.name != "sqlite"
                     else shares, (Decimal(cost) if db.engine.dialect.name != "sqlite"
                                   else cost) if cost else None, note, now, now))  # fmt: skip
    assert db.current_revision() == "0005"
    return db


def test_statements_become_transactions_with_nothing_lost(db_url):
    db = _old_database(db_url)
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    db.engine.dispose()
    ctx = AppContext.open(db_url, offline=True)
    try:
        for day, held in STATEMENTS:
            derived = {h.ticker: h.shares for h in
                       ctx.own.holdings_at("Mine", dt.date.fromisoformat(day))}  # fmt: skip
            assert derived == {t: Decimal(s) for t, (s, _, _) in held.items()}, day
        txs = ctx.own.transactions("Mine")
        assert {t.origin for t in txs} == {"statement"}
        aapl = [(t.type.value, t.date.isoformat(), t.shares, t.price, t.note)
                for t in txs if t.ticker == "AAPL"]
        assert aapl == [("buy", "2025-06-30", Decimal("3.25"), Decimal("200"),
                         "from statement 2025-06-30"),
                        ("sell", "2025-09-30", Decimal("2.25"), None,
                         "from statement 2025-09-30"),
                        ("sell", "2025-12-31", Decimal("1"), None,
                         "from statement 2025-12-31")]  # fmt: skip
        crwv = [t for t in txs if t.ticker == "CRWV"]
        assert crwv[0].note == "from statement 2025-03-31; core"
        # The 50 added in June at the price that makes the average the cost entered:
        # (150 x 41.5 - 100 x 40) / 50 = 44.5, so the cost of the 150 is as entered.
        assert crwv[1].price == Decimal("44.5")
        h = {x.ticker: x for x in ctx.own.holdings_at("Mine", dt.date(2025, 6, 30))}
        assert h["CRWV"].cost == Decimal("6225")
        assert [t.type.value for t in txs if t.ticker == "NVDA"] == ["buy", "sell"]
        # The book's dates are the statements' dates on which something changed.
        assert ctx.queries.periods(ctx.queries.portfolio("Mine")) == [
            dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30),
            dt.date(2025, 12, 31)]
    finally:
        ctx.close()
