"""The price commands: refresh, show, import, quote, settings (provider faked in-process)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

import core.context
from core.domain.prices import DailyBar, Quote
from core.prices.provider import MemoryProvider
from tests.conftest import DATA, cli

WHEN = dt.datetime(2026, 9, 25, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def provider(monkeypatch):
    p = MemoryProvider(
        bars={"NVDA": [DailyBar("NVDA", dt.date(2026, 9, 24), 1, 1, 1, 224.57, None, 5, "memory"),
                       DailyBar("NVDA", dt.date(2026, 9, 25), 1, 1, 1, 225.07, None, 5, "memory")]},
        quotes={"NVDA": Quote("NVDA", 225.07, 224.57, "USD", WHEN, "CLOSED", "memory")},
        failures={"CRWV": "rate limited by Yahoo (HTTP 429) after 4 tries"},
    )  # fmt: skip
    monkeypatch.setattr(core.context, "network_provider", lambda settings: p)
    return p



def test_refresh_reports_each_ticker_and_exit_3_on_failure(db_file, provider, capsys):
    rc, out = cli(db_file, "prices", "refresh", "NVDA", "CRWV")
    err = capsys.readouterr().err
    assert rc == 3
    nvda = next(line for line in out.splitlines() if line.startswith("NVDA"))
    assert "2026-09-25" in nvda and " 2 " in nvda
    assert "CRWV" in out and "FAILED: rate limited" in out
    assert err.startswith("error: 1 ticker(s) failed: CRWV: rate limited")
    rc, out = cli(db_file, "prices", "refresh", "NVDA")
    assert rc == 0 and "up to date" in out


def test_offline_refresh_touches_no_network(db_file, provider):
    rc, out = cli(db_file, "prices", "refresh", "--offline")
    assert rc == 0 and "offline" in out
    assert provider.calls == []


def test_show_json_and_csv(db_file, provider):
    cli(db_file, "prices", "refresh", "NVDA")
    rc, out = cli(db_file, "prices", "show", "nvda", "--json")
    data = json.loads(out)
    assert rc == 0 and data["ticker"] == "NVDA"
    assert [b["close"] for b in data["bars"]] == [224.57, 225.07]
    assert data["bars"][0]["date"] == "2026-09-24" and data["bars"][0]["source"] == "memory"
    rc, out = cli(db_file, "prices", "show", "NVDA", "--csv", "--from", "2026-09-25")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["close"] for r in rows] == ["225.07"]


def test_import_then_show(db_file, provider):
    rc, out = cli(db_file, "prices", "import", str(DATA / "prices" / "CRWV_head.csv"),
                  "--ticker", "CRWV")  # fmt: skip
    assert rc == 0 and "39 daily bars loaded" in out
    rc, out = cli(db_file, "prices", "show", "CRWV", "--to", "2025-03-28")
    assert "2025-03-28" in out and "40.00" in out


def test_quote_json_shape_and_sources(db_file, provider):
    rc, out = cli(db_file, "quote", "--json")
    assert rc == 0
    by = {q["ticker"]: q for q in json.loads(out)}
    assert list(by) == ["NVDA", "CRWV"]
    nvda = by["NVDA"]
    assert {"ticker", "price", "previous_close", "change_pct", "currency", "quote_time",
            "age_seconds", "source"} <= set(nvda)  # fmt: skip
    assert (nvda["price"], nvda["source"], nvda["quote_time"]) == (
        225.07, "live", "2026-09-25T20:00:00+00:00")
    assert round(nvda["change_pct"], 4) == 0.2226
    crwv = by["CRWV"]  # live failed; no cache: the price its latest filing implies
    assert crwv["source"] == "filing"
    assert crwv["price"] == pytest.approx(4_699_617_158 / 47_213_353)
    assert crwv["reason"].startswith("rate limited")


def test_quote_with_nothing_known(db_file, provider):
    rc, out = cli(db_file, "quote", "ZZZZ", "--json", "--offline")
    [q] = json.loads(out)
    assert rc == 0 and q["price"] is None and q["source"] is None
    assert q["reason"] == "offline mode: the network is off"
    assert provider.calls == []


def test_settings_round_trip_and_offline_setting(db_file, provider):
    rc, out = cli(db_file, "settings", "offline", "true")
    assert rc == 0 and "offline" in out and "true" in out
    rc, out = cli(db_file, "quote", "NVDA", "--json")
    assert json.loads(out)[0]["reason"] == "offline mode: the network is off"
    assert provider.calls == []
    rc, out = cli(db_file, "settings")
    assert "deadline" in out and "quote_interval" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["settings", "deadline", "0"], "deadline must be between 1 and 600"),
        (["settings", "colour", "red"], "no setting 'colour'"),
        (["settings", "offline", "maybe"], "offline must be true or false"),
        (["prices", "show", "NVDA"], "no cached prices for NVDA"),
        (["prices", "show", "NV DA"], "is not a ticker"),
        (["prices", "refresh", "--deadline", "soon"], "'soon' is not a number of seconds"),
        (["prices", "import", "nope.csv", "--ticker", "X"], "nope.csv"),
        (["prices"], "required: ACTION"),
    ],
)
def test_bad_input(db_file, provider, capsys, argv, message):
    rc, _ = cli(db_file, *argv)
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
