"""The ledger and the returns, each formula against figures worked out by hand on small
ledgers: a backdated buy, a full sale, a dividend, a split, a fee, a day that starts from
nothing, FIFO against average cost, XIRR, drawdown and a filer's clone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import numpy as np
import pytest

from core.domain.ledger import LedgerError, Transaction, TxType, check_ledger, replay
from core.domain.returns import (
    Closes,
    Rebalance,
    clone_book,
    daily_book,
    daily_returns,
    max_drawdown,
    performance,
    xirr,
)


def tx(day, kind, ticker="AAA", shares=None, price=None, fees="0", amount=None, ratio=None,
       id=None):  # fmt: skip
    return Transaction(id, dt.date.fromisoformat(day), TxType(kind), ticker, None,
                       D(shares) if shares else None, D(price) if price else None, D(fees),
                       D(amount) if amount else None, D(ratio) if ratio else None)  # fmt: skip


def closes(*pairs):
    return Closes(np.array([dt.date.fromisoformat(d) for d, _ in pairs], dtype="datetime64[D]"),
                  np.array([p for _, p in pairs], dtype=float))


# -- the ledger ---------------------------------------------------------------------------
def test_fifo_cost_fees_and_realised_gain():
    txs = [tx("2025-01-02", "buy", shares="10", price="100", fees="5"),   # cost 1,005
           tx("2025-02-03", "buy", shares="10", price="120"),              # cost 1,200
           tx("2025-03-03", "sell", shares="15", price="130", fees="3")]   # proceeds 1,947
    book = replay(txs)
    # FIFO: the 10 of January (1,005) and 5 of February (600): cost 1,605, gain 342.
    assert book.realised[0].cost == D("1605")
    assert book.realised[0].proceeds == D("1947")
    assert book.realised_gain == D("342")
    h = book.holdings["AAA"]
    assert (h.shares, h.cost, h.opened) == (D(5), D(600), dt.date(2025, 2, 3))


def test_average_cost_takes_the_mean():
    txs = [tx("2025-01-02", "buy", shares="10", price="100", fees="5"),
           tx("2025-02-03", "buy", shares="10", price="120"),
           tx("2025-03-03", "sell", shares="15", price="130", fees="3")]
    book = replay(txs, basis="average")
    # Average cost 2,205 / 20 = 110.25 a share; 15 of them cost 1,653.75.
    assert book.realised_gain == D("1947") - D("1653.75")
    assert book.holdings["AAA"].cost == D("551.25")


def test_a_backdated_buy_counts_from_its_date_and_nothing_is_sold_out():
    txs = [tx("2026-03-02", "buy", "NVDA", "50", "100"),
           tx("2026-05-07", "buy", "INTC", "10", "20"),
           tx("2025-12-01", "buy", "CRWV", "5", "80", id=99)]  # entered last, dated first
    assert set(replay(txs, dt.date(2026, 5, 7)).holdings) == {"NVDA", "INTC", "CRWV"}
    assert set(replay(txs, dt.date(2026, 1, 1)).holdings) == {"CRWV"}
    assert replay(txs, dt.date(2025, 11, 30)).holdings == {}


def test_a_split_multiplies_shares_and_divides_cost_per_share():
    txs = [tx("2024-01-02", "buy", shares="10", price="1000"),
           tx("2024-06-10", "split", ratio="10"),
           tx("2024-07-01", "sell", shares="50", price="120")]
    book = replay(txs)
    assert book.realised_gain == D("6000") - D("5000")
    h = book.holdings["AAA"]
    assert (h.shares, h.cost_per_share) == (D(50), D(100))


def test_dividends_fees_and_transfers():
    txs = [tx("2025-01-02", "transfer-in", shares="4"),  # no cost known
           tx("2025-01-03", "buy", shares="6", price="10"),
           tx("2025-02-01", "dividend", amount="2.5"),
           tx("2025-02-02", "fee", amount="1"),
           tx("2025-03-01", "transfer-out", shares="4")]
    book = replay(txs)
    assert book.dividends == D("2.5") and book.fees == D(1)
    assert book.realised == []  # a transfer is no sale
    # FIFO: the 4 transferred out were the transferred-in ones: the cost left is known.
    assert book.holdings["AAA"].shares == D(6) and book.holdings["AAA"].cost == D(60)


@pytest.mark.parametrize("entries, message", [
    ([("2025-01-02", "buy", "10", "1"), ("2025-01-03", "sell", "11", "1")],
     "sell of 11 AAA on 2025-01-03: only 10 held that day"),
    ([("2025-01-05", "buy", "10", "1"), ("2025-01-03", "sell", "1", "1")],
     "sell of 1 AAA on 2025-01-03: only 0 held that day"),
])  # fmt: skip
def test_a_sale_of_more_than_held_that_day_is_refused_naming_it(entries, message):
    with pytest.raises(LedgerError, match=message):
        check_ledger([tx(d, k, shares=s, price=p) for d, k, s, p in entries])


def test_a_buy_and_a_sale_on_one_day_are_fine_whatever_the_entry_order():
    check_ledger([tx("2025-01-02", "sell", shares="5", price="1", id=1),
                  tx("2025-01-02", "buy", shares="5", price="1", id=2)])


@pytest.mark.parametrize("entry, field", [
    (dict(kind="split", ratio="0"), "ratio"), (dict(kind="split", ratio="-2"), "ratio"),
    (dict(kind="buy", shares="1", price="-1"), "price"),
    (dict(kind="buy", shares="1", price="1", fees="-1"), "fees"),
    (dict(kind="dividend", amount="0"), "amount"), (dict(kind="sell", shares="0"), "shares"),
])  # fmt: skip
def test_impossible_entries_are_named(entry, field):
    with pytest.raises(LedgerError, match=field):
        check_ledger([tx("2025-01-02", **entry)])


# -- returns ------------------------------------------------------------------------------
def test_twr_by_hand_with_a_day_from_nothing_a_buy_a_dividend_and_a_full_sale():
    # Day 1: buy 10 at 100 + 1 fee, close 101: r1 = 1010 / 1001 - 1.
    # Day 2: close 110: r2 = 1100 / 1010 - 1.
    # Day 3: dividend 5 (a flow out), close 105: r3 = (1050 + 5) / 1100 - 1.
    # Day 4: buy 10 more at 104, close 108: V = 2160, F = 1040: r4 = (2160 - 1040) / 1050 - 1.
    # Day 5: sell all 20 at 120, 2 fees: V = 0, F = -2398: r5 = 2398 / 2160 - 1.
    txs = [tx("2025-01-06", "buy", shares="10", price="100", fees="1"),
           tx("2025-01-08", "dividend", amount="5"),
           tx("2025-01-09", "buy", shares="10", price="104"),
           tx("2025-01-10", "sell", shares="20", price="120", fees="2")]
    c = {"AAA": closes(("2025-01-03", 99), ("2025-01-06", 101), ("2025-01-07", 110),
                       ("2025-01-08", 105), ("2025-01-09", 108), ("2025-01-10", 121))}
    book = daily_book(txs, c, dt.date(2025, 1, 10))
    r = [1010 / 1001 - 1, 1100 / 1010 - 1, 1055 / 1100 - 1, 1120 / 1050 - 1, 2398 / 2160 - 1]
    assert np.allclose(book.returns, r)
    perf = performance(book)
    assert perf.twr == pytest.approx(np.prod([1 + x for x in r]) - 1)
    assert perf.value_start == 0 and perf.value_end == 0
    assert perf.net_flows == pytest.approx(1001 - 5 + 1040 - 2398)
    # Drawdown: the index peaks after day 2 and falls on day 3 by 1 - 1055/1100.
    assert perf.max_drawdown == pytest.approx(1 - 1055 / 1100)
    # IRR: the flows as an investor sees them, solved by hand's definition.
    days = np.array(["2025-01-06", "2025-01-08", "2025-01-09", "2025-01-10"],
                    dtype="datetime64[D]")  # fmt: skip
    rate = perf.irr
    years = (days - days[0]) / np.timedelta64(1, "D") / 365
    npv = sum(a / (1 + rate) ** y for a, y in zip([-1001, 5, -1040, 2398], years, strict=True))
    assert abs(npv) < 1e-6 * 2398


def test_a_split_is_no_loss_and_a_weekend_flow_counts_on_the_next_close():
    txs = [tx("2024-06-07", "buy", shares="1", price="1200"),
           tx("2024-06-09", "split", ratio="10")]  # a Sunday: counts on Monday
    c = {"AAA": closes(("2024-06-07", 1200), ("2024-06-10", 121))}  # as traded
    book = daily_book(txs, c, dt.date(2024, 6, 10))
    assert list(book.value) == [1200, 1210]
    assert book.returns[-1] == pytest.approx(1210 / 1200 - 1)


def test_a_ticker_without_a_close_that_day_keeps_its_previous_close():
    txs = [tx("2025-01-06", "buy", "AAA", "1", "10"), tx("2025-01-06", "buy", "BBB", "1", "20")]
    c = {"AAA": closes(("2025-01-06", 10), ("2025-01-07", 11)),
         "BBB": closes(("2025-01-06", 20))}
    book = daily_book(txs, c, dt.date(2025, 1, 7))
    assert list(book.value) == [30, 31]


def test_from_a_date_the_start_value_is_an_outflow_and_the_benchmark_runs_alongside():
    txs = [tx("2025-01-06", "buy", shares="10", price="100")]
    c = {"AAA": closes(("2025-01-06", 100), ("2025-01-07", 110), ("2025-01-08", 121))}
    bench = closes(("2025-01-06", 50), ("2025-01-07", 50), ("2025-01-08", 55))
    perf = performance(daily_book(txs, c, dt.date(2025, 1, 8)), dt.date(2025, 1, 7),
                       None, bench)  # fmt: skip
    assert perf.value_start == 1100 and perf.value_end == 1210
    assert perf.twr == pytest.approx(0.1)
    assert perf.benchmark_twr == pytest.approx(0.1)
    assert perf.irr == pytest.approx(1.1 ** 365 - 1, rel=1e-6)


def test_daily_returns_rules():
    v = np.array([0.0, 100.0, 0.0, 0.0])
    f = np.array([0.0, 90.0, -110.0, 0.0])
    assert list(daily_returns(v, f)) == pytest.approx([0.0, 100 / 90 - 1, 110 / 100 - 1, 0.0])
    # A fee on an empty book: no capital at work, no -100% day (the IRR still counts it).
    assert list(daily_returns(np.array([0.0, 50.0]), np.array([25.0, 45.0]))) == \
        pytest.approx([0.0, 50 / 45 - 1])


def test_xirr_and_drawdown_edges():
    d = np.array(["2024-01-01", "2025-01-01"], dtype="datetime64[D]")
    assert xirr(d, np.array([-100.0, 110.0])) == pytest.approx(1.1 ** (365 / 366) - 1)  # leap
    assert xirr(d, np.array([100.0, 110.0])) is None
    assert max_drawdown(np.array([1.0, 2.0, 1.0, 3.0])) == pytest.approx(0.5)


def test_a_filers_clone_holds_filed_weights_until_the_next_filing():
    # Filing 1 (day 1): 50% A, 50% B. Filing 2 (day 3): 100% B.
    c = {"A": closes(("2025-01-01", 10), ("2025-01-02", 20), ("2025-01-03", 20),
                     ("2025-01-04", 40)),
         "B": closes(("2025-01-01", 10), ("2025-01-02", 10), ("2025-01-03", 5),
                     ("2025-01-04", 10))}
    book = clone_book([Rebalance(dt.date(2025, 1, 1), {"A": 0.25, "B": 0.25}, {"C": 0.5}),
                       Rebalance(dt.date(2025, 1, 3), {"B": 0.9}, {})], c, dt.date(2025, 1, 4))
    # $1 in: 0.05 A + 0.05 B. Day 2: 1 + 0.5 = 1.5. Day 3: 1.0 + 0.25 = 1.25, all into B at
    # 5: 0.25 shares. Day 4: 2.5.
    assert list(book.value) == pytest.approx([1.0, 1.5, 1.25, 2.5])
    assert performance(book).twr == pytest.approx(1.5)
