"""Positions derived from filing rows: amendments applied, rows aggregated, weights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.domain.filings import AmendmentType, FormType


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

    @property
    def is_option(self) -> bool:
        return self.put_call is not None


@dataclass(frozen=True, slots=True)
class Holdings:
    portfolio: str
    period: dt.date
    accessions: tuple[str, ...]
    total_value: int  # US dollars, options left out
    positions: tuple[Position, ...]  # largest value first
    options_value: int = 0


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
    """Positions for a period: rows summed by CUSIP, class, SH/PRN and put/call."""
    standing = effective_reports(reports)
    sums: dict[tuple, list] = {}
    for report in standing:
        for r in report.rows:
            key = (r.cusip, r.title_of_class, r.share_type, r.put_call)
            acc = sums.get(key)
            if acc is None:
                sums[key] = [r.issuer, r.shares, r.value_usd]
            else:
                acc[1] += r.shares
                acc[2] += r.value_usd
    equity_total = sum(v[2] for k, v in sums.items() if k[3] is None)
    options_total = sum(v[2] for k, v in sums.items() if k[3] is not None)
    positions = [
        Position(
            cusip=cusip,
            ticker=tickers.get(cusip),
            issuer=issuer,
            title_of_class=title,
            share_type=share_type,
            put_call=put_call,
            shares=shares,
            value=value,
            weight=(value / equity_total if equity_total else 0.0) if put_call is None else None,
        )
        for (cusip, title, share_type, put_call), (issuer, shares, value) in sums.items()
    ]
    positions.sort(key=lambda p: (p.is_option, -p.value, p.cusip))
    return Holdings(
        portfolio=portfolio,
        period=period,
        accessions=tuple(r.accession for r in standing),
        total_value=equity_total,
        positions=tuple(positions),
        options_value=options_total,
    )
