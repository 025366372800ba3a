"""Seed a new database with NVIDIA's bundled 13F history: idempotent, never overwriting."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from core.storage import quick_reads

if TYPE_CHECKING:
    from core.domain.filings import FilingHeader, FilingRow
    from core.storage.database import Database

NVIDIA_CIK = "0001045810"
NVIDIA_NAME = "NVIDIA Corp"
EDGAR_INDEX = "https://www.sec.gov/Archives/edgar/data/1045810/{}/"
# The bundled README: investment discretion is DFND for these, SOLE for all others.
_DFND = {"M70700105", "90089L108", "950915108"}
_UNSEEN = {"", "unverified"}


@dataclass(frozen=True, slots=True)
class SeedReport:
    companies_added: int
    filings_added: int
    rows_added: int


SEED_KEY = "seed.nvidia_13f"
FOLLOW_KEY = "seed.nvidia_followed"


def _text(name: str) -> str:
    return resources.files("resources.nvidia_13f").joinpath(name).read_text(encoding="utf-8")


def _read(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(name))))


def bundle_version() -> str:
    """A fingerprint of the bundled files: seeding reruns only when they change."""
    h = hashlib.sha256()
    for name in ("companies.csv", "holdings.csv"):
        h.update(_text(name).encode())
    return h.hexdigest()[:16]


def bundled_filings() -> list[tuple[FilingHeader, list[FilingRow]]]:
    """The bundled holdings.csv as filings, rows in file order."""
    from core.domain.filings import FilingHeader, FilingRow, FormType

    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rec in _read("holdings.csv"):
        grouped[rec["accession"]].append(rec)
    out = []
    for accession, recs in grouped.items():
        first = recs[0]
        header = FilingHeader(
            accession=accession,
            cik=NVIDIA_CIK,
            filer_name=NVIDIA_NAME,
            form_type=FormType.HOLDINGS,
            period=dt.date.fromisoformat(first["period_of_report"]),
            filed=dt.date.fromisoformat(first["filed_date"]),
            source="bundled resources/nvidia_13f/holdings.csv; EDGAR: "
            + EDGAR_INDEX.format(accession.replace("-", "")),
        )
        rows = [
            FilingRow(
                issuer=r["issuer"],
                title_of_class=r["title_of_class"],
                cusip=r["cusip"],
                value=int(r["value_usd"]),
                shares=int(r["shares"]),
                share_type=None if r["share_type"] in _UNSEEN else r["share_type"],
                put_call=None if r["put_call"] in _UNSEEN else r["put_call"].upper(),
                investment_discretion="DFND" if r["cusip"] in _DFND else "SOLE",
                provenance=f"{r['status']}: {r['source']}",
            )
            for r in recs
        ]
        out.append((header, rows))
    return out


def seed(db: Database) -> SeedReport:
    """Add what is missing of the bundled filings, then load the bundled CUSIP map if it
    changed (each in one transaction); change nothing else. Seeded already (the usual
    start): one Core read, no ORM (callers hold the setup lock)."""
    from core.services.cusip_master import load_bundled_map

    meta = quick_reads.meta(db)
    version = bundle_version()
    report = _seed_filings(db, meta, version)
    load_bundled_map(db, meta, version)
    return report


def _seed_filings(db: Database, meta: dict[str, str], version: str) -> SeedReport:
    if meta.get(SEED_KEY) == version:
        return SeedReport(0, 0, 0)
    from core.domain.filings import RowBatch
    from core.storage.repositories import Repository
    from core.storage.sync_store import SyncStore

    companies = [
        {
            "cusip": r["cusip"],
            "ticker": r["ticker"] or None,
            "name": r["name"],
            "exchange": r["exchange"] or None,
            "note": r["note"] or None,
            "origin": "bundled",
        }
        for r in _read("companies.csv")
    ]
    filings_added = rows_added = 0
    with db.session() as s:
        repo = Repository(s)
        companies_added = repo.add_companies_if_absent(companies)
        portfolio = repo.filer_portfolio(NVIDIA_CIK, NVIDIA_NAME)
        if repo.get_meta(FOLLOW_KEY) is None:  # followed once, from the first start;
            SyncStore(s).set_followed(portfolio.id, True)  # an unfollow then sticks
            repo.set_meta(FOLLOW_KEY, "1")
        for header, rows in bundled_filings():
            if repo.filing_exists(header.accession):
                continue
            filing_id = repo.add_filing(portfolio, header)
            repo.add_rows(filing_id, 1, RowBatch.from_rows(rows), header.value_unit.multiplier)
            filings_added += 1
            rows_added += len(rows)
        repo.set_meta(SEED_KEY, version)
    return SeedReport(companies_added, filings_added, rows_added)
