"""EDGAR's endpoints: the submissions index, archived filings, the ticker list, XBRL facts."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.domain.text import one_line
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
    refused: tuple[str, ...] = ()  # listed "accessions" that are not (shown with repr)


@dataclass(frozen=True, slots=True)
class SharesOutstanding:
    shares: int
    as_of: dt.date
    accession: str | None


ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_CIK = re.compile(r"[0-9]{1,10}")
_OLDER_PAGE = re.compile(r"CIK[0-9]{10}-submissions-[0-9]{3}\.json")
_COLUMNS = ("accessionNumber", "form", "filingDate", "reportDate", "primaryDocument")
MAX_SHARES = 10**15  # more shares than any company has: a bad answer, not a count


class IndexShapeError(HttpError):
    """The submissions index is not shaped like EDGAR's; the message says where."""


def _date(text: object) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def is_accession(text: object) -> bool:
    return isinstance(text, str) and ACCESSION.fullmatch(text) is not None


def _columns(block: object, where: str, refused: list[str]) -> list[IndexEntry]:
    """EDGAR's column layout (parallel lists) turned into entries. An accession that is
    not one (`../../x`, an absolute path, a number) is refused here, before any URL or
    file name is built from it."""
    if not isinstance(block, dict):
        raise IndexShapeError(f"'{where}' is not an object")
    cols = {}
    for key in _COLUMNS:
        value = block.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise IndexShapeError(f"'{where}.{key}' is not a list")
        cols[key] = value
    acc, forms, filed = cols["accessionNumber"], cols["form"], cols["filingDate"]
    report, docs = cols["reportDate"], cols["primaryDocument"]
    out = []
    for i, accession in enumerate(acc):
        filed_on = _date(filed[i] if i < len(filed) else None)
        form = forms[i] if i < len(forms) else None
        if filed_on is None or not isinstance(form, str):
            continue
        if not is_accession(accession):
            refused.append(_shown(accession))
            continue
        doc = docs[i] if i < len(docs) else ""
        out.append(IndexEntry(
            accession=accession, form=form[:20], filed=filed_on,
            period=_date(report[i] if i < len(report) else None),
            primary_document=doc[:200] if isinstance(doc, str) else "",
        ))  # fmt: skip
    return out


def _shown(value: object) -> str:
    """A refused value as it can be named in one line: repr'd, its middle cut if long."""
    r = repr(value)
    return r if len(r) <= 80 else r[:40] + "..." + r[-37:]


def cik10(cik: str | int) -> str:
    """The CIK as EDGAR's ten digits; ValueError unless it is 1 to 10 ASCII digits."""
    text = str(cik).strip()
    if not _CIK.fullmatch(text) or int(text) == 0:
        raise ValueError(f"{text[:20]!r} is not a CIK")
    return text.zfill(10)


def _name(value: object, cik: str) -> str:
    """A filer's name as EDGAR gives it, if it is plain printable text; else its CIK."""
    if isinstance(value, str):
        text = one_line(value)
        if text and len(text) <= 200 and text.isprintable():
            return text
    return f"CIK {cik}"


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
        only where they reach back to `since` (None: recent only). IndexShapeError when
        the index is not shaped like EDGAR's."""
        cik = cik10(cik)
        data = self.http.get_json(f"{self.data_url}/submissions/CIK{cik}.json", deadline)
        if not isinstance(data, dict):
            raise IndexShapeError("not a JSON object")
        filings = data.get("filings")
        if not isinstance(filings, dict):
            raise IndexShapeError("'filings' is not an object")
        refused: list[str] = []
        entries = _columns(filings.get("recent") or {}, "filings.recent", refused)
        pages = 1
        files = filings.get("files") or []
        if not isinstance(files, list):
            raise IndexShapeError("'files' is not a list")
        oldest = min((e.filed for e in entries), default=None)
        if since is not None and (oldest is None or since < oldest):
            for page in files:
                if not isinstance(page, dict):
                    raise IndexShapeError("an entry of 'files' is not an object")
                newest_in_page = _date(page.get("filingTo"))
                if newest_in_page is not None and newest_in_page < since:
                    continue  # the page ends before what we want
                name = page.get("name")
                if not isinstance(name, str) or not _OLDER_PAGE.fullmatch(name):
                    raise IndexShapeError(f"'files' names {str(name)[:60]!r}, not a page of "
                                          "the index")  # fmt: skip
                older = self.http.get_json(f"{self.data_url}/submissions/{name}", deadline)
                entries.extend(_columns(older, name, refused))
                pages += 1
        return FilerIndex(cik, _name(data.get("name"), cik), tuple(entries), pages,
                          tuple(refused))  # fmt: skip

    def filer_name(self, cik: str, deadline: Deadline) -> tuple[str, bool]:
        """The filer's name and whether it has filed a 13F-HR lately."""
        index = self.filer_index(cik, deadline)
        return index.name, any(e.form in FORMS_13F for e in index.filings)

    def archive_url(self, cik: str, accession: str) -> str:
        """The submission's address, built only from a checked CIK and accession."""
        if not is_accession(accession):
            raise ValueError(f"{str(accession)[:60]!r} is not an accession number")
        return (f"{self.archives_url}/Archives/edgar/data/{int(cik10(cik))}/"
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
            if not isinstance(item, dict):
                continue
            ticker, cik = item.get("ticker"), item.get("cik_str")
            if not isinstance(ticker, str) or not 0 < len(ticker) <= 12:
                continue
            if isinstance(cik, bool) or not isinstance(cik, int | str):
                continue
            try:
                out.setdefault(ticker.upper(), cik10(cik))
            except ValueError:
                continue  # not a CIK: nothing is asked with it
        return out

    def shares_outstanding(self, cik: str, deadline: Deadline) -> SharesOutstanding | None:
        """The latest dei:EntityCommonStockSharesOutstanding; None when not reported, or
        when several classes report on the same date (their sum is not this security)."""
        url = f"{self.data_url}/api/xbrl/companyfacts/CIK{cik10(cik)}.json"  # checked digits
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
    if not isinstance(facts, list):
        return None
    dated = [(d, f) for f in facts if isinstance(f, dict) and (d := _date(f.get("end")))]
    if not dated:
        return None
    latest = max(d for d, _ in dated)
    values = {f["val"] for d, f in dated if d == latest and type(f.get("val")) is int}
    if len(values) != 1:
        return None  # several classes on one date: their counts are not this security's
    accns = sorted(f["accn"] for d, f in dated if d == latest and is_accession(f.get("accn")))
    (shares,) = values
    if not 0 < shares <= MAX_SHARES:
        return None
    return SharesOutstanding(shares, latest, accns[-1] if accns else None)
