"""13F filings as filed: the cover page facts and the information-table rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Filings made on or after this date report values in whole dollars; earlier ones in
# thousands. The filing date decides, not the period of report (late filings exist).
DOLLAR_VALUES_SINCE = dt.date(2023, 1, 3)


class ValueUnit(StrEnum):
    DOLLARS = "USD"
    THOUSANDS = "USD_THOUSANDS"

    @property
    def multiplier(self) -> int:
        return 1 if self is ValueUnit.DOLLARS else 1000


def value_unit_for(filed: dt.date) -> ValueUnit:
    return ValueUnit.DOLLARS if filed >= DOLLAR_VALUES_SINCE else ValueUnit.THOUSANDS


class FormType(StrEnum):
    HOLDINGS = "13F-HR"
    AMENDMENT = "13F-HR/A"


class AmendmentType(StrEnum):
    RESTATEMENT = "RESTATEMENT"
    NEW_HOLDINGS = "NEW HOLDINGS"


@dataclass(frozen=True, slots=True)
class FilingHeader:
    """What identifies a filing and what its cover page says."""

    accession: str
    cik: str
    filer_name: str
    form_type: FormType
    period: dt.date
    filed: dt.date
    amendment_type: AmendmentType | None = None
    entry_total: int | None = None  # cover page tableEntryTotal, None where not seen
    value_total: int | None = None  # cover page tableValueTotal, in the filed unit
    source: str = ""

    @property
    def value_unit(self) -> ValueUnit:
        return value_unit_for(self.filed)


@dataclass(frozen=True, slots=True)
class FilingRow:
    """One information-table row exactly as filed (value in the filed unit)."""

    issuer: str
    title_of_class: str
    cusip: str
    value: int
    shares: int
    share_type: str | None  # "SH" or "PRN"; None where the source did not keep it
    put_call: str | None = None  # "PUT" or "CALL"
    investment_discretion: str | None = None
    other_managers: str | None = None
    voting_sole: int | None = None
    voting_shared: int | None = None
    voting_none: int | None = None
    figi: str | None = None
    provenance: str | None = None


@dataclass(slots=True)
class RowBatch:
    """Many information-table rows by column: how the parser hands rows to storage.

    Columns keep a large import in C-speed list operations instead of per-row objects.
    """

    issuer: list[str]
    title_of_class: list[str]
    cusip: list[str]
    figi: list[str | None]
    value: list[int]
    shares: list[int]
    share_type: list[str | None]
    put_call: list[str | None]
    investment_discretion: list[str | None]
    other_managers: list[str | None]
    voting_sole: list[int | None]
    voting_shared: list[int | None]
    voting_none: list[int | None]
    provenance: list[str | None]

    COLUMNS = (
        "issuer", "title_of_class", "cusip", "figi", "value", "shares", "share_type",
        "put_call", "investment_discretion", "other_managers", "voting_sole", "voting_shared",
        "voting_none", "provenance",
    )  # fmt: skip

    def __len__(self) -> int:
        return len(self.cusip)

    @classmethod
    def from_rows(cls, rows: list[FilingRow]) -> RowBatch:
        return cls(*([getattr(r, c) for r in rows] for c in cls.COLUMNS))

    def rows(self) -> list[FilingRow]:
        return [FilingRow(**dict(zip(self.COLUMNS, t, strict=True))) for t in self.tuples()]

    def tuples(self):
        """Row tuples in COLUMNS order."""
        return zip(*(getattr(self, c) for c in self.COLUMNS), strict=True)


@dataclass(frozen=True, slots=True)
class FilingSummary:
    """A stored filing as listed to users."""

    accession: str
    portfolio: str
    cik: str
    form_type: str
    amendment_type: str | None
    period: dt.date
    filed: dt.date
    value_unit: ValueUnit
    entry_total: int | None
    value_total_usd: int | None
    rows: int
    rows_value_usd: int
    source: str


def normalize_accession(text: str) -> str | None:
    """'0001045810-24-000021' from that form or its 18 bare digits; None otherwise."""
    digits = text.strip().replace("-", "")
    if len(digits) != 18 or not digits.isdigit():
        return None
    return f"{digits[:10]}-{digits[10:12]}-{digits[12:]}"


# The bundled NVIDIA data marks issuer names that are a parser's label, not the name as filed.
LABEL_MARK = " [parser label; filed name not seen]"


def issuer_label(issuer: str) -> tuple[str, bool]:
    """The issuer name to show, and whether it is a label rather than the name as filed."""
    if issuer.endswith(LABEL_MARK):
        return issuer[: -len(LABEL_MARK)], True
    return issuer, False
