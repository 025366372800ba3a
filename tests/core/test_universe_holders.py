"""Holders of a security and filers by name, against figures worked out by hand, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from core.services.holders import HoldersQueries
from core.services.importer import run
from core.services.seeding import NVIDIA_CIK
from core.services.universe import UniverseLoader
from core.storage.repositories import Repository
from tests.conftest import cli
from tests.universe_sets import Filing, Holding, write_set

pytestmark = pytest.mark.backends

Q0, Q1, Q2 = dt.date(2022, 9, 30), dt.date(2026, 3, 31), dt.date(2026, 6, 30)
CW, NV, MS = "21873S108", "67066G104", "594918104"


def cw(value: int, shares: int, **kw) -> Holding:
    return Holding(CW, value, shares, issuer="COREWEAVE INC", **kw)


@pytest.fixture
def world(empty_ctx, tmp_path):
    """Seven filers over three periods (see each line); CRWV has 10,000 shares outstanding."""
    f = Filing
    old = [f("0000000001-22-000001", "1", "ALPHA CAPITAL", Q0, dt.date(2022, 11, 14),
             rows=[cw(2, 100)])]  # VALUE in thousands: $2,000
    q1 = [
        f("0000000001-26-000001", "1", "ALPHA CAPITAL", Q1, dt.date(2026, 5, 1),
          rows=[cw(1000, 100), cw(500, 50), Holding(NV, 8500, 10)]),  # one CUSIP twice
        f("0000000002-26-000001", "2", "BETA PARTNERS", Q1, dt.date(2026, 5, 1),
          rows=[cw(2000, 200)]),
        f("0000000003-26-000001", "3", "GAMMA FUND", Q1, dt.date(2026, 5, 1),
          rows=[cw(300, 30), cw(50, 5, put_call="Put"), Holding(MS, 700, 7)]),
        f("0000000004-26-000001", "4", "DELTA ADVISORS", Q1, dt.date(2026, 5, 1),
          rows=[Holding(NV, 100, 1)]),
        f("0000000007-26-000001", "7", "ZETA LLC", Q1, dt.date(2026, 5, 1),
          rows=[cw(700, 70)]),  # files nothing for Q2: not sold out
    ]
    q2 = [
        f("0000000001-26-000002", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 1),
          rows=[cw(1440, 120), Holding(NV, 9000, 10)]),
        f("0000000001-26-000003", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 20),
          form="13F-HR/A", amendment_type="RESTATEMENT",
          rows=[cw(2160, 180), Holding(NV, 9000, 10)]),  # replaces the original
        f("0000000002-26-000002", "2", "BETA PARTNERS", Q2, dt.date(2026, 8, 1),
          rows=[Holding(NV, 4500, 5)]),  # sold out of CRWV
        f("0000000003-26-000002", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
          rows=[cw(360, 30), cw(100, 10, put_call="Put"), Holding(MS, 640, 6)]),
        f("0000000004-26-000002", "4", "DELTA ADVISORS", Q2, dt.date(2026, 8, 1),
          rows=[Holding(NV, 100, 1), cw(480, 40)]),
        f("0000000004-26-000003", "4", "DELTA ADVISORS", Q2, dt.date(2026, 8, 15),
          form="13F-HR/A", amendment_type="NEW HOLDINGS", rows=[cw(120, 10)]),  # adds
        f("0000000005-26-000001", "5", "EPSILON CAPITAL MANAGEMENT", Q2, dt.date(2026, 8, 1),
          rows=[cw(12000, 1000)]),
        f("0000000006-26-000001", "6", "ETA NOTICE", Q2, dt.date(2026, 8, 1), form="13F-NT"),
    ]  # fmt: skip
    loader = UniverseLoader(empty_ctx.db)
    for name, filings in (("2022q4", old), ("01mar2026-31may2026", q1),
                          ("01jun2026-31aug2026", q2)):  # fmt: skip
        run(loader.load(write_set(tmp_path / f"{name}_form13f.zip", filings)))
    with empty_ctx.db.session() as s:
        Repository(s).set_ticker(CW, "CRWV")
        s.execute(text("UPDATE companies SET shares_outstanding = 10000 WHERE cusip = :c"),
                  {"c": CW})
        s.execute(text("UPDATE portfolios SET followed = :t WHERE cik = '0000000003'"),
                  {"t": True})
    return empty_ctx


def by_cik(report):
    return {h.cik[-1]: h for h in report.holders}


def test_holders_at_the_latest_period(world):
    r = HoldersQueries(world.db).holders("CRWV")
    assert (r.cusip, r.ticker, r.period, r.periods) == (CW, "CRWV", Q2, (Q0, Q1, Q2))
    assert [h.cik[-1] for h in r.holders] == ["5", "1", "4", "3"]  # by value
    h = by_cik(r)
    assert [(x.shares, x.value, x.change, x.shares_before) for x in r.holders] == [
        (1000, 12000, "NEW", None),  # EPSILON: no report before
        (180, 2160, "ADDED", 150),  # ALPHA: the RESTATEMENT stands; Q1's two rows summed
        (50, 600, "NEW", 0),  # DELTA: original + NEW HOLDINGS; held none in Q1
        (30, 360, "UNCHANGED", 30),  # GAMMA
    ]
    assert h["5"].weight == 1.0
    assert h["1"].weight == pytest.approx(2160 / 11160)
    assert h["4"].weight == pytest.approx(600 / 700)
    assert h["3"].weight == pytest.approx(360 / 1000)  # the put is left out of the book
    assert [x.stake for x in r.holders] == pytest.approx([0.1, 0.018, 0.005, 0.003])
    assert [x.highlighted for x in r.holders] == [False, False, False, True]
    assert [(x.cik[-1], x.shares_before) for x in r.sold_out] == [("2", 200)]
    t = r.totals
    assert (t.holders, t.shares, t.value, t.new, t.added, t.reduced, t.unchanged,
            t.sold_out) == (4, 1260, 15120, 2, 1, 0, 1, 1)  # fmt: skip
    assert t.stake == pytest.approx(0.126)


def test_options_are_rows_of_their_own(world):
    r = HoldersQueries(world.db).holders(CW, options=True)
    puts = [h for h in r.holders if h.put_call]
    assert [(p.cik[-1], p.put_call, p.shares, p.value, p.change, p.shares_before, p.weight)
            for p in puts] == [("3", "PUT", 10, 100, "ADDED", 5, None)]  # fmt: skip
    assert r.totals.holders == 4 and r.totals.shares == 1260


def test_an_earlier_period_and_a_filing_in_thousands(world):
    q = HoldersQueries(world.db)
    r = q.holders(CW, Q1)
    assert [(h.cik[-1], h.shares, h.value, h.change, h.shares_before) for h in r.holders] == [
        ("2", 200, 2000, "NEW", None), ("1", 150, 1500, "ADDED", 100),
        ("7", 70, 700, "NEW", None), ("3", 30, 300, "NEW", None)]  # fmt: skip
    assert r.sold_out == ()
    old = q.holders(CW, Q0)
    assert [(h.shares, h.value) for h in old.holders] == [(100, 2000)]


def test_the_cli_answers_in_the_documented_json_shape(world, db_url):
    # The command opens the database as the app does: NVIDIA's bundled filings are seeded
    # (it holds CRWV too), so its row comes on top of the hand-made world.
    rc, out = cli(db_url, "holders", "CRWV", "--json")
    assert rc == 0
    data = json.loads(out)
    assert data["security"] == {"cusip": CW, "ticker": "CRWV", "name": "COREWEAVE INC"}
    assert data["period"] == "2026-06-30"
    rows = {h["cik"]: h for h in data["holders"]}
    assert rows["0000000001"] == {"cik": "0000000001", "name": "ALPHA CAPITAL", "shares": 180,
                                  "value": 2160, "weight": pytest.approx(2160 / 11160),
                                  "stake": pytest.approx(180 / 10000), "change": "ADDED",
                                  "shares_before": 150}  # fmt: skip
    nvidia = rows[NVIDIA_CIK]
    assert nvidia["change"] == "UNCHANGED" and nvidia["shares"] > 0
    assert data["sold_out"] == [{"cik": "0000000002", "name": "BETA PARTNERS",
                                 "shares_before": 200}]  # fmt: skip
    assert {k: v for k, v in data["totals"].items() if k != "stake"} == {
        "holders": 5, "shares": 1260 + nvidia["shares"], "value": 15120 + nvidia["value"],
        "new": 2, "added": 1, "reduced": 0, "sold_out": 1}  # fmt: skip
    rc, out = cli(db_url, "holders", CW, "--period", "2022-09-30")
    assert rc == 0
    assert out.splitlines()[0] == ("COREWEAVE INC (21873S108, CRWV) at 2022-09-30: 1 holder(s), "
                                   "100 shares ($2,000), 1.00% of shares outstanding; 1 new, "
                                   "0 added, 0 reduced, 0 sold out")  # fmt: skip
    rc, out = cli(db_url, "holders", "crwv")
    assert rc == 0 and "* GAMMA FUND" in out and "* NVIDIA Corp" in out
    assert "sold out since their previous report:" in out and "BETA PARTNERS" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["holders", "NOPE"], "neither a CUSIP nor a ticker"),
    (["holders", "CRWV", "--period", "2026-01-31"], "no filing of period 2026-01-31"),
    (["filers", "search", "  "], "give some words"),
])  # fmt: skip
def test_bad_requests_are_one_error_line(world, db_url, capsys, argv, message):
    rc, _ = cli(db_url, *argv)
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and err.count("\n") == 1 and message in err


def test_filers_are_found_by_words_in_any_order(world, db_url):
    q = HoldersQueries(world.db)
    found = q.search_filers("management epsilon")
    assert [(f.cik, f.name, f.latest_period, f.size) for f in found] == [
        ("0000000005", "EPSILON CAPITAL MANAGEMENT", Q2, 12000)]
    assert [f.name for f in q.search_filers("CAPITAL")] == [
        "ALPHA CAPITAL", "EPSILON CAPITAL MANAGEMENT"]  # shorter names first
    alpha = q.search_filers("alpha")[0]
    assert alpha.size == 2160 + 9000  # the RESTATEMENT's book, not both filings
    assert [f.name for f in q.search_filers("7")] == ["ZETA LLC"]  # by CIK
    assert q.search_filers("50%") == []  # LIKE's wildcards are plain text
    rc, out = cli(db_url, "filers", "search", "gamma", "--json")
    assert rc == 0 and json.loads(out) == [{"cik": "0000000003", "name": "GAMMA FUND",
                                            "followed": True, "latest_period": "2026-06-30",
                                            "size": 1000, "stored": True}]  # fmt: skip
