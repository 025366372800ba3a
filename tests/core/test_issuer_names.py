"""One casing for issuer names everywhere: the security master's name (as the Companies page
lists it) in every view, command and export; the name as filed kept beside it."""

from __future__ import annotations

import csv
import json

import pytest

from core.domain.filings import LABEL_MARK
from core.domain.issuer_names import display_name, filed_name
from core.domain.positions import Position
from core.services import exporters
from tests.conftest import cli

pytestmark = pytest.mark.backends


def test_the_masters_name_is_shown_and_the_filed_one_kept():
    assert display_name("INTEL CORP", "Intel Corp") == ("Intel Corp", "INTEL CORP")
    assert display_name("INTEL CORP", None) == ("INTEL CORP", None)  # unknown to the master
    assert display_name("Intel Corp", "Intel Corp") == ("Intel Corp", None)
    # A parser label (no filed name seen) keeps its mark: views still say it is a label.
    assert display_name("INTEL" + LABEL_MARK, "Intel Corp") == ("Intel Corp" + LABEL_MARK,
                                                                 None)  # fmt: skip
    p = Position("458140100", "INTC", "INTEL CORP", "COM", "SH", None, 1, 1, 1.0)
    assert filed_name(p) == "INTEL CORP"
    assert filed_name(Position("458140100", "INTC", "X" + LABEL_MARK, "COM", "SH", None, 1, 1,
                               1.0)) is None  # fmt: skip


def test_holdings_changes_and_exports_name_issuers_as_the_companies_page(ctx, tmp_path):
    p = ctx.queries.portfolio()
    master = {c.cusip: c.name for c in ctx.companies.companies()}  # the Companies page's
    h = ctx.queries.holdings(p)
    intc = next(x for x in h.positions if x.ticker == "INTC")
    assert (intc.issuer, intc.issuer_as_filed) == ("Intel Corp", "INTEL CORP")
    assert all(x.issuer == master[x.cusip] for x in h.positions if x.cusip in master)
    changes = ctx.analytics.changes(p)
    assert next(c for c in changes.changes if c.ticker == "INTC").issuer == "Intel Corp"

    snap = ctx.snapshots.build([p], None, live=False)
    row = next(x for x in snap["portfolios"][0]["positions"] if x["ticker"] == "INTC")
    assert (row["issuer"], row["issuer_as_filed"]) == ("Intel Corp", "INTEL CORP")
    out = tmp_path / "positions.csv"
    exporters.write_csv(snap, out)
    with out.open(encoding="utf-8") as f:
        rows = {r["ticker"]: r for r in csv.DictReader(f)}
    assert (rows["INTC"]["issuer"], rows["INTC"]["issuer_as_filed"]) == ("Intel Corp",
                                                                         "INTEL CORP")


def test_the_holdings_command_shows_the_name_and_its_json_both(ctx, db_url):
    rc, out = cli(db_url, "holdings")
    assert rc == 0, out
    line = next(x for x in out.splitlines() if x.startswith("INTC "))
    assert "Intel Corp" in line and "INTEL CORP" not in line
    rc, out = cli(db_url, "holdings", "--json")
    assert rc == 0, out
    p = next(x for x in json.loads(out)["positions"] if x["ticker"] == "INTC")
    assert (p["issuer"], p["issuer_as_filed"]) == ("Intel Corp", "INTEL CORP")
