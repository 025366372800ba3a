"""Value and concentration over time, by hand-computed examples and by their laws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import analytics as an
from core.domain.positions import Holdings, Position
from core.domain.prices import Split

D = dt.date


def pos(ticker, shares, value, cusip=None, put_call=None) -> Position:
    return Position(cusip or f"{ticker:0>8}0"[:9], ticker, ticker, "COM", "SH", put_call,
                    shares, value, None)  # fmt: skip


def report(period, filed, *positions) -> an.Report:
    total = sum(p.value for p in positions if p.put_call is None)
    return an.Report(period, filed, Holdings("Test", period, (f"acc-{period}",), total,
                                             tuple(positions)))  # fmt: skip


def prices(**series) -> dict[str, an.PriceSeries]:
    return {t: an.PriceSeries(np.array(list(s), dtype="datetime64[D]"),
                              np.array(list(s.values()), dtype=float))
            for t, s in series.items()}  # fmt: skip


def days(*ds) -> np.ndarray:
    return np.array(ds, dtype="datetime64[D]")


def row(s: an.Series, day: str) -> int:
    return int(np.where(s.dates == np.datetime64(day))[0][0])


def test_step_function_split_and_sell_out_by_hand():
    """AAA is held 100 shares from 2024-03-31; it splits 10-for-1 on 2024-06-10; the next
    report (2024-06-30) lists 1,000 AAA and no BBB, so BBB is sold out from that date."""
    r1 = report(D(2024, 3, 31), D(2024, 5, 15), pos("AAA", 100, 90_000), pos("BBB", 50, 10_000))
    r2 = report(D(2024, 6, 30), D(2024, 8, 14), pos("AAA", 1000, 125_000))
    px = prices(
        # Yahoo's closes are split-adjusted: 90 on 2024-04-01 was 900 as traded.
        AAA={"2024-04-01": 91.0, "2024-06-07": 120.0, "2024-06-10": 121.0, "2024-07-01": 126.0},
        BBB={"2024-04-01": 210.0, "2024-06-07": 190.0, "2024-06-10": 195.0, "2024-07-01": 200.0},
    )  # fmt: skip
    splits = {"AAA": [Split("AAA", D(2024, 6, 10), 10.0)]}
    s = an.value_series([r1, r2], px, splits,
                        days("2024-04-01", "2024-06-07", "2024-06-10", "2024-07-01"))  # fmt: skip
    a, b = s.tickers.index("AAA"), s.tickers.index("BBB")
    assert [str(d) for d in s.dates] == ["2024-03-31", "2024-04-01", "2024-06-07",
                                         "2024-06-10", "2024-06-30", "2024-07-01"]  # fmt: skip
    # The period end: values as filed.
    i = row(s, "2024-03-31")
    assert s.is_period_end[i] and s.values[i, a] == 90_000 and s.values[i, b] == 10_000
    # Before the split: 100 shares x 91 (adjusted) x 10 = 91,000 (100 x 910 as traded).
    i = row(s, "2024-04-01")
    assert s.values[i, a] == pytest.approx(91_000) and s.shares[i, a] == 100
    assert s.prices[i, a] == pytest.approx(910.0)
    assert s.values[i, b] == pytest.approx(50 * 210)
    # On the split day the 100 shares are 1,000: a split is never a purchase.
    i = row(s, "2024-06-10")
    assert s.shares[i, a] == 1000 and s.values[i, a] == pytest.approx(121_000)
    assert s.totals[i] == pytest.approx(121_000 + 50 * 195)
    # The next report: as filed; BBB is gone (sold out), AAA all the weight.
    i = row(s, "2024-06-30")
    assert s.values[i, a] == 125_000 and s.values[i, b] == 0
    assert s.top1[i] == 1.0 and s.hhi[i] == 1.0 and s.effective_n[i] == 1.0
    i = row(s, "2024-07-01")
    assert s.values[i, a] == pytest.approx(126_000) and s.shares[i, b] == 0


def test_concentration_by_hand():
    w = np.array([[0.5, 0.3, 0.2, 0.0, 0.0, 0.0]])
    top1, top5, hhi, eff = an.concentration(w)
    assert top1[0] == 0.5 and top5[0] == pytest.approx(1.0)
    assert hhi[0] == pytest.approx(0.25 + 0.09 + 0.04)
    assert eff[0] == pytest.approx(1 / 0.38)


def test_options_are_left_out_unless_asked():
    r = report(D(2025, 6, 30), D(2025, 8, 14), pos("AAA", 10, 3000),
               pos("AAA", 5, 1000, cusip="AAA000000", put_call="CALL"))  # fmt: skip
    s = an.value_series([r], {}, {}, days("2025-06-30"))
    assert s.totals[0] == 3000 and s.top1[0] == 1.0
    with_options = an.value_series([r], {}, {}, days("2025-06-30"), include_options=True)
    assert with_options.totals[0] == 4000 and with_options.top1[0] == 0.75


def test_no_price_keeps_the_filed_value_and_is_flagged():
    r = report(D(2025, 6, 30), D(2025, 8, 14), pos("AAA", 10, 3000), pos("ZZZ", 7, 700))
    px = prices(AAA={"2025-07-01": 310.0})
    s = an.value_series([r], px, {}, days("2025-07-01"))
    i = row(s, "2025-07-01")
    z = s.tickers.index("ZZZ")
    assert not s.priced[i, z] and s.values[i, z] == 700  # counted, not dropped
    assert s.totals[i] == pytest.approx(3100 + 700)


def test_a_close_older_than_the_report_is_not_used():
    """A delisted ticker's last close predates the report: the filing says more."""
    r = report(D(2025, 6, 30), D(2025, 8, 14), pos("OLD", 10, 50))
    s = an.value_series([r], prices(OLD={"2024-01-02": 99.0}), {}, days("2025-07-01"))
    assert not s.priced[-1, 0] and s.values[-1, 0] == 50


def test_changes_by_hand_with_a_split():
    before = report(D(2024, 3, 31), D(2024, 5, 15), pos("AAA", 100, 90_000),
                    pos("BBB", 50, 10_000), pos("CCC", 10, 1_000)).holdings  # fmt: skip
    after = report(D(2024, 6, 30), D(2024, 8, 14), pos("AAA", 1200, 150_000),
                   pos("CCC", 10, 1_500), pos("DDD", 5, 500)).holdings  # fmt: skip
    splits = {"AAA": [Split("AAA", D(2024, 6, 10), 10.0)]}
    got = {c.ticker: c for c in an.changes(before, after, splits)}
    aaa = got["AAA"]
    assert (aaa.status, aaa.shares_before, aaa.shares_after) == ("ADDED", 1000, 1200)
    # old price 90 per post-split share, new 125: price effect 1000 x 35, quantity 200 x 125
    assert aaa.price_effect == pytest.approx(35_000)
    assert aaa.quantity_effect == pytest.approx(25_000)
    assert got["BBB"].status == "SOLD OUT" and got["BBB"].quantity_effect == -10_000
    assert got["CCC"].status == "UNCHANGED" and got["CCC"].price_effect == pytest.approx(500)
    assert got["DDD"].status == "NEW" and got["DDD"].quantity_effect == 500
    assert next(c.ticker for c in an.changes(before, after, splits)) == "AAA"


# -- laws ---------------------------------------------------------------------------------------
weights_rows = st.lists(st.floats(min_value=0, max_value=1e12, allow_nan=False), min_size=1,
                        max_size=40).filter(lambda xs: sum(xs) > 0)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(weights_rows)
def test_concentration_laws(values):
    v = np.array([values])
    w = v / v.sum()
    top1, top5, hhi, eff = an.concentration(w)
    n = int((w > 0).sum())
    assert w.sum() == pytest.approx(1.0)
    assert 1 / n - 1e-12 <= hhi[0] <= 1 + 1e-12
    assert 1 - 1e-9 <= eff[0] <= n + 1e-9
    assert top1[0] <= top5[0] + 1e-12 <= 1 + 1e-9


holding = st.tuples(st.integers(1, 10**9), st.integers(0, 10**11))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFGH"), holding, max_size=8),
       st.dictionaries(st.sampled_from("ABCDEFGH"), holding, min_size=1, max_size=8),
       st.sampled_from([1.0, 2.0, 10.0, 0.25]))  # fmt: skip
def test_price_and_quantity_effects_add_up(before_map, after_map, ratio):
    b = report(D(2024, 3, 31), D(2024, 5, 15), *(pos(t * 3, s, v) for t, (s, v) in
                                                 before_map.items())).holdings  # fmt: skip
    a = report(D(2024, 6, 30), D(2024, 8, 14), *(pos(t * 3, s, v) for t, (s, v) in
                                                 after_map.items())).holdings  # fmt: skip
    splits = {t * 3: [Split(t * 3, D(2024, 5, 1), ratio)] for t in "ABCDEFGH"}
    for c in an.changes(b, a, splits):
        # Exact but for float rounding, which scales with the size of the terms.
        scale = max(abs(c.price_effect), abs(c.quantity_effect), 1.0)
        assert c.price_effect + c.quantity_effect == pytest.approx(c.value_change,
                                                                   abs=1e-12 * scale + 1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**9)), min_size=1,
                max_size=12), st.integers(1, 60))  # fmt: skip
def test_daily_weights_sum_to_one(holdings, n_days):
    r = report(D(2025, 1, 2), D(2025, 2, 14), *(pos(f"T{i}", s, v) for i, (s, v) in
                                                 enumerate(holdings)))  # fmt: skip
    rng = np.random.default_rng(len(holdings) * 100 + n_days)
    all_days = np.arange(np.datetime64("2025-01-03"), np.datetime64("2025-01-03") + n_days)
    px = {f"T{i}": an.PriceSeries(all_days, rng.uniform(1, 500, n_days))
          for i in range(len(holdings))}  # fmt: skip
    s = an.value_series([r], px, {}, all_days)
    assert np.allclose(s.weights.sum(axis=1), 1.0)
    assert (s.hhi >= 1 / len(holdings) - 1e-12).all() and (s.hhi <= 1 + 1e-12).all()
    assert (s.effective_n >= 1 - 1e-9).all() and (s.effective_n <= len(holdings) + 1e-9).all()
