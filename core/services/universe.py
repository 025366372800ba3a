"""Load a Form 13F data set: every filing of a quarter, in one transaction, as the same
filings (identity: the accession) the importer and sync store."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Generator
from dataclasses import dataclass
from itertools import compress, groupby, repeat
from operator import mul
from pathlib import Path

from core.domain.filings import AmendmentType, FormType, value_unit_for
from core.filings import FilingFormatError
from core.filings.information_table import MAX_INT
from core.perf import gc_paused
from core.storage.database import Database
from core.storage.universe_store import UniverseStore, bulk_cache
from core.universe.dataset import DataSet, Submission, label_for

HOLDINGS_FORMS = (FormType.HOLDINGS.value, FormType.AMENDMENT.value)
NOTICE_FORMS = ("13F-NT", "13F-NT/A")
MAX_LISTED = 10


@dataclass(frozen=True, slots=True)
class LoadProgress:
    message: str  # the stage: "reading", "filings", "holdings", "finishing"
    done: int  # holdings rows read
    total: int  # holdings rows the set's summary pages announce (at least 1)

    @property
    def stage(self) -> str:
        return self.message

    @property
    def rows(self) -> int:
        return self.done


@dataclass(frozen=True, slots=True)
class LoadReport:
    label: str
    source: str
    filings: int  # 13F-HR and 13F-HR/A filings in the set
    notices: int  # 13F-NT filings (no holdings)
    rows: int  # holdings rows read
    new_filings: int  # stored now
    known_filings: int  # stored before (sync, import-13f or an earlier set): kept as they are
    new_filers: int
    rows_stored: int
    warnings: tuple[str, ...] = ()
    already_loaded: bool = False


@dataclass(frozen=True, slots=True)
class DataSetLine:
    label: str
    source: str
    filings: int
    notices: int
    rows: int
    new_filings: int
    loaded_at: dt.datetime


class _Target:
    """Where one accession's rows go, and what they add up to."""

    __slots__ = ("equity", "filing_id", "multiplier", "new", "options", "rows", "shares")

    def __init__(self, filing_id: int, multiplier: int, new: bool) -> None:
        self.filing_id, self.multiplier, self.new = filing_id, multiplier, new
        self.rows = self.shares = self.equity = self.options = 0


@dataclass
class _Tally:
    rows: int = 0
    stored: int = 0
    orphans: int = 0  # rows whose accession SUBMISSION does not list


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class UniverseLoader:
    """`load` is a generator: it yields LoadProgress and returns a LoadReport. Closing it
    (Cancel) or any failure rolls the whole set back. Unlike an import, a load adds no
    company per CUSIP: some 25,000 would crowd the security master (and be sent to
    OpenFIGI); holders name a security from its filed rows when the master does not."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def sets(self) -> list[DataSetLine]:
        with self.db.session(write=False) as s:
            return [DataSetLine(*row) for row in UniverseStore(s).sets()]

    def load(self, path: str | Path, label: str | None = None
             ) -> Generator[LoadProgress, None, LoadReport]:  # fmt: skip
        path = Path(path)
        with DataSet(path) as ds:
            label = label or label_for(path)
            yield LoadProgress("reading", 0, 1)
            digest = file_digest(path)
            subs = ds.submissions()
            return (yield from self._load(ds, path, label, digest, subs))

    def _load(self, ds: DataSet, path: Path, label: str, digest: str,
              subs: list[Submission]) -> Generator[LoadProgress, None, LoadReport]:  # fmt: skip
        warnings: list[str] = []
        holdings = [s for s in subs if s.form_type in HOLDINGS_FORMS]
        notices = sum(1 for s in subs if s.form_type in NOTICE_FORMS)
        other = sorted({s.form_type for s in subs} - {*HOLDINGS_FORMS, *NOTICE_FORMS})
        if other:
            warnings.append(f"filings of other forms skipped: {', '.join(other)}")
        expected = sum(s.entry_total or 0 for s in holdings) or 1
        with self.db.session() as s, bulk_cache(s):
            store = UniverseStore(s)
            if store.set_digest(label) == digest:
                return LoadReport(label, path.name, len(holdings), notices, 0, 0, len(holdings),
                                  0, 0, already_loaded=True)  # fmt: skip
            known = store.known_filings([h.accession for h in holdings])
            clash = sorted(h.accession for h in holdings
                           if h.accession in known and known[h.accession][1] != h.cik)
            if clash:
                warnings.append(f"{len(clash)} filing(s) stored under another filer's CIK "
                                f"(kept as stored): {_listing(clash)}")  # fmt: skip
            new = [h for h in holdings if h.accession not in known]
            filers, new_filers = store.filers({h.cik: h.filer_name for h in new}, label)
            yield LoadProgress("filings", 0, expected)
            ids = store.add_filings(self._filing_rows(new, filers, label, warnings))
            targets: dict[str, _Target] = {}
            for h in holdings:
                mult = value_unit_for(h.filed).multiplier
                if h.accession in ids:
                    targets[h.accession] = _Target(ids[h.accession], mult, True)
                else:
                    targets[h.accession] = _Target(known[h.accession][0], mult, False)
            tally = _Tally()
            if ids:  # rows of known filings are only checked, never written
                store.begin_rows(sum(h.entry_total or 0 for h in holdings if h.accession in ids))
            for batch in ds.infotable():
                with gc_paused():
                    self._store_batch(store, batch, targets, tally, ds.path.name)
                yield LoadProgress("holdings", min(tally.rows, expected), expected)
            yield LoadProgress("finishing", expected, expected)
            store.finish_rows()
            store.add_totals({tg.filing_id: (tg.equity, tg.options, tg.rows)
                              for tg in targets.values() if tg.new})  # fmt: skip
            self._check_known(store, targets, warnings)
            if tally.orphans:
                warnings.append(f"{tally.orphans:,} INFOTABLE row(s) of filings SUBMISSION does "
                                "not list were skipped")  # fmt: skip
            store.record_set(label, path.name, digest, len(holdings), notices, tally.rows,
                             len(new))  # fmt: skip
            store.analyze()
        return LoadReport(label, path.name, len(holdings), notices, tally.rows, len(new),
                          len(holdings) - len(new), new_filers, tally.stored,
                          tuple(warnings))  # fmt: skip

    @staticmethod
    def _filing_rows(new: list[Submission], filers: dict[str, int], label: str,
                     warnings: list[str]) -> list[dict]:  # fmt: skip
        now = dt.datetime.now(dt.UTC)
        untyped = 0
        rows = []
        for h in new:
            amendment = None
            if h.form_type == FormType.AMENDMENT:
                amendment = h.amendment_type
                if amendment not in (AmendmentType.RESTATEMENT, AmendmentType.NEW_HOLDINGS):
                    amendment = AmendmentType.RESTATEMENT.value  # as the importer takes it
                    untyped += 1
            rows.append({
                "portfolio_id": filers[h.cik], "accession": h.accession, "form_type": h.form_type,
                "amendment_type": amendment, "period_of_report": h.period,
                "filed_date": h.filed, "entry_total": h.entry_total,
                "value_total": h.value_total, "value_unit": value_unit_for(h.filed).value,
                "source": f"13F data set {label}", "imported_at": now,
            })  # fmt: skip
        if untyped:
            warnings.append(f"{untyped} amendment(s) without an amendment type: taken as "
                            "RESTATEMENT")  # fmt: skip
        return rows

    @staticmethod
    def _store_batch(store: UniverseStore, b, targets: dict[str, _Target], tally: _Tally,
                     file: str) -> None:  # fmt: skip
        """Number, convert and store a batch. A filing's rows are one run in the table, so
        the work is per run (a few hundred rows) in C-level list operations, not per row."""
        n = len(b)
        tally.rows += n
        fids: list[int] = []
        nums: list[int] = []
        usd: list[int] = []
        keep: list[bool] = []
        pos = 0
        for acc, run in groupby(b.accession):
            k = len(list(run))
            end = pos + k
            tg = targets.get(acc)
            if tg is None:
                tally.orphans += k
                keep.extend(repeat(False, k))
                fids.extend(repeat(0, k))
                nums.extend(repeat(0, k))
                usd.extend(repeat(0, k))
                pos = end
                continue
            values = b.value[pos:end]
            if tg.multiplier != 1:
                if max(values) * tg.multiplier > MAX_INT:
                    i = next(i for i, v in enumerate(values) if v * tg.multiplier > MAX_INT)
                    raise FilingFormatError(f"{file}: INFOTABLE line {b.line + pos + i}: VALUE "
                                            f"{values[i]:,} thousand dollars is larger than "
                                            "any holding can be")  # fmt: skip
                values = list(map(mul, values, repeat(tg.multiplier)))
            calls = b.put_call[pos:end]
            total = sum(values)
            options = sum(compress(values, calls)) if any(calls) else 0
            tg.equity += total - options
            tg.options += options
            tg.shares += sum(b.shares[pos:end])
            keep.extend(repeat(tg.new, k))
            fids.extend(repeat(tg.filing_id, k))
            nums.extend(range(tg.rows + 1, tg.rows + 1 + k))
            usd.extend(values)
            tg.rows += k
            pos = end
        rows = zip(fids, nums, b.issuer, b.title_of_class, b.cusip, b.figi, b.value, b.shares,
                   b.share_type, b.put_call, b.investment_discretion, b.other_managers,
                   b.voting_sole, b.voting_shared, b.voting_none, repeat(None, n), usd,
                   strict=True)
        stored = list(rows) if all(keep) else list(compress(rows, keep))
        store.add_rows(stored)
        tally.stored += len(stored)

    @staticmethod
    def _check_known(store: UniverseStore, targets: dict[str, _Target],
                     warnings: list[str]) -> None:  # fmt: skip
        """A filing already stored must hold the rows the set lists for it."""
        known = {tg.filing_id: (acc, tg) for acc, tg in targets.items() if not tg.new}
        if not known:
            return
        stored = store.row_sums(known)
        differ = sorted(acc for fid, (acc, tg) in known.items()
                        if stored.get(fid, (0, 0, 0)) != (tg.rows, tg.shares,
                                                          tg.equity + tg.options))  # fmt: skip
        if differ:
            warnings.append(f"{len(differ)} filing(s) already stored differ from the data set "
                            f"(the stored rows are kept): {_listing(differ)}")  # fmt: skip
