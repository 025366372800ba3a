"""Benchmark: store and reload 20 tickers x 10 years of daily bars in the price cache.

Prints insert rows/s (PriceStore.save_bars, one transaction) and the time to load one
ticker's ten years (PriceStore.bars, as DailyBar objects), with a bare sqlite3 query of the
same rows as the baseline in the same run. Target: one ticker's 10 years in under 20 ms.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from core.domain.prices import DailyBar
from core.storage.database import Database
from core.storage.price_store import PriceStore

TICKERS = 20
YEARS = 10
LOADS = 30


def trading_days(years: int) -> list[dt.date]:
    day, end, out = dt.date(2016, 1, 4), dt.date(2016 + years, 1, 1), []
    while day < end:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def make_bars(days: list[dt.date]) -> list[DailyBar]:
    rng = random.Random(7)
    bars = []
    for i in range(TICKERS):
        price = rng.uniform(10, 500)
        for d in days:
            price *= 1 + rng.gauss(0, 0.02)
            bars.append(DailyBar(f"T{i:02d}", d, price, price * 1.01, price * 0.99, price,
                                 price, rng.randint(10**5, 10**8), "bench"))  # fmt: skip
    return bars


def main() -> None:
    days = trading_days(YEARS)
    bars = make_bars(days)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench.sqlite3"
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        began = time.perf_counter()
        with db.session() as s:
            PriceStore(s).save_bars(bars, dt.datetime.now(dt.UTC))
        insert_s = time.perf_counter() - began

        ours = []
        for _ in range(LOADS):
            t = time.perf_counter()
            with db.session() as s:
                got = PriceStore(s).bars("T07")
            ours.append(time.perf_counter() - t)
        assert len(got) == len(days)

        con = sqlite3.connect(path)
        bare = []
        for _ in range(LOADS):
            t = time.perf_counter()
            rows = con.execute(
                "SELECT date, open, high, low, close, adj_close, volume, source FROM price_bars "
                "WHERE ticker = ? ORDER BY date", ("T07",)).fetchall()  # fmt: skip
            bare.append(time.perf_counter() - t)
        con.close()
        assert len(rows) == len(days)
        db.dispose()

    load_ms, bare_ms = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    print(f"price cache benchmark: {TICKERS} tickers x {YEARS} years = {len(bars):,} daily bars")
    print(f"  insert (one transaction):        {insert_s * 1000:8.0f} ms  "
          f"{len(bars) / insert_s:>10,.0f} rows/s")
    print(f"  load one ticker ({len(days):,} bars), median of {LOADS}:")
    print(f"    stakewatch PriceStore.bars:    {load_ms:8.2f} ms  (session + DailyBar objects)")
    print(f"    baseline: bare sqlite3 query:  {bare_ms:8.2f} ms")
    print(f"  ratio {load_ms / bare_ms:.1f}x; target: under 20 ms -> "
          + ("met" if load_ms < 20 else "MISSED"))


if __name__ == "__main__":
    main()
