"""Write Form 13F data sets in the SEC's official format (zip of TSVs), small by hand or at
real size, so tests and bench/universe.py load what the SEC publishes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
SUBMISSION = ("ACCESSION_NUMBER", "FILING_DATE", "SUBMISSIONTYPE", "CIK", "PERIODOFREPORT")
COVERPAGE = ("ACCESSION_NUMBER", "REPORTCALENDARORQUARTER", "ISAMENDMENT", "AMENDMENTNO",
             "AMENDMENTTYPE", "CONFDENIEDEXPIRED", "DATEDENIEDEXPIRED", "DATEREPORTED",
             "REASONFORNONCONFIDENTIALITY", "FILINGMANAGER_NAME", "FILINGMANAGER_STREET1",
             "FILINGMANAGER_CITY", "FILINGMANAGER_STATEORCOUNTRY", "REPORTTYPE",
             "FORM13FFILENUMBER", "ADDITIONALINFORMATION")  # fmt: skip
SUMMARYPAGE = ("ACCESSION_NUMBER", "OTHERINCLUDEDMANAGERSCOUNT", "TABLEENTRYTOTAL",
               "TABLEVALUETOTAL", "ISCONFIDENTIALOMITTED")  # fmt: skip
INFOTABLE = ("ACCESSION_NUMBER", "INFOTABLE_SK", "NAMEOFISSUER", "TITLEOFCLASS", "CUSIP",
             "FIGI", "VALUE", "SSHPRNAMT", "SSHPRNAMTTYPE", "PUTCALL", "INVESTMENTDISCRETION",
             "OTHERMANAGER", "VOTING_AUTH_SOLE", "VOTING_AUTH_SHARED", "VOTING_AUTH_NONE")
OTHERS = {"OTHERMANAGER.tsv": ("ACCESSION_NUMBER", "OTHERMANAGER_SK", "CIK", "NAME"),
          "OTHERMANAGER2.tsv": ("ACCESSION_NUMBER", "SEQUENCENUMBER", "CIK", "NAME"),
          "SIGNATURE.tsv": ("ACCESSION_NUMBER", "NAME", "TITLE", "PHONE", "SIGNATURE", "CITY",
                            "STATEORCOUNTRY", "SIGNATUREDATE")}  # fmt: skip


def sec_date(d: dt.date) -> str:
    return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}"


@dataclass
class Holding:
    cusip: str
    value: int  # as filed (thousands before 2023-01-03, dollars after)
    shares: int
    issuer: str = "ISSUER INC"
    title: str = "COM"
    share_type: str = "SH"
    put_call: str | None = None  # "Put" / "Call", as the SEC writes them
    discretion: str = "SOLE"
    other_manager: str | None = None
    figi: str | None = None


@dataclass
class Filing:
    accession: str
    cik: str  # as the set writes it (no leading zeros)
    name: str
    period: dt.date
    filed: dt.date
    form: str = "13F-HR"
    amendment_type: str | None = None
    rows: list[Holding] = field(default_factory=list)
    report_type: str = "13F HOLDINGS REPORT"


def _writer(stream):
    # QUOTE_MINIMAL: a field holding '"' (or a tab or newline) is quoted, inner quotes doubled.
    return csv.writer(stream, delimiter="\t", quotechar='"', doublequote=True,
                      lineterminator="\n", quoting=csv.QUOTE_MINIMAL)  # fmt: skip


def _table(zf: zipfile.ZipFile, name: str, header: tuple[str, ...], rows) -> None:
    with zf.open(name, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        w = _writer(text)
        w.writerow(header)
        w.writerows(rows)
        text.flush()
        text.detach()


def write_set(path: Path, filings: list[Filing], *, figi: bool = True,
              level: int = 6) -> Path:  # fmt: skip
    """A data set zip holding `filings` (13F-NT ones with no rows)."""
    infotable = INFOTABLE if figi else tuple(c for c in INFOTABLE if c != "FIGI")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        _table(zf, "SUBMISSION.tsv", SUBMISSION, (
            (f.accession, sec_date(f.filed), f.form, f.cik, sec_date(f.period))
            for f in filings))
        _table(zf, "COVERPAGE.tsv", COVERPAGE, (
            (f.accession, sec_date(f.period), "Y" if f.form.endswith("/A") else "N",
             "1" if f.form.endswith("/A") else "", f.amendment_type or "", "", "", "", "",
             f.name, "1 MAIN ST", "NEW YORK", "NY",
             "13F NOTICE" if "NT" in f.form else f.report_type, "028-00001", "")
            for f in filings))  # fmt: skip
        _table(zf, "SUMMARYPAGE.tsv", SUMMARYPAGE, (
            (f.accession, "0", str(len(f.rows)), str(sum(h.value for h in f.rows)), "N")
            for f in filings if "NT" not in f.form))  # fmt: skip
        _table(zf, "INFOTABLE.tsv", infotable, _info_rows(filings, figi))
        for name, header in OTHERS.items():
            _table(zf, name, header, ())
        zf.writestr("FORM13F_metadata.json", json.dumps({"tables": [
            {"url": n} for n in ("SUBMISSION.tsv", "COVERPAGE.tsv", "INFOTABLE.tsv")]}))
        zf.writestr("FORM13F_readme.htm", "<html><body>Form 13F data sets</body></html>")
    return path


def _info_rows(filings: list[Filing], figi: bool):
    sk = 0
    for f in filings:
        for h in f.rows:
            sk += 1
            row = [f.accession, str(sk), h.issuer, h.title, h.cusip, h.figi or "", str(h.value),
                   str(h.shares), h.share_type, h.put_call or "", h.discretion,
                   h.other_manager or "", "0", "0", str(h.shares)]  # fmt: skip
            if not figi:
                del row[5]
            yield row


# -- real size ---------------------------------------------------------------------------------
def cusip_with_check(base8: str) -> str:
    """A CUSIP whose ninth character is the right check digit."""
    total = 0
    for i, ch in enumerate(base8):
        v = int(ch) if ch.isdigit() else ord(ch) - 55
        if i % 2:
            v *= 2
        total += v // 10 + v % 10
    return base8 + str((10 - total % 10) % 10)


def big_set(path: Path, *, filings: int = 11_852, rows: int = 3_830_000, cusips: int = 25_000,
            period: dt.date = dt.date(2026, 6, 30), filed: dt.date = dt.date(2026, 8, 14),
            seed: int = 1, first_accession: int = 1, level: int = 1) -> dict:  # fmt: skip
    """A quarter at real size, streamed into the zip (never all rows in memory). Filers are
    CIKs 1..`filings` (the same every quarter, so holders change between quarters); book
    sizes are skewed like the real ones (a few filers hold thousands of rows). Returns a
    few facts about what it wrote."""
    rng = random.Random(seed)
    names = [cusip_with_check(f"{i:06d}10") for i in range(cusips)]
    weights = [1.0 / (i + 10) for i in range(cusips)]  # popular securities are few
    sizes = [rng.paretovariate(1.1) for _ in range(filings)]
    scale = rows / sum(sizes)
    counts = [max(1, int(s * scale)) for s in sizes]
    counts[0] += rows - sum(counts)  # the largest books absorb the rounding
    if counts[0] < 1:
        counts[0] = 1
    book = [Filing(f"{9000000000 + first_accession + i:010d}-26-{i:06d}", str(i + 1),
                   f"FILER {i + 1} CAPITAL MANAGEMENT LLC", period, filed)
            for i in range(filings)]  # fmt: skip

    def info():
        sk = 0
        for f, n in zip(book, counts, strict=True):
            picks = rng.choices(range(cusips), weights, k=min(n, cusips)) if n < cusips else \
                list(range(cusips)) + rng.choices(range(cusips), weights, k=n - cusips)
            for c in picks:
                sk += 1
                shares = rng.randint(1, 5_000_000)
                yield (f.accession, sk, f"ISSUER {c}", "COM", names[c], "", shares * 37,
                       shares, "SH", "", "SOLE", "", shares, 0, 0)  # fmt: skip

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        _table(zf, "SUBMISSION.tsv", SUBMISSION, (
            (f.accession, sec_date(f.filed), f.form, f.cik, sec_date(f.period)) for f in book))
        _table(zf, "COVERPAGE.tsv", COVERPAGE, (
            (f.accession, sec_date(f.period), "N", "", "", "", "", "", "", f.name, "1 MAIN ST",
             "NEW YORK", "NY", f.report_type, "028-00001", "") for f in book))  # fmt: skip
        _table(zf, "SUMMARYPAGE.tsv", SUMMARYPAGE, (
            (f.accession, "0", str(n), "", "N") for f, n in zip(book, counts, strict=True)))
        _table(zf, "INFOTABLE.tsv", INFOTABLE, info())
        for name, header in OTHERS.items():
            _table(zf, name, header, ())
        zf.writestr("FORM13F_metadata.json", "{}")
        zf.writestr("FORM13F_readme.htm", "<html></html>")
    return {"filings": filings, "rows": sum(counts), "cusips": names}
