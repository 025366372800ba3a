"""Positions derived from filing rows: amendments applied, rows aggregated, weights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from core.domain.filings import AmendmentType, FormType


class PositionKey(NamedTuple):
    """THE identity of a position, used by every view, command and export: the security
    (CUSIP), shares or principal (SH/PRN) and put/call. The title of class is not part of
    it: filers write "COM" on one row and "COMMON STOCK" on the next for one security."""

    cusip: str
    share_type: str | None
    put_call: str | None


def position_key(cusip: str, share_type: str | None, put_call: str | None) -> PositionKey:
    """The key of a position. Every information table states SH or PRN; only a row whose
    source did not keep it (the bundled data's "unverified") has none, and those are all
    share counts: an unknown SH/PRN counts as SH, so one security is one position across
    reports whether or not its source kept the field."""
    return PositionKey(cusip, share_type or "SH", put_call)


@dataclass(frozen=True, slots=True)
class PortfolioRef:
    id: int
    name: str
    kind: str  # "filer" or "own"
    cik: str | None


@dataclass(frozen=True, slots=True)
class ReportRows:
    """One filing's rows in dollars, as the input to position derivation."""

    accession: str
    form_type: str
    amendment_type: str | None
    filed: dt.date
    rows: Sequence[RowInDollars]


@dataclass(frozen=True, slots=True)
class RowInDollars:
    cusip: str
    issuer: str
    title_of_class: str
    share_type: str | None
    put_call: str | None
    shares: int
    value_usd: int


@dataclass(frozen=True, slots=True)
class Position:
    cusip: str
    ticker: str | None
    issuer: str
    title_of_class: str
    share_type: str | None
    put_call: str | None
    shares: int
    value: int  # US dollars as filed
    weight: float | None  # share of the equity total; None for option rows
    # Every class title filed for this position, largest row first; title_of_class is the
    # first of them (the label), the rest are kept for the detail.
    titles: tuple[str, ...] = ()
    # The symbol it traded under at the report's date when that differs from today's
    # `ticker` (TuSimple: TSP then, TSPH now), and the last date that symbol was seen.
    ticker_as_filed: str | None = None
    as_filed_until: dt.date | None = None
    # The issuer's name as filed where `issuer` (the name shown: the security master's, one
    # casing in every view) differs from it; None when they agree.
    issuer_as_filed: str | None = None

    @property
    def is_option(self) -> bool:
        return self.put_call is not None

    @property
    def key(self) -> PositionKey:
        return position_key(self.cusip, self.share_type, self.put_call)


@dataclass(frozen=True, slots=True)
class Holdings:
    portfolio: str
    period: dt.date
    accessions: tuple[str, ...]
    total_value: int  # US dollars, options left out
    positions: tuple[Position, ...]  # largest value first
    options_value: int = 0
    # Own books: the keys (Position.cusip) of positions with no close on or before the date
    # and no cost, left out of the total and the weights (value 0, weight None): never a $0.
    unpriced: tuple[str, ...] = ()


def effective_reports(reports: Iterable[ReportRows]) -> list[ReportRows]:
    """The reports that count for one period, oldest first.

    An original 13F-HR or a RESTATEMENT amendment replaces everything filed before it for
    the period; a NEW HOLDINGS amendment adds its rows to what stands.
    """
    ordered = sorted(reports, key=lambda r: (r.filed, r.accession))
    standing: list[ReportRows] = []
    for report in ordered:
        adds = (
            report.form_type == FormType.AMENDMENT
            and report.amendment_type == AmendmentType.NEW_HOLDINGS
        )
        standing = [*standing, report] if adds else [report]
    return standing


def aggregate(
    portfolio: str,
    period: dt.date,
    reports: Iterable[ReportRows],
    tickers: dict[str, str],
) -> Holdings:
    """Positions for a period: rows summed by position key (CUSIP, SH/PRN, put/call).

    The position is labelled with the issuer and class title of its largest row (by value,
    then shares); every title filed for it is kept in `Position.titles`."""
    standing = effective_reports(reports)
    sums: dict[PositionKey, _Sum] = {}
    for report in standing:
        for r in report.rows:
            key = position_key(r.cusip, r.share_type, r.put_call)
            acc = sums.get(key)
            if acc is None:
                acc = sums[key] = _Sum()
            acc.add(r)
    equity_total = sum(v.value for k, v in sums.items() if k.put_call is None)
    options_total = sum(v.value for k, v in sums.items() if k.put_call is not None)
    positions = []
    for key, acc in sums.items():
        titles = acc.titles()
        label = acc.largest
        positions.append(Position(
            cusip=key.cusip,
            ticker=tickers.get(key.cusip),
            issuer=label.issuer,
            title_of_class=titles[0],
            share_type=label.share_type,  # as filed: None stays unknown on screen
            put_call=key.put_call,
            shares=acc.shares,
            value=acc.value,
            weight=((acc.value / equity_total if equity_total else 0.0)
                    if key.put_call is None else None),
            titles=titles,
        ))  # fmt: skip
    positions.sort(key=lambda p: (p.is_option, -p.value, p.cusip))
    return Holdings(
        portfolio=portfolio,
        period=period,
        accessions=tuple(r.accession for r in standing),
        total_value=equity_total,
        positions=tuple(positions),
        options_value=options_total,
    )


class _Sum:
    """One position's running totals while rows are summed."""

    __slots__ = ("by_title", "largest", "shares", "value")

    def __init__(self) -> None:
        self.shares = 0
        self.value = 0
        self.largest: RowInDollars | None = None
        self.by_title: dict[str, tuple[int, int]] = {}  # title -> (value, shares), first seen first

    def add(self, r: RowInDollars) -> None:
        self.shares += r.shares
        self.value += r.value_usd
        if self.largest is None or (r.value_usd, r.shares) > (self.largest.value_usd,
                                                               self.largest.shares):
            self.largest = r
        v, sh = self.by_title.get(r.title_of_class, (0, 0))
        self.by_title[r.title_of_class] = (v + r.value_usd, sh + r.shares)

    def titles(self) -> tuple[str, ...]:
        """Titles by the value filed under each, largest first (ties: first seen first);
        the largest row's title leads, since it labels the position."""
        assert self.largest is not None
        lead = self.largest.title_of_class
        order = list(self.by_title)
        rest = sorted((t for t in order if t != lead),
                      key=lambda t: (-self.by_title[t][0], -self.by_title[t][1], order.index(t)))
        return (lead, *rest)
