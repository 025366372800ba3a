"""The filer's stake in each company: shares / the issuer's shares outstanding recorded by a
sync (a local fake EDGAR), with date and source; unknown says why; the same figure in the
holdings rows, `holdings --json` and the Companies detail."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import cli
from tests.core.sec_fixtures import fake, run_sync, sec_ctx  # noqa: F401
from tests.fake_sec import serve_nvidia

CRWV, INTC, NOK, SNPS = "21873S108", "458140100", "654902204", "871607107"


@pytest.fixture
def synced(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake, with_new=False)
    # CoreWeave reports its count; Intel is a registrant with no facts served (404); Nokia
    # is not in EDGAR's ticker list.
    fake.tickers = [("1769628", "CRWV", "CoreWeave, Inc."), ("50863", "INTC", "INTEL CORP")]
    fake.add_shares_outstanding("1769628", "CoreWeave, Inc.", [
        ("2026-04-30", 480_000_000, "0001769628-26-000010"),
        ("2026-07-31", 490_000_000, "0001769628-26-000020"),
    ])  # fmt: skip
    report = run_sync(sec_ctx)
    assert report.facts_error is None
    return sec_ctx


def test_holdings_rows_carry_the_stake_or_why_not(synced):
    p = synced.queries.portfolio()
    period = dt.date(2026, 6, 30)
    rows = {r.position.cusip: r for r in synced.analytics.holdings_view(p, period)}
    crwv = rows[CRWV].stake
    assert crwv.value == rows[CRWV].position.shares / 490_000_000
    assert (crwv.shares_outstanding, crwv.as_of) == (490_000_000, dt.date(2026, 7, 31))
    assert crwv.source == ("EDGAR XBRL company facts, dei:EntityCommonStockSharesOutstanding "
                           "(CIK 1769628)")  # fmt: skip
    assert rows[INTC].stake.value is None
    assert "CIK 50863" in rows[INTC].stake.reason and "no single count" in rows[INTC].stake.reason
    # Nokia's CIK comes from the bundled SEC ticker list now; the fake serves it no facts.
    assert rows[NOK].stake.value is None and "CIK 924613" in rows[NOK].stake.reason
    # The same figure as `holdings --json`.
    rc, out = cli(synced.db.path, "holdings", "--json")
    assert rc == 0
    js = {q["cusip"]: q for q in json.loads(out)["positions"]}
    assert js[CRWV]["stake"] == crwv.value and js[INTC]["stake"] is None


def test_unknown_before_any_sync_and_for_unmapped_and_options(ctx):
    from core.services.stakes import NO_TICKER, NOT_LOOKED_UP, OPTION, stake_of

    p = ctx.queries.portfolio()
    rows = ctx.analytics.holdings_view(p, ctx.queries.periods(p)[-1])
    assert rows and all(r.stake.value is None for r in rows)
    assert {r.stake.reason for r in rows if r.status != "SOLD OUT"} == {NOT_LOOKED_UP}
    assert stake_of(10, (None, None, None, None, None)).reason == NO_TICKER
    facts = ("CRWV", "0001769628", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), 100,
             dt.date(2026, 7, 31))  # fmt: skip
    assert stake_of(10, facts).value == 0.1
    assert stake_of(10, facts, put_call="CALL").reason == OPTION
    assert stake_of(10, facts, share_type="PRN").value is None


def test_companies_detail_gives_the_stake_per_report(synced):
    held = synced.companies.stakes_in(CRWV)
    assert len(held) >= 2  # every NVIDIA report since CoreWeave's listing
    for h, stake in held:
        assert stake.shares == h.shares
        assert stake.value == h.shares / 490_000_000
        assert stake.as_of == dt.date(2026, 7, 31)
    (_, none), *_ = synced.companies.stakes_in(NOK)
    assert none.value is None and none.reason


def test_a_ticker_you_type_takes_its_issuer_from_the_sec_list_or_none(fake, sec_ctx):  # noqa: F811
    """Nokia's CIK came with the bundled SEC list; typed as a ticker no list knows, the CIK
    goes (the old issuer's count with it) and the stake says why it is unknown."""
    serve_nvidia(fake, with_new=False)
    fake.tickers = [("1769628", "CRWV", "CoreWeave, Inc.")]
    sec_ctx.companies.set_ticker(NOK, "NOKZZ")
    run_sync(sec_ctx)
    p = sec_ctx.queries.portfolio()
    rows = {r.position.cusip: r for r in sec_ctx.analytics.holdings_view(p, dt.date(2026, 6, 30))}
    assert rows[NOK].stake.value is None and "not in EDGAR's list" in rows[NOK].stake.reason
