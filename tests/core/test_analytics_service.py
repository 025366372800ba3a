"""History, changes and summary over NVIDIA's shipped filings, through the CLI's JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import core.context
from core.domain.prices import Quote
from core.prices.provider import MemoryProvider
from core.services.price_import import import_csv
from tests.conftest import DATA, cli

CRWV_CSV = DATA / "prices" / "CRWV_head.csv"



@pytest.fixture
def provider(monkeypatch):
    when = dt.datetime(2025, 5, 20, 19, 0, tzinfo=dt.UTC)
    p = MemoryProvider(quotes={"CRWV": Quote("CRWV", 100.0, 95.0, "USD", when, "REGULAR")})
    monkeypatch.setattr(core.context, "network_provider", lambda settings: p)
    return p


def test_filing_history_reproduces_every_filing(db_file, provider):
    rc, out = cli(db_file, "history", "--freq", "filing", "--json")
    data = json.loads(out)
    assert rc == 0 and data["freq"] == "filing" and data["portfolio"] == "NVIDIA Corp"
    points = data["points"]
    assert len(points) == 11 and all(p["as_filed"] for p in points)
    rc, out = cli(db_file, "filings", "--json")
    filed = {f["period"]: f["rows_value"] for f in json.loads(out)}
    assert {p["date"]: p["total_value"] for p in points} == filed
    june = next(p for p in points if p["date"] == "2025-06-30")
    assert june["total_value"] == 4_333_080_800
    assert round(june["top1_weight"], 4) == 0.9136
    top = june["positions"][0]
    assert (top["ticker"], top["shares"], top["value"]) == ("CRWV", 24_277_573, 3_958_701_053)
    assert set(top) >= {"cusip", "ticker", "shares", "price", "value", "weight"}
    assert june["accessions"] == ["0001045810-25-000199"]
    assert abs(sum(p["weight"] for p in june["positions"]) - 1) < 1e-9


def test_daily_history_values_shares_at_cached_closes(db_file, provider):
    cli(db_file, "init")
    from core.storage.database import Database

    import_csv(Database(f"sqlite:///{db_file}"), CRWV_CSV, "CRWV")
    rc, out = cli(db_file, "history", "--from", "2025-03-31", "--to", "2025-04-04", "--json")
    assert rc == 0
    points = {p["date"]: p for p in json.loads(out)["points"]}
    assert list(points) == ["2025-03-31", "2025-04-01", "2025-04-02", "2025-04-03",
                            "2025-04-04"]  # fmt: skip
    assert points["2025-03-31"]["as_filed"]
    assert points["2025-03-31"]["total_value"] == 1_147_142_107
    april1 = points["2025-04-01"]
    crwv = next(p for p in april1["positions"] if p["ticker"] == "CRWV")
    close = next(float(line.split(",")[4]) for line in CRWV_CSV.read_text().splitlines()
                 if line.startswith("2025-04-01"))  # fmt: skip
    assert crwv["priced"] and crwv["value"] == pytest.approx(24_182_460 * close, abs=0.01)
    assert crwv["price"] == pytest.approx(close)
    arm = next(p for p in april1["positions"] if p["ticker"] == "ARM")
    assert not arm["priced"] and arm["value"] == 117_602_381  # no ARM prices: as filed
    assert april1["total_value"] == pytest.approx(1_147_142_107 - 896_685_617 + crwv["value"])


def test_changes_between_two_reports(db_file, provider):
    rc, out = cli(db_file, "changes", "--period", "2025-06-30", "--json")
    data = json.loads(out)
    assert rc == 0 and (data["period"], data["previous_period"]) == ("2025-06-30", "2025-03-31")
    by = {c["ticker"]: c for c in data["changes"]}
    crwv = by["CRWV"]
    assert crwv["status"] == "ADDED"
    assert (crwv["shares_before"], crwv["shares_after"], crwv["shares_change"]) == (
        24_182_460, 24_277_573, 95_113)
    assert crwv["price_effect"] + crwv["quantity_effect"] == pytest.approx(
        3_958_701_053 - 896_685_617, abs=0.02)
    assert {c["status"] for t, c in by.items() if t != "CRWV"} == {"UNCHANGED"}
    for c in data["changes"]:
        assert set(c) >= {"cusip", "ticker", "issuer", "status", "shares_before",
                          "shares_after", "shares_change", "value_before", "value_after",
                          "price_effect", "quantity_effect"}  # fmt: skip


def test_first_report_is_all_new_and_sell_outs_are_named(db_file, provider):
    data = json.loads(cli(db_file, "changes", "--period", "2023-12-31", "--json")[1])
    assert data["previous_period"] is None
    assert {c["status"] for c in data["changes"]} == {"NEW"}
    data = json.loads(cli(db_file, "changes", "--period", "2025-12-31", "--json")[1])
    assert {c["ticker"] for c in data["changes"] if c["status"] == "SOLD OUT"} == {
        "APLD", "ARM", "RXRX", "WRD"}
    assert {c["ticker"] for c in data["changes"] if c["status"] == "NEW"} == {
        "INTC", "SNPS", "NOK"}


def test_summary_reported_versus_now(db_file, provider):
    rc, out = cli(db_file, "summary", "--json")
    data = json.loads(out)
    assert rc == 0 and data["period"] == "2026-06-30" and data["filed"] == "2026-08-14"
    assert data["reported_total"] == 63_439_974_569
    crwv = next(p for p in data["positions"] if p["ticker"] == "CRWV")
    assert crwv["priced"] and crwv["price_source"] == "live" and crwv["price"] == 100.0
    assert crwv["value_now"] == 47_213_353 * 100.0
    intc = next(p for p in data["positions"] if p["ticker"] == "INTC")
    assert not intc["priced"] and intc["value_now"] == intc["reported_value"]
    expected = 63_439_974_569 - 4_699_617_158 + 4_721_335_300
    assert data["total_now"] == pytest.approx(expected)
    assert abs(sum(p["weight_now"] for p in data["positions"]) - 1) < 1e-9
    assert [q["ticker"] for q in data["quotes"]] == ["NVDA", "CRWV"]
    assert data["concentration_now"]["effective_n"] >= 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["history", "--from", "2026-01-01", "--to", "2025-01-01"], "is after"),
        (["changes", "--period", "2020-03-31"], "no report for 2020-03-31"),
        (["history", "--freq", "weekly"], "invalid choice"),
        (["summary", "--portfolio", "Nobody"], "no portfolio"),
    ],
)
def test_bad_input(db_file, provider, capsys, argv, message):
    rc, _ = cli(db_file, *argv)
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error: ") and message in err, err


def test_a_row_at_a_newer_price_follows_the_one_valuation_rule():
    """HoldingRow.at (the window's ticks) values as holdings_view does: shares x split
    factor x a market price; an option or a filing's implied price has no value now, and
    a sold-out row stays at zero."""
    from core.domain.positions import Position
    from core.services.analytics import HoldingRow
    from core.services.prices import PriceNow

    when = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)
    tick = PriceNow("CRWV", 120.0, 110.0, "USD", when, 0.0, "live")
    share = Position("21873S108", "CRWV", "COREWEAVE", "CL A", "SH", None, 1000, 9, 1.0)
    row = HoldingRow(share, "NEW", 1000, None, None, None, 2.0).at(tick)
    assert row.value_now == 1000 * 2.0 * 120.0 and row.price is tick
    call = Position("21873S108", "CRWV", "COREWEAVE", "CALL", "SH", "CALL", 1000, 9, None)
    assert HoldingRow(call, "NEW", 1000, None, None).at(tick).value_now is None
    filed = PriceNow("CRWV", 95.0, source="filing")
    assert HoldingRow(share, "NEW", 1000, None, None).at(filed).value_now is None
    gone = HoldingRow(share, "SOLD OUT", -1000, None, 0.0)
    assert gone.at(tick) is gone


def test_the_summary_at_a_newer_price_is_the_summary_of_that_price(db_file, provider):
    """Summary.at (the dashboard's ticks) gives the figures `summary` gives once the price
    is cached: the same total, weights and concentration; an older tick changes nothing."""
    from core.services.prices import PriceNow

    ctx = core.context.AppContext.open(str(db_file), provider=provider)
    try:
        nvidia = next(p for p in ctx.queries.portfolios() if p.kind == "filer")
        before = ctx.analytics.summary(nvidia, live=False)
        crwv = next(p for p in before.positions if p.position.ticker == "CRWV")
        when = dt.datetime(2030, 1, 2, 15, 0, tzinfo=dt.UTC)
        tick = PriceNow("CRWV", 250.0, 240.0, "USD", when, 0.0, "live")
        after = before.at({"CRWV": tick})
        assert after.total_now == pytest.approx(
            before.total_now - crwv.value_now + crwv.shares_now * 250.0)
        assert sum(p.weight_now for p in after.positions) == pytest.approx(1.0)
        assert after.top1_now == pytest.approx(max(p.weight_now for p in after.positions))
        assert [q.price for q in after.quotes if q.ticker == "CRWV"] == [250.0]
        old = PriceNow("CRWV", 1.0, 1.0, "USD", when.replace(year=2000), 0.0, "live")
        assert after.at({"CRWV": old}) is after
        assert before.at({}) is before
    finally:
        ctx.close()


def test_which_price_is_newer():
    """One rule for every page a tick reprices: a market price with a time, printed after
    the one shown; any quote beats a filing's implied price; no time, no price: never."""
    from core.services.prices import PriceNow

    t = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)
    tick = PriceNow("CRWV", 120.0, quote_time=t, source="live")
    assert tick.newer_than(None) and tick.newer_than(t - dt.timedelta(seconds=1))
    assert not tick.newer_than(t) and not tick.newer_than(replace_time(tick, t))
    assert tick.newer_than(PriceNow("CRWV", 95.0, quote_time=t, source="filing"))
    assert tick.newer_than(PriceNow("CRWV", None, reason="no price"))
    assert not PriceNow("CRWV", 120.0, source="live").newer_than(None)  # no time
    assert not PriceNow("CRWV", None, quote_time=t, source="live").newer_than(None)
    assert not PriceNow("CRWV", 1.0, quote_time=t, source="filing").newer_than(None)


def replace_time(p, when):
    from dataclasses import replace

    return replace(p, quote_time=when)
