"""The bundled CUSIP map: loaded at `init` and on upgrade, so every import names its
securities with no network; and what one security is known as (`companies show`)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from core.domain import ticker_map as tm
from core.storage import quick_reads

if TYPE_CHECKING:
    from core.storage.database import Database

MAP_KEY = "seed.cusip_map"
# Bumped when the way the map is resolved changes: databases rebuild their master then.
RESOLVER_VERSION = "1"
SEED_FILE = "cusip_tickers.csv.gz"
SEC_LIST_FILE = "company_tickers_exchange.csv.gz"


def _bytes(name: str) -> bytes:
    return resources.files("resources.cusip_map").joinpath(name).read_bytes()


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(_bytes(name)).decode("utf-8"))))


def map_version(filings_version: str | None = None) -> str:
    """A fingerprint of the bundled map (and of the bundled filings' tickers it dates),
    read at every start: from each gzip's trailer (the CRC-32 and size of its content),
    not a hash of 600 KB."""
    from core.services.seeding import bundle_version

    h = hashlib.sha256(RESOLVER_VERSION.encode())
    for name in (SEED_FILE, SEC_LIST_FILE):
        with resources.files("resources.cusip_map").joinpath(name).open("rb") as f:
            f.seek(-8, io.SEEK_END)
            h.update(f.read(8))
    h.update((filings_version or bundle_version()).encode())
    return h.hexdigest()[:16]


def seed_sightings() -> list[tuple]:
    """The seed as filed: one undated ticker per CUSIP (separators dropped, as it has them),
    as Sighting fields. It is not copied into the database: read here when the master is
    rebuilt, it costs a start-up nothing to keep 69,000 rows out of security_tickers."""
    lines = gzip.decompress(_bytes(SEED_FILE)).decode("ascii").upper().splitlines()
    if not lines or lines[0] != "CUSIP,TICKER":
        raise ValueError(f"{SEED_FILE}: not a cusip,ticker table")
    out = []
    for line in lines[1:]:  # plain "cusip,ticker" lines: no quoting in this table
        cusip, _, ticker = line.partition(",")
        ticker = ticker.strip()
        if len(cusip) == 9 and ticker:
            out.append((cusip, ticker, tm.SEED, None, None))  # a Sighting's fields
    return out


def sec_list() -> list[tuple[str, str, str | None, str]]:
    """(ticker, cik, exchange, name) of the SEC's company ticker list, first of a ticker kept."""
    out: dict[str, tuple[str, str, str | None, str]] = {}
    for r in _rows(SEC_LIST_FILE):
        ticker = r["ticker"].strip().upper()
        if ticker and r["cik"].strip().isdigit():
            out.setdefault(ticker, (ticker, r["cik"].strip().zfill(10),
                                    r["exchange"].strip() or None, r["name"].strip()[:200]))
    return list(out.values())


def bundled_filing_sightings() -> list[tm.Sighting]:
    """NVIDIA's bundled tickers, dated by the periods of the bundled reports that hold each
    CUSIP (TuSimple was TSP when NVIDIA reported it for 2023-12-31)."""
    from core.services.seeding import _read

    periods: dict[str, list[dt.date]] = defaultdict(list)
    for r in _read("holdings.csv"):
        periods[r["cusip"]].append(dt.date.fromisoformat(r["period_of_report"]))
    out = []
    for r in _read("companies.csv"):
        held = periods.get(r["cusip"])
        if r["ticker"].strip() and held:
            out.append(tm.Sighting(r["cusip"], r["ticker"].strip().upper(), tm.BUNDLED,
                                   min(held), max(held)))  # fmt: skip
    return out


def load_bundled_map(db: Database, meta: dict[str, str] | None = None,
                     filings_version: str | None = None) -> int:  # fmt: skip
    """Load the bundled map when it changed (first start, upgrade), rebuild each CUSIP's
    ticker and give every company the one the map knows, in one transaction. Returns the
    CUSIPs in the master (0: already loaded). Callers hold the setup lock."""
    version = map_version(filings_version)
    if (meta if meta is not None else quick_reads.meta(db)).get(MAP_KEY) == version:
        return 0
    from core.storage.cusip_store import CusipStore
    from core.storage.repositories import Repository

    when = dt.datetime.now(dt.UTC)
    seed, listed, bundled = seed_sightings(), sec_list(), bundled_filing_sightings()
    with db.session() as s:
        store = CusipStore(s)
        store.replace_source(tm.SEED, (), when)  # kept in the resource (see seed_sightings)
        store.replace_source(tm.BUNDLED, bundled, when)
        store.replace_sec_list(listed)
        n = store.rebuild_master([*seed, *bundled], (tm.SEED, tm.BUNDLED))
        store.apply_master(when, unmapped_only=False)
        Repository(s).set_meta(MAP_KEY, version)
    return n


@dataclass(frozen=True, slots=True)
class SecurityInfo:
    """Everything known about one CUSIP: names, class, tickers over time, issuer."""

    cusip: str
    ticker: str | None  # today's, as prices use it
    source: str | None  # of today's ticker
    mapped_at: dt.datetime | None
    reason: str | None  # why it is unmapped
    names: tuple[str, ...]  # the company's, then each issuer name filings gave it
    classes: tuple[str, ...]  # titles of class as filed
    sightings: tuple[tm.Sighting, ...] = field(default=())  # every source's tickers
    cik: str | None = None
    exchange: str | None = None
    sec_name: str | None = None
    shares_outstanding: int | None = None
    shares_outstanding_date: dt.date | None = None
    in_master: bool = False


def describe(db: Database, key: str) -> list[SecurityInfo]:
    """The securities a CUSIP or a ticker names (a ticker: every CUSIP it named, today or
    ever); empty when nothing knows it."""
    from core.domain import cusip as cusip_rules
    from core.storage.cusip_store import CusipStore

    text = key.strip().upper()
    with db.session(write=False) as s:
        store = CusipStore(s)
        is_cusip = len(text) == 9 and cusip_rules.is_valid(text)
        cusips = [text] if is_cusip else store.cusips_for_ticker(text.replace("/", "-"))
        seed = {c: tk for c, tk, *_ in seed_sightings() if c in set(cusips)}
        out = []
        for cusip in cusips:
            company, master = store.company_row(cusip), store.master(cusip)
            sightings = store.sightings_of([cusip]).get(cusip, [])
            if cusip in seed and not any(x.source == tm.SEED for x in sightings):
                sightings.append(tm.Sighting(cusip, seed[cusip], tm.SEED))
            if company is None and master is None and not sightings:
                continue
            names, classes = store.filed_as(cusip)
            ticker = company.ticker if company else master.ticker if master else None
            listing = store.sec_listing(ticker) or (
                store.sec_listing(master.ticker) if master else None)
            if company is not None and company.name not in names:
                names.insert(0, company.name)
            if listing and listing[2] not in names:
                names.append(listing[2])
            if company is not None:
                source = (company.mapping_source or company.origin) if company.ticker else None
            else:
                source = master.source if master else None
            out.append(SecurityInfo(
                cusip, ticker, source, _utc(company.mapped_at) if company else None,
                company.mapping_reason if company else None, tuple(names), tuple(classes),
                tuple(sorted(sightings, key=_sighting_order)),
                (company.sec_cik if company else None) or (listing[0] if listing else None)
                or (master.cik if master else None),
                listing[1] if listing else None, listing[2] if listing else None,
                company.shares_outstanding if company else None,
                company.shares_outstanding_date if company else None, master is not None,
            ))  # fmt: skip
    return out


def _sighting_order(s: tm.Sighting) -> tuple:
    return (s.first_seen or dt.date.max, tm.RANK.get(s.source, 9), s.ticker)


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive timestamps; they were written in UTC."""
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


def symbols_as_filed(session, cusips, period: dt.date) -> dict[str, tm.Sighting]:
    """cusip -> the dated symbol it had at `period` (fails data, bundled filings)."""
    from core.storage.cusip_store import CusipStore

    found = CusipStore(session).sightings_of(cusips)
    out = {}
    for cusip, sightings in found.items():
        at = tm.symbol_at(sightings, period)
        if at is not None:  # "until": the last date any dated source saw that symbol
            until = max((x.last_seen for x in sightings if x.ticker == at.ticker
                         and x.source in tm.DATED and x.last_seen), default=at.last_seen)
            out[cusip] = at._replace(last_seen=until)
    return out


def with_symbols_as_filed(holdings, as_filed: dict[str, tm.Sighting]):
    """Holdings whose positions say the symbol of the report's date where it differs from
    today's ticker (prices use today's)."""
    from dataclasses import replace

    def one(p):
        at = as_filed.get(p.cusip)
        if at is None or p.ticker is None or at.ticker == p.ticker:
            return p
        return replace(p, ticker_as_filed=at.ticker, as_filed_until=at.last_seen)

    if not as_filed:
        return holdings
    return replace(holdings, positions=tuple(one(p) for p in holdings.positions))
