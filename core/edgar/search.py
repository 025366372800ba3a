"""EDGAR's company search (the hints under the search box of EDGAR's full-text search)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

from core.edgar.client import EdgarClient, IndexShapeError, _name, cik10
from core.edgar.http import Deadline

SEARCH_URL_ENV = "STAKEWATCH_SEC_SEARCH_URL"
DEFAULT_SEARCH_URL = "https://efts.sec.gov"
MAX_TEXT = 100  # a name typed, not a document: longer text is cut before it is sent
MAX_HITS = 20  # EDGAR answers ten hints; more is not a list of hints


@dataclass(frozen=True, slots=True)
class EdgarCompany:
    cik: str  # ten digits
    name: str


def search_url() -> str:
    return (os.environ.get(SEARCH_URL_ENV, "").strip() or DEFAULT_SEARCH_URL).rstrip("/")


def company_search(edgar: EdgarClient, text: str, deadline: Deadline) -> list[EdgarCompany]:
    """EDGAR's entities whose name starts like `text` (its search box's hints), in EDGAR's
    order. The answer is `{"hits": {"hits": [{"_id": "1045810", "_source": {"entity":
    "NVIDIA CORP", ...}}]}}`; IndexShapeError if it is shaped otherwise. A hit without a
    CIK or a printable name is left out (nothing is asked with it)."""
    typed = " ".join(text.split())[:MAX_TEXT]
    url = f"{search_url()}/LATEST/search-index?keysTyped={quote(typed, safe='')}"
    data = edgar.http.get_json(url, deadline)
    hits = data.get("hits") if isinstance(data, dict) else None
    hits = hits.get("hits") if isinstance(hits, dict) else None
    if not isinstance(hits, list):
        raise IndexShapeError("the company search's answer has no 'hits' list")
    out: list[EdgarCompany] = []
    seen: set[str] = set()
    for hit in hits[:MAX_HITS]:
        if not isinstance(hit, dict) or not isinstance(hit.get("_source"), dict):
            continue
        raw = hit.get("_id")
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            continue
        try:
            cik = cik10(raw)
        except ValueError:
            continue
        entity = hit["_source"].get("entity")
        name = _name(entity, cik)
        if cik in seen or name == f"CIK {cik}":
            continue
        seen.add(cik)
        out.append(EdgarCompany(cik, name))
    return out
