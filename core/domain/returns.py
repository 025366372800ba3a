"""Returns, defined once: daily values of a ledger (or of a filer's disclosed book held as a
clone), time-weighted return with flows at the day's end, money-weighted return (XIRR),
maximum drawdown, and a benchmark's price return over the same days (numpy)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.domain.ledger import SHARES_IN, SHARES_OUT, Transaction, TxType, ordered

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True, slots=True)
class Closes:
    """One ticker's closes as traded each day (not adjusted for later splits), dates
    ascending: what a share held that day was worth at the close."""

    dates: np.ndarray  # datetime64[D]
    prices: np.ndarray  # float64


@dataclass(frozen=True, slots=True)
class DailyBook:
    """A book valued on each day that some held ticker has a close."""

    days: np.ndarray  # datetime64[D], ascending
    value: np.ndarray  # holdings at the close (a ticker without a close that day keeps its last)
    flow: np.ndarray  # net flow into the book that day (end of day)
    returns: np.ndarray  # r_t as defined in `daily_returns`
    missing: tuple[str, ...] = ()  # tickers held with no close at all, left out of values


@dataclass(frozen=True, slots=True)
class Performance:
    start: dt.date | None
    end: dt.date | None
    twr: float | None
    irr: float | None
    max_drawdown: float | None
    value_start: float
    value_end: float
    net_flows: float
    days: np.ndarray = field(repr=False)  # the days of the period, for charts
    index: np.ndarray = field(repr=False)  # cumulative TWR (0.0 = start) on those days
    benchmark: np.ndarray | None = field(default=None, repr=False)  # cumulative price return
    benchmark_twr: float | None = None


def to_day(d: dt.date) -> np.datetime64:
    return np.datetime64(d, "D")


def valuation_days(closes: Mapping[str, Closes], start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from start to end on which some ticker has a close."""
    lo, hi = to_day(start), to_day(end)
    if hi < lo:
        return np.array([], dtype="datetime64[D]")
    seen = np.zeros(int((hi - lo) / DAY) + 1, dtype=bool)  # a calendar: no sort needed
    for c in closes.values():
        k = c.dates[(c.dates >= lo) & (c.dates <= hi)]
        seen[((k - lo) / DAY).astype(np.int64)] = True
    return lo + np.flatnonzero(seen).astype("timedelta64[D]")


def price_matrix(days: np.ndarray, tickers: Sequence[str],
                 closes: Mapping[str, Closes]) -> np.ndarray:  # fmt: skip
    """[days, tickers]: the last close on or before each day (NaN before the first)."""
    out = np.full((len(days), len(tickers)), np.nan)
    for j, t in enumerate(tickers):
        c = closes.get(t)
        if c is None or not len(c.dates):
            continue
        k = np.searchsorted(c.dates, days, side="right") - 1
        ok = k >= 0
        out[ok, j] = c.prices[k[ok]]
    return out


def daily_book(txs: Sequence[Transaction], closes: Mapping[str, Closes],
               end: dt.date) -> DailyBook:  # fmt: skip
    """The ledger's holdings valued each valuation day from its first transaction to `end`,
    and its flows; a transaction on a day without closes counts on the next day with one."""
    txs = [t for t in ordered(txs) if t.date <= end]
    if not txs:
        empty = np.array([], dtype="datetime64[D]")
        return DailyBook(empty, np.array([]), np.array([]), np.array([]))
    tickers = sorted({t.ticker for t in txs})
    col = {t: j for j, t in enumerate(tickers)}
    days = valuation_days({t: closes[t] for t in tickers if t in closes}, txs[0].date, end)
    n, m = len(days), len(tickers)
    prices = price_matrix(days, tickers, closes)
    shares = np.zeros((n, m))
    flow = np.zeros(n)
    level = np.zeros(m)
    last = np.zeros(m, dtype=np.int64)  # the row from which each ticker's level holds
    at = np.searchsorted(days, np.array([t.date for t in txs], dtype="datetime64[D]"),
                         side="left").tolist()  # one search for every entry's day
    for tx, i in zip(txs, at, strict=True):
        if i >= n:  # after the last close: not valued yet
            continue
        j = col[tx.ticker]
        close = float(prices[i, j])
        cash = tx.cash_in(None if math.isnan(close) else close)
        flow[i] += cash if cash is not None else 0.0
        if tx.type in SHARES_IN or tx.type in SHARES_OUT or tx.type is TxType.SPLIT:
            shares[last[j]:i, j] = level[j]
            if tx.type is TxType.SPLIT:
                level[j] *= float(tx.ratio or 1)
            else:
                sign = 1.0 if tx.type in SHARES_IN else -1.0
                level[j] = max(0.0, level[j] + sign * float(tx.shares or 0))
            last[j] = i
    for j in range(m):
        shares[last[j]:, j] = level[j]
    held = shares > 0
    priced = ~np.isnan(prices)
    value = np.where(held & priced, shares * np.nan_to_num(prices), 0.0).sum(axis=1)
    missing = tuple(t for j, t in enumerate(tickers) if held[:, j].any() and not priced[:, j].any())
    return DailyBook(days, value, flow, daily_returns(value, flow), missing)


def daily_returns(value: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """r_t = (V_t - F_t) / V_(t-1) - 1, flows at the day's end; on a day that starts from
    nothing r_t = V_t / F_t - 1, and 0 when it also ends with nothing held (a fee paid on
    an empty book puts no capital at work: it is in the IRR, not a -100% day)."""
    prev = np.concatenate(([0.0], value[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        held = np.where(prev > 0, (value - flow) / prev - 1.0, np.nan)
        fresh = np.where((flow > 0) & (value > 0), value / flow - 1.0, 0.0)
    return np.where(prev > 0, held, fresh)


def max_drawdown(index: np.ndarray) -> float:
    """The largest fall of a growth index (1 + cumulative return) from a peak before it."""
    if not len(index):
        return 0.0
    peak = np.maximum.accumulate(np.maximum(index, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        falls = np.where(peak > 0, 1.0 - index / peak, 0.0)
    return float(max(0.0, falls.max()))


def xirr(days: np.ndarray, amounts: np.ndarray) -> float | None:
    """The annual rate r with sum(a_i / (1 + r) ** (years_i)) = 0 (an investor's flows:
    money in negative, money out positive); None when no rate exists (all one sign)."""
    keep = amounts != 0
    days, amounts = days[keep], amounts[keep]
    if not len(amounts) or (amounts > 0).all() or (amounts < 0).all():
        return None
    years = (days - days.min()) / DAY / 365.0

    def npv(rate: float) -> float:
        return float((amounts * np.exp(-years * math.log1p(rate))).sum())

    lo, hi = -0.999999, 1.0
    f_lo, f_hi = npv(lo), npv(hi)
    while f_lo * f_hi > 0 and hi < 1e18:  # a few days can annualise to a vast rate
        hi *= 10.0
        f_hi = npv(hi)
    if f_lo * f_hi > 0:
        return None
    for _ in range(200):  # bisection: sure, and 200 halvings is far below a float's grain
        mid = (lo + hi) / 2
        f_mid = npv(mid)
        if f_mid == 0 or (hi - lo) < 1e-12:
            return mid
        if f_lo * f_mid < 0:
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
    return (lo + hi) / 2


def performance(book: DailyBook, start: dt.date | None = None, end: dt.date | None = None,
                benchmark: Closes | None = None) -> Performance:  # fmt: skip
    """Returns over (start, end]: the value at the last close on or before `start` is the
    starting value (0 before the first transaction); TWR is the product of (1 + r_t) over
    the days after it, minus 1; IRR is the XIRR of that value out, the flows, and the value
    at the end in; the benchmark's price return runs over the same closes."""
    days = book.days
    if not len(days):
        return Performance(start, end, None, None, None, 0.0, 0.0, 0.0, days, np.array([]))
    s = int(np.searchsorted(days, to_day(start), side="right")) - 1 if start else -1
    e = int(np.searchsorted(days, to_day(end), side="right")) - 1 if end else len(days) - 1
    if e < 0 or e <= s:
        return Performance(start, end, None, None, None, 0.0, 0.0, 0.0,
                           days[:0], np.array([]))  # fmt: skip
    r = book.returns[s + 1 : e + 1]
    growth = np.cumprod(1.0 + r)
    v0 = float(book.value[s]) if s >= 0 else 0.0
    v1 = float(book.value[e])
    flows = book.flow[s + 1 : e + 1]
    first = days[s] if s >= 0 else days[0]
    cash_days = np.concatenate(([first], days[s + 1 : e + 1], [days[e]]))
    cash = np.concatenate(([-v0], -flows, [v1]))
    period_days = days[max(s, 0) : e + 1]
    index = np.concatenate(([0.0], growth - 1.0)) if s >= 0 else growth - 1.0
    bench = bench_twr = None
    if benchmark is not None and len(benchmark.dates):
        p = price_matrix(period_days, ["b"], {"b": benchmark})[:, 0]
        base_at = 0 if s >= 0 else max(0, s)
        if s < 0:  # from nothing: the benchmark starts at the close before the first day
            k = int(np.searchsorted(benchmark.dates, period_days[0], side="left")) - 1
            base = float(benchmark.prices[k]) if k >= 0 else float(p[0])
        else:
            base = float(p[base_at])
        if not math.isnan(base) and base > 0:
            bench = p / base - 1.0
            bench_twr = float(bench[-1]) if not math.isnan(bench[-1]) else None
    return Performance(
        start=_date(first if s >= 0 else days[0]), end=_date(days[e]),
        twr=float(growth[-1] - 1.0), irr=xirr(cash_days, cash),
        max_drawdown=max_drawdown(np.concatenate(([1.0], growth))),
        value_start=v0, value_end=v1, net_flows=float(flows.sum()),
        days=period_days, index=index, benchmark=bench, benchmark_twr=bench_twr,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rebalance:
    """One filing of a filer's book: from `day` on, hold `weights` (ticker -> share of the
    value, summing to at most 1) until the next; `left_out` the weight with no prices."""

    day: dt.date
    weights: dict[str, float]
    left_out: dict[str, float]  # position label -> its filed weight, no prices for it


def clone_book(rebalances: Sequence[Rebalance], closes: Mapping[str, Closes],
               end: dt.date) -> DailyBook:  # fmt: skip
    """A disclosed book held as a clone: one dollar in on the first filing day, spread over
    the filed weights of the priced positions (scaled up to 100%), re-spread at each next
    filing at the day's closes; no flows after the first day."""
    rebalances = sorted((r for r in rebalances if r.day <= end), key=lambda r: r.day)
    if not rebalances:
        empty = np.array([], dtype="datetime64[D]")
        return DailyBook(empty, np.array([]), np.array([]), np.array([]))
    tickers = sorted({t for r in rebalances for t in r.weights if t in closes})
    days = valuation_days({t: closes[t] for t in tickers}, rebalances[0].day, end)
    n = len(days)
    prices = price_matrix(days, tickers, closes)
    col = {t: j for j, t in enumerate(tickers)}
    shares = np.zeros((n, len(tickers)))
    starts = [int(np.searchsorted(days, to_day(r.day), side="left")) for r in rebalances]
    value_now = 1.0
    for k, (r, i) in enumerate(zip(rebalances, starts, strict=True)):
        if i >= n:
            break
        stop = starts[k + 1] if k + 1 < len(starts) else n
        if k:  # the book as it stood, at this day's closes
            held = shares[i - 1] if i > 0 else np.zeros(len(tickers))
            value_now = float(np.nansum(held * prices[i]))
        priced = {t: w for t, w in r.weights.items()
                  if t in col and not math.isnan(prices[i, col[t]]) and w > 0}  # fmt: skip
        total = sum(priced.values())
        row = np.zeros(len(tickers))
        for t, w in priced.items():
            row[col[t]] = value_now * (w / total) / prices[i, col[t]] if total else 0.0
        shares[i:stop] = row
    value = np.nansum(shares * np.nan_to_num(prices), axis=1)
    flow = np.zeros(n)
    if n:
        flow[starts[0]] = 1.0 if starts[0] < n else 0.0
    return DailyBook(days, value, flow, daily_returns(value, flow))


def _date(d: np.datetime64) -> dt.date:
    return d.astype("datetime64[D]").astype(dt.date)
