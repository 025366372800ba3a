"""The 13F cover page (primary_doc.xml): who filed, for which period, what kind, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.domain.filings import AmendmentType
from core.filings.errors import FilingFormatError
from core.filings.xmlsafe import SecureFeed, local_name

MAX_COVER_BYTES = 4 * 2**20


@dataclass(frozen=True, slots=True)
class CoverPage:
    submission_type: str  # 13F-HR, 13F-HR/A, 13F-NT, ...
    cik: str | None
    filer_name: str | None
    period: dt.date | None
    signature_date: dt.date | None
    report_type: str | None  # "13F HOLDINGS REPORT", "13F NOTICE", "13F COMBINATION REPORT"
    amendment_type: AmendmentType | None
    entry_total: int | None
    value_total: int | None


def parse_edgar_date(text: str | None) -> dt.date | None:
    """MM-DD-YYYY (cover pages), YYYYMMDD (SEC headers) or ISO YYYY-MM-DD."""
    if not text:
        return None
    s = text.strip()
    for fmt in ("%m-%d-%Y", "%Y%m%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _int_or_none(text: str | None, field: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip().replace(",", ""))
    except ValueError:
        raise FilingFormatError(
            f"cover page <{field}> is {text.strip()!r}, not a whole number"
        ) from None


def parse_cover_page(data: bytes, what: str = "the cover page") -> CoverPage:
    feed = SecureFeed(what, MAX_COVER_BYTES)
    feed.feed(data)
    root = feed.close()
    if local_name(root.tag) != "edgarSubmission":
        raise FilingFormatError(
            f"{what} is not a 13F cover page (its root element is <{local_name(root.tag)}>)"
        )
    first: dict[str, str] = {}
    # The filing manager's <name> sits in coverPage/filingManager; the signer's in
    # signatureBlock. Keep the first of each name, and that one specially.
    manager_name = None
    for el in root.iter():
        name = local_name(el.tag)
        if not name:
            continue
        text = (el.text or "").strip()
        if name == "name" and manager_name is None:
            parent = el.getparent()
            if parent is not None and local_name(parent.tag) == "filingManager":
                manager_name = text
        first.setdefault(name, text)
    submission = first.get("submissionType", "").upper()
    if not submission:
        raise FilingFormatError(f"{what} has no <submissionType>")
    amendment = first.get("amendmentType", "").upper() or None
    if amendment is not None:
        try:
            amendment_type: AmendmentType | None = AmendmentType(amendment)
        except ValueError:
            raise FilingFormatError(f"{what}: unknown amendment type {amendment!r}") from None
    else:
        amendment_type = None
    return CoverPage(
        submission_type=submission,
        cik=first.get("cik") or None,
        filer_name=manager_name,
        period=parse_edgar_date(first.get("periodOfReport") or first.get(
            "reportCalendarOrQuarter")),
        signature_date=parse_edgar_date(first.get("signatureDate")),
        report_type=first.get("reportType", "").upper() or None,
        amendment_type=amendment_type,
        entry_total=_int_or_none(first.get("tableEntryTotal"), "tableEntryTotal"),
        value_total=_int_or_none(first.get("tableValueTotal"), "tableValueTotal"),
    )
