"""Who else holds it: every filer reporting a security at a period, what changed since
each filer's previous report, who sold out; and filers found by name."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core.domain import cusip as cusip_rules
from core.domain.positions import ReportRows, effective_reports
from core.services.queries import InvalidRequestError, NotFoundError
from core.services.seeding import NVIDIA_CIK
from core.storage.database import Database
from core.storage.universe_store import UniverseStore

NEW, ADDED, REDUCED, UNCHANGED = "NEW", "ADDED", "REDUCED", "UNCHANGED"


@dataclass(frozen=True, slots=True)
class Holder:
    portfolio_id: int
    cik: str
    name: str
    share_type: str  # "SH" or "PRN"
    put_call: str | None
    shares: int
    value: int  # dollars as filed
    weight: float | None  # of the filer's equity book; None for options
    stake: float | None  # of shares outstanding, when known (share rows only)
    change: str  # NEW, ADDED, REDUCED, UNCHANGED
    shares_before: int | None  # at the filer's previous report (None: no report before)
    highlighted: bool  # NVIDIA or a followed filer


@dataclass(frozen=True, slots=True)
class SoldOut:
    portfolio_id: int
    cik: str
    name: str
    share_type: str
    put_call: str | None
    shares_before: int
    highlighted: bool


@dataclass(frozen=True, slots=True)
class HoldersTotals:
    holders: int  # filers
    shares: int
    value: int
    stake: float | None  # share of shares outstanding held by 13F filers
    new: int
    added: int
    reduced: int
    unchanged: int
    sold_out: int


@dataclass(frozen=True, slots=True)
class HoldersReport:
    cusip: str
    ticker: str | None
    name: str
    period: dt.date | None
    periods: tuple[dt.date, ...]  # every period at which some filer reports it
    shares_outstanding: int | None
    holders: tuple[Holder, ...]  # largest value first
    sold_out: tuple[SoldOut, ...]
    totals: HoldersTotals


@dataclass(frozen=True, slots=True)
class FilerMatch:
    portfolio_id: int | None  # None: found on EDGAR only (not stored)
    cik: str
    name: str
    followed: bool
    universe: bool  # known from a loaded data set only
    latest_period: dt.date | None
    size: int | None  # equity dollars of the latest report
    on_edgar: bool = False  # EDGAR's company search listed it


def _change(now: int, before: int | None) -> str:
    if not before:
        return NEW
    return ADDED if now > before else REDUCED if now < before else UNCHANGED


class HoldersQueries:
    """Reads only: sessions never queue behind a writer (a data set being loaded)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def resolve(self, security: str) -> str:
        """The CUSIP named by `security`: a CUSIP, or a ticker the security master maps."""
        text = security.strip().upper()
        if not text:
            raise InvalidRequestError("give a CUSIP or a ticker")
        with self.db.session(write=False) as s:
            store = UniverseStore(s)
            if len(text) == 9 and text.isalnum() and (
                    cusip_rules.is_valid(text) or store.issuer(text) is not None):
                return text
            found = store.cusips_for_ticker(text)
        if not found:
            raise NotFoundError(f"{security!r} is neither a CUSIP nor a ticker the security "
                                "master knows")  # fmt: skip
        if len(found) > 1:
            raise InvalidRequestError(f"ticker {text} maps to several CUSIPs "
                                      f"({', '.join(found)}): give one")  # fmt: skip
        return found[0]

    def holders(self, security: str, period: dt.date | None = None,
                options: bool = False) -> HoldersReport:  # fmt: skip
        cusip = self.resolve(security)
        with self.db.session(write=False) as s:
            store = UniverseStore(s)
            rows = store.cusip_rows([cusip])
            where = store.filing_periods(r[0] for r in rows) if rows else {}
            ticker, name, outstanding = store.security(cusip)
            if not name or name == cusip:  # a master entry without a name of its own
                name = store.issuer(cusip) or cusip
            periods = tuple(sorted({at for _pid, at in where.values()}))
            if not periods:
                if period is not None:
                    raise NotFoundError(f"no stored filing reports {cusip}")
                return HoldersReport(cusip, ticker, name, None, (), outstanding, (), (),
                                     HoldersTotals(0, 0, 0, None, 0, 0, 0, 0, 0))
            if period is None:
                period = periods[-1]
            elif period not in periods:
                raise NotFoundError(f"no filing of period {period} reports {cusip}; periods: "
                                    + ", ".join(p.isoformat() for p in periods))  # fmt: skip
            # Only the filers that reported it by then, at the period and at their previous
            # report: what the list and its changes are made of.
            filings = store.filings_at({pid for pid, at in where.values() if at <= period},
                                       period)  # fmt: skip
            by_id = {f[0]: f for f in filings}
            plan = _Plan(filings, period)
            missing = [fid for fid in plan.effective_now() if by_id[fid][7] is None]
            totals = store.equity_totals(missing) if missing else {}
        people = {f[1]: (f[8], f[9] or "", bool(f[10])) for f in filings}
        held: dict[int, dict] = defaultdict(dict)  # filing id -> key -> (shares, value)
        for fid, share_type, put_call, shares, value in rows:
            key = (share_type or "SH", put_call)
            before = held[fid].get(key, (0, 0))
            held[fid][key] = (before[0] + int(shares or 0), before[1] + int(value or 0))
        return _report(cusip, ticker, name, period, periods, outstanding, plan, held,
                       {fid: by_id[fid][7] if by_id[fid][7] is not None else totals.get(fid, 0)
                        for fid in plan.effective_now()}, people, options)  # fmt: skip

    def search_filers(self, text: str, limit: int = 50) -> list[FilerMatch]:
        """Filers whose name holds every word of `text` (any order, any case), or whose
        CIK it is; followed filers first, then shorter names."""
        words = text.split()
        if not words:
            raise InvalidRequestError("give some words of the filer's name (or its CIK)")
        cik = text.strip().zfill(10) if text.strip().isdigit() and len(text.strip()) <= 10 else None
        with self.db.session(write=False) as s:
            store = UniverseStore(s)
            found = store.search_filers(words, cik, limit)
            latest = store.latest_reports([f[0] for f in found]) if found else []
            missing = [r[6] for r in latest if r[7] is None]
            sums = store.equity_totals(missing) if missing else {}
        reports: dict[int, list[tuple]] = defaultdict(list)
        for r in latest:
            reports[r[0]].append(r)
        out = []
        for pid, name, cik_, followed, universe in found:
            mine = reports.get(pid, [])
            size = None
            if mine:
                standing = effective_reports(
                    ReportRows(r[3], r[4], r[5], r[2], ()) for r in mine)
                ids = {r[3]: r[6] for r in mine}
                size = sum((r[7] if r[7] is not None else sums.get(r[6], 0))
                           for r in mine if r[6] in {ids[x.accession] for x in standing})
            out.append(FilerMatch(pid, cik_, name, followed, universe,
                                  mine[0][1] if mine else None, size))  # fmt: skip
        return out


class _Plan:
    """Per filer: which filings stand at the period and at the filer's previous report."""

    def __init__(self, filings: list[tuple], period: dt.date) -> None:
        by_filer: dict[int, dict[dt.date, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        for f in filings:
            if f[2] <= period:
                by_filer[f[1]][f[2]].append(f)
        self.now: dict[int, list[int]] = {}
        self.before: dict[int, list[int]] = {}
        for pid, periods in by_filer.items():
            if period in periods:
                self.now[pid] = _standing(periods[period])
            earlier = [p for p in periods if p < period]
            if earlier:
                self.before[pid] = _standing(periods[max(earlier)])

    def effective_now(self) -> list[int]:
        return [fid for ids in self.now.values() for fid in ids]

    def filers(self) -> set[int]:
        return set(self.now) | set(self.before)


def _standing(filings: list[tuple]) -> list[int]:
    if len(filings) == 1:  # most filers file one report a period
        return [filings[0][0]]
    ids = {f[4]: f[0] for f in filings}
    return [ids[r.accession] for r in effective_reports(
        ReportRows(f[4], f[5], f[6], f[3], ()) for f in filings)]


def _sum(held: dict[int, dict], fids: list[int]) -> dict[tuple, tuple[int, int]]:
    out: dict[tuple, tuple[int, int]] = {}
    for fid in fids:
        for key, (sh, v) in held.get(fid, {}).items():
            a, b = out.get(key, (0, 0))
            out[key] = (a + sh, b + v)
    return out


def _report(cusip, ticker, name, period, periods, outstanding, plan: _Plan, held,
            equity: dict[int, int], people, options: bool) -> HoldersReport:  # fmt: skip
    def wanted(key: tuple) -> bool:
        return options or key == ("SH", None)

    holders: list[Holder] = []
    sold: list[SoldOut] = []
    for pid in plan.filers():
        pname, cik, followed = people.get(pid, (f"portfolio {pid}", "", False))
        mark = followed or cik == NVIDIA_CIK
        now = _sum(held, plan.now.get(pid, []))
        before = _sum(held, plan.before[pid]) if pid in plan.before else None
        if pid in plan.now:
            book = sum(equity.get(fid, 0) for fid in plan.now[pid])
            for key, (sh, v) in now.items():
                if not wanted(key) or (sh == 0 and v == 0):
                    continue
                prior = before.get(key, (0, 0))[0] if before is not None else None
                holders.append(Holder(
                    pid, cik, pname, key[0], key[1], sh, v,
                    (v / book if book else 0.0) if key[1] is None else None,
                    sh / outstanding if outstanding and key == ("SH", None) else None,
                    _change(sh, prior), prior, mark))  # fmt: skip
            for key, (sh, _v) in (before or {}).items():
                if wanted(key) and sh > 0 and now.get(key, (0, 0))[0] == 0:
                    sold.append(SoldOut(pid, cik, pname, key[0], key[1], sh, mark))
    holders.sort(key=lambda h: (h.put_call is not None, h.share_type != "SH", -h.value,
                                -h.shares, h.name))  # fmt: skip
    sold.sort(key=lambda x: (-x.shares_before, x.name))
    shares = sum(h.shares for h in holders if (h.share_type, h.put_call) == ("SH", None))
    count = {c: sum(1 for h in holders if h.change == c) for c in (NEW, ADDED, REDUCED, UNCHANGED)}
    totals = HoldersTotals(
        holders=len({h.portfolio_id for h in holders}), shares=shares,
        value=sum(h.value for h in holders),
        stake=shares / outstanding if outstanding else None,
        new=count[NEW], added=count[ADDED], reduced=count[REDUCED],
        unchanged=count[UNCHANGED], sold_out=len(sold))  # fmt: skip
    return HoldersReport(cusip, ticker, name, period, periods, outstanding, tuple(holders),
                         tuple(sold), totals)  # fmt: skip
