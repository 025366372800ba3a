"""Sync followed 13F filers from EDGAR: new filings imported one transaction each, their
CUSIPs mapped, issuers' shares outstanding refreshed. A generator that yields progress."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import tempfile
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.following import FilerStatus, Stake
from core.edgar.client import FORMS_13F, EdgarClient, IndexEntry, is_accession
from core.edgar.documents import IdentityError, check_identity
from core.edgar.http import MAX_DOCUMENT, Deadline, HttpError, check_contact
from core.filings import FilingFormatError
from core.services.importer import ImportOptions, ImportReport, run
from core.services.mapping import CusipMapper
from core.services.queries import InvalidRequestError, PortfolioQueries
from core.services.settings import Settings
from core.storage.database import Database
from core.storage.repositories import Repository
from core.storage.sync_store import SyncStore

log = logging.getLogger(__name__)

FIRST_SYNC_YEARS = 3
RESYNC_MARGIN = dt.timedelta(days=7)  # later syncs look back past the last one by this
FACTS_MAX_AGE = dt.timedelta(days=7)
LAST_CHECK_KEY = "sync.last_check"
REJECTED_PREFIX = "sync.rejected."
HEARTBEAT = 0.25  # seconds between yields while waiting, so Cancel is prompt
WORKERS = 4
# Shares of the deadline: downloads get this much of it, so one hung filer cannot leave
# nothing for mapping and shares outstanding of the filers that synced; mapping then gets
# half of what is left, shares outstanding the rest.
FETCH_SHARE = 0.6
MAPPING_SHARE = 0.5
MAP_SHARE = 0.5  # of the time left after the filings, for the CUSIP map's refresh
REQUEST_FLOOR = 5.0  # seconds: no request is cut shorter than this by its own limit


class SyncUnavailable(ValueError):
    """Sync cannot start (offline mode): nothing was sent."""


@dataclass(frozen=True, slots=True)
class ImportedFiling:
    accession: str
    form: str
    amendment_type: str | None
    period: dt.date
    filed: dt.date
    rows: int
    total_value: int


@dataclass(frozen=True, slots=True)
class FailedFiling:
    accession: str | None  # None: the filer as a whole (its index could not be read)
    reason: str


@dataclass(frozen=True, slots=True)
class FilerSync:
    cik: str
    name: str
    imported: tuple[ImportedFiling, ...] = ()
    failed: tuple[FailedFiling, ...] = ()
    skipped: tuple[FailedFiling, ...] = ()  # rejected by an earlier sync; not fetched again

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class SyncProgress:
    message: str
    done: int  # filings handled so far
    total: int  # new filings found so far


@dataclass(frozen=True, slots=True)
class SyncReport:
    filers: tuple[FilerSync, ...]
    mapped: int = 0
    unmapped: int = 0
    mapping_error: str | None = None
    facts_updated: int = 0
    facts_error: str | None = None
    skipped_steps: tuple[str, ...] = ()  # "step: why", for each step that did not run
    requests: int = 0
    rate_limit_wait: float = 0.0
    finished_at: dt.datetime | None = None
    map_refresh: str | None = None  # the CUSIP map's refresh (SEC fails data), when it ran

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.filers) and self.mapping_error is None

    @property
    def imported(self) -> list[tuple[FilerSync, ImportedFiling]]:
        return [(f, i) for f in self.filers for i in f.imported]


@dataclass
class _Filer:
    status: FilerStatus
    since: dt.date
    name: str = ""
    imported: list[ImportedFiling] = field(default_factory=list)
    failed: list[FailedFiling] = field(default_factory=list)
    skipped: list[FailedFiling] = field(default_factory=list)
    finished: bool = False
    index_read: bool = False
    network_failed: bool = False  # then it is not marked synced: the next sync retries

    def result(self) -> FilerSync:
        return FilerSync(self.status.cik, self.status.name, tuple(self.imported),
                         tuple(self.failed), tuple(self.skipped))  # fmt: skip


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Sync:
    """One sync run per call of `run`; the EDGAR client's limiter is process-wide."""

    def __init__(
        self, db: Database, importer, settings: Settings, *,
        edgar_factory: Callable[[str], EdgarClient] = EdgarClient,
        mapper: CusipMapper | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        refresh_map: bool = True,
    ) -> None:  # fmt: skip
        self.db = db
        self.importer = importer
        self.settings = settings
        self.edgar_factory = edgar_factory
        self.mapper = mapper
        self.clock = clock
        self.refresh_map = refresh_map  # the CUSIP map from the SEC's fails data, monthly

    # -- before anything is sent ----------------------------------------------------------
    def filers(self, keys: Sequence[str] | None = None) -> list[FilerStatus]:
        """The followed filers, or the named ones (any filer portfolio)."""
        with self.db.session() as s:
            statuses = SyncStore(s).filer_statuses()
        if not keys:
            return [f for f in statuses if f.followed]
        queries = PortfolioQueries(self.db)
        by_id = {f.portfolio_id: f for f in statuses}
        chosen: dict[int, FilerStatus] = {}
        for key in keys:
            p = queries.portfolio(key)
            if p.kind != "filer" or p.id not in by_id:
                raise InvalidRequestError(f"{p.name} is your own portfolio, not a 13F filer")
            chosen[p.id] = by_id[p.id]
        return list(chosen.values())

    def check_ready(self) -> str:
        """The declared contact; raises before any request if sync cannot run."""
        if self.settings.offline:
            raise SyncUnavailable("offline mode is on: sync needs EDGAR "
                                  "(stakewatch settings offline false)")  # fmt: skip
        return check_contact(self.settings.sec_contact)

    # -- the run --------------------------------------------------------------------------
    def run(
        self, keys: Sequence[str] | None = None, *, since: dt.date | None = None,
        deadline: float | None = None,
    ) -> Generator[SyncProgress, None, SyncReport]:  # fmt: skip
        filers = self.filers(keys)
        contact = self.check_ready()
        if since is not None and since > self.clock().date():
            raise InvalidRequestError(f"--since {since} is in the future")
        seconds = deadline if deadline is not None else self.settings.deadline
        overall = Deadline(seconds)
        edgar = self.edgar_factory(contact)
        if seconds is not None:
            # Each request's own limit: half the downloads' share, so one hung request
            # leaves its worker time for the filer's other filings and the next filer.
            edgar.http.request_limit = max(REQUEST_FLOOR, seconds * FETCH_SHARE / 2)
        today = self.clock().date()
        work = [_Filer(f, self._since(f, since, today)) for f in filers]
        with self.db.session() as s:
            rejected = {k[len(REJECTED_PREFIX):]: v
                        for k, v in SyncStore(s).meta_with_prefix(REJECTED_PREFIX).items()}
        with tempfile.TemporaryDirectory(prefix="stakewatch-sync-") as tmp:
            yield from self._fetch_and_import(work, edgar, overall, Path(tmp), rejected)
        now = self.clock()
        with self.db.session() as s:
            store = SyncStore(s)
            for f in work:
                if f.finished and f.index_read and not f.network_failed:
                    store.mark_synced(f.status.portfolio_id, now)
            Repository(s).set_meta(LAST_CHECK_KEY, now.isoformat())
        ids = [f.status.portfolio_id for f in work]
        skipped_steps: list[str] = []
        mapped = unmapped = 0
        mapping_error = None
        map_line = None
        if self.refresh_map and overall.expired():
            skipped_steps.append("refreshing the CUSIP map: " + _no_time(overall))
        elif self.refresh_map:  # SEC fails data before OpenFIGI
            from core.services.map_refresh import refresh_if_stale

            gen = refresh_if_stale(self.db, edgar, self.clock, overall.share(MAP_SHARE))
            while True:
                try:
                    p = next(gen)
                except StopIteration as stop:
                    map_line = stop.value
                    break
                except Exception as exc:  # the filings are stored: the report still comes
                    log.exception("CUSIP map refresh failed")
                    skipped_steps.append(f"refreshing the CUSIP map: failed ({exc})")
                    break
                yield SyncProgress(f"CUSIP map: {p.message}", *self._counts(work))
        if self.mapper is not None:
            if overall.expired():
                skipped_steps.append("mapping CUSIPs to tickers: " + _no_time(overall))
            else:
                yield SyncProgress("mapping CUSIPs to tickers (OpenFIGI)", *self._counts(work))
                report = yield from _relay(
                    self.mapper.map_unmapped(ids, retry=False,
                                             deadline=overall.share(MAPPING_SHARE)),
                    work, self._counts)  # fmt: skip
                mapped, unmapped = len(report.mapped), len(report.unmapped)
                mapping_error = report.error
        facts, facts_error = 0, None
        if overall.expired():
            skipped_steps.append("shares outstanding: " + _no_time(overall))
        else:
            yield SyncProgress("shares outstanding (EDGAR XBRL facts)", *self._counts(work))
            facts, facts_error = self._refresh_facts(edgar, ids, overall)
        return SyncReport(
            filers=tuple(f.result() for f in work), mapped=mapped, unmapped=unmapped,
            mapping_error=mapping_error, facts_updated=facts, facts_error=facts_error,
            skipped_steps=tuple(skipped_steps), map_refresh=map_line,
            requests=edgar.requests, rate_limit_wait=edgar.http.limiter.waited,
            finished_at=self.clock(),
        )  # fmt: skip

    @staticmethod
    def _since(f: FilerStatus, since: dt.date | None, today: dt.date) -> dt.date:
        if since is not None:
            return since
        if f.last_synced is not None:
            return f.last_synced.date() - RESYNC_MARGIN
        return today.replace(year=today.year - FIRST_SYNC_YEARS) if not (
            today.month == 2 and today.day == 29) else dt.date(today.year - 3, 2, 28)

    @staticmethod
    def _counts(work: list[_Filer]) -> tuple[int, int]:
        done = sum(len(f.imported) + len(f.failed) for f in work)
        return done, done

    def _fetch_and_import(self, work, edgar: EdgarClient, overall: Deadline, tmp: Path,
                          rejected) -> Generator[SyncProgress, None, None]:  # fmt: skip
        inbox: queue.Queue = queue.Queue()
        net = overall.share(FETCH_SHARE)
        with self.db.session() as s:
            known = SyncStore(s).all_accessions()
        jobs: queue.Queue = queue.Queue()
        for f in work:
            jobs.put(f)

        def worker() -> None:
            while not net.expired():
                try:
                    f = jobs.get_nowait()
                except queue.Empty:
                    return
                _fetch_filer(edgar, f.status.cik, f.since, known, rejected, net, tmp, inbox)

        # Daemon threads: one stuck where no socket can be shut (a name lookup that hangs)
        # cannot hold the process past its deadline, as an executor's threads would at exit.
        workers = [threading.Thread(target=worker, name=f"edgar-{i}", daemon=True)
                   for i in range(max(1, min(WORKERS, len(work))))]  # fmt: skip
        for t in workers:
            t.start()
        try:
            by_cik = {f.status.cik: f for f in work}
            total = done = 0
            pending = len(work)
            grace = 0.0
            while pending:
                try:
                    msg = inbox.get(timeout=HEARTBEAT)
                except queue.Empty:
                    if net.expired():
                        grace += HEARTBEAT
                        if grace > 1.0:  # workers' own timeouts say more; then give up
                            break
                    yield SyncProgress("waiting for EDGAR", done, total)
                    continue
                kind, cik, *rest = msg
                f = by_cik[cik]
                if kind == "index":
                    f.index_read = True
                    f.name, new, skipped = rest
                    f.skipped.extend(skipped)
                    total += new
                    yield SyncProgress(f"{f.name}: {new} new filing(s)", done, total)
                elif kind == "file":
                    entry, path = rest
                    self._import(f, entry, path)
                    path.unlink(missing_ok=True)
                    done += 1
                    yield SyncProgress(f"{f.name}: {entry.accession}", done, total)
                elif kind == "failed":  # from a worker: the network, the deadline, or a
                    # document that is not what it was fetched as (tried again next sync)
                    f.failed.append(FailedFiling(*rest))
                    f.network_failed = True
                    done += rest[0] is not None
                elif kind == "done":
                    f.finished = True
                    pending -= 1
            for f in work:
                if not f.finished:
                    f.failed.append(FailedFiling(None, f"not done within its share of the "
                                                       f"deadline ({net.seconds:.1f} of "
                                                       f"{overall.seconds:g}s)"))  # fmt: skip
        finally:
            # Cancelling shuts every socket still open under it, so a worker stuck on a hung
            # or trickling server returns now and no thread outlives the sync.
            net.cancel()
            while not jobs.empty():  # filers not started: never started now
                jobs.get_nowait()
            if all(f.finished for f in work):
                for t in workers:
                    t.join()

    def _import(self, f: _Filer, entry: IndexEntry, path: Path) -> None:
        options = ImportOptions(cik=f.status.cik, accession=entry.accession)
        try:
            # The document must say it is this accession of this filer (SEC header and
            # cover page), or nothing of it is stored: a server cannot put one document in
            # under many accessions, or another filer's report under this one.
            check_identity(path, f.status.cik, entry.accession, MAX_DOCUMENT)
            report: ImportReport = run(self.importer.import_path(path, options))
        except (IdentityError, FilingFormatError, ValueError, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            f.failed.append(FailedFiling(entry.accession, reason))
            with self.db.session() as s:
                Repository(s).set_meta(REJECTED_PREFIX + entry.accession, reason[:500])
            return
        if report.already_present:
            return
        f.imported.append(ImportedFiling(
            accession=report.accession, form=report.form_type,
            amendment_type=report.amendment_type, period=report.period, filed=report.filed,
            rows=report.rows, total_value=report.total_value_usd,
        ))  # fmt: skip

    def _refresh_facts(self, edgar: EdgarClient, portfolio_ids: list[int],
                       overall: Deadline) -> tuple[int, str | None]:  # fmt: skip
        now = self.clock()
        with self.db.session() as s:
            wanted = SyncStore(s).companies_needing_facts(portfolio_ids, now - FACTS_MAX_AGE)
        if not wanted:
            return 0, None
        results = []
        error = None
        try:
            ciks: dict[str, str] = {}
            if any(sec_cik is None for _, _, sec_cik in wanted):
                ciks = edgar.company_tickers(overall)
            cache: dict[str, object] = {}
            for cusip, ticker, sec_cik in wanted:
                cik = sec_cik or ciks.get(ticker.upper()) or ciks.get(ticker.replace("-", "."))
                if cik is None:
                    results.append((cusip, None, None))  # not an SEC registrant (checked)
                    continue
                if cik not in cache:
                    found = edgar.shares_outstanding(cik, overall)
                    cache[cik] = Stake(found.shares, found.as_of) if found else None
                results.append((cusip, cik, cache[cik]))
        except HttpError as exc:
            error = str(exc)
        with self.db.session() as s:
            store = SyncStore(s)
            for cusip, cik, stake in results:
                store.set_facts(cusip, cik, stake, now)
        return sum(1 for _, _, st in results if st is not None), error


def _relay(gen, work, counts):
    """Pass a sub-generator's progress on as sync progress; return its result."""
    while True:
        try:
            p = next(gen)
        except StopIteration as stop:
            return stop.value
        yield SyncProgress(f"mapping CUSIPs: {p.done} of {p.total}", *counts(work))


def _fetch_filer(edgar: EdgarClient, cik: str, since: dt.date, known: set[str],
                 rejected: dict[str, str], deadline: Deadline, tmp: Path,
                 inbox: queue.Queue) -> None:  # fmt: skip
    """A worker: read the filer's index, download its new 13F filings oldest first."""
    try:
        try:
            index = edgar.filer_index(cik, deadline, since=since)
        except (HttpError, ValueError) as exc:
            inbox.put(("failed", cik, None, f"submissions index: {exc}"))
            return
        if index.refused:
            shown = ", ".join(index.refused[:3]) + (" ..." if len(index.refused) > 3 else "")
            inbox.put(("failed", cik, None, f"submissions index: {len(index.refused)} listed "
                       f"accession(s) refused (not of the form 0001045810-24-000021): "
                       f"{shown}"))  # fmt: skip
        entries = sorted(
            (e for e in index.filings if e.form in FORMS_13F and e.filed >= since
             and e.accession not in known),
            key=lambda e: (e.filed, e.accession),
        )  # fmt: skip
        skipped = [FailedFiling(e.accession, f"rejected before: {rejected[e.accession]}")
                   for e in entries if e.accession in rejected]  # fmt: skip
        entries = [e for e in entries if e.accession not in rejected]
        inbox.put(("index", cik, index.name, len(entries), skipped))
        for e in entries:
            if deadline.expired():
                inbox.put(("failed", cik, e.accession, _stopped(deadline)))
                continue
            # The name is a checked accession (digits and dashes), inside our own folder.
            path = tmp / f"{e.accession}.txt"
            if path.parent != tmp or not is_accession(e.accession):
                inbox.put(("failed", cik, e.accession, "not an accession number"))
                continue
            try:
                edgar.download_filing(cik, e.accession, path, deadline)
            except HttpError as exc:
                inbox.put(("failed", cik, e.accession, f"download: {exc}"))
                continue
            inbox.put(("file", cik, e, path))
    except Exception as exc:  # a worker must always say it is done
        inbox.put(("failed", cik, None, f"unexpected {type(exc).__name__}: {exc}"))
    finally:
        inbox.put(("done", cik))


def _no_time(deadline: Deadline) -> str:
    if deadline.cancelled.is_set():
        return "skipped: cancelled"
    return f"skipped: the deadline ({deadline.seconds:g}s) was used up before it"


def _stopped(deadline: Deadline) -> str:
    return "cancelled" if deadline.cancelled.is_set() else "not done within the deadline"
