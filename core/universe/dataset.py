"""Read a Form 13F data set zip: tables by header name, streamed, checked at the boundary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.domain.filings import normalize_accession
from core.files import UNREADABLE_ZIP, InputFileError, check_input
from core.filings import FilingFormatError
from core.filings.information_table import MAX_INT
from core.perf import gc_paused

MAX_ZIP_BYTES = 2 * 2**30  # the 2026 sets are about 100 MB
MAX_MEMBER_BYTES = 8 * 2**30  # one table, inflated (INFOTABLE is about 700 MB)
MAX_RATIO = 200  # a member that inflates more than this is a zip bomb, not a table
REQUIRED = ("SUBMISSION.tsv", "COVERPAGE.tsv", "SUMMARYPAGE.tsv", "INFOTABLE.tsv")
_TABS = operator.methodcaller("count", "\t")
_PIECE = 2 * 2**20  # characters of a table read at a time (about 14,000 holdings)
_MAX_RECORD = 64 * 2**20  # no record of the SEC's tables comes near this
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}

INFOTABLE_COLUMNS = (
    "ACCESSION_NUMBER", "NAMEOFISSUER", "TITLEOFCLASS", "CUSIP", "VALUE", "SSHPRNAMT",
    "SSHPRNAMTTYPE", "PUTCALL", "INVESTMENTDISCRETION", "OTHERMANAGER", "VOTING_AUTH_SOLE",
    "VOTING_AUTH_SHARED", "VOTING_AUTH_NONE",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Submission:
    """One filing of the set, from SUBMISSION, COVERPAGE and SUMMARYPAGE joined."""

    accession: str
    cik: str
    form_type: str  # 13F-HR, 13F-HR/A, 13F-NT, 13F-NT/A, ...
    period: dt.date
    filed: dt.date
    filer_name: str
    amendment_type: str | None = None  # as the cover page says (RESTATEMENT, NEW HOLDINGS)
    entry_total: int | None = None
    value_total: int | None = None


@dataclass(slots=True)
class InfoBatch:
    """INFOTABLE rows by column (values as filed; empty texts are None)."""

    accession: list[str]
    issuer: list[str]
    title_of_class: list[str]
    cusip: list[str]
    figi: list[str | None]
    value: list[int]
    shares: list[int]
    share_type: list[str | None]
    put_call: list[str | None]
    investment_discretion: list[str | None]
    other_managers: list[str | None]
    voting_sole: list[int | None]
    voting_shared: list[int | None]
    voting_none: list[int | None]
    line: int  # the file line of the batch's first row (for messages)

    def __len__(self) -> int:
        return len(self.accession)


def parse_date(text: str, what: str) -> dt.date:
    """'31-DEC-2025' as the data sets write dates (ISO dates are taken too)."""
    t = text.strip().upper()
    try:
        if len(t) == 11 and t[2] == "-" and t[6] == "-":
            return dt.date(int(t[7:]), _MONTHS[t[3:6]], int(t[:2]))
        return dt.date.fromisoformat(t)
    except (KeyError, ValueError):
        raise FilingFormatError(f"{what}: {text!r} is not a date like 31-DEC-2025") from None


def label_for(path: Path) -> str:
    """The set's label from its file name: '01jun2026-31aug2026_form13f_2.zip' ->
    '01jun2026-31aug2026' (a re-upload's _N suffix is the same set)."""
    stem = path.name.rsplit(".", 1)[0].lower()
    m = re.match(r"(\d{2}[a-z]{3}\d{4}-\d{2}[a-z]{3}\d{4}|\d{4}q[1-4])", stem)
    return m.group(1) if m else re.sub(r"(_form13f)?(_\d+)?$", "", stem) or stem


class DataSet:
    """An open data set zip. `submissions()` reads the small tables whole (one entry per
    filing); `infotable()` streams the holdings in batches, never the whole table."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.size = check_input(self.path, MAX_ZIP_BYTES, self.path.name)
        except InputFileError as exc:
            raise FilingFormatError(str(exc)) from None
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise FilingFormatError(f"{self.path.name} is not a readable zip file: {exc}") from None
        self._fields: dict[str, int] = {}  # a table's fields per record (its header's)
        self.members = {Path(i.filename).name.upper(): i for i in self.zip.infolist()
                        if not i.is_dir()}  # fmt: skip
        missing = [n for n in REQUIRED if n.upper() not in self.members]
        if missing:
            self.zip.close()
            raise FilingFormatError(f"{self.path.name} is not a Form 13F data set: it lacks "
                                    f"{', '.join(missing)}")  # fmt: skip
        for name in REQUIRED:
            info = self.members[name.upper()]
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 2**20
                                                     and ratio > MAX_RATIO):
                self.zip.close()
                raise FilingFormatError(f"{self.path.name}: {name} inflates to {info.file_size:,} "
                                        "bytes, refused as a zip bomb")  # fmt: skip

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> DataSet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def infotable_bytes(self) -> int:
        return self.members["INFOTABLE.TSV"].file_size

    # -- reading ----------------------------------------------------------------------------
    def _open(self, name: str, wanted: tuple[str, ...], optional: tuple[str, ...] = ()
              ) -> tuple[list[int | None], io.TextIOWrapper]:  # fmt: skip
        """The table's text after its header, and where each wanted column is."""
        try:
            raw = self.zip.open(self.members[name.upper()])  # encrypted, Deflate64: refused
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            first = text.readline()
        except (*UNREADABLE_ZIP, OSError) as exc:
            raise FilingFormatError(f"{self.path.name}: {name} cannot be read: {exc}") from None
        header = [h.strip().upper().lstrip("\ufeff") for h in first.rstrip("\r\n").split("\t")]
        if not first.strip():
            raise FilingFormatError(f"{self.path.name}: {name} is empty (no header line)")
        missing = [c for c in wanted if c not in header]
        if missing:
            raise FilingFormatError(f"{self.path.name}: {name} has no column "
                                    f"{', '.join(missing)}")  # fmt: skip
        self._fields[name] = len(header)
        return [header.index(c) if c in header else None for c in (*wanted, *optional)], text

    def _blocks(self, text: io.TextIOWrapper, name: str, width: int, by_column: bool = False
                ) -> Iterator[tuple[int, list[list[str]]]]:  # fmt: skip
        """(file line of the first record, records) per piece of the table, blank lines
        dropped; `by_column`: the records' first `width` fields column by column instead.
        Most pieces hold no quote at all and are split on newlines and tabs in C; a piece
        with quotes (a field holding '"', a tab or a newline) goes through csv, once its
        quotes pair up (a quoted field may run across a piece's end)."""
        line = 2
        pending = ""
        while True:
            try:
                chunk = text.read(_PIECE)
            except (*UNREADABLE_ZIP, OSError) as exc:  # a corrupt deflate stream, a cut file
                raise FilingFormatError(f"{self.path.name}: {name} cannot be read whole: "
                                        f"{exc}") from None  # fmt: skip
            data = pending + chunk
            if chunk:
                cut = data.rfind("\n") + 1
                block, pending = data[:cut], data[cut:]
                if not block or ('"' in block and block.count('"') % 2):
                    pending = data  # a quoted field goes on: read further first
                    if len(pending) > _MAX_RECORD:
                        raise FilingFormatError(f"{self.path.name}: {name} near line {line}: "
                                                "a quote that never closes")  # fmt: skip
                    continue
            else:
                block, pending = data, ""
            if not block:
                return
            if "\r" in block:
                block = block.replace("\r\n", "\n")
            lines = block.count("\n") + (not block.endswith("\n"))
            with gc_paused():  # millions of row lists, all freed by reference counting
                if by_column:
                    rows = self._columns(block, name, line, width)
                else:
                    rows = self._split(block, name, line, width)
            if rows and rows[0]:
                yield line, rows
            line += lines
            if not chunk:
                return

    def _columns(self, block: str, name: str, line: int, width: int) -> list[list[str]]:
        """A piece's first `width` columns. When every line holds the header's number of
        fields (no quote, no blank line: the SEC's tables), the whole piece is split once
        and each column sliced out of it, all in C; otherwise record by record."""
        fields = self._fields[name]
        if '"' not in block:
            body = block.removesuffix("\n")
            if set(map(_TABS, body.split("\n"))) == {fields - 1}:
                flat = body.replace("\n", "\t").split("\t")
                return [flat[i::fields] for i in range(width)]
        rows = self._split(block, name, line, width)
        return [list(c) for c in zip(*rows, strict=False)][:width] if rows else []

    def _split(self, block: str, name: str, line: int, width: int) -> list[list[str]]:
        """A piece's records (blank lines dropped), each at least `width` fields."""
        if '"' in block:
            reader = csv.reader(io.StringIO(block, newline=""), delimiter="\t",
                                quotechar='"', doublequote=True, strict=True)
            try:
                rows = list(reader)
            except csv.Error as exc:
                raise FilingFormatError(f"{self.path.name}: {name} near line "
                                        f"{line + reader.line_num - 1}: {exc}") from None
        else:
            rows = [r.split("\t") for r in block.removesuffix("\n").split("\n")]
        if rows and min(map(len, rows)) < width:
            bad = [k for k, r in enumerate(rows) if len(r) < width and any(r)]
            if bad:
                raise FilingFormatError(f"{self.path.name}: {name} line {line + bad[0]} "
                                        f"has {len(rows[bad[0]])} fields, not {width}")
            rows = [r for r in rows if len(r) >= width]
        return rows

    def _table(self, name: str, wanted: tuple[str, ...], optional: tuple[str, ...] = ()
               ) -> dict[str, list[str]]:
        """A small table keyed by accession: the wanted columns' texts ('' if absent)."""
        index, text = self._open(name, wanted, optional)
        width = max(i for i in index if i is not None) + 1
        out: dict[str, list[str]] = {}
        with text:
            for _line, rows in self._blocks(text, name, width):
                for row in rows:
                    out[row[index[0]].strip()] = [row[i].strip() if i is not None else ""
                                                  for i in index]  # fmt: skip
        return out

    def submissions(self) -> list[Submission]:
        subs = self._table("SUBMISSION.tsv", ("ACCESSION_NUMBER", "FILING_DATE",
                                              "SUBMISSIONTYPE", "CIK", "PERIODOFREPORT"))
        covers = self._table("COVERPAGE.tsv", ("ACCESSION_NUMBER", "FILINGMANAGER_NAME"),
                             ("AMENDMENTTYPE", "ISAMENDMENT"))  # fmt: skip
        summaries = self._table("SUMMARYPAGE.tsv", ("ACCESSION_NUMBER",),
                                ("TABLEENTRYTOTAL", "TABLEVALUETOTAL"))  # fmt: skip
        out = []
        for acc_text, (_, filed, form, cik, period) in subs.items():
            acc = normalize_accession(acc_text)
            where = f"{self.path.name}: SUBMISSION {acc_text!r}"
            if acc is None:
                raise FilingFormatError(f"{where}: not an accession number")
            if not cik.isdigit() or len(cik) > 10:
                raise FilingFormatError(f"{where}: CIK {cik!r} is not a number")
            cover = covers.get(acc_text, ["", "", "", ""])
            summary = summaries.get(acc_text, ["", "", ""])
            out.append(Submission(
                accession=acc, cik=cik.zfill(10), form_type=form.upper(),
                period=parse_date(period, where), filed=parse_date(filed, where),
                filer_name=" ".join(cover[1].split()) or f"CIK {cik.zfill(10)}",
                amendment_type=cover[2].upper() or None,
                entry_total=_int_or_none(summary[1]), value_total=_int_or_none(summary[2]),
            ))  # fmt: skip
        return out

    def infotable(self) -> Iterator[InfoBatch]:
        """The holdings in batches (a piece of the table each), in file order."""
        name = "INFOTABLE.tsv"
        index, text = self._open(name, INFOTABLE_COLUMNS, ("FIGI",))
        width = max(i for i in index if i is not None) + 1
        with text:
            for line, cols in self._blocks(text, name, width, by_column=True):
                with gc_paused():
                    batch = _info_batch(cols, index, line, self.path.name)
                yield batch


def _int_or_none(text: str) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _none_if_empty(col) -> list:
    return [c or None for c in col]


def _ints(col, name: str, line: int, file: str, optional: bool = False) -> list:
    try:
        if optional and "" in col:
            values = [int(c) if c else None for c in col]
        else:
            values = list(map(int, col))
    except ValueError:
        values = [_int_text(c, name, line + k, file, optional) for k, c in enumerate(col)]
    present = [v for v in values if v is not None] if optional else values
    if present and (min(present) < 0 or max(present) > MAX_INT):
        k = next(k for k, v in enumerate(values) if v is not None and not (0 <= v <= MAX_INT))
        raise FilingFormatError(f"{file}: INFOTABLE line {line + k}: {name} {values[k]} is "
                                "out of range")  # fmt: skip
    return values


def _int_text(text: str, name: str, line: int, file: str, optional: bool) -> int | None:
    t = text.strip().replace(",", "")
    if not t and optional:
        return None
    try:
        f = float(t)
        if f == int(f):
            return int(f)
    except (ValueError, OverflowError):
        pass
    raise FilingFormatError(f"{file}: INFOTABLE line {line}: {name} {text!r} is not a whole number")


def _info_batch(cols: list[list[str]], index: list[int | None], line: int,
                file: str) -> InfoBatch:  # fmt: skip
    n = len(cols[0])
    (acc, issuer, title, cusip, value, shares, sh_type, put_call, discretion, others,
     v_sole, v_shared, v_none, figi) = (cols[i] if i is not None else (("",) * n)
                                        for i in index)  # fmt: skip
    batch = InfoBatch(
        accession=list(map(str.strip, acc)),
        issuer=list(map(str.strip, issuer)),
        title_of_class=list(map(str.strip, title)),
        cusip=list(map(str.upper, map(str.strip, cusip))),
        figi=_none_if_empty(figi),
        value=_ints(value, "VALUE", line, file),
        shares=_ints(shares, "SSHPRNAMT", line, file),
        share_type=[s or None for s in map(str.upper, map(str.strip, sh_type))],
        put_call=[p or None for p in map(str.upper, map(str.strip, put_call))],
        investment_discretion=_none_if_empty(discretion),
        other_managers=_none_if_empty(others),
        voting_sole=_ints(v_sole, "VOTING_AUTH_SOLE", line, file, True),
        voting_shared=_ints(v_shared, "VOTING_AUTH_SHARED", line, file, True),
        voting_none=_ints(v_none, "VOTING_AUTH_NONE", line, file, True),
        line=line,
    )
    _check_codes(batch, file)
    return batch


def _check_codes(b: InfoBatch, file: str) -> None:
    """Codes the database keeps in short columns, checked here so a bad row is named."""
    checks = (("SSHPRNAMTTYPE", b.share_type, lambda v: v in ("SH", "PRN")),
              ("PUTCALL", b.put_call, lambda v: v is None or v in ("PUT", "CALL")),
              ("CUSIP", b.cusip, lambda v: 0 < len(v) <= 16),
              ("FIGI", b.figi, lambda v: v is None or len(v) <= 12),
              ("INVESTMENTDISCRETION", b.investment_discretion,
               lambda v: v is None or len(v) <= 8))  # fmt: skip
    for name, col, ok in checks:
        if not all(map(ok, set(col))):
            k = next(k for k, v in enumerate(col) if not ok(v))
            raise FilingFormatError(f"{file}: INFOTABLE line {b.line + k}: {name} {col[k]!r} "
                                    "is not a valid code")  # fmt: skip
