"""Find the cover page and the information table in whatever the user hands us:
an EDGAR submission text file, a folder or .zip of the XML documents, or a lone table."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.domain.filings import RowBatch
from core.files import UNREADABLE_ZIP
from core.filings.cover_page import MAX_COVER_BYTES, CoverPage, parse_cover_page, parse_edgar_date
from core.filings.errors import FilingFormatError
from core.filings.information_table import InformationTableReader
from core.filings.table_pieces import PiecewiseTableReader, TableDeclined

CHUNK = 1 << 20
DEFAULT_MAX_BYTES = 512 * 2**20  # any one file, or all of a zip's members together
MAX_ZIP_RATIO = 200  # a member that inflates more than this is a zip bomb, not a filing


@dataclass(frozen=True, slots=True)
class SecHeader:
    """The EDGAR header of a submission text file."""

    accession: str | None
    form_type: str | None
    period: dt.date | None
    filed: dt.date | None
    cik: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    done_bytes: int
    total_bytes: int


@dataclass(frozen=True, slots=True)
class Restart:
    """Forget the rows given so far: the table is being read again from its first row
    (the piecewise reader declined it; the sequential reader now reads it)."""


Event = SecHeader | CoverPage | RowBatch | Progress | Restart
Reader = Callable[..., Iterator[Event]]
TableReader = InformationTableReader | PiecewiseTableReader


def read(reader: Reader, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Event]:
    """A filing's events from `reader` (read_submission, read_zip, ...): its table read
    piecewise, on a second core; should that reader decline, a Restart, then the filing
    read again sequentially (its header and cover page only if not given already)."""
    given = {SecHeader: 0, CoverPage: 0}
    events = reader(path, max_bytes, piecewise=True)
    try:
        for event in events:
            if type(event) in given:
                given[type(event)] += 1
            yield event
        return
    except TableDeclined:
        pass
    finally:
        events.close()
    yield Restart()
    for event in reader(path, max_bytes, piecewise=False):
        if type(event) in given and given[type(event)]:
            given[type(event)] -= 1
            continue
        yield event


# -- the SEC header ---------------------------------------------------------------------
_HEADER_FIELDS = {
    "accession": (r"ACCESSION NUMBER:\s*([\d-]+)", r"<ACCESSION-NUMBER>\s*([\d-]+)"),
    "form_type": (r"CONFORMED SUBMISSION TYPE:\s*(\S+)", r"<TYPE>\s*([^<\s]+)"),
    "period": (r"CONFORMED PERIOD OF REPORT:\s*(\d{8})", r"<PERIOD>\s*(\d{8})"),
    "filed": (r"FILED AS OF DATE:\s*(\d{8})", r"<FILING-DATE>\s*(\d{8})"),
    "cik": (r"CENTRAL INDEX KEY:\s*(\d+)", r"<CIK>\s*(\d+)"),
    "name": (r"COMPANY CONFORMED NAME:\s*([^\r\n]+)", r"<CONFORMED-NAME>\s*([^<\r\n]+)"),
}


def parse_sec_header(text: str) -> SecHeader:
    found: dict[str, str | None] = {}
    for key, patterns in _HEADER_FIELDS.items():
        found[key] = None
        for pattern in patterns:
            m = re.search(pattern, text)
            if m:
                found[key] = m.group(1).strip()
                break
    return SecHeader(
        accession=found["accession"],
        form_type=found["form_type"],
        period=parse_edgar_date(found["period"]),
        filed=parse_edgar_date(found["filed"]),
        cik=found["cik"],
        name=found["name"],
    )


# -- byte sources -----------------------------------------------------------------------
def _chunks(stream: BinaryIO, what: str, max_bytes: int) -> Iterator[bytes]:
    total = 0
    while True:
        try:
            chunk = stream.read(CHUNK)
        except (*UNREADABLE_ZIP, OSError) as exc:
            # a bad CRC, a corrupt deflate stream, a cut archive
            raise FilingFormatError(f"{what} cannot be read: {exc}") from None
        if not chunk:
            return
        total += len(chunk)
        if total > max_bytes:
            raise FilingFormatError(f"{what} is larger than the {max_bytes // 2**20} MiB limit")
        yield chunk


def _read_small(chunks: Iterable[bytes], what: str, cap: int) -> bytes:
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > cap:
            raise FilingFormatError(f"{what} is larger than the {cap // 2**20} MiB limit")
    return bytes(data)


def _table_reader(what: str, max_bytes: int, piecewise: bool) -> TableReader:
    return (PiecewiseTableReader if piecewise else InformationTableReader)(what, max_bytes)


def _table_rows(
    chunks: Iterable[bytes], what: str, max_bytes: int, tick: Callable[[int], Progress | None],
    piecewise: bool,
) -> Iterator[Event]:  # fmt: skip
    reader = _table_reader(what, max_bytes, piecewise)
    try:
        for chunk in chunks:
            yield from reader.feed(chunk)
            p = tick(len(chunk))
            if p is not None:
                yield p
        yield from reader.close()
    finally:
        reader.abort()


class _Ticker:
    """Turns byte counts into Progress events."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, n: int) -> Progress:
        self.done += n
        return Progress(self.done, self.total)


# -- the submission text file -----------------------------------------------------------
_TYPE = re.compile(rb"<TYPE>\s*([^<\r\n]+)")
_XML_OPEN, _XML_CLOSE = b"<XML>", b"</XML>"
_KEEP = len(_XML_CLOSE)


def read_submission(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                    piecewise: bool = False) -> Iterator[Event]:  # fmt: skip
    """An EDGAR `<accession>.txt` (SEC-HEADER) or `.nc` (<SUBMISSION>) file, streamed."""
    what = path.name
    size = path.stat().st_size
    tick = _Ticker(size)
    header_seen = False
    outside = bytearray()  # text between XML blocks: headers and <TYPE> lines
    doc_type = ""
    in_xml = False
    cover: bytearray | None = None
    table: TableReader | None = None
    buf = b""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
            if not re.search(rb"<(SEC-DOCUMENT|SEC-HEADER|SUBMISSION|DOCUMENT)>", head):
                raise FilingFormatError(f"{what} is not an EDGAR submission text file")
            stream.seek(0)
            for chunk in _chunks(stream, what, max_bytes):
                buf += chunk
                while True:
                    if not in_xml:
                        i = buf.find(_XML_OPEN)
                        if i < 0:
                            keep = max(0, len(buf) - _KEEP)
                            if len(outside) < (1 << 20):
                                outside += buf[:keep]
                            buf = buf[keep:]
                            break
                        outside += buf[:i]
                        buf = buf[i + len(_XML_OPEN) :]
                        if not header_seen:
                            header_seen = True
                            yield parse_sec_header(outside.decode("latin-1"))
                        types = _TYPE.findall(outside)
                        doc_type = types[-1].decode("latin-1").strip().upper() if types else ""
                        outside = bytearray()
                        in_xml = True
                        if doc_type == "INFORMATION TABLE":
                            table = _table_reader(f"{what}: the information table", max_bytes,
                                                  piecewise)  # fmt: skip
                        elif doc_type.startswith("13F"):
                            cover = bytearray()
                    else:
                        j = buf.find(_XML_CLOSE)
                        done = j >= 0
                        if done:
                            part, buf = buf[:j], buf[j + len(_XML_CLOSE) :]
                        else:  # keep a tail in case the closing tag is split across chunks
                            cut = max(0, len(buf) - _KEEP)
                            part, buf = buf[:cut], buf[cut:]
                        if table is not None:
                            yield from table.feed(part)
                        elif cover is not None:
                            cover += part
                            if len(cover) > MAX_COVER_BYTES:
                                raise FilingFormatError(f"{what}: the cover page is too large")
                        if not done:
                            break
                        if table is not None:
                            yield from table.close()
                            table = None
                        elif cover is not None:
                            yield parse_cover_page(bytes(cover), f"{what}: the cover page")
                            cover = None
                        in_xml = False
                yield tick(len(chunk))
    finally:
        if table is not None:  # stopped early: the piecewise reader's worker stops too
            table.abort()
    if in_xml:
        raise FilingFormatError(f"{what} ends inside an XML document (truncated?)")
    if not header_seen:
        raise FilingFormatError(f"{what} holds no XML documents (is it a 13F filing?)")


# -- zip files and folders --------------------------------------------------------------
def _sniff_kind(head: bytes) -> str:
    if b"informationTable" in head:
        return "table"
    if b"edgarSubmission" in head:
        return "cover"
    return "other"


def read_members(
    members: list[tuple[str, int, Callable[[], BinaryIO]]], what: str, max_bytes: int,
    piecewise: bool = False,
) -> Iterator[Event]:  # fmt: skip
    """Cover page first, then the information table, from named byte streams."""
    covers, tables = [], []
    for name, size, opener in members:
        if not name.lower().endswith(".xml"):
            continue
        with opener() as f:
            kind = _sniff_kind(f.read(4096))
        if kind == "cover":
            covers.append((name, size, opener))
        elif kind == "table":
            tables.append((name, size, opener))
    if not covers and not tables:
        raise FilingFormatError(f"{what} holds no 13F cover page or information table")
    if len(covers) > 1 or len(tables) > 1:
        names = ", ".join(n for n, _, _ in covers + tables)
        raise FilingFormatError(f"{what} holds more than one filing's documents: {names}")
    tick = _Ticker(sum(s for _, s, _ in covers + tables))
    if covers:
        name, size, opener = covers[0]
        with opener() as f:
            data = _read_small(_chunks(f, name, max_bytes), name, MAX_COVER_BYTES)
        tick(size)
        yield parse_cover_page(data, f"{what}: {name}")
    if tables:
        name, _size, opener = tables[0]
        with opener() as f:
            yield from _table_rows(_chunks(f, name, max_bytes), f"{what}: {name}", max_bytes, tick,
                                   piecewise)  # fmt: skip


def read_zip(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
             piecewise: bool = False) -> Iterator[Event]:  # fmt: skip
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FilingFormatError(f"{path.name} is not a readable zip file: {exc}") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise FilingFormatError(f"{path.name} unpacks to more than {max_bytes // 2**20} MiB")
        for i in infos:
            if i.compress_size and i.file_size / i.compress_size > MAX_ZIP_RATIO and (
                i.file_size > 2**20
            ):
                raise FilingFormatError(
                    f"{path.name}: {i.filename} inflates {i.file_size // i.compress_size}-fold; "
                    "refused as a zip bomb"
                )
        members = [(i.filename, i.file_size, lambda i=i: zf.open(i)) for i in infos]
        try:
            yield from read_members(members, path.name, max_bytes, piecewise)
        except UNREADABLE_ZIP as exc:  # a member's first bytes
            raise FilingFormatError(f"{path.name} cannot be read: {exc}") from None


def read_folder(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                piecewise: bool = False) -> Iterator[Event]:  # fmt: skip
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.is_symlink())
    members = [(p.name, p.stat().st_size, lambda p=p: p.open("rb")) for p in files]
    yield from read_members(members, path.name, max_bytes, piecewise)


def read_table_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                    piecewise: bool = False) -> Iterator[Event]:  # fmt: skip
    """A lone information table; the caller supplies filer, period and dates."""
    tick = _Ticker(path.stat().st_size)
    with path.open("rb") as f:
        yield from _table_rows(_chunks(f, path.name, max_bytes), path.name, max_bytes, tick,
                               piecewise)  # fmt: skip


def detect(path: Path) -> str:
    """'submission', 'zip', 'folder', 'table' or 'cover' (a cover page alone)."""
    if path.is_dir():
        return "folder"
    if zipfile.is_zipfile(path):
        return "zip"
    with path.open("rb") as f:
        head = f.read(8192)
    if re.search(rb"<(SEC-DOCUMENT|SEC-HEADER|SUBMISSION)>", head):
        return "submission"
    kind = _sniff_kind(head)
    if kind == "table":
        return "table"
    if kind == "cover":
        return "cover"
    raise FilingFormatError(
        f"{path.name} is neither an EDGAR submission, a zip or folder of 13F documents, "
        "nor a 13F information table"
    )
