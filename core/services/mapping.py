"""Map CUSIPs to tickers: OpenFIGI for what filings name, a CSV for a user's own master.
A ticker a user typed is never overwritten; every mapping records its source and time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.domain import cusip as cusip_rules
from core.storage.database import Database
from core.storage.sync_store import SyncStore

if TYPE_CHECKING:  # the network and the services load when a mapping runs: an offline
    from core.edgar.http import Deadline  # import only asks which CUSIPs are left

MAX_MAP_FILE = 32 * 2**20
MAX_NAMED = 5  # bad lines named in the one error line before "and N more"


class MappingFileError(ValueError):
    """A mapping CSV with bad lines: every bad line is named and nothing is changed."""


@dataclass(frozen=True, slots=True)
class MapProgress:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class MappingReport:
    asked: int
    mapped: dict[str, str] = field(default_factory=dict)  # cusip -> ticker now stored
    unmapped: dict[str, str] = field(default_factory=dict)  # cusip -> reason
    error: str | None = None  # the service could not be reached: nothing was changed
    requests: int = 0
    # Only with keep_partial: CUSIPs not asked because of `error` (answers before it stored)
    not_asked: tuple[str, ...] = ()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CusipMapper:
    """`map_unmapped` is a generator (progress per batch) returning a MappingReport."""

    def __init__(self, db: Database, figi_factory: Callable[[], object],
                 clock: Callable[[], dt.datetime] = utcnow) -> None:  # fmt: skip
        self.db = db
        self.figi_factory = figi_factory
        self.clock = clock

    def unmapped(self, portfolio_ids: Iterable[int] | None = None, *, retry: bool = False
                 ) -> list[str]:  # fmt: skip
        with self.db.session() as s:
            return SyncStore(s).unmapped_cusips(portfolio_ids, retry=retry)

    def unmapped_among(self, cusips: Iterable[str]) -> list[str]:
        """Of these CUSIPs (an import's), those never asked about and still unmapped."""
        with self.db.session(write=False) as s:
            return SyncStore(s).unmapped_among(cusips)

    def map_unmapped(
        self, portfolio_ids: Iterable[int] | None = None, *, retry: bool = True,
        deadline: Deadline | None = None, only: Iterable[str] | None = None,
        keep_partial: bool = False, retries: int | None = None,
    ) -> Generator[MapProgress, None, MappingReport]:  # fmt: skip
        """Ask OpenFIGI about every CUSIP without a ticker (held in those portfolios, and
        among `only` if given), then store all answers in one transaction; if any batch
        fails, store none, or with `keep_partial` the answers of the batches before it."""
        if only is not None and portfolio_ids is None:  # no join: the caller named them
            with self.db.session(write=False) as s:
                cusips = SyncStore(s).unmapped_among(only, retry=retry)
        else:
            cusips = self.unmapped(portfolio_ids, retry=retry)
            if only is not None:
                wanted = set(only)
                cusips = [c for c in cusips if c in wanted]
        if not cusips:
            return MappingReport(0)
        figi = self.figi_factory()
        if retries is not None:
            figi.retries = retries
        from core.edgar.http import Deadline, HttpError

        deadline = deadline or Deadline(None)
        done: list[int] = []
        answers = []
        yield MapProgress(0, len(cusips))
        try:
            for i in range(0, len(cusips), figi.batch_size):
                batch = cusips[i : i + figi.batch_size]
                answers.extend(figi.map_cusips(batch, deadline))
                done.append(len(answers))
                yield MapProgress(len(answers), len(cusips))
        except HttpError as exc:
            if not keep_partial:
                return MappingReport(len(cusips), error=f"OpenFIGI: {exc}",
                                     requests=figi.requests)  # fmt: skip
            asked = {m.cusip for m in answers}
            stored = self._store(cusips, answers, figi.requests) if answers else None
            return MappingReport(
                len(cusips), stored.mapped if stored else {}, stored.unmapped if stored else {},
                error=f"OpenFIGI: {exc}", requests=figi.requests,
                not_asked=tuple(c for c in cusips if c not in asked),
            )  # fmt: skip
        return self._store(cusips, answers, figi.requests)

    def _store(self, cusips, answers, requests: int) -> MappingReport:
        now = self.clock()
        with self.db.session() as s:
            store = SyncStore(s)
            store.apply_mappings(((m.cusip, m.ticker, m.reason) for m in answers),
                                 "openfigi", now)  # fmt: skip
            info = store.mapping_info()
        mapped = {m.cusip: m.ticker for m in answers if m.ticker
                  and info[m.cusip].ticker == m.ticker and info[m.cusip].source == "openfigi"}
        unmapped = {m.cusip: m.reason or "no ticker" for m in answers if not m.ticker}
        return MappingReport(len(cusips), mapped, unmapped, requests=requests)

    # -- the user's own security master ---------------------------------------------------
    def import_map(self, path: str | Path) -> int:
        """Load `cusip,ticker[,name]` lines; any bad line means nothing is changed."""
        rows = read_map_file(Path(path))
        with self.db.session() as s:
            return SyncStore(s).import_map(rows, self.clock())


def read_map_file(path: Path) -> list[tuple[str, str, str | None]]:
    try:
        if path.stat().st_size > MAX_MAP_FILE:
            raise MappingFileError(f"{path.name} is larger than {MAX_MAP_FILE >> 20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingFileError(f"{path.name} is not UTF-8 text") from None
    except OSError as exc:
        raise MappingFileError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    bad: list[str] = []
    rows: dict[str, tuple[str, str, str | None]] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() == "cusip":
            continue  # a header row
        if len(cells) not in (2, 3):
            bad.append(f"line {number}: expected cusip,ticker[,name]")
            continue
        cusip, ticker = cells[0].upper(), cells[1]
        name = cells[2] if len(cells) == 3 and cells[2] else None
        if len(cusip) != 9 or not cusip_rules.is_valid(cusip):
            bad.append(f"line {number}: {cusip[:20]!r} is not a valid CUSIP")
            continue
        from core.services.companies import clean_ticker
        from core.services.queries import InvalidRequestError

        try:
            value = clean_ticker(ticker)
        except InvalidRequestError:
            value = None
        if value is None:
            bad.append(f"line {number}: {ticker[:20]!r} is not a ticker")
            continue
        if cusip in rows and rows[cusip][1] != value:
            bad.append(f"line {number}: {cusip} was given ticker {rows[cusip][1]} before")
            continue
        rows[cusip] = (cusip, value, name[:200] if name else None)
    if bad:
        shown = "; ".join(bad[:MAX_NAMED])
        more = f" and {len(bad) - MAX_NAMED} more" if len(bad) > MAX_NAMED else ""
        raise MappingFileError(f"{path.name}: {len(bad)} bad line(s), nothing changed: "
                               f"{shown}{more}")  # fmt: skip
    if not rows:
        raise MappingFileError(f"{path.name} holds no cusip,ticker lines")
    return list(rows.values())
