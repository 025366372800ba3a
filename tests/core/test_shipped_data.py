"""The bundled NVIDIA history: the checks anyone can redo against EDGAR, and seeding rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from core.context import AppContext
from core.domain import cusip
from core.services.seeding import bundled_filings, seed

CRWV = "21873S108"


def test_period_2025_06_30(ctx):
    q = ctx.queries
    h = q.holdings(q.portfolio(), dt.date(2025, 6, 30))
    assert h.portfolio == "NVIDIA Corp"
    assert h.total_value == 4_333_080_800
    top = h.positions[0]
    assert (top.cusip, top.ticker, top.shares, top.value) == (
        CRWV, "CRWV", 24_277_573, 3_958_701_053)
    assert round(top.weight, 4) == 0.9136
    assert h.accessions == ("0001045810-25-000199",)


def test_other_published_totals(ctx):
    q = ctx.queries
    p = q.portfolio("1045810")
    assert q.holdings(p, dt.date(2025, 9, 30)).total_value == 3_843_681_339
    dec = q.holdings(p, dt.date(2025, 12, 31))
    assert dec.total_value == 13_104_819_528
    assert dec.positions[0].ticker == "INTC"


def test_eleven_filings_from_2023_to_2026(ctx):
    filings = ctx.queries.filings(ctx.queries.portfolio())
    assert len(filings) == 11
    assert filings[0].period == dt.date(2023, 12, 31)
    assert filings[-1].period == dt.date(2026, 6, 30)
    assert len({f.accession for f in filings}) == 11
    assert all(f.accession.startswith("0001045810-") for f in filings)
    assert all("sec.gov/Archives/edgar/data/1045810/" in f.source for f in filings)
    # Cover-page totals were not in the sources: left empty, never invented.
    assert all(f.entry_total is None and f.value_total_usd is None for f in filings)


def test_latest_is_the_default_period(ctx):
    h = ctx.queries.holdings(ctx.queries.portfolio())
    assert h.period == dt.date(2026, 6, 30)
    assert len([p for p in h.positions if not p.is_option]) == 8


def test_every_bundled_cusip_is_valid_and_mapped(ctx):
    tickers = set()
    for _header, rows in bundled_filings():
        for r in rows:
            assert cusip.is_valid(r.cusip), r.cusip
            tickers.add(r.cusip)
    with ctx.db.engine.connect() as c:
        mapped = {row[0] for row in c.execute(text(
            "SELECT cusip FROM companies WHERE ticker IS NOT NULL"))}  # fmt: skip
    assert tickers <= mapped
    assert len(mapped) == 17


def test_provenance_is_kept_on_every_row(ctx):
    with ctx.db.engine.connect() as c:
        missing = c.execute(text(
            "SELECT count(*) FROM filing_rows WHERE provenance IS NULL OR provenance = ''"
        )).scalar()  # fmt: skip
        total = c.execute(text("SELECT count(*) FROM filing_rows")).scalar()
    assert (missing, total) == (0, 63)


def test_seeding_is_idempotent_and_never_overwrites(db_file):
    ctx = AppContext.open(str(db_file))
    with ctx.db.engine.begin() as c:  # the user remaps a ticker
        c.execute(text("UPDATE companies SET ticker = 'GENE', origin = 'user' "
                       "WHERE cusip = '370920100'"))  # fmt: skip
        c.execute(text("DELETE FROM meta"))  # force seeding to run again
    ctx.close()
    again = AppContext.open(str(db_file))
    assert (again.seeded.companies_added, again.seeded.filings_added) == (0, 0)
    with again.db.engine.connect() as c:
        assert c.execute(text(
            "SELECT ticker FROM companies WHERE cusip = '370920100'")).scalar() == "GENE"
        assert c.execute(text("SELECT count(*) FROM filing_rows")).scalar() == 63
    assert seed(again.db).filings_added == 0
    again.close()
