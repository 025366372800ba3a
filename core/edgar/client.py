"""EDGAR's endpoints: the submissions index, archived filings, the ticker list, XBRL facts."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from core.edgar.http import (
    SEC_LIMITER,
    Deadline,
    HttpClient,
    HttpError,
    RateLimiter,
    stakewatch_version,
    user_agent,
)

DATA_URL_ENV = "STAKEWATCH_SEC_DATA_URL"
ARCHIVES_URL_ENV = "STAKEWATCH_SEC_ARCHIVES_URL"
DEFAULT_DATA_URL = "https://data.sec.gov"
DEFAULT_ARCHIVES_URL = "https://www.sec.gov"
FORMS_13F = frozenset({"13F-HR", "13F-HR/A"})


def edgar_urls() -> tuple[str, str]:
    """The data host and the archives host (settings for mirrors and tests)."""
    data = os.environ.get(DATA_URL_ENV, "").strip() or DEFAULT_DATA_URL
    archives = os.environ.get(ARCHIVES_URL_ENV, "").strip() or DEFAULT_ARCHIVES_URL
    return data.rstrip("/"), archives.rstrip("/")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One filing as the submissions index lists it."""

    accession: str
    form: str
    filed: dt.date
    period: dt.date | None
    primary_document: str


@dataclass(frozen=True, slots=True)
class FilerIndex:
    cik: str
    name: str
    filings: tuple[IndexEntry, ...]  # every form, newest first as EDGAR lists them
    pages_read: int


@dataclass(frozen=True, slots=True)
class SharesOutstanding:
    shares: int
    as_of: dt.date
    accession: str | None


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _columns(block: dict) -> list[IndexEntry]:
    """EDGAR's column layout (parallel lists) turned into entries."""
    acc = block.get("accessionNumber") or []
    forms = block.get("form") or []
    filed = block.get("filingDate") or []
    report = block.get("reportDate") or []
    docs = block.get("primaryDocument") or []
    out = []
    for i, accession in enumerate(acc):
        filed_on = _date(filed[i] if i < len(filed) else None)
        if filed_on is None or i >= len(forms):
            continue
        out.append(IndexEntry(
            accession=str(accession), form=str(forms[i]), filed=filed_on,
            period=_date(report[i] if i < len(report) else None),
            primary_document=str(docs[i]) if i < len(docs) else "",
        ))  # fmt: skip
    return out


def cik10(cik: str | int) -> str:
    return str(int(str(cik).strip())).zfill(10)


class EdgarClient:
    """Requests to EDGAR, each declared and rate-limited; the limiter is process-wide."""

    def __init__(self, contact: str, *, data_url: str | None = None,
                 archives_url: str | None = None, limiter: RateLimiter = SEC_LIMITER,
                 timeout: float = 30.0) -> None:  # fmt: skip
        default_data, default_archives = edgar_urls()
        self.data_url = (data_url or default_data).rstrip("/")
        self.archives_url = (archives_url or default_archives).rstrip("/")
        self.user_agent = user_agent(stakewatch_version(), contact)
        self.http = HttpClient({"User-Agent": self.user_agent,
                                "Accept-Encoding": "identity"}, limiter, timeout=timeout)

    @property
    def requests(self) -> int:
        return self.http.requests

    def filer_index(self, cik: str, deadline: Deadline, since: dt.date | None = None) -> FilerIndex:
        """The filer's filings: `filings.recent`, plus the older pages in `filings.files`
        only where they reach back to `since` (None: recent only)."""
        data = self.http.get_json(f"{self.data_url}/submissions/CIK{cik10(cik)}.json", deadline)
        if not isinstance(data, dict) or not isinstance(data.get("filings"), dict):
            raise HttpError("the submissions index has an unexpected shape")
        filings = data["filings"]
        entries = _columns(filings.get("recent") or {})
        pages = 1
        oldest = min((e.filed for e in entries), default=None)
        if since is not None and (oldest is None or since < oldest):
            for page in filings.get("files") or []:
                newest_in_page = _date(page.get("filingTo"))
                if newest_in_page is not None and newest_in_page < since:
                    continue  # the page ends before what we want
                name = str(page.get("name", ""))
                if not name.endswith(".json") or "/" in name:
                    continue
                older = self.http.get_json(f"{self.data_url}/submissions/{name}", deadline)
                if isinstance(older, dict):
                    entries.extend(_columns(older))
                pages += 1
        name = str(data.get("name") or f"CIK {cik10(cik)}").strip()
        return FilerIndex(cik10(cik), name, tuple(entries), pages)

    def filer_name(self, cik: str, deadline: Deadline) -> tuple[str, bool]:
        """The filer's name and whether it has filed a 13F-HR lately."""
        index = self.filer_index(cik, deadline)
        return index.name, any(e.form in FORMS_13F for e in index.filings)

    def archive_url(self, cik: str, accession: str) -> str:
        return (f"{self.archives_url}/Archives/edgar/data/{int(cik)}/"
                f"{accession.replace('-', '')}/{accession}.txt")  # fmt: skip

    def download_filing(self, cik: str, accession: str, target: Path, deadline: Deadline) -> int:
        """The full submission text file (cover page and information table in one)."""
        return self.http.download(self.archive_url(cik, accession), target, deadline)

    def company_tickers(self, deadline: Deadline) -> dict[str, str]:
        """Ticker -> CIK (10 digits) from EDGAR's company_tickers.json."""
        data = self.http.get_json(f"{self.archives_url}/files/company_tickers.json", deadline)
        if not isinstance(data, dict):
            raise HttpError("company_tickers.json has an unexpected shape")
        out: dict[str, str] = {}
        for item in data.values():
            if isinstance(item, dict) and item.get("ticker") and item.get("cik_str") is not None:
                out.setdefault(str(item["ticker"]).upper(), cik10(item["cik_str"]))
        return out

    def shares_outstanding(self, cik: str, deadline: Deadline) -> SharesOutstanding | None:
        """The latest dei:EntityCommonStockSharesOutstanding; None when not reported, or
        when several classes report on the same date (their sum is not this security)."""
        url = f"{self.data_url}/api/xbrl/companyfacts/CIK{cik10(cik)}.json"
        try:
            data = self.http.get_json(url, deadline)
        except HttpError as exc:
            if exc.status == 404:
                return None  # no XBRL facts filed
            raise
        return latest_shares_outstanding(data)


def latest_shares_outstanding(data: object) -> SharesOutstanding | None:
    try:
        units = data["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]  # type: ignore[index]
        facts = units["shares"]
    except (KeyError, TypeError):
        return None
    dated = [(d, f) for f in facts if isinstance(f, dict) and (d := _date(f.get("end")))]
    if not dated:
        return None
    latest = max(d for d, _ in dated)
    values = {int(f["val"]) for d, f in dated if d == latest and isinstance(f.get("val"), int)}
    if len(values) != 1:
        return None  # several classes on one date: their counts are not this security's
    accns = sorted(str(f["accn"]) for d, f in dated if d == latest and f.get("accn"))
    (shares,) = values
    if shares <= 0:
        return None
    return SharesOutstanding(shares, latest, accns[-1] if accns else None)
