"""The SEC's Fails-to-Deliver data: its index page's half-month zips, each read into dated
(CUSIP, symbol) sightings. Everything in a page or a zip is checked here before use."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core.domain import cusip as cusip_rules
from core.files import UNREADABLE_ZIP

INDEX_PATH = "/data-research/sec-markets-data/fails-deliver-data"
MAX_INDEX = 4 * 2**20  # the page is ~100 KB
MAX_ZIP = 128 * 2**20  # a half-month zip is a few MB
MAX_TEXT = 512 * 2**20  # its text file, uncompressed
HEADER = ("SETTLEMENT DATE", "CUSIP", "SYMBOL")
_LINK = re.compile(r"""href\s*=\s*["']([^"'<>]*?cnsfails(\d{4})(\d{2})([ab])\.zip)["']""", re.I)
_TRAILER_COUNT = re.compile(r"record count\s*:?\s*(\d+)", re.I)
_SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,15}$")


class FailsFormatError(ValueError):
    """A page or zip that is not what the SEC publishes: nothing of it is used."""


@dataclass(frozen=True, slots=True, order=True)
class FailsFile:
    """One half-month file: `cnsfails202511a` covers settlement dates 1-15 Nov 2025."""

    name: str
    month: dt.date
    half: str
    url: str = field(compare=False)


@dataclass
class FailsRead:
    """(cusip, symbol) -> (first, last) settlement date seen, and what was skipped."""

    seen: dict[tuple[str, str], tuple[dt.date, dt.date]] = field(default_factory=dict)
    rows: int = 0
    skipped: int = 0  # rows without a symbol or with a malformed CUSIP, symbol or date
    trailer: str | None = None  # "Trailer record count N" as the file says it


def index_url(base: str) -> str:
    return base.rstrip("/") + INDEX_PATH


def list_files(page: bytes, page_url: str) -> list[FailsFile]:
    """The zips the index page links to, on the page's own host only, oldest first."""
    if len(page) > MAX_INDEX:
        raise FailsFormatError(f"the fails-to-deliver page is larger than {MAX_INDEX} bytes")
    text = page.decode("utf-8", "replace")
    host = urlsplit(page_url)[:2]
    found: dict[str, FailsFile] = {}
    for m in _LINK.finditer(text):
        url = urljoin(page_url, unescape(m.group(1)))
        year, month, half = int(m.group(2)), int(m.group(3)), m.group(4).lower()
        if urlsplit(url)[:2] != host or not (1 <= month <= 12 and 2000 <= year <= 2100):
            continue  # a link elsewhere is not followed
        name = f"cnsfails{year:04d}{month:02d}{half}"
        found.setdefault(name, FailsFile(name, dt.date(year, month, 1), half, url))
    return sorted(found.values())


def read_zip(path: Path) -> FailsRead:
    """Read one downloaded zip: a single text file, header line, `|`-separated rows
    (`.` for no price, a `|` inside a description), trailer lines at the end."""
    if path.stat().st_size > MAX_ZIP:
        raise FailsFormatError(f"{path.name} is larger than {MAX_ZIP} bytes")
    try:
        with zipfile.ZipFile(path) as z:
            members = [i for i in z.infolist() if not i.is_dir()]
            if len(members) != 1:
                raise FailsFormatError(f"{path.name} holds {len(members)} files, not one")
            info = members[0]
            if info.file_size > MAX_TEXT:
                raise FailsFormatError(f"{path.name}: its text is larger than {MAX_TEXT} bytes")
            with z.open(info) as raw:
                stream = io.BufferedReader(_Capped(raw, MAX_TEXT))
                return read_lines(io.TextIOWrapper(stream, "latin-1"),
                                  path.name)  # fmt: skip
    except UNREADABLE_ZIP as exc:
        raise FailsFormatError(f"{path.name} is not a readable zip: {exc}") from None


def read_lines(lines: Iterator[str], name: str) -> FailsRead:
    out = FailsRead()
    first = next(iter(lines), "")
    head = tuple(p.strip().upper() for p in first.rstrip("\r\n").split("|")[:3])
    if head != HEADER:
        raise FailsFormatError(f"{name}: the first line is not the fails-to-deliver header")
    seen = out.seen
    for line in lines:
        parts = line.rstrip("\r\n").split("|")
        day = parts[0].strip()
        if len(parts) < 6 or len(day) != 8 or not day.isdigit():
            if line.strip().lower().startswith("trailer"):
                out.trailer = out.trailer or line.strip()
            elif line.strip():
                out.skipped += 1
            continue  # the trailer lines (record count, totals) end the file
        out.rows += 1
        # Fields are read from the left: a `|` inside the description shifts only the price.
        cusip, symbol = parts[1].strip().upper(), parts[2].strip().upper().replace("/", "-")
        try:
            when = dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
        except ValueError:
            out.skipped += 1
            continue
        if not symbol or not _SYMBOL.match(symbol) or not cusip_rules.is_valid(cusip):
            out.skipped += 1
            continue
        key = (cusip, symbol)
        old = seen.get(key)
        if old is None:
            seen[key] = (when, when)
        elif when < old[0] or when > old[1]:
            seen[key] = (min(when, old[0]), max(when, old[1]))
    count = _TRAILER_COUNT.search(out.trailer or "")
    if count and int(count.group(1)) != out.rows:
        raise FailsFormatError(f"{name}: {out.rows} rows, but its trailer says "
                               f"{count.group(1)}: a damaged file is not used")  # fmt: skip
    return out


class _Capped(io.RawIOBase):
    """A stream that stops with an error past `limit` bytes (a zip that lies about its size)."""

    def __init__(self, raw, limit: int) -> None:
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        self.left -= n
        if self.left < 0:
            raise FailsFormatError(f"a fails file's text is larger than {MAX_TEXT} bytes")
        return n
