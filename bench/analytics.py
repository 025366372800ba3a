"""Benchmark: the full daily value and concentration series for a large book.

100 positions x 10 years of daily closes x 40 quarterly reports: time
analytics.value_series (values, weights, top-1/top-5, HHI, effective N; median of 7) and how
it grows with positions and with days (1x, 2x, 4x), against a naive per-day Python loop
computing the same figures in the same run. Target: under 50 ms for the full series.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

import numpy as np

from core.domain import analytics as an
from core.domain.positions import Holdings, Position
from core.domain.prices import Split

RUNS = 7


def book(n_pos: int, years: int, n_reports: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    start = np.datetime64("2016-01-04")
    cal = np.arange(start, start + np.timedelta64(365 * years, "D"))
    days = cal[np.is_busday(cal)]
    tickers = [f"T{i:03d}" for i in range(n_pos)]
    prices = {
        t: an.PriceSeries(days, 50 * np.exp(np.cumsum(rng.normal(0, 0.02, len(days)))))
        for t in tickers
    }
    splits = {tickers[0]: [Split(tickers[0], dt.date(2019, 6, 10), 4.0)]}
    periods = [days[int(i)].astype(dt.date) for i in np.linspace(0, len(days) - 1, n_reports)]
    reports = []
    for k, period in enumerate(periods):
        held = rng.choice(n_pos, size=max(1, int(n_pos * 0.8)), replace=False)
        positions = tuple(
            Position(f"{t:0>9}"[-9:], t, t, "COM", "SH", None, int(rng.integers(1e3, 1e7)),
                     int(rng.integers(1e5, 1e10)), None)
            for t in (tickers[i] for i in sorted(held))
        )  # fmt: skip
        total = sum(p.value for p in positions)
        reports.append(an.Report(period, period, Holdings("B", period, (f"a{k}",), total,
                                                          positions)))  # fmt: skip
    return reports, prices, splits, days


def naive(reports, prices, splits, days):
    """The same figures, one day and one position at a time, in plain Python."""
    reports = sorted(reports, key=lambda r: r.period)
    index = {t: {d: i for i, d in enumerate(s.dates.astype(dt.date))} for t, s in prices.items()}
    out = []
    r = -1
    for d in days.astype(dt.date):
        while r + 1 < len(reports) and reports[r + 1].period <= d:
            r += 1
        if r < 0:
            continue
        rep = reports[r]
        values = []
        for p in rep.holdings.positions:
            i = index[p.ticker].get(d)
            if d == rep.period or i is None:
                values.append(p.value)
                continue
            factor = an.split_factor(splits.get(p.ticker, []), rep.period)
            values.append(p.shares * prices[p.ticker].closes[i] * factor)
        total = sum(values)
        weights = sorted((v / total for v in values), reverse=True)
        hhi = sum(w * w for w in weights)
        out.append((total, weights[0], sum(weights[:5]), hhi, 1 / hhi))
    return out


def timed(fn, runs=RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    reports, prices, splits, days = book(100, 10, 40)
    series = an.value_series(reports, prices, splits, days)
    check = naive(reports, prices, splits, days)
    assert len(check) == len(series.dates)
    assert np.allclose([c[0] for c in check], series.totals, rtol=1e-9)
    assert np.allclose([c[3] for c in check], series.hhi, rtol=1e-9)
    full = timed(lambda: an.value_series(reports, prices, splits, days))
    slow = timed(lambda: naive(reports, prices, splits, days), runs=3)
    print(f"analytics benchmark: 100 positions x {len(days):,} trading days (10 years) x 40 "
          f"reports, median of {RUNS}")  # fmt: skip
    print(f"  value_series (numpy):        {full * 1000:8.1f} ms   target < 50 ms -> "
          + ("met" if full < 0.05 else "MISSED"))
    print(f"  baseline: naive Python loop: {slow * 1000:8.1f} ms   ({slow / full:.0f}x slower; "
          "same totals and HHI, checked)")
    print("  growth (numpy):")
    for label, n_pos, years in (("positions 1x", 100, 10), ("positions 2x", 200, 10),
                                ("positions 4x", 400, 10), ("days 1x", 100, 10),
                                ("days 2x", 100, 20), ("days 4x", 100, 40)):  # fmt: skip
        r, p, s, d = book(n_pos, years, 40)
        t = timed(lambda r=r, p=p, s=s, d=d: an.value_series(r, p, s, d), runs=3)
        print(f"    {label:13s} {n_pos:4d} positions x {len(d):6,} days: {t * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
