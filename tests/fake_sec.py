"""A local stand-in for EDGAR and OpenFIGI (127.0.0.1, random port), answering like them:
same paths, JSON shapes, status codes, Retry-After, refusals of undeclared clients, hangs."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.builders import Row, cover_page, info_table, submission

SAMPLES = Path(__file__).parent / "data" / "13f"  # real EDGAR files, copied from shared/
NVIDIA_CIK = "0001045810"
# EDGAR's answer to a client without a declared User-Agent (abridged, same status).
UNDECLARED = (b"<html><body><h1>Your Request Originates from an Undeclared Automated Tool"
              b"</h1><p>Please declare your traffic by updating your user agent to include "
              b"company specific information.</p></body></html>")  # fmt: skip
_DECLARED = re.compile(r"\S+@\S+\.\S+")


@dataclass
class Logged:
    at: float  # time.monotonic() when the request arrived
    method: str
    path: str
    user_agent: str | None
    api_key: str | None
    jobs: int = 0


@dataclass
class Filer:
    cik: str
    name: str
    entries: list[dict] = field(default_factory=list)  # newest first, like EDGAR
    older: list[list[dict]] = field(default_factory=list)  # older pages, newest first


class FakeSec:
    """EDGAR's data and archives hosts and OpenFIGI's API on one local server."""

    def __init__(self) -> None:
        self.filers: dict[str, Filer] = {}
        self.archives: dict[str, bytes] = {}
        self.tickers: list[tuple[str, str, str]] = []  # (cik, ticker, title)
        self.companies: list[tuple[str, str]] = []  # (cik, name) for the company search
        self.canned: dict[str, bytes] = {}  # path -> a JSON body served as it is
        self.facts: dict[str, dict] = {}
        self.figi: dict[str, list[dict]] = {}
        self.figi_key: str | None = None
        self.log: list[Logged] = []
        self.faults: dict[str, list[tuple]] = defaultdict(list)  # path -> queued answers
        self.hang: set[str] = set()  # paths that never answer
        self.fail_from: dict[str, tuple[int, int]] = {}  # path -> (nth request on, status)
        self._seen: dict[str, int] = defaultdict(int)
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    # -- content --------------------------------------------------------------------------
    def add_filer(self, cik: str, name: str) -> Filer:
        cik = cik.zfill(10)
        return self.filers.setdefault(cik, Filer(cik, name))

    def add_filing(self, cik: str, accession: str, form: str, filed: dt.date,
                   period: dt.date | None, text: str | bytes | None = None,
                   page: int | None = None) -> None:  # fmt: skip
        """List a filing in the submissions index (newest first); `text` is its archive."""
        filer = self.filers[cik.zfill(10)]
        entry = {"accessionNumber": accession, "filingDate": filed.isoformat(),
                 "reportDate": period.isoformat() if period else "", "form": form,
                 "primaryDocument": "primary_doc.xml" if form.startswith("13F") else "doc.htm"}
        target = filer.entries if page is None else filer.older[page]
        target.append(entry)
        target.sort(key=lambda e: e["filingDate"], reverse=True)
        if text is not None:
            path = (f"/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/"
                    f"{accession}.txt")  # fmt: skip
            self.archives[path] = text.encode() if isinstance(text, str) else text

    def add_figi(self, cusip: str, ticker: str, name: str, *, extra: list[dict] | None = None,
                 security_type2: str = "Common Stock") -> None:  # fmt: skip
        figi = "BBG" + str(abs(hash(cusip)) % 10**9).zfill(9)
        self.figi[cusip] = [{
            "figi": figi, "name": name.upper(), "ticker": ticker, "exchCode": "US",
            "compositeFIGI": figi, "securityType": "Common Stock", "marketSector": "Equity",
            "shareClassFIGI": "BBG00" + figi[-7:], "securityType2": security_type2,
            "securityDescription": ticker,
        }] + (extra or [])  # fmt: skip

    def add_shares_outstanding(self, cik: str, name: str, facts: list[tuple[str, int, str]]
                               ) -> None:  # fmt: skip
        """(end date, shares, accession) facts under dei:EntityCommonStockSharesOutstanding."""
        cik = cik.zfill(10)
        self.facts[cik] = {"cik": int(cik), "entityName": name, "facts": {"dei": {
            "EntityCommonStockSharesOutstanding": {
                "label": "Entity Common Stock, Shares Outstanding",
                "description": "Indicate number of shares outstanding.",
                "units": {"shares": [
                    {"end": end, "val": val, "accn": accn, "fy": int(end[:4]), "fp": "Q2",
                     "form": "10-Q", "filed": end, "frame": f"CY{end[:4]}Q2I"}
                    for end, val, accn in facts]}}}}}  # fmt: skip

    # -- what happened --------------------------------------------------------------------
    def requests_to(self, prefix: str) -> list[Logged]:
        return [r for r in self.log if r.path.startswith(prefix)]

    def sec_requests(self) -> list[Logged]:
        return [r for r in self.log if not r.path.startswith("/v3/")]

    def max_in_any_second(self, requests: list[Logged] | None = None) -> int:
        times = sorted(r.at for r in (self.sec_requests() if requests is None else requests))
        best = 0
        j = 0
        for i, t in enumerate(times):
            while times[j] <= t - 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best


def _handler(fake: FakeSec):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:  # fmt: skip
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, data, status: int = 200) -> None:
            self._send(status, json.dumps(data).encode())

        def _begin(self, jobs: int = 0) -> bool:
            """Log the request and play any programmed fault; False if answered."""
            entry = Logged(time.monotonic(), self.command, self.path,
                           self.headers.get("User-Agent"), self.headers.get("X-OPENFIGI-APIKEY"),
                           jobs)  # fmt: skip
            with fake._lock:
                fake.log.append(entry)
                fault = fake.faults[self.path].pop(0) if fake.faults.get(self.path) else None
                fake._seen[self.path] += 1
                nth, status = fake.fail_from.get(self.path, (0, 0))
                if nth and fake._seen[self.path] >= nth and fault is None:
                    fault = ("status", status, {})
            if self.path in fake.hang or (fault and fault[0] == "hang"):
                fake.released.wait(fault[1] if fault and len(fault) > 1 else 60)
                return False
            if fault:
                _, status, headers = fault
                self._send(status, b'{"message": "fault"}', headers=headers)
                return False
            return True

        def do_GET(self) -> None:
            if not self._begin():
                return
            if not _DECLARED.search(self.headers.get("User-Agent") or ""):
                self._send(403, UNDECLARED, "text/html")
                return
            path = self.path
            m = re.fullmatch(r"/submissions/CIK(\d{10})\.json", path)
            if m and m.group(1) in fake.filers:
                f = fake.filers[m.group(1)]
                self._json(_submissions(f))
                return
            m = re.fullmatch(r"/submissions/CIK(\d{10})-submissions-(\d{3})\.json", path)
            older = fake.filers[m.group(1)].older if m and m.group(1) in fake.filers else []
            if m and 1 <= int(m.group(2)) <= len(older):
                self._json(_columns(older[int(m.group(2)) - 1]))
                return
            if path in fake.archives:
                self._send(200, fake.archives[path], "text/plain")
                return
            if path in fake.canned:
                self._send(200, fake.canned[path])
                return
            if path.startswith("/LATEST/search-index?"):
                self._json(_company_hints(fake.companies, path))
                return
            if path == "/files/company_tickers.json":
                self._json({str(i): {"cik_str": int(c), "ticker": t, "title": n}
                            for i, (c, t, n) in enumerate(fake.tickers)})  # fmt: skip
                return
            m = re.fullmatch(r"/api/xbrl/companyfacts/CIK(\d{10})\.json", path)
            if m and m.group(1) in fake.facts:
                self._json(fake.facts[m.group(1)])
                return
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                jobs = json.loads(body)
            except ValueError:
                jobs = None
            if not self._begin(len(jobs) if isinstance(jobs, list) else 0):
                return
            if self.path != "/v3/mapping":
                self._send(404, b'{"error": "Not found"}')
                return
            key = self.headers.get("X-OPENFIGI-APIKEY")
            if key is not None and key != fake.figi_key:
                self._send(401, b'{"error": "Invalid API key."}')
                return
            if not isinstance(jobs, list):
                self._send(400, b'{"error": "Request body must be a JSON array."}')
                return
            limit = 100 if key else 10
            if len(jobs) > limit:
                self._send(413, json.dumps({"error": f"Too many mapping jobs in request "
                                            f"(max {limit})."}).encode())  # fmt: skip
                return
            out = []
            for job in jobs:
                rows = fake.figi.get(job.get("idValue"), [])
                rows = [r for r in rows if r["exchCode"] == job.get("exchCode", r["exchCode"])]
                out.append({"data": rows} if rows else {"warning": "No identifier found."})
            self._json(out)

    return Handler


def _company_hints(companies: list[tuple[str, str]], path: str) -> dict:
    """efts.sec.gov's hints for `keysTyped`: entities with a name word starting with each
    typed word, at most ten, in EDGAR's envelope (an Elasticsearch answer)."""
    typed = parse_qs(urlsplit(path).query).get("keysTyped", [""])[0].lower().split()
    hits = []
    for cik, name in companies:
        words = name.lower().split()
        if typed and all(any(w.startswith(t) for w in words) for t in typed):
            hits.append({"_index": "edgar_file", "_id": str(int(cik)), "_score": 10.0 - len(hits),
                         "_source": {"entity": name, "entity_words": name.lower(),
                                     "tickers": None, "rank": 1}})  # fmt: skip
    hits = hits[:10]
    return {"took": 3, "timed_out": False, "hits": {"total": {"value": len(hits),
            "relation": "eq"}, "max_score": 10.0 if hits else None, "hits": hits}}  # fmt: skip


def _columns(entries: list[dict]) -> dict:
    """EDGAR's column layout: one list per field, filings newest first."""
    fields = ("accessionNumber", "filingDate", "reportDate", "acceptanceDateTime", "act",
              "form", "fileNumber", "filmNumber", "items", "core_type", "size", "isXBRL",
              "isInlineXBRL", "primaryDocument", "primaryDocDescription")  # fmt: skip
    out: dict[str, list] = {k: [] for k in fields}
    for e in entries:
        for k in fields:
            default = {"acceptanceDateTime": e["filingDate"] + "T16:05:12.000Z", "act": "34",
                       "fileNumber": "028-00001", "filmNumber": "26123456", "items": "",
                       "core_type": e["form"], "size": 4321, "isXBRL": 0, "isInlineXBRL": 0,
                       "primaryDocDescription": ""}.get(k, "")  # fmt: skip
            out[k].append(e.get(k, default))
    return out


def _submissions(f: Filer) -> dict:
    files = []
    for i, page in enumerate(f.older, start=1):
        dates = sorted(e["filingDate"] for e in page)
        files.append({"name": f"CIK{f.cik}-submissions-{i:03d}.json", "filingCount": len(page),
                      "filingFrom": dates[0] if dates else "", "filingTo": dates[-1] if dates
                      else ""})  # fmt: skip
    return {"cik": str(int(f.cik)), "entityType": "operating", "sic": "3674",
            "name": f.name, "tickers": [], "exchanges": [], "formerNames": [],
            "filings": {"recent": _columns(f.entries), "files": files}}  # fmt: skip


# -- content built from real filings ------------------------------------------------------
def edgar_date(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def filing_text(cik: str, name: str, accession: str, period: dt.date, filed: dt.date,
                rows: list[Row], form: str = "13F-HR", amendment: str | None = None) -> str:
    """A full submission text file, shaped like EDGAR's, for these rows."""
    cover = cover_page(form=form, cik=cik, name=name, period=period.strftime("%m-%d-%Y"),
                       signed=filed.strftime("%m-%d-%Y"), entries=len(rows),
                       total=sum(int(r.value) for r in rows), amendment=amendment)  # fmt: skip
    return submission(accession, cover, info_table(rows), form=form, period=edgar_date(period),
                      filed=edgar_date(filed), cik=cik, name=name)  # fmt: skip


def nvidia_filings() -> list[tuple[str, dt.date, dt.date, list[Row]]]:
    """NVIDIA's bundled filings as (accession, period, filed, rows)."""
    from core.services.seeding import bundled_filings

    out = []
    for header, rows in bundled_filings():
        out.append((header.accession, header.period, header.filed, [
            Row(cusip=r.cusip, issuer=r.issuer.split(" [")[0].upper(), title=r.title_of_class,
                value=r.value, shares=r.shares, share_type=r.share_type or "SH",
                put_call=r.put_call, discretion=r.investment_discretion or "SOLE")
            for r in rows
        ]))  # fmt: skip
    return out


NEW_NVIDIA = "0001045810-26-000301"  # a test filing for period 2026-09-30 (not real data)


def serve_nvidia(fake: FakeSec, *, with_new: bool = True, others: bool = True) -> None:
    """NVIDIA's index: its bundled 13F-HRs, other forms it files, and (with_new) a test
    filing for 2026-09-30: the 2026-06-30 book with two new positions and one sold out."""
    fake.add_filer(NVIDIA_CIK, "NVIDIA CORP")
    filings = nvidia_filings()
    for acc, period, filed, rows in filings:
        fake.add_filing(NVIDIA_CIK, acc, "13F-HR", filed, period,
                        filing_text(NVIDIA_CIK, "NVIDIA CORP", acc, period, filed, rows))
    if others:
        for acc, form, filed in (("0001045810-26-000250", "10-Q", dt.date(2026, 8, 27)),
                                 ("0001045810-26-000260", "4", dt.date(2026, 9, 12)),
                                 ("0000950170-26-000111", "SC 13G", dt.date(2026, 10, 2)),
                                 ("0001045810-26-000290", "13F-NT", dt.date(2026, 11, 1))):
            fake.add_filing(NVIDIA_CIK, acc, form, filed, None, "not a 13F-HR")
    if with_new:
        _, _, _, last = filings[-1]
        rows = [r for r in last[1:]]  # the first (largest listed) row sold out
        rows += [Row(cusip="67066G104", issuer="NVIDIA CORP", title="COM", value=5_000_000,
                     shares=25_000),
                 Row(cusip="594918104", issuer="MICROSOFT CORP", title="COM", value=9_000_000,
                     shares=20_000)]  # fmt: skip
        fake.add_filing(NVIDIA_CIK, NEW_NVIDIA, "13F-HR", dt.date(2026, 11, 13),
                        dt.date(2026, 9, 30),
                        filing_text(NVIDIA_CIK, "NVIDIA CORP", NEW_NVIDIA, dt.date(2026, 9, 30),
                                    dt.date(2026, 11, 13), rows))  # fmt: skip


def serve_samples(fake: FakeSec) -> None:
    """The two real filers of the shared samples, each with its real submission file."""
    fake.add_filer("0001894188", "LTS One Management LP")
    fake.add_filing("0001894188", "0001894188-23-000007", "13F-HR", dt.date(2023, 11, 14),
                    dt.date(2023, 9, 30), (SAMPLES / "0001894188-23-000007.txt").read_bytes())
    fake.add_filer("0001994827", "Acorn Creek Capital LLC")
    fake.add_filing("0001994827", "0001951757-25-000093", "13F-HR", dt.date(2025, 1, 22),
                    dt.date(2024, 12, 31), (SAMPLES / "0001951757-25-000093.nc").read_bytes())


def serve_figi_for_bundled(fake: FakeSec) -> None:
    """OpenFIGI knows the bundled companies' CUSIPs with their tickers."""
    import csv
    from importlib import resources

    text = resources.files("resources.nvidia_13f").joinpath("companies.csv").read_text()
    for r in csv.DictReader(text.splitlines()):
        if r["ticker"]:
            fake.add_figi(r["cusip"], r["ticker"], r["name"])
