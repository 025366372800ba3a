"""Reads in Core SQL, without the ORM: start-up's checks (seed version, settings) and the
portfolio list, so that light commands never import sqlalchemy.orm or the mapped schema."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, String, column, text

from core.storage.database import Database

_OVERVIEW = text(
    "SELECT p.id, p.name, p.kind, p.cik, p.followed, p.last_synced, "
    "(SELECT count(*) FROM filings f WHERE f.portfolio_id = p.id) AS filings, "
    "(SELECT max(f.period_of_report) FROM filings f WHERE f.portfolio_id = p.id) AS period, "
    "(SELECT count(*) FROM own_transactions t WHERE t.portfolio_id = p.id) AS statements, "
    "(SELECT max(t.date) FROM own_transactions t WHERE t.portfolio_id = p.id) AS statement "
    "FROM portfolios p WHERE p.followed OR NOT EXISTS "  # a data set's filers: not listed
    "(SELECT 1 FROM universe_filers u WHERE u.portfolio_id = p.id) ORDER BY p.kind, p.name"
).columns(
    column("id", Integer), column("name", String), column("kind", String),
    column("cik", String), column("followed", Boolean),
    column("last_synced", DateTime(timezone=True)), column("filings", Integer),
    column("period", Date), column("statements", Integer), column("statement", Date),
)  # fmt: skip


def meta(db: Database) -> dict[str, str]:
    """The meta table (a few dozen small facts and settings), in one short read."""
    with db.engine.connect() as conn:
        return {k: v for k, v in conn.execute(text("SELECT key, value FROM meta"))}


def portfolio_overview(db: Database) -> list[tuple]:
    """Per portfolio: id, name, kind, CIK, followed, last synced (UTC), its reports (a
    filer's filings or an own book's transactions) and the latest report's (or
    transaction's) date."""
    with db.engine.connect() as conn:
        rows = conn.execute(_OVERVIEW).all()
    out = []
    for pid, name, kind, cik, followed, synced, filings, period, statements, statement in rows:
        if synced is not None and synced.tzinfo is None:  # SQLite: written in UTC
            synced = synced.replace(tzinfo=dt.UTC)
        own = kind == "own"
        out.append((pid, name, kind, cik, bool(followed), synced,
                    statements if own else filings, statement if own else period))  # fmt: skip
    return out
