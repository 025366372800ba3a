"""Your own portfolios: statements, checks on every field, CSV all-or-nothing, P&L, compare,
and the analytics commands treating them like filers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import core.context
from core.domain.own import HoldingInput
from core.domain.prices import Quote
from core.prices.provider import MemoryProvider
from core.services.own import HoldingError
from core.services.price_import import import_csv
from tests.conftest import DATA, cli

WHEN = dt.datetime(2025, 7, 1, 20, tzinfo=dt.UTC)
pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL


@pytest.fixture
def provider(monkeypatch):
    p = MemoryProvider(quotes={"AAPL": Quote("AAPL", 200.0, 199.0, "USD", WHEN)},
                       failures={"MSFT": "no network: cannot resolve Yahoo's address"})
    monkeypatch.setattr(core.context, "network_provider", lambda settings: p)
    return p



@pytest.fixture
def ctx(db_url, provider):
    """The shipped filings, with the fake network in place."""
    from core.context import AppContext

    c = AppContext.open(db_url, provider=provider)
    yield c
    c.close()


@pytest.fixture
def own(ctx):
    ctx.own.create("Mine")
    return ctx.own


def add(own, ticker="CRWV", shares="100", date="2025-07-01", cost="40", note=None):
    return own.add("Mine", HoldingInput(ticker, shares, date, cost, note))


def test_statements_carry_forward_and_stay_apart(own):
    add(own, "CRWV", "100", "2025-07-01")
    add(own, "NVDA", "12.5", "2025-07-01", "150")
    add(own, "CRWV", "150", "2025-09-30")  # a new statement: starts from the one before
    rows = [(h.statement_date.isoformat(), h.ticker, h.shares) for _, h in own.holdings("Mine")]
    assert rows == [("2025-07-01", "CRWV", Decimal(100)), ("2025-07-01", "NVDA", Decimal("12.5")),
                    ("2025-09-30", "CRWV", Decimal(150)), ("2025-09-30", "NVDA", Decimal("12.5"))]
    # Editing the later statement never changes the earlier one.
    later = [h for _, h in own.holdings("Mine") if h.statement_date.month == 9]
    own.remove(next(h.id for h in later if h.ticker == "NVDA"))
    first = [(h.ticker, h.shares) for _, h in own.holdings("Mine") if h.statement_date.month == 7]
    assert first == [("CRWV", Decimal(100)), ("NVDA", Decimal("12.5"))]


def test_tickers_resolve_by_company_cusip_or_provider(own, ctx, provider):
    h = add(own, "21873S108")[1]  # CoreWeave's CUSIP maps to its ticker
    assert (h.ticker, h.cusip, h.verified) == ("CRWV", "21873S108", True)
    assert add(own, "aapl")[1].verified  # unknown locally, known to the provider
    unverified = add(own, "MSFT")[1]  # the provider could not be asked: accepted, marked
    assert not unverified.verified
    with pytest.raises(HoldingError) as info:
        add(own, "ZZZQ")
    assert "not known to memory" in info.value.fields["ticker"]


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"shares": "0"}, {"shares"}),
        ({"shares": "-5"}, {"shares"}),
        ({"shares": "ten"}, {"shares"}),
        ({"date": "2999-01-01"}, {"date"}),
        ({"date": "01/07/2025"}, {"date"}),
        ({"cost": "-1"}, {"cost"}),
        ({"ticker": "21873S107"}, {"ticker"}),  # CUSIP-shaped, bad check digit
        ({"ticker": ""}, {"ticker"}),
        ({"ticker": "NO WAY"}, {"ticker"}),
        ({"shares": "x", "date": "nope", "cost": "y"}, {"shares", "date", "cost"}),
    ],
)
def test_every_bad_field_is_named_and_nothing_saved(own, fields, bad):
    raw = {"ticker": "CRWV", "shares": "1", "date": "2025-07-01", "cost": None, **fields}
    with pytest.raises(HoldingError) as info:
        own.add("Mine", HoldingInput(**raw))
    assert set(info.value.fields) == bad
    assert own.holdings("Mine") == []


def test_offline_accepts_unknown_tickers_unverified(db_url, provider):
    rc, _ = cli(db_url, "portfolio", "create", "Mine")
    rc, out = cli(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "ZZZQ",
                  "--shares", "3", "--date", "2025-07-01", "--offline")  # fmt: skip
    assert rc == 0 and "unverified" in out
    assert provider.calls == []


def test_csv_preview_marks_bad_lines_and_imports_all_or_nothing(own, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("Ticker,Shares,Date,Cost,Note\nCRWV,100,2025-07-01,40,first\n"
                 "NVDA,0,2025-07-01,,\nCRWV,5,2025-07-01,,\n")  # fmt: skip
    lines = own.preview_csv(f)
    assert [ln.line for ln in lines if ln.errors] == [3, 4]
    assert "shares" in lines[1].errors and "also on line 2" in lines[2].errors["ticker"]
    with pytest.raises(Exception, match="2 bad line"):
        own.import_csv(f, "Mine")
    assert own.holdings("Mine") == []
    f.write_text("ticker,shares,date,cost\nCRWV,100,2025-07-01,40\nNVDA,2,2025-07-01,\n")
    assert own.import_csv(f, "Mine") == 2
    assert len(own.holdings("Mine")) == 2


def test_csv_of_many_dates_builds_statements_like_single_adds(own, provider, tmp_path):
    add(own, "INTC", "7", "2025-01-02", cost=None)  # stands before the file's first date
    f = tmp_path / "h.csv"
    f.write_text("ticker,shares,date,cost,note\nCRWV,100,2025-03-31,40,a\nAAPL,3,2025-03-31,,\n"
                 "MSFT,2,2025-03-31,,\nCRWV,150,2025-06-30,41.5,b\nzzzq,1,2025-06-30,,\n"
                 "INTC,9,2025-02-01,,\n")  # fmt: skip
    lines = own.preview_csv(f)
    assert [ln.line for ln in lines if ln.errors] == [6]  # ZZZQ: unknown to the provider
    # Tickers no company has were asked of the provider once, together.
    assert [c[1] for c in provider.calls if c[0] == "quotes"] == [("AAPL", "MSFT", "ZZZQ")]
    f.write_text(f.read_text().replace("zzzq,1,2025-06-30,,\n", ""))
    assert own.import_csv(f, "Mine") == 5
    rows = [(h.statement_date.isoformat(), h.ticker, h.shares, h.cost_per_share,
             h.note, h.verified) for _, h in own.holdings("Mine")]  # fmt: skip
    assert rows == [
        ("2025-01-02", "INTC", Decimal("7"), None, None, True),
        ("2025-02-01", "INTC", Decimal("9"), None, None, True),
        ("2025-03-31", "AAPL", Decimal("3"), None, None, True),
        ("2025-03-31", "CRWV", Decimal("100"), Decimal("40"), "a", True),
        ("2025-03-31", "INTC", Decimal("9"), None, None, True),  # carried from 2025-02-01
        ("2025-03-31", "MSFT", Decimal("2"), None, None, False),  # no network: unverified
        ("2025-06-30", "AAPL", Decimal("3"), None, None, True),
        ("2025-06-30", "CRWV", Decimal("150"), Decimal("41.5"), "b", True),
        ("2025-06-30", "INTC", Decimal("9"), None, None, True),
        ("2025-06-30", "MSFT", Decimal("2"), None, None, False),
    ]


def test_pnl_against_cost(own, ctx):
    import_csv(ctx.db, DATA / "prices" / "CRWV_head.csv", "CRWV")
    add(own, "CRWV", "100", "2025-04-01", "40")
    [row] = own.pnl("Mine")
    last_close = float((DATA / "prices" / "CRWV_head.csv").read_text().splitlines()[-1]
                       .split(",")[4])  # fmt: skip
    assert row.price == last_close and row.cost == 4000.0
    assert row.pnl == pytest.approx(100 * last_close - 4000)


def test_own_portfolio_in_holdings_history_and_compare(db_url, provider):
    cli(db_url, "init")
    assert cli(db_url, "portfolio", "create", "Mine")[0] == 0
    for t, n in (("CRWV", "100"), ("NVDA", "10")):
        assert cli(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", t, "--shares",
                   n, "--date", "2025-07-01", "--cost", "10", "--offline")[0] == 0  # fmt: skip
    rc, out = cli(db_url, "holdings", "--portfolio", "Mine", "--json")
    data = json.loads(out)
    assert rc == 0 and data["period"] == "2025-07-01" and len(data["positions"]) == 2
    rc, out = cli(db_url, "history", "--portfolio", "Mine", "--freq", "filing", "--json")
    assert rc == 0 and json.loads(out)["points"][0]["date"] == "2025-07-01"
    rc, out = cli(db_url, "compare", "--portfolio", "Mine", "--json")
    c = json.loads(out)
    assert c["other"] == "NVIDIA Corp" and c["common"] == ["CRWV"]
    crwv = next(p for p in c["positions"] if p["ticker"] == "CRWV")
    assert c["overlap"] == pytest.approx(min(crwv["weight"], crwv["other_weight"]))


def test_create_rename_delete_and_restore(own):
    own.rename("Mine", "Yours")
    with pytest.raises(HoldingError, match="exists"):
        own.create("yours")
    own.add("Yours", HoldingInput("CRWV", "1", "2025-07-01"))
    _p, held = own.delete("Yours")
    assert len(held) == 1 and "Yours" not in [x.name for x in own.queries.portfolios()]
    own.restore("Yours", held)
    assert [h.ticker for _, h in own.holdings("Yours")] == ["CRWV"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["holding", "add", "--portfolio", "NVIDIA Corp", "--ticker", "CRWV", "--shares", "1",
          "--date", "2025-07-01"], "not one of yours"),
        (["holding", "add", "--portfolio", "Mine", "--ticker", "CRWV", "--shares", "-1",
          "--date", "2025-07-01"], "shares: '-1' is not more than zero"),
        (["holding", "remove", "999"], "no holding with id 999"),
        (["portfolio", "create", "NVIDIA Corp"], "exists"),
        (["portfolio", "rename", "Mine"], "needs the new name"),
        (["holding", "import-csv", "missing.csv", "--portfolio", "Mine"], "cannot read"),
    ],
)
def test_bad_input_one_error_line(db_url, provider, capsys, argv, message):
    cli(db_url, "portfolio", "create", "Mine")
    capsys.readouterr()
    rc, _ = cli(db_url, *argv)
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and err.count("\n") == 1 and message in err, err
