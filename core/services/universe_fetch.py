"""Fetch a Form 13F data set from the SEC: the index page lists the zips (their paths change
over the years, so they are read from the page, never built); a re-upload (`_N`) wins."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core import paths
from core.edgar.client import EdgarClient
from core.edgar.http import Deadline, check_contact
from core.filings import FilingFormatError
from core.services.queries import NotFoundError
from core.universe.dataset import label_for

INDEX_PATH = "/data-research/sec-markets-data/form-13f-data-sets"
MAX_INDEX_BYTES = 8 * 2**20  # the page is some 100 KB
DEFAULT_DEADLINE = 1800.0  # a 100 MB zip on a slow line
_HREF = re.compile(r"""href\s*=\s*["']([^"'<>\s]+?\.zip)["']""", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), 1)}  # fmt: skip


def data_sets(page: str, base: str) -> dict[str, str]:
    """label -> URL of every data set the index page links to, on the page's own host only
    (a link elsewhere is ignored); of a label's uploads, the last (highest `_N`)."""
    host = urlsplit(base).netloc
    found: dict[str, tuple[int, str]] = {}
    for href in _HREF.findall(page):
        url = urljoin(base + "/", href)
        parts = urlsplit(url)
        if parts.netloc != host or ".." in parts.path or "13f" not in parts.path.lower():
            continue
        name = parts.path.rsplit("/", 1)[-1]
        m = re.search(r"_(\d+)\.zip$", name, re.IGNORECASE)
        upload = int(m.group(1)) if m else 0
        label = label_for(Path(name))
        if label not in found or upload >= found[label][0]:
            found[label] = (upload, url)
    return {label: url for label, (_, url) in found.items()}


def label_end(label: str) -> dt.date:
    """The last day a label covers: '01jun2026-31aug2026' -> 2026-08-31; '2024q1' ->
    2024-03-31 (anything else sorts first)."""
    m = re.fullmatch(r"\d{2}[a-z]{3}\d{4}-(\d{2})([a-z]{3})(\d{4})", label)
    if m and m.group(2) in _MONTHS:
        return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    m = re.fullmatch(r"(\d{4})q([1-4])", label)
    if m:
        month = 3 * int(m.group(2))
        return dt.date(int(m.group(1)), month, 30 if month in (6, 9) else 31)
    return dt.date.min


def fetch_data_set(ctx, label: str | None, deadline: float | None = None,
                   client: EdgarClient | None = None) -> tuple[Path, str]:  # fmt: skip
    """Download the set named `label` (None: the newest) into the data folder, once; the
    path of the zip and its label. Same client, limiter, contact and caps as sync."""
    edgar = client or EdgarClient(check_contact(ctx.settings.sec_contact))
    limit = Deadline(deadline or DEFAULT_DEADLINE)
    folder = paths.data_dir() / "data-sets"
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / ".index.html"
    base = edgar.archives_url + INDEX_PATH
    edgar.http.download(base, index, limit)
    try:
        if index.stat().st_size > MAX_INDEX_BYTES:
            raise FilingFormatError(f"the SEC's data set page is larger than "
                                    f"{MAX_INDEX_BYTES // 2**20} MiB: not read")  # fmt: skip
        page = index.read_text("utf-8", errors="replace")
    finally:
        index.unlink(missing_ok=True)
    sets = data_sets(page, edgar.archives_url)
    if not sets:
        raise NotFoundError("the SEC's Form 13F data set page lists no data set")
    wanted = label.strip().lower() if label else max(sets, key=label_end)
    if wanted not in sets:
        newest = sorted(sets, key=label_end, reverse=True)[:6]
        raise NotFoundError(f"the SEC lists no data set {label!r}; the newest are: "
                            + ", ".join(newest))  # fmt: skip
    url = sets[wanted]
    target = folder / urlsplit(url).path.rsplit("/", 1)[-1]
    if not _whole_zip(target):  # a complete earlier download is not fetched again
        part = target.with_name(target.name + ".part")
        edgar.http.download(url, part, limit)
        part.replace(target)
    return target, wanted


def _whole_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (OSError, zipfile.BadZipFile):
        return False
