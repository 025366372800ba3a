"""Benchmark: returns of a large own ledger.

A 10-year daily ledger of 1,000 transactions (buys, sales, dividends, splits, fees) in 50
tickers, on prices shaped like real ones (daily returns drawn from the real bars in
../shared/data/prices). Times, in the same run:
- core's engine (core/domain/returns.py: daily values, TWR, IRR, max drawdown), the figure
  with the target of 200 ms, against a plain-Python loop over the same days computing the
  same three figures (the baseline; both must agree);
- what a user runs: `stakewatch performance --json` on a fresh SQLite database holding that
  ledger and those prices, whole process, against `python -c "import sqlalchemy, numpy"`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PRICES = ROOT.parent / "shared" / "data" / "prices"
STAKEWATCH = [sys.executable, "-m", "gui"]

from core.domain.ledger import Transaction, TxType, ordered  # noqa: E402
from core.domain.returns import Closes, daily_book, performance, xirr  # noqa: E402


def real_returns() -> list[float]:
    """Daily close-to-close returns of the real bars shipped for tests and demos."""
    out: list[float] = []
    for f in sorted(PRICES.glob("*.csv")):
        closes = [float(r["close"]) for r in csv.DictReader(f.open())]
        out += [b / a - 1 for a, b in itertools.pairwise(closes) if a > 0]
    if not out:  # no shared data: a plain random walk of a similar spread
        rnd = random.Random(1)
        out = [rnd.gauss(0.0005, 0.03) for _ in range(5000)]
    # Their spread and fat tails, but a market's drift (about 8% a year), not a boom's.
    mean = statistics.fmean(out)
    return [r - mean + 0.0003 for r in out]


def make(tickers: int = 50, years: int = 10, n: int = 1000, seed: int = 7):
    rnd = random.Random(seed)
    moves = real_returns()
    end = dt.date(2026, 10, 9)
    start = end - dt.timedelta(days=365 * years)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    names = [f"T{i:02d}" for i in range(tickers)]
    prices = {}
    for t in names:
        p, series = rnd.uniform(10, 300), []
        for _ in days:
            p = max(0.5, p * (1 + rnd.choice(moves)))
            series.append(p)
        prices[t] = series
    held = dict.fromkeys(names, Decimal(0))
    txs: list[Transaction] = []
    picks = sorted(rnd.sample(range(len(days) - 1), n))
    for k, i in enumerate(picks):
        day, t = days[i], rnd.choice(names)
        price = Decimal(f"{prices[t][i]:.2f}")
        kind = rnd.random()
        if held[t] > 10 and kind < 0.25:
            shares = Decimal(rnd.randint(1, int(held[t]) // 2 or 1))
            txs.append(Transaction(k, day, TxType.SELL, t, shares=shares, price=price,
                                   fees=Decimal("4.95")))  # fmt: skip
            held[t] -= shares
        elif held[t] > 0 and kind < 0.32:
            txs.append(Transaction(k, day, TxType.DIVIDEND, t,
                                   amount=Decimal(f"{float(held[t]) * 0.2:.2f}")))  # fmt: skip
        elif held[t] > 0 and kind < 0.33:
            txs.append(Transaction(k, day, TxType.SPLIT, t, ratio=Decimal(2)))
            held[t] *= 2
        elif kind < 0.34 and any(held.values()):
            txs.append(Transaction(k, day, TxType.FEE, t, amount=Decimal("25")))
        else:
            shares = Decimal(rnd.randint(5, 200))
            txs.append(Transaction(k, day, TxType.BUY, t, shares=shares, price=price,
                                   fees=Decimal("4.95")))  # fmt: skip
            held[t] += shares
    # Prices as traded: a split halves the price from its day on (as Yahoo's closes undone).
    for tx in txs:
        if tx.type is TxType.SPLIT:
            i = days.index(tx.date)
            prices[tx.ticker][i:] = [p / 2 for p in prices[tx.ticker][i:]]
    dates = __import__("numpy").array(days, dtype="datetime64[D]")
    closes = {t: Closes(dates, __import__("numpy").array(v)) for t, v in prices.items()}
    return days, prices, txs, closes


def plain_loop(days, prices, txs):
    """The same three figures by a plain loop over the days: no numpy, no engine."""
    by_day: dict[dt.date, list[Transaction]] = {}
    for t in ordered(txs):
        by_day.setdefault(t.date, []).append(t)
    shares: dict[str, float] = {}
    index, growth, peak, worst = 0, 1.0, 1.0, 0.0
    prev_value = 0.0
    flows_days, flows = [], []
    started = False
    for i, day in enumerate(days):
        flow = 0.0
        for t in by_day.get(day, []):
            close = prices[t.ticker][i]
            cash = t.cash_in(close)
            flow += cash or 0.0
            if t.type in (TxType.BUY, TxType.TRANSFER_IN):
                shares[t.ticker] = shares.get(t.ticker, 0.0) + float(t.shares)
            elif t.type in (TxType.SELL, TxType.TRANSFER_OUT):
                shares[t.ticker] = shares.get(t.ticker, 0.0) - float(t.shares)
            elif t.type is TxType.SPLIT:
                shares[t.ticker] = shares.get(t.ticker, 0.0) * float(t.ratio)
        if not started and not flow:
            continue
        started = True
        value = sum(n * prices[t][i] for t, n in shares.items() if n > 0)
        if prev_value > 0:
            r = (value - flow) / prev_value - 1
        else:
            r = value / flow - 1 if flow > 0 and value > 0 else 0.0
        growth *= 1 + r
        peak = max(peak, growth)
        worst = max(worst, 1 - growth / peak)
        if flow:
            flows_days.append(day)
            flows.append(-flow)
        prev_value = value
        index = i
    import numpy as np

    cash_days = np.array([*flows_days, days[index]], dtype="datetime64[D]")
    irr = xirr(cash_days, np.array([*flows, prev_value]))
    return growth - 1, irr, worst


def best_of(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def whole_command(days, prices, txs, repeat: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "bench.sqlite3")

        def run(*argv: str) -> None:
            subprocess.run([*STAKEWATCH, "--db", db, *argv], cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip

        run("init")
        run("portfolio", "create", "Bench")
        for t, series in prices.items():  # bars through the user's own import command
            f = Path(d) / f"{t}.csv"
            with f.open("w") as out:
                out.write("date,open,high,low,close,volume\n")
                for day, p in zip(days, series, strict=True):
                    out.write(f"{day},{p:.4f},{p:.4f},{p:.4f},{p:.4f},1000\n")
            run("prices", "import", str(f), "--ticker", t)
        ledger = Path(d) / "ledger.csv"
        with ledger.open("w") as out:
            out.write("date,type,ticker,shares,price,fees,amount,ratio\n")
            for x in txs:
                out.write(",".join(str(v) if v is not None else "" for v in (
                    x.date, x.type.value, x.ticker, x.shares, x.price,
                    x.fees if x.type.value in ("buy", "sell") else None, x.amount,
                    x.ratio)) + "\n")  # fmt: skip
        run("tx", "import", str(ledger), "--portfolio", "Bench", "--offline")
        cmd = [*STAKEWATCH, "--db", db, "performance", "--portfolio", "Bench", "--json",
               "--benchmark", "T00"]  # fmt: skip
        floor = [sys.executable, "-c", "import sqlalchemy, numpy"]
        ours, base = [], []
        for _ in range(repeat):
            for label, c in (("ours", cmd), ("floor", floor)):
                t = time.perf_counter()
                subprocess.run(c, cwd=ROOT, check=True, capture_output=True)
                (ours if label == "ours" else base).append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(base)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-command", action="store_true", help="skip the whole-process timing")
    a = ap.parse_args()
    days, prices, txs, closes = make()
    end = days[-1]

    def engine():
        perf = performance(daily_book(txs, closes, end))
        return perf.twr, perf.irr, perf.max_drawdown

    engine()  # warm: numpy's first calls load code
    t_engine, (twr, irr, mdd) = best_of(engine, a.repeat)
    t_loop, (twr2, irr2, mdd2) = best_of(lambda: plain_loop(days, prices, txs), a.repeat)
    agree = math.isclose(twr, twr2, rel_tol=1e-9) and math.isclose(mdd, mdd2, rel_tol=1e-9) \
        and math.isclose(irr, irr2, rel_tol=1e-6)
    kinds = {k.value: sum(1 for t in txs if t.type is k) for k in TxType}
    mix = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
    print(f"ledger: {len(txs):,} transactions ({mix}) in {len(prices)} tickers over "
          f"{len(days):,} trading days")
    print(f"TWR {twr * 100:+.2f}%  IRR {irr * 100:+.2f}% a year  max drawdown "
          f"{mdd * 100:.2f}%  (plain loop agrees: {agree})")
    print(f"engine (TWR, IRR, drawdown): {t_engine * 1000:7.1f} ms   target <= 200 ms   "
          f"{'met' if t_engine <= 0.2 else 'MISSED'}")
    print(f"plain-Python loop, same days: {t_loop * 1000:7.1f} ms   "
          f"({t_loop / t_engine:.1f}x the engine)")
    if not agree:
        sys.exit("the engine and the plain loop disagree")
    if a.no_command:
        return
    ours, floor = whole_command(days, prices, txs, max(3, a.repeat // 2))
    print(f"`stakewatch performance --json`, whole process on a fresh database: "
          f"{ours * 1000:.0f} ms; `python -c 'import sqlalchemy, numpy'`: {floor * 1000:.0f} ms "
          f"({ours / floor:.2f}x)")


if __name__ == "__main__":
    main()
