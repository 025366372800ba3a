"""A downloaded submission must be the one it was fetched as: its SEC header and its cover
page name the accession and the filer asked for, or it is refused before anything is stored."""

from __future__ import annotations

from pathlib import Path

from core.filings.cover_page import CoverPage
from core.filings.errors import FilingFormatError
from core.filings.sources import SecHeader, read_submission


class IdentityError(ValueError):
    """The document says it is another filing or another filer's; the message says which."""


def check_identity(path: Path, cik: str, accession: str, max_bytes: int) -> None:
    """Refuse (IdentityError) a submission whose SEC header does not give `accession` and
    `cik` as its accession number and filer, or whose cover page names another filer."""
    sec: SecHeader | None = None
    cover: CoverPage | None = None
    events = read_submission(path, max_bytes, piecewise=False)
    try:
        for event in events:
            if isinstance(event, SecHeader):
                sec = event
            elif isinstance(event, CoverPage):
                cover = event
                break  # the header comes first; the table need not be read for this
    except FilingFormatError as exc:
        raise IdentityError(f"not a submission of {accession}: {exc}") from None
    finally:
        events.close()
    if sec is None or not sec.accession:
        raise IdentityError(f"refused: the document fetched as {accession} does not say its "
                            "accession number (no SEC header)")  # fmt: skip
    if sec.accession != accession:
        raise IdentityError(f"refused: the document fetched as {accession} says it is "
                            f"{_shown(sec.accession)}")  # fmt: skip
    if not _same_cik(sec.cik, cik):
        raise IdentityError(f"refused: {accession} says its filer is CIK {_shown(sec.cik)}, "
                            f"not {int(cik)}")  # fmt: skip
    if cover is None or not _same_cik(cover.cik, cik):
        said = "has no cover page" if cover is None else (
            f"has a cover page of CIK {_shown(cover.cik)}")  # fmt: skip
        raise IdentityError(f"refused: {accession} {said}, not of CIK {int(cik)}")


def _same_cik(claimed: str | None, cik: str) -> bool:
    text = (claimed or "").strip()
    return text.isascii() and text.isdigit() and len(text) <= 10 and int(text) == int(cik)


def _shown(text: str | None) -> str:
    if text is None:
        return "(none)"
    r = repr(text) if not text.isprintable() else text
    return r[:40]
