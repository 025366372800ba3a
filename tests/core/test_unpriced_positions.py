"""A position without a price is never silently valued: one core rule (counts_unpriced) says
what it counts for. In an own book it is left out of the value and the weights and counted
apart, in `summary` as in `pnl`; in a 13F filer's book it counts at its value as filed,
said so on its row."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import DATA, cli

pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL


def _json(db_url, *argv) -> dict:
    rc, out = cli(db_url, *argv, "--json")
    assert rc == 0, (argv, out)
    return json.loads(out)


@pytest.fixture
def book(db_url):
    """CRWV bought with cached closes; ZZZQ, unknown, accepted offline with no close."""
    for argv in (("init",), ("prices", "import", str(DATA / "prices" / "CRWV_head.csv"),
                             "--ticker", "CRWV"),
                 ("portfolio", "create", "Mine"),
                 ("tx", "add", "--portfolio", "Mine", "--type", "buy", "--ticker", "CRWV",
                  "--date", "2025-04-01", "--shares", "10", "--price", "40", "--offline"),
                 ("tx", "add", "--portfolio", "Mine", "--type", "buy", "--ticker", "ZZZQ",
                  "--date", "2025-04-02", "--shares", "5", "--price", "20", "--offline")):
        rc, out = cli(db_url, *argv)  # fmt: skip
        assert rc == 0, (argv, out)
    return db_url


def test_an_own_books_summary_leaves_it_out_as_pnl_does(book):
    s = _json(book, "summary", "--portfolio", "Mine", "--offline")
    by = {p["ticker"]: p for p in s["positions"]}
    crwv, zzzq = by["CRWV"], by["ZZZQ"]
    assert s["left_out"] == 1
    assert not zzzq["priced"] and zzzq["value_now"] is None and zzzq["weight_now"] is None
    assert zzzq["price_source"] == "no price: left out"
    assert s["total_now"] == pytest.approx(crwv["value_now"]) == pytest.approx(10 * 100.16)
    assert crwv["weight_now"] == 1.0 and s["concentration_now"]["top1_weight"] == 1.0
    # Against the reported value of the same positions, not of the whole book.
    assert s["change_pct"] == pytest.approx((10 * 100.16 / crwv["reported_value"] - 1) * 100)
    pnl = _json(book, "pnl", "--portfolio", "Mine")
    assert pnl["value"] == pytest.approx(s["total_now"])
    assert pnl["unpriced"] == 1


def test_the_summary_says_so_in_words(book):
    rc, out = cli(book, "summary", "--portfolio", "Mine", "--offline")
    assert rc == 0, out
    assert "1 position without a price left out" in out
    line = next(x for x in out.splitlines() if x.startswith("ZZZQ "))
    assert line.split()[3:] == ["no", "price", "no", "price:", "left", "out"]  # no $ value


def test_a_filers_position_without_a_price_counts_as_filed_and_says_so(book):
    s = _json(book, "summary", "--offline")  # NVIDIA's: no closes for most of its book
    assert s["left_out"] == 0
    unpriced = [p for p in s["positions"] if not p["priced"]]
    assert unpriced and all(p["price_source"] == "no price: reported value"
                            and p["value_now"] == p["reported_value"] for p in unpriced)
    assert s["total_now"] == pytest.approx(sum(p["value_now"] for p in s["positions"]))


def test_an_own_books_exports_leave_it_out_and_say_no_price(book, tmp_path):
    from core.services.snapshots import load

    out = tmp_path / "mine.json"
    rc, msg = cli(book, "export", "--portfolio", "Mine", "--format", "json", "--out", str(out),
                  "--offline")  # fmt: skip
    assert rc == 0, msg
    snap = load(out)  # checked against the shipped schema
    (b,) = snap["portfolios"]
    by = {p["ticker"]: p for p in b["positions"]}
    assert by["ZZZQ"]["value"] is None and by["ZZZQ"]["weight"] is None
    assert by["ZZZQ"]["price_source"] == "no price: left out"
    assert b["total_value"] == pytest.approx(by["CRWV"]["value"]) and by["CRWV"]["weight"] == 1
    assert b["pnl"]["unpriced"] == 1
    rc, shown = cli(book, "snapshot", "show", str(out))
    assert rc == 0 and "no price: left out" in shown, shown
    csv_out = tmp_path / "mine.csv"
    assert cli(book, "export", "--portfolio", "Mine", "--format", "csv", "--out", str(csv_out),
               "--offline")[0] == 0  # fmt: skip
    rows = {r["ticker"]: r for r in csv.DictReader(csv_out.open(encoding="utf-8"))}
    assert rows["ZZZQ"]["value"] == "" and rows["ZZZQ"]["weight"] == ""
    # A filer's book is unchanged: every equity position has a value (as filed if unpriced).
    rc, msg = cli(book, "export", "--format", "json", "--out", str(tmp_path / "nv.json"),
                  "--offline")  # fmt: skip
    assert rc == 0, msg
    nv = load(tmp_path / "nv.json")["portfolios"][0]["positions"]
    assert all(p["value"] is not None for p in nv)


def test_holdings_on_a_date_leave_out_a_position_with_no_close_and_no_cost(book):
    """`holdings --period` of an own book: a transfer-in of an unknown ticker (no close, no
    cost) says "no price", has no weight, and the total leaves it out with a note (it was a
    silent $0 at 0.00%)."""
    rc, out = cli(book, "tx", "add", "--portfolio", "Mine", "--type", "transfer-in",
                  "--ticker", "QQQZ", "--date", "2025-04-03", "--shares", "7", "--offline")
    assert rc == 0, out
    h = _json(book, "holdings", "--portfolio", "Mine", "--period", "2025-04-10")
    by = {p["ticker"]: p for p in h["positions"]}
    assert h["unpriced"] == ["QQQZ"]
    assert by["QQQZ"]["value"] is None and by["QQQZ"]["weight"] is None
    assert by["ZZZQ"]["value"] == 5 * 20  # at cost: no close, but a price paid
    assert h["total_value"] == by["CRWV"]["value"] + by["ZZZQ"]["value"]
    assert sum(p["weight"] for p in h["positions"] if p["weight"] is not None) == pytest.approx(1)
    rc, out = cli(book, "holdings", "--portfolio", "Mine", "--period", "2025-04-10")
    assert rc == 0, out
    assert "(1 without a price left out: QQQZ)" in out.splitlines()[0]
    (row,) = [line for line in out.splitlines() if line.startswith("QQQZ")]
    assert "no price" in row and "$0" not in row


def test_a_summary_with_nothing_priced_makes_up_no_value_or_concentration(db_url):
    """An own book whose every position lacks a close: no '$0 (+0.00%)' and no 'top holding
    X 0.00%, HHI 0': it says no position has a price yet."""
    for argv in (("init",), ("portfolio", "create", "Mine"),
                 ("tx", "add", "--portfolio", "Mine", "--type", "transfer-in", "--ticker",
                  "QQQZ", "--date", "2025-04-03", "--shares", "7", "--offline")):
        rc, out = cli(db_url, *argv)  # fmt: skip
        assert rc == 0, (argv, out)
    rc, out = cli(db_url, "summary", "--portfolio", "Mine", "--offline")
    assert rc == 0, out
    assert "now: no price for any position yet (1 left out)" in out
    assert "concentration now" not in out and "+0.00%" not in out
