"""Import 13F filings: detect the format, stream-parse securely, store all rows or none."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.domain import cusip as cusips
from core.domain.filings import (
    AmendmentType,
    FilingHeader,
    FormType,
    RowBatch,
    ValueUnit,
    normalize_accession,
)
from core.files import InputFileError, check_input
from core.filings import FilingFormatError
from core.filings import sources as src
from core.filings.cover_page import CoverPage, parse_cover_page
from core.filings.information_table import MAX_INT
from core.perf import gc_paused
from core.storage.database import Database
from core.storage.repositories import Repository

MAX_LISTED = 10  # CUSIPs named in one warning before "and N more"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What a lone information table cannot say about itself (and overrides for others)."""

    cik: str | None = None
    name: str | None = None
    period: dt.date | None = None
    filed: dt.date | None = None
    accession: str | None = None


@dataclass(frozen=True, slots=True)
class ImportProgress:
    path: Path
    fraction: float  # 0..1 of the bytes read
    rows: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    path: Path
    accession: str
    filer: str
    cik: str
    form_type: str
    amendment_type: str | None
    period: dt.date
    filed: dt.date
    value_unit: ValueUnit
    rows: int
    total_value_usd: int
    unmapped_cusips: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    already_present: bool = False
    new_companies: int = 0
    mapped_from_map: int = 0  # new CUSIPs the CUSIP master named at once (no network)


@dataclass
class _Tally:
    rows: int = 0
    value_as_filed: int = 0
    issuers: dict[str, str] = field(default_factory=dict)  # cusip -> first issuer name seen
    invalid: list[str] = field(default_factory=list)  # CUSIPs failing the check digit
    new_companies: int = 0  # made for this filing (kept when the table is read again)
    from_map: int = 0  # of them, named by the CUSIP master
    unmapped: tuple[str, ...] = ()  # CUSIPs left without a ticker once stored
    complete: bool = False  # every row stored: only the commit was left

    def restart(self) -> None:
        """The table is read again from row 1: its counts start over (companies made
        stay made)."""
        self.rows = self.value_as_filed = 0
        self.issuers, self.invalid = {}, []


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


class Importer:
    """`import_path` is a generator: it yields ImportProgress and returns an ImportReport."""

    def __init__(self, db: Database, max_bytes: int = src.DEFAULT_MAX_BYTES) -> None:
        self.db = db
        self.max_bytes = max_bytes

    @staticmethod
    def needs_details(path: str | Path) -> bool:
        """True for a lone information table: the caller must give filer, period, filed."""
        try:
            return src.detect(Path(path)) == "table"
        except (FilingFormatError, OSError):
            return False

    def import_path(
        self, path: str | Path, options: ImportOptions | None = None
    ) -> Generator[ImportProgress, None, ImportReport]:
        path = Path(path)
        options = options or ImportOptions()
        if not path.exists():
            raise FilingFormatError(f"{path}: no such file or folder")
        if not path.is_dir():  # a device or FIFO (a link to /dev/zero) is refused unread
            try:
                check_input(path, self.max_bytes, path.name)
            except InputFileError as exc:
                raise FilingFormatError(str(exc)) from None
        kind = src.detect(path)
        if kind == "cover":
            cover = parse_cover_page(path.read_bytes()[: 4 * 2**20 + 1], path.name)
            self._check_form(cover.submission_type, path)
            raise FilingFormatError(
                f"{path.name} is a cover page alone; import the folder or .zip that holds it "
                "together with the information table"
            )
        if kind == "table":
            missing = [f"--{n}" for n in ("cik", "period", "filed") if not getattr(options, n)]
            if missing:
                raise FilingFormatError(
                    f"{path.name} is a lone information table: give {', '.join(missing)}"
                )
        readers = {
            "submission": src.read_submission,
            "zip": src.read_zip,
            "folder": src.read_folder,
            "table": src.read_table_file,
        }
        events = src.read(readers[kind], path, self.max_bytes)
        return (yield from self._store(path, kind, events, options))

    # -- the one transaction --------------------------------------------------------------
    def _store(
        self, path: Path, kind: str, events: Iterator[src.Event], options: ImportOptions
    ) -> Generator[ImportProgress, None, ImportReport]:
        sec: src.SecHeader | None = None
        cover: CoverPage | None = None
        early: list[RowBatch] = []  # rows that came before the cover page (rare)
        warnings: list[str] = []
        for event in events:
            if isinstance(event, src.SecHeader):
                sec = event
            elif isinstance(event, CoverPage):
                cover = event
                self._check_form(cover.submission_type, path)
                break
            elif isinstance(event, RowBatch):
                early.append(event)
                if kind != "submission":
                    break
            elif isinstance(event, src.Restart):
                early.clear()
        header, legacy = self._header(path, kind, sec, cover, options, warnings)
        tally = _Tally()
        try:
            stored = yield from self._transaction(path, header, legacy, events, early,
                                                  warnings, tally)  # fmt: skip
        except KeyboardInterrupt:
            # Ctrl-C as the transaction ended: if it committed, the import is done and is
            # reported so (the filing is there); otherwise it was rolled back: interrupted.
            if not tally.complete or not self.saved(header.accession):
                raise
            stored = tally.unmapped
        if isinstance(stored, ImportReport):  # already imported
            return stored
        yield ImportProgress(path, 1.0, tally.rows)
        return self._report(path, header, tally, warnings, unmapped=stored,
                            new=tally.new_companies)  # fmt: skip

    def saved(self, accession: str) -> bool:
        """Whether a filing with that accession is in the database (a fresh read)."""
        with self.db.session(write=False) as s:
            return Repository(s).filing_exists(accession)

    def _transaction(
        self, path, header, legacy, events, early, warnings, tally: _Tally
    ) -> Generator[ImportProgress, None, ImportReport | tuple]:
        """The one transaction: the filing and its rows; the CUSIPs left without a ticker
        (or the report of a filing already there)."""
        with self.db.session() as s:
            repo = Repository(s)
            if repo.filing_exists(header.accession) or any(
                repo.filing_exists(old, header.cik, header.period) for old in legacy
            ):
                events_close = getattr(events, "close", None)
                if events_close:
                    events_close()
                return self._report(path, header, tally, warnings, already=True)
            portfolio = repo.filer_portfolio(header.cik, header.filer_name)
            named_at = dt.datetime.now(dt.UTC)  # new companies named from the map: this time
            filing_id = repo.add_filing(portfolio, header)
            multiplier = header.value_unit.multiplier

            def store(batch: RowBatch) -> None:
                """The batch's rows, and a company for each valid CUSIP first seen in it
                (batch by batch: while this waits for the database, the next piece of
                the table is parsed)."""
                if multiplier != 1 and max(batch.value) * multiplier > MAX_INT:
                    i = next(i for i, v in enumerate(batch.value) if v * multiplier > MAX_INT)
                    raise FilingFormatError(
                        f"row {tally.rows + i + 1}: <value> is {batch.value[i]:,} thousand "
                        "dollars, larger than any holding can be")  # fmt: skip
                with gc_paused():
                    repo.add_rows(filing_id, tally.rows + 1, batch, multiplier)
                tally.rows += len(batch)
                tally.value_as_filed += sum(batch.value)
                names = dict(zip(batch.cusip, batch.issuer, strict=True))
                fresh = {c: names[c] for c in sorted(names.keys() - tally.issuers.keys())}
                tally.issuers.update(fresh)
                valid = set(cusips.valid_only(fresh))
                tally.invalid.extend(c for c in fresh if c not in valid)
                tally.new_companies += repo.add_filing_companies(
                    {c: n for c, n in fresh.items() if c in valid}, named_at)  # fmt: skip

            for batch in early:
                store(batch)
            for event in events:
                if isinstance(event, RowBatch):
                    store(event)
                elif isinstance(event, src.Restart):  # read again, sequentially, from row 1
                    repo.delete_rows(filing_id)
                    tally.restart()
                elif isinstance(event, src.Progress) and event.total_bytes:
                    yield ImportProgress(path, event.done_bytes / event.total_bytes, tally.rows)
                elif isinstance(event, CoverPage):
                    raise FilingFormatError(f"{path.name} holds more than one cover page")
            if tally.rows == 0:
                raise FilingFormatError(f"{path.name} has no information-table rows")
            self._check_totals(header, tally, warnings)
            if tally.invalid:
                warnings.append(
                    f"{len(tally.invalid)} CUSIP(s) fail the check digit (rows kept): "
                    + _listing(sorted(tally.invalid))
                )
            if tally.new_companies:  # named from the CUSIP master as they were made
                from core.storage.cusip_store import CusipStore

                tally.from_map = CusipStore(s).named_at(named_at)
            # Every valid CUSIP is a company now; an invalid one may be (a user's map).
            invalid = set(tally.invalid)
            without = repo.without_ticker(tally.issuers.keys() - invalid)
            if invalid:
                without |= invalid - repo.tickers(invalid).keys()
            tally.unmapped = tuple(sorted(without))
            tally.complete = True
        return tally.unmapped

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _check_form(form: str, path: Path) -> None:
        if form == "13F-NT" or form == "13F-NT/A":
            raise FilingFormatError(
                f"{path.name} is a 13F-NT notice: its holdings are reported by another "
                "manager, so it lists none"
            )
        if form not in (FormType.HOLDINGS, FormType.AMENDMENT):
            raise FilingFormatError(f"{path.name} is a {form} filing, not a 13F-HR holdings report")

    def _header(
        self,
        path: Path,
        kind: str,
        sec: src.SecHeader | None,
        cover: CoverPage | None,
        o: ImportOptions,
        warnings: list[str],
    ) -> tuple[FilingHeader, str | None]:
        """The filing's header, and the id it had before the filer was part of a local id
        (None when it has an accession number)."""
        form = (cover.submission_type if cover else None) or (sec.form_type if sec else None)
        form = form or FormType.HOLDINGS.value
        self._check_form(form, path)
        if kind in ("submission", "zip", "folder") and cover is None:
            raise FilingFormatError(f"{path.name} holds no 13F cover page (primary_doc.xml)")
        amendment = cover.amendment_type if cover else None
        if form == FormType.AMENDMENT and amendment is None:
            amendment = AmendmentType.RESTATEMENT
            warnings.append("amendment without an amendment type: taken as a RESTATEMENT")
        period = o.period or (cover.period if cover else None) or (sec.period if sec else None)
        if period is None:
            raise FilingFormatError(f"{path.name} does not say its period of report: give --period")
        filed = o.filed or (sec.filed if sec else None)
        if filed is None and cover is not None and cover.signature_date is not None:
            filed = cover.signature_date
            warnings.append(
                f"filing date taken from the cover page's signature date ({filed}); "
                "give --filed if EDGAR's differs"
            )
        if filed is None:
            raise FilingFormatError(f"{path.name} does not say when it was filed: give --filed")
        cik = o.cik or (cover.cik if cover else None) or (sec.cik if sec else None)
        digits = (cik or "").strip()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:  # not "５"
            raise FilingFormatError(f"{path.name}: the filer's CIK is missing or not a number "
                                    "(digits 0-9)")  # fmt: skip
        cik = cik.strip().zfill(10)
        name = o.name or (cover.filer_name if cover else None) or (sec.name if sec else None)
        name = (name or f"CIK {cik}").strip()
        accession, legacy = self._accession(path, sec, o, cik, period,
                                            lambda: self._local_before(cik, period))
        return FilingHeader(
            accession=accession,
            cik=cik,
            filer_name=name,
            form_type=FormType(form),
            amendment_type=amendment,
            period=period,
            filed=filed,
            entry_total=cover.entry_total if cover else None,
            value_total=cover.value_total if cover else None,
            source=path.name,
        ), legacy

    @staticmethod
    def _accession(path: Path, sec: src.SecHeader | None, o: ImportOptions, cik: str,
                   period: dt.date, local_before: Callable[[], bool] = lambda: True,
                   ) -> tuple[str, tuple[str, ...]]:  # fmt: skip
        if o.accession:
            acc = normalize_accession(o.accession)
            if acc is None:
                raise FilingFormatError(
                    f"accession {o.accession!r} is not of the form 0001045810-24-000021"
                )
            return acc, ()
        for candidate in ((sec.accession if sec else None), path.stem, path.name):
            acc = normalize_accession(candidate or "")
            if acc:
                return acc, ()
        # No accession anywhere: key the filing by its filer, period and content, so a
        # re-import is a no-op, and the same table imported for a second filer, or for a
        # new period, is a report of its own.
        return _local_ids(path, cik, period, legacy=local_before())

    def _local_before(self, cik: str, period: dt.date) -> bool:
        """Whether this filer has a report of this period without accession: only then can
        the file's older ids mean "already imported" (each id is a hash of the whole file:
        two fewer hashes of 25 MB for every other import)."""
        with self.db.session(write=False) as s:
            return Repository(s).has_local_filing(cik, period)

    @staticmethod
    def _check_totals(h: FilingHeader, tally: _Tally, warnings: list[str]) -> None:
        if h.entry_total is not None and h.entry_total != tally.rows:
            warnings.append(
                f"cover page lists {h.entry_total:,} entries; the table has {tally.rows:,} rows"
            )
        if h.value_total is not None and h.value_total != tally.value_as_filed:
            warnings.append(
                f"cover page total {h.value_total:,} differs from the rows' sum "
                f"{tally.value_as_filed:,} (both as filed, {h.value_unit.value})"
            )

    @staticmethod
    def _report(
        path: Path,
        h: FilingHeader,
        tally: _Tally,
        warnings: list[str],
        *,
        already: bool = False,
        unmapped: tuple[str, ...] = (),
        new: int = 0,
    ) -> ImportReport:
        return ImportReport(
            path=path,
            accession=h.accession,
            filer=h.filer_name,
            cik=h.cik,
            form_type=h.form_type.value,
            amendment_type=h.amendment_type.value if h.amendment_type else None,
            period=h.period,
            filed=h.filed,
            value_unit=h.value_unit,
            rows=tally.rows,
            total_value_usd=tally.value_as_filed * h.value_unit.multiplier,
            unmapped_cusips=unmapped,
            warnings=tuple(warnings),
            already_present=already,
            new_companies=new,
            mapped_from_map=tally.from_map,
        )


def _local_ids(path: Path, cik: str, period: dt.date,
               legacy: bool = True) -> tuple[str, tuple[str, ...]]:  # fmt: skip
    """The id of a filing without accession (its filer, period and content), and the ids
    the same file had before: filer and content, and content only (folders had none).
    Those still mean "already imported", for that filer's report of the same period only.
    One read of the files for all three."""
    current = hashlib.sha256(f"cik:{cik}\nperiod:{period.isoformat()}\n".encode())
    with_filer = hashlib.sha256(f"cik:{cik}\n".encode()) if legacy else None
    content = None if path.is_dir() or not legacy else hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for p in files:
        with p.open("rb") as f:
            while chunk := f.read(1 << 20):
                current.update(chunk)
                if with_filer is not None:
                    with_filer.update(chunk)
                if content is not None:
                    content.update(chunk)
    old = [] if with_filer is None else ["local-" + with_filer.hexdigest()[:14]]
    if content is not None:
        old.append("local-" + content.hexdigest()[:14])
    return "local-" + current.hexdigest()[:14], tuple(old)


def run(gen: Generator[object, None, ImportReport]) -> ImportReport:
    """Drive a progress generator to its end and return what it returns."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value
