"""Keep the CUSIP map current from the SEC's Fails-to-Deliver data: download only the
half-month zips not read yet (they never change once published; kept cached), merge their
dated symbols, then rebuild each CUSIP's ticker. A generator yielding progress."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from core import paths
from core.domain import ticker_map as tm
from core.edgar import fails
from core.edgar.client import EdgarClient
from core.edgar.http import Deadline, HttpError, check_contact
from core.services.queries import InvalidRequestError
from core.storage.database import Database

READ_PREFIX = "fails.read."  # meta: fails.read.cnsfails202511a -> rows read
REFRESHED_KEY = "fails.refreshed_at"
ATTEMPTED_KEY = "fails.attempted_at"
RETRY_AFTER = dt.timedelta(days=1)
STALE_AFTER = dt.timedelta(days=30)  # sync refreshes the map when older than this
FIRST_MONTHS = 12  # without --since, a first refresh reads the last year's files


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    message: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class RefreshReport:
    listed: int = 0  # half-month files the index lists since --since
    read: tuple[str, ...] = ()  # files read this time (downloaded or from the cache)
    downloaded: int = 0
    already: int = 0  # read before: not fetched again
    sightings: int = 0  # (CUSIP, symbol) pairs new or seen over a longer span
    companies_changed: int = 0  # held securities whose ticker changed
    failed: dict[str, str] = field(default_factory=dict)  # file (or "index") -> why
    offline: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    def line(self) -> str:
        where = "offline: cached files only; " if self.offline else ""
        text = (f"CUSIP map: {where}{len(self.read)} fails file(s) read ({self.downloaded} "
                f"downloaded), {self.already} read before; {self.sightings:,} dated symbol(s) "
                f"new or extended; {self.companies_changed} company mapping(s) updated"
                )  # fmt: skip
        if self.failed:
            text += "; failed: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.failed.items()))
        return text


def cache_dir() -> Path:
    return paths.data_dir() / "sec-fails"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def month_arg(text: str) -> dt.date:
    """`YYYY-MM` as the first of that month; InvalidRequestError otherwise."""
    try:
        year, month = text.strip().split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise InvalidRequestError(f"--since {text!r} is not a month (YYYY-MM)") from None


def is_stale(meta: dict[str, str], now: dt.datetime) -> bool:
    """Over 30 days since the last complete refresh, and (after a failed one) over a day
    since the last attempt: a server that is down is not asked at every sync."""
    def older(key: str, age: dt.timedelta) -> bool:
        try:
            return key not in meta or now - dt.datetime.fromisoformat(meta[key]) > age
        except ValueError:
            return True

    return older(REFRESHED_KEY, STALE_AFTER) and older(ATTEMPTED_KEY, RETRY_AFTER)


class MapRefresher:
    def __init__(self, db: Database, contact: str | None, *,
                 edgar_factory: Callable[[str], EdgarClient] = EdgarClient,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:  # fmt: skip
        self.db = db
        self.contact = contact
        self.edgar_factory = edgar_factory
        self.clock = clock

    def refresh(self, since: dt.date | None = None, *, offline: bool = False,
                deadline: Deadline | None = None, client: EdgarClient | None = None,
                ) -> Generator[RefreshProgress, None, RefreshReport]:  # fmt: skip
        """Online: list the index page, fetch the files not read yet. Offline: only read
        cached files not read yet. Either way the master is rebuilt if anything changed.
        `client`: an EDGAR client already made (sync's), else one declaring the contact."""
        now = self.clock()
        if since is not None and since > now.date():
            raise InvalidRequestError(f"--since {since:%Y-%m} is in the future")
        deadline = deadline or Deadline(None)
        edgar = None if offline else client or self.edgar_factory(check_contact(self.contact))
        since = since or _months_before(now.date(), FIRST_MONTHS)
        with self.db.session() as s:
            from core.storage.sync_store import SyncStore

            done = {k[len(READ_PREFIX):] for k in SyncStore(s).meta_with_prefix(READ_PREFIX)}
        cache = cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        failed: dict[str, str] = {}
        if edgar is None:
            files = [f for f in _cached(cache) if f.month >= since]
        else:
            yield RefreshProgress("reading the SEC's fails-to-deliver index", 0, 0)
            try:
                files = [f for f in self._index(edgar, cache, deadline) if f.month >= since]
            except (HttpError, fails.FailsFormatError) as exc:
                return self._finish(RefreshReport(failed={"index": str(exc)}), now)
        todo = [f for f in files if f.name not in done]
        read: list[str] = []
        downloaded = sightings = 0
        for i, f in enumerate(todo):
            yield RefreshProgress(f"fails file {f.name}", i, len(todo))
            target = cache / f"{f.name}.zip"
            try:
                if not target.exists():
                    if edgar is None or deadline.expired():
                        failed[f.name] = "offline" if edgar is None else "deadline reached"
                        continue
                    part = target.with_suffix(".part")
                    edgar.http.download(f.url, part, deadline)
                    os.replace(part, target)  # only a whole download is kept
                    downloaded += 1
                got = fails.read_zip(target)
            except (HttpError, fails.FailsFormatError, OSError) as exc:
                failed[f.name] = str(exc)
                if isinstance(exc, fails.FailsFormatError):
                    target.unlink(missing_ok=True)  # fetched again next time
                continue
            with self.db.session() as s:  # one file per transaction: progress is kept
                from core.storage.cusip_store import CusipStore
                from core.storage.repositories import Repository

                sightings += CusipStore(s).merge_sightings(got.seen, tm.FAILS, now)
                Repository(s).set_meta(READ_PREFIX + f.name, str(got.rows))
            read.append(f.name)
        changed = self._rebuild(now) if read else 0
        report = RefreshReport(len(files), tuple(read), downloaded, len(files) - len(todo),
                               sightings, changed, failed, offline=edgar is None)  # fmt: skip
        yield RefreshProgress("CUSIP map rebuilt", len(todo), len(todo))
        return self._finish(report, now)

    def _index(self, edgar: EdgarClient, cache: Path, deadline: Deadline) -> list[fails.FailsFile]:
        url = fails.index_url(edgar.archives_url)
        page = cache / "index.html.part"
        try:
            edgar.http.download(url, page, deadline)
            if page.stat().st_size > fails.MAX_INDEX:
                raise fails.FailsFormatError("the fails-to-deliver page is too large")
            return fails.list_files(page.read_bytes(), url)
        finally:
            page.unlink(missing_ok=True)

    def _rebuild(self, now: dt.datetime) -> int:
        from core.services.cusip_master import seed_sightings
        from core.storage.cusip_store import CusipStore

        seed = seed_sightings()
        with self.db.session() as s:
            store = CusipStore(s)
            store.rebuild_master(seed, (tm.SEED,))
            return store.apply_master(now, unmapped_only=False)

    def _finish(self, report: RefreshReport, now: dt.datetime) -> RefreshReport:
        if not report.offline:  # a file left unread is tried again a day later
            from core.storage.repositories import Repository

            with self.db.session() as s:
                repo = Repository(s)
                repo.set_meta(ATTEMPTED_KEY, now.isoformat())
                if report.ok:
                    repo.set_meta(REFRESHED_KEY, now.isoformat())
        return report


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _cached(cache: Path) -> list[fails.FailsFile]:
    out = []
    for p in cache.glob("cnsfails*.zip"):
        found = fails.list_files(f'href="{p.name}"'.encode(), f"file://{p.parent}/")
        out.extend(found)
    return sorted(out)


def refresh_if_stale(
    db: Database, edgar: EdgarClient, clock: Callable[[], dt.datetime], deadline: Deadline,
) -> Generator[RefreshProgress, None, str | None]:  # fmt: skip
    """Sync's step: refresh the map with sync's own EDGAR client when the last complete
    refresh is over 30 days old; the one line it ends with (None: fresh enough)."""
    from core.storage.sync_store import SyncStore

    with db.session(write=False) as s:
        stale = is_stale(SyncStore(s).meta_with_prefix("fails."), clock())
    if not stale:
        return None
    report = yield from MapRefresher(db, None, clock=clock).refresh(deadline=deadline,
                                                                    client=edgar)
    return report.line()
