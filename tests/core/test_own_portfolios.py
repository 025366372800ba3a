"""Your own portfolios: ledgers, checks on every field, CSV all-or-nothing, P&L, compare,
and the analytics commands treating them like filers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import core.context
from core.domain.own import HoldingInput, TxInput
from core.domain.prices import Quote
from core.prices.provider import MemoryProvider
from core.services import ledger_csv
from core.services.own import EditConflict, HoldingError
from core.services.price_import import import_csv
from tests.conftest import DATA, cli


def _run(gen):
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value

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


def held(own, day=None, name="Mine"):
    return [(h.ticker, h.shares) for h in own.holdings_at(name, day)]


def test_holdings_are_derived_from_the_ledger_at_any_date(own):
    add(own, "CRWV", "100", "2025-07-01")
    add(own, "NVDA", "12.5", "2025-07-01", "150")
    add(own, "CRWV", "50", "2025-09-30")  # a second buy
    assert held(own) == [("CRWV", Decimal(150)), ("NVDA", Decimal("12.5"))]
    assert held(own, dt.date(2025, 8, 1)) == [("CRWV", Decimal(100)), ("NVDA", Decimal("12.5"))]
    assert held(own, dt.date(2025, 6, 30)) == []
    # A backdated buy counts in every later day, and nothing is ever SOLD OUT unless sold.
    add(own, "INTC", "10", "2025-03-02")
    assert ("INTC", Decimal(10)) in held(own, dt.date(2025, 9, 30))
    rc = own.queries.holdings(own.queries.portfolio("Mine"), dt.date(2025, 11, 5))
    assert sorted(p.ticker for p in rc.positions) == ["CRWV", "INTC", "NVDA"]


def test_set_records_the_difference_and_a_sale_of_more_than_held_is_refused(own):
    add(own, "CRWV", "100", "2025-07-01")
    tx, change = own.add("Mine", HoldingInput("CRWV", "60", "2025-08-01"), set_to=True)
    assert (tx.type.value, tx.shares) == ("sell", Decimal(40)) and len(change) == 1
    assert own.add("Mine", HoldingInput("CRWV", "60", "2025-08-01"), set_to=True) == (None, [])
    with pytest.raises(HoldingError, match="sell of 61 CRWV on 2025-08-02: only 60 held"):
        own.add_tx("Mine", TxInput("sell", "CRWV", "2025-08-02", shares="61", price="1"))
    # Removing the buy a later sale needs is refused too; nothing changes.
    first = own.transactions("Mine")[0]
    with pytest.raises(HoldingError, match="only 0 held"):
        own.remove([first.id])
    assert len(own.transactions("Mine")) == 2


def test_undo_and_redo_put_back_exactly_the_rows_changed(own):
    _, change = own.add_tx("Mine", TxInput("buy", "CRWV", "2025-07-01", shares="5",
                                           price="40"))  # fmt: skip
    own.swap("Mine", change, back=True)
    assert own.transactions("Mine") == []
    own.swap("Mine", change, back=False)
    [again] = own.transactions("Mine")
    assert again.id == change[0][1].id and again.shares == 5
    edit = own.edit_tx(again.id, TxInput("buy", "CRWV", "2025-07-01", shares="7", price="40"))
    assert own.transactions("Mine")[0].shares == 7
    own.swap("Mine", edit, back=True)
    assert own.transactions("Mine")[0] == again
    # Another writer changed the row since: the undo is refused and changes nothing.
    own.edit_tx(again.id, TxInput("buy", "CRWV", "2025-07-01", shares="9", price="40"))
    with pytest.raises(EditConflict, match="someone else changed buy of CRWV"):
        own.swap("Mine", edit, back=True)
    assert own.transactions("Mine")[0].shares == 9


def test_pnl_adds_realised_gain_and_dividends(own, ctx):
    own.add_tx("Mine", TxInput("buy", "CRWV", "2025-04-01", shares="100", price="40", fees="10"))
    own.add_tx("Mine", TxInput("sell", "CRWV", "2025-05-01", shares="40", price="50", fees="4"))
    own.add_tx("Mine", TxInput("dividend", "CRWV", "2025-05-02", amount="12.5"))
    r = own.pnl("Mine")
    # Cost 4,010 for 100; 40 sold for 1,996 against a cost of 1,604.
    assert r.realised_gain == Decimal("392") and r.dividends == Decimal("12.5")
    [line] = r.lines
    assert line.shares == 60 and line.cost == pytest.approx(2406)
    assert own.pnl("Mine", dt.date(2025, 4, 15)).realised_gain == 0


def test_tickers_resolve_by_company_cusip_or_provider(own, ctx, provider):
    h = add(own, "21873S108")[0]  # CoreWeave's CUSIP maps to its ticker
    assert (h.ticker, h.cusip, h.verified) == ("CRWV", "21873S108", True)
    assert add(own, "aapl")[0].verified  # unknown locally, known to the provider
    unverified = add(own, "MSFT")[0]  # the provider could not be asked: accepted, marked
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
    assert own.transactions("Mine") == []


def test_offline_accepts_unknown_tickers_unverified(db_url, provider):
    rc, _ = cli(db_url, "portfolio", "create", "Mine")
    rc, out = cli(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "ZZZQ",
                  "--shares", "3", "--date", "2025-07-01", "--offline")  # fmt: skip
    assert rc == 0 and "unverified" in out
    assert provider.calls == []


def test_holdings_csv_imports_buys_all_or_nothing(own, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("Ticker,Shares,Date,Cost,Note\nCRWV,100,2025-07-01,40,first\n"
                 "NVDA,0,2025-07-01,,\nCRWV,5,2025-07-01,-1,\n")  # fmt: skip
    preview = _run(ledger_csv.preview_transactions(own, f))
    assert [ln.line for ln in preview.bad] == [3, 4]
    assert "shares" in preview.lines[1].errors and "price" in preview.lines[2].errors
    with pytest.raises(Exception, match="2 bad line"):
        ledger_csv.import_transactions(own, f, "Mine")
    assert own.transactions("Mine") == []
    f.write_text("ticker,shares,date,cost\nCRWV,100,2025-07-01,40\nNVDA,2,2025-07-01,\n")
    change, _ = ledger_csv.import_transactions(own, f, "Mine")
    assert len(change) == 2 and held(own) == [("CRWV", 100), ("NVDA", 2)]


def test_transactions_csv_of_portfolio_performance_and_wealthfolio(own, provider, tmp_path):
    pp = tmp_path / "pp.csv"
    pp.write_text(
        "Date,Type,Value,Transaction Currency,Fees,Taxes,Shares,ISIN,Ticker Symbol,"
        "Security Name,Note\n"
        "2025-01-02T00:00,Buy,\"-1,005.00\",USD,5.00,0,10,US0000000000,CRWV,CoreWeave,\n"
        "2025-01-03T00:00,Deposit,\"2,000.00\",USD,,,,,,,cash in\n"
        "2025-02-03T00:00,Sell,\"1,196.00\",USD,4.00,0,10,US0000000000,CRWV,CoreWeave,\n")
    change, preview = ledger_csv.import_transactions(own, pp, "Mine")
    assert preview.skipped == {"deposit": 1} and len(change) == 2
    buy, sell = own.transactions("Mine")
    # The price the total implies: (1,005 - 5) / 10 and (1,196 + 4) / 10.
    assert (buy.price, buy.fees, sell.price, sell.fees) == (100, 5, 120, 4)
    assert own.pnl("Mine").realised_gain == Decimal("1196") - Decimal("1005")
    wf = tmp_path / "wf.csv"
    wf.write_text("date,symbol,quantity,activityType,unitPrice,currency,fee,amount\n"
                  "2025-03-01T00:00:00.000Z,AAPL,3,BUY,200,USD,1,\n"
                  "2025-03-05T00:00:00.000Z,AAPL,,DIVIDEND,,USD,,0.75\n"
                  "2025-03-06T00:00:00.000Z,AAPL,1,SELL,-5,USD,,\n")
    with pytest.raises(Exception, match=r"1 bad line.*line 4: price") as info:
        ledger_csv.import_transactions(own, wf, "Mine")
    assert str(info.value).count("line") == 2
    assert len(own.transactions("Mine")) == 2  # all or nothing
    wf.write_text(wf.read_text().replace(",-5,", ",5,"))
    change, _ = ledger_csv.import_transactions(own, wf, "Mine")
    assert [t.type.value for _, t in change] == ["buy", "dividend", "sell"]


def test_a_broker_statement_reconciles_into_explicit_transactions(own, tmp_path):
    add(own, "CRWV", "100", "2025-07-01")
    add(own, "NVDA", "10", "2025-07-01")
    f = tmp_path / "broker.csv"
    f.write_text("Symbol,Quantity\nCRWV,120\nAAPL,3\n")
    diffs = ledger_csv.reconcile(own, f, "Mine", dt.date(2025, 9, 30))
    assert [(d.ticker, d.tx.type.value, d.tx.shares) for d in diffs] == [
        ("AAPL", "buy", 3), ("CRWV", "buy", 20), ("NVDA", "sell", 10)]
    assert len(own.transactions("Mine")) == 2  # nothing stored before it is confirmed
    own.add_transactions("Mine", [d.tx for d in diffs])
    assert held(own, dt.date(2025, 9, 30)) == [("AAPL", 3), ("CRWV", 120)]
    assert held(own, dt.date(2025, 8, 1)) == [("CRWV", 100), ("NVDA", 10)]
    assert ledger_csv.reconcile(own, f, "Mine", dt.date(2025, 9, 30)) == []


def test_pnl_against_cost(own, ctx):
    import_csv(ctx.db, DATA / "prices" / "CRWV_head.csv", "CRWV")
    add(own, "CRWV", "100", "2025-04-01", "40")
    [row] = own.pnl("Mine").lines
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
    _p, txs = own.delete("Yours")
    assert len(txs) == 1 and "Yours" not in [x.name for x in own.queries.portfolios()]
    own.restore("Yours", txs)
    assert [t for t, _ in held(own, name="Yours")] == ["CRWV"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["holding", "add", "--portfolio", "NVIDIA Corp", "--ticker", "CRWV", "--shares", "1",
          "--date", "2025-07-01"], "not one of yours"),
        (["holding", "add", "--portfolio", "Mine", "--ticker", "CRWV", "--shares", "-1",
          "--date", "2025-07-01"], "shares: must be more than zero"),
        (["holding", "remove", "999"], "no transaction with id 999"),
        (["tx", "add", "--portfolio", "Mine", "--type", "split", "--ticker", "CRWV",
          "--ratio", "0", "--date", "2025-07-01"], "ratio: a split's ratio"),
        (["tx", "add", "--portfolio", "Mine", "--type", "buy", "--ticker", "CRWV",
          "--shares", "1", "--price", "-3", "--date", "2025-07-01"], "price: is negative"),
        (["tx", "add", "--portfolio", "Mine", "--type", "sell", "--ticker", "CRWV",
          "--shares", "1", "--price", "3", "--date", "2025-07-01"], "only 0 held"),
        (["tx", "add", "--portfolio", "Mine", "--type", "buy", "--ticker", "CRWV",
          "--shares", "1", "--ratio", "2", "--price", "1", "--date", "2025-07-01"],
         "a buy takes no ratio"),
        (["tx", "add", "--portfolio", "Mine", "--type", "dividend", "--ticker", "CRWV",
          "--date", "2025-07-01"], "needs its cash amount"),
        (["tx", "add", "--portfolio", "Mine", "--type", "buy", "--ticker", "CRWV",
          "--shares", "\uff15", "--price", "1", "--date", "2025-07-01"], "digits 0-9"),
        (["tx", "import", "missing.csv", "--portfolio", "Mine"], "cannot read"),
        (["performance", "--portfolio", "Mine", "--from", "2025-02-01", "--to", "2025-01-01"],
         "is not before"),
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


def test_performance_by_hand_through_the_database_and_the_command(own, ctx, db_url, tmp_path):
    """A small ledger priced from bars stored in the database (SQLite and PostgreSQL): the
    command's TWR, IRR, drawdown, flows, realised gain and benchmark are the hand's."""
    bars = tmp_path / "AAA.csv"
    bars.write_text("date,open,high,low,close,volume\n2025-01-06,1,1,1,101,1\n"
                    "2025-01-07,1,1,1,110,1\n2025-01-08,1,1,1,105,1\n"
                    "2025-01-09,1,1,1,108,1\n2025-01-10,1,1,1,121,1\n")  # fmt: skip
    import_csv(ctx.db, bars, "AAPL")
    bench = tmp_path / "B.csv"
    bench.write_text("date,open,high,low,close,volume\n2025-01-03,1,1,1,50,1\n"
                     "2025-01-10,1,1,1,55,1\n")  # fmt: skip
    import_csv(ctx.db, bench, "MSFT")
    for raw in (TxInput("buy", "AAPL", "2025-01-06", shares="10", price="100", fees="1"),
                TxInput("dividend", "AAPL", "2025-01-08", amount="5"),
                TxInput("buy", "AAPL", "2025-01-09", shares="10", price="104"),
                TxInput("sell", "AAPL", "2025-01-10", shares="20", price="120", fees="2")):
        own.add_tx("Mine", raw)
    rc, out = cli(db_url, "performance", "--portfolio", "Mine", "--benchmark", "MSFT",
                  "--json")  # fmt: skip
    assert rc == 0, out
    r = json.loads(out)
    daily = [1010 / 1001, 1100 / 1010, 1055 / 1100, 1120 / 1050, 2398 / 2160]
    growth = 1.0
    for g in daily:
        growth *= g
    assert r["twr"] == pytest.approx(growth - 1)
    assert r["max_drawdown"] == pytest.approx(1 - 1055 / 1100)
    assert (r["from"], r["to"], r["value_start"], r["value_end"]) == (
        "2025-01-06", "2025-01-10", 0.0, 0.0)
    assert r["net_flows"] == pytest.approx(1001 - 5 + 1040 - 2398)
    # Realised: 2,398 for 20 shares that cost 1,001 + 1,040.
    assert r["realised_gain"] == pytest.approx(2398 - 2041) and r["dividends"] == 5.0
    assert r["benchmark"] == {"ticker": "MSFT", "twr": pytest.approx(55 / 50 - 1)}
    assert r["missing_prices"] == [] and r["irr"] > 0
    # The holdings of any date, not only the dates of transactions.
    rc, out = cli(db_url, "holdings", "--portfolio", "Mine", "--period", "2025-01-08", "--json")
    assert rc == 0 and [(p["ticker"], p["shares"]) for p in json.loads(out)["positions"]] \
        == [("AAPL", 10)]  # fmt: skip
    rc, out = cli(db_url, "pnl", "--portfolio", "Mine", "--date", "2025-01-09", "--json")
    p = json.loads(out)
    assert p["positions"][0]["price"] == 108 and p["value"] == 20 * 108


def test_a_large_import_is_stored_in_bulk_exactly_and_undone_whole(own, tmp_path):
    """Past the bulk threshold the rows go in as one statement: each reads back exactly as
    the change says (values, ids, times), and undo and redo take and put back all of them."""
    f = tmp_path / "many.csv"
    f.write_text("date,type,ticker,shares,price,fees,note\n" + "".join(
        f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},buy,AAPL,{i + 1}.125,{100 + i}.5,0.99,n{i}\n"
        for i in range(120)))  # fmt: skip
    change, _ = ledger_csv.import_transactions(own, f, "Mine")
    stored = {t.id: t for t in own.transactions("Mine")}
    assert len(change) == 120 and all(stored[t.id] == t for _, t in change)
    assert sum(t.shares for t in stored.values()) == sum(Decimal(f"{i + 1}.125")
                                                         for i in range(120))  # fmt: skip
    own.swap("Mine", change, back=True)
    assert own.transactions("Mine") == []
    own.swap("Mine", change, back=False)
    assert {t.id: t for t in own.transactions("Mine")} == stored
