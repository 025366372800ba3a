"""Positions from rows: amendments, options, several rows of one security, weights."""

from __future__ import annotations

import datetime as dt

from core.services.importer import run
from tests.builders import Row, cover_page, info_table, submission

CRWV, NVDA, INTC = "21873S108", "67066G104", "458140100"


def file(ctx, tmp_path, accession, rows, *, form="13F-HR", amendment=None, filed="20250814"):
    path = tmp_path / f"{accession}.txt"
    path.write_text(submission(accession, cover_page(form=form, amendment=amendment),
                               info_table(rows), form=form, filed=filed))  # fmt: skip
    return run(ctx.importer.import_path(path))


def holdings(ctx):
    q = ctx.queries
    return q.holdings(q.portfolio("999999"), dt.date(2025, 6, 30))


def shares(h):
    return {p.cusip: p.shares for p in h.positions}


def test_restatement_replaces_the_original(ctx, tmp_path):
    file(ctx, tmp_path, "0000999999-25-000001", [Row(cusip=CRWV, shares=100, value=1000),
         Row(cusip=NVDA, issuer="NVIDIA", shares=50, value=500)])  # fmt: skip
    file(ctx, tmp_path, "0000999999-25-000002", [Row(cusip=CRWV, shares=120, value=1200)],
         form="13F-HR/A", amendment="RESTATEMENT", filed="20250901")  # fmt: skip
    h = holdings(ctx)
    assert shares(h) == {CRWV: 120}
    assert h.accessions == ("0000999999-25-000002",)
    assert h.total_value == 1200


def test_new_holdings_amendment_adds(ctx, tmp_path):
    file(ctx, tmp_path, "0000999999-25-000001", [Row(cusip=CRWV, shares=100, value=1000)])
    file(ctx, tmp_path, "0000999999-25-000002", [Row(cusip=INTC, issuer="INTEL", shares=7,
         value=3000)], form="13F-HR/A", amendment="NEW HOLDINGS", filed="20250901")  # fmt: skip
    h = holdings(ctx)
    assert shares(h) == {CRWV: 100, INTC: 7}
    assert h.accessions == ("0000999999-25-000001", "0000999999-25-000002")
    assert [p.cusip for p in h.positions] == [INTC, CRWV]  # largest value first
    assert h.total_value == 4000
    assert abs(h.positions[0].weight - 0.75) < 1e-12


def test_a_later_restatement_replaces_added_holdings_too(ctx, tmp_path):
    file(ctx, tmp_path, "0000999999-25-000001", [Row(cusip=CRWV, shares=100)])
    file(ctx, tmp_path, "0000999999-25-000002", [Row(cusip=INTC, shares=7)],
         form="13F-HR/A", amendment="NEW HOLDINGS", filed="20250901")
    file(ctx, tmp_path, "0000999999-25-000003", [Row(cusip=NVDA, shares=3)],
         form="13F-HR/A", amendment="RESTATEMENT", filed="20251001")
    assert shares(holdings(ctx)) == {NVDA: 3}


def test_amendment_without_type_is_a_restatement_and_says_so(ctx, tmp_path):
    file(ctx, tmp_path, "0000999999-25-000001", [Row(cusip=CRWV, shares=100)])
    r = file(ctx, tmp_path, "0000999999-25-000002", [Row(cusip=NVDA, shares=1)],
             form="13F-HR/A", filed="20250901")
    assert r.amendment_type == "RESTATEMENT"
    assert any("taken as a RESTATEMENT" in w for w in r.warnings)
    assert shares(holdings(ctx)) == {NVDA: 1}


def test_rows_of_one_security_are_summed(ctx, tmp_path):
    """Other managers report the same CUSIP on separate rows: one position."""
    file(ctx, tmp_path, "0000999999-25-000001", [
        Row(cusip=CRWV, shares=100, value=1000, other_manager="1"),
        Row(cusip=CRWV, shares=50, value=500, other_manager="2"),
        Row(cusip=CRWV, shares=5, value=50, share_type="PRN"),
    ])  # fmt: skip
    h = holdings(ctx)
    by_type = {p.share_type: (p.shares, p.value) for p in h.positions}
    assert by_type == {"SH": (150, 1500), "PRN": (5, 50)}
    assert h.total_value == 1550


def test_options_are_apart_and_out_of_weights(ctx, tmp_path):
    file(ctx, tmp_path, "0000999999-25-000001", [
        Row(cusip=CRWV, shares=100, value=3000),
        Row(cusip=CRWV, shares=40, value=800, put_call="Call"),
        Row(cusip=NVDA, shares=10, value=1000),
        Row(cusip=NVDA, shares=10, value=200, put_call="Put"),
    ])  # fmt: skip
    h = holdings(ctx)
    assert h.total_value == 4000 and h.options_value == 1000
    equity = [p for p in h.positions if not p.is_option]
    options = [p for p in h.positions if p.is_option]
    assert [(p.cusip, p.weight) for p in equity] == [(CRWV, 0.75), (NVDA, 0.25)]
    assert {(p.cusip, p.put_call) for p in options} == {(CRWV, "CALL"), (NVDA, "PUT")}
    assert all(p.weight is None for p in options)
    assert h.positions[-2:] == tuple(options)  # listed after the equity positions
    assert abs(sum(p.weight for p in equity) - 1) < 1e-12
