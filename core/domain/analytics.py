"""Value and concentration over time, quarter-over-quarter changes: pure numpy.

Holdings are a step function: a report's positions hold from its period of report until
the next report of the same portfolio; a position missing from the next report is sold
out (zero) from that date. A position's value on a day is its shares times that day's
close. Closes are Yahoo's, adjusted for every later split, so shares reported before a
split are scaled by the split ratios after the report: a split is never a purchase. On a
period-of-report date the values as filed are authoritative, so the quarterly series
reproduces the filings exactly. A position with no usable price keeps its last known value
(the value filed in its report) and is flagged, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.domain.positions import Holdings, Position, PositionKey, position_key
from core.domain.prices import Split


def key_of(p: Position) -> PositionKey:
    return p.key


@dataclass(frozen=True, slots=True)
class Report:
    """A portfolio's positions as of one period, with when the public learned of them."""

    period: dt.date
    filed: dt.date
    holdings: Holdings


@dataclass(frozen=True, slots=True)
class PriceSeries:
    """One ticker's closes (split-adjusted as Yahoo publishes), dates ascending."""

    dates: np.ndarray  # datetime64[D]
    closes: np.ndarray  # float64


@dataclass(frozen=True, slots=True)
class Series:
    """Value and concentration per date; columns follow `keys`."""

    dates: np.ndarray  # datetime64[D]
    keys: list[PositionKey]
    tickers: list[str | None]
    shares: np.ndarray  # [days, positions], split-adjusted to each day
    prices: np.ndarray  # [days, positions]; NaN where no price was used
    values: np.ndarray  # [days, positions], US dollars
    priced: np.ndarray  # bool [days, positions]: a close was used (else the filed value)
    fresh: np.ndarray  # bool [days, positions]: that very day's close was used (not an older)
    included: np.ndarray  # bool [positions]: counts in totals and weights
    totals: np.ndarray  # [days]
    weights: np.ndarray  # [days, positions], 0 for excluded columns
    top1: np.ndarray
    top5: np.ndarray
    hhi: np.ndarray
    effective_n: np.ndarray
    report_index: np.ndarray  # [days]: which report's positions hold that day
    is_period_end: np.ndarray  # bool [days]: values are as filed

    def complete_until(self, columns: Sequence[int] | None = None, last: int | None = None
                       ) -> int:  # fmt: skip
        """The last day index (at most `last`) on which every position of `columns` (all
        counted ones by default) valued by a close has that very day's close: totals,
        stacks and weights end there, never holding a ticker flat past its last bar (INTC's
        closes stop on Sep 25, CRWV's on Oct 9: they end on Sep 25). A position valued as
        filed (no close at all, as a private company) does not hold them back."""
        end = len(self.dates) - 1 if last is None else last
        cols = list(np.flatnonzero(self.included)) if columns is None else list(columns)
        if end < 0 or not cols:
            return end
        stale = (self.priced[: end + 1, cols] & ~self.fresh[: end + 1, cols]
                 & (self.values[: end + 1, cols] > 0)).any(axis=1)  # fmt: skip
        clean = np.flatnonzero(~stale)
        return int(clean[-1]) if len(clean) else end


def split_factor(splits: Sequence[Split], after: dt.date, until: dt.date | None = None) -> float:
    """Product of the ratios of splits effective after `after` (and up to `until`)."""
    f = 1.0
    for s in splits:
        if s.date > after and (until is None or s.date <= until):
            f *= s.ratio
    return f


def concentration(weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """top-1 weight, top-5 share, HHI (sum of squared weights) and effective N (1 / HHI)
    for each row of a [days, positions] weight matrix."""
    n = weights.shape[1]
    if n == 0:
        zeros = np.zeros(weights.shape[0])
        return zeros, zeros, zeros, zeros
    top1 = weights.max(axis=1)
    k = min(5, n)
    top5 = -np.partition(-weights, k - 1, axis=1)[:, :k].sum(axis=1)
    hhi = (weights * weights).sum(axis=1)
    with np.errstate(divide="ignore"):
        eff = np.where(hhi > 0, 1.0 / np.where(hhi > 0, hhi, 1.0), 0.0)
    return top1, top5, hhi, eff


def value_series(
    reports: Sequence[Report],
    prices: dict[str, PriceSeries],
    splits: dict[str, list[Split]],
    days: np.ndarray,
    include_options: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Series:
    """The series over `days` (datetime64[D]) between start (default: the first report)
    and end (default: the last day given); period-of-report dates in range are added so
    each quarter's filed values appear even with no prices at all. Nothing is valued
    before the first report."""
    reports = sorted(reports, key=lambda r: r.period)
    if not reports:
        raise ValueError("no reports to value")
    periods = np.array([r.period for r in reports], dtype="datetime64[D]")
    lo = np.datetime64(start, "D") if start else periods[0]
    hi = np.datetime64(end, "D") if end else (days.max() if len(days) else periods[-1])
    lo = max(lo, periods[0])
    in_range = periods[(periods >= lo) & (periods <= hi)]
    dates = np.union1d(days[(days >= lo) & (days <= hi)], in_range)

    keys: list[PositionKey] = []
    tickers: list[str | None] = []
    column: dict[PositionKey, int] = {}
    for r in reports:
        for p in r.holdings.positions:
            k = key_of(p)
            if k not in column:
                column[k] = len(keys)
                keys.append(k)
                tickers.append(p.ticker)
            elif tickers[column[k]] is None:
                tickers[column[k]] = p.ticker
    n_rep, n_pos, n_days = len(reports), len(keys), len(dates)

    rep_shares = np.zeros((n_rep, n_pos))
    rep_values = np.zeros((n_rep, n_pos))
    rep_factor = np.ones((n_rep, n_pos))  # splits after the report's period
    for i, r in enumerate(reports):
        for p in r.holdings.positions:
            j = column[key_of(p)]
            rep_shares[i, j] += p.shares
            rep_values[i, j] += p.value
            t = tickers[j]
            if t and t in splits:
                rep_factor[i, j] = split_factor(splits[t], r.period)

    idx = np.searchsorted(periods, dates, side="right") - 1  # the report in force each day
    report_period = periods[idx]
    is_period_end = dates == report_period

    price = np.full((n_days, n_pos), np.nan)
    price_day = np.full((n_days, n_pos), np.datetime64("NaT"), dtype="datetime64[D]")
    for j, t in enumerate(tickers):
        series = prices.get(t) if t else None
        if series is None or not len(series.dates):
            continue
        at = np.searchsorted(series.dates, dates, side="right") - 1  # last close on or before
        ok = at >= 0
        price[ok, j] = series.closes[at[ok]]
        price_day[ok, j] = series.dates[at[ok]]
    # A close older than the report in force says less than the filing: use the filing.
    priced = ~np.isnan(price) & (price_day >= report_period[:, None]) & ~is_period_end[:, None]
    held = rep_shares[idx]
    factor = rep_factor[idx]
    values = np.where(priced, held * np.nan_to_num(price) * factor, rep_values[idx])

    # Shares as they stood each day: reported shares times the splits since the report.
    shares = held.copy()
    for j, t in enumerate(tickers):
        for s in splits.get(t, []) if t else []:
            day = np.datetime64(s.date, "D")
            after_report = periods[idx] < day
            shares[(dates >= day) & after_report, j] *= s.ratio

    included = np.array([include_options or k.put_call is None for k in keys], dtype=bool)
    counted = np.where(included[None, :], values, 0.0)
    totals = counted.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(totals[:, None] > 0, counted / totals[:, None], 0.0)
    top1, top5, hhi, eff = concentration(weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        # The price per share as traded that day (Yahoo's close undone for later splits).
        per_share = np.where(priced & (shares > 0), values / np.where(shares > 0, shares, 1),
                             np.nan)  # fmt: skip
    return Series(
        dates=dates, keys=keys, tickers=tickers, shares=shares,
        prices=per_share, values=values, priced=priced,
        fresh=priced & (price_day == dates[:, None]),
        included=included, totals=totals, weights=weights, top1=top1, top5=top5, hhi=hhi,
        effective_n=eff, report_index=idx, is_period_end=is_period_end,
    )  # fmt: skip


# -- quarter over quarter ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Change:
    cusip: str
    ticker: str | None
    issuer: str
    put_call: str | None
    status: str  # NEW, ADDED, REDUCED, SOLD OUT, UNCHANGED
    shares_before: int | float  # split-adjusted to the later period
    shares_after: int
    value_before: int
    value_after: int
    price_effect: float  # old shares x price change
    quantity_effect: float  # share change x new price
    share_type: str | None = "SH"

    @property
    def key(self) -> PositionKey:
        return position_key(self.cusip, self.share_type, self.put_call)

    @property
    def shares_change(self) -> float:
        return self.shares_after - self.shares_before

    @property
    def value_change(self) -> int:
        return self.value_after - self.value_before


def changes(
    before: Holdings | None, after: Holdings, splits: dict[str, list[Split]]
) -> list[Change]:
    """What changed from one report to the next, position by position (largest first).

    Shares before are scaled by any split between the two periods. The value change splits
    into a price effect, old shares x (new price - old price), and a quantity effect,
    (new shares - old shares) x new price; the two add up to the change exactly."""
    old = {key_of(p): p for p in before.positions} if before else {}
    new = {key_of(p): p for p in after.positions}
    out = []
    for k in list(new) + [k for k in old if k not in new]:
        a, b = old.get(k), new.get(k)
        ref = b or a
        assert ref is not None
        factor = 1.0
        if a is not None and before is not None and ref.ticker in splits:
            factor = split_factor(splits[ref.ticker], before.period, after.period)
        s0 = a.shares * factor if a else 0
        s0 = int(s0) if float(s0).is_integer() else s0
        s1, v0, v1 = (b.shares if b else 0), (a.value if a else 0), (b.value if b else 0)
        if a is None:
            status, price_eff, qty_eff = "NEW", 0.0, float(v1)
        elif b is None:
            status, price_eff, qty_eff = "SOLD OUT", 0.0, float(-v0)
        else:
            # old shares at the new price; price effect = x - v0, quantity = v1 - x, so the
            # two add up to v1 - v0 without the cancellation of products of huge numbers.
            x = s0 * v1 / s1 if s1 else 0.0
            price_eff = x - v0
            qty_eff = v1 - x
            status = "ADDED" if s1 > s0 else "REDUCED" if s1 < s0 else "UNCHANGED"
        out.append(Change(ref.cusip, ref.ticker, ref.issuer, ref.put_call, status, s0, s1,
                          v0, v1, price_eff, qty_eff, ref.share_type))  # fmt: skip
    out.sort(key=lambda c: -max(c.value_after, c.value_before))
    return out
