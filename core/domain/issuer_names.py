"""An issuer's name as every view, command and export shows it: the security master's name
(the companies table, as the Companies page lists it) when known, else the name as filed;
the name as filed stays on the position, since names must trace to the filing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.domain.filings import LABEL_MARK
from core.domain.positions import Holdings, Position


def display_name(filed: str, master: str | None) -> tuple[str, str | None]:
    """(the name to show, the name as filed where it differs; None when the same or when
    the filed name was never seen: a parser label keeps its mark, so views still say so)."""
    labelled = filed.endswith(LABEL_MARK)
    if not master or master == filed:
        return filed, None
    return master + (LABEL_MARK if labelled else ""), (None if labelled else filed)


def with_display_names(holdings: Holdings, names: Mapping[str, str]) -> Holdings:
    """Holdings whose positions carry the display name (`issuer`) and, where it differs,
    the name as filed (`issuer_as_filed`). `names`: CUSIP -> the security master's name."""

    def one(p: Position) -> Position:
        shown, as_filed = display_name(p.issuer, names.get(p.cusip))
        return p if shown == p.issuer else replace(p, issuer=shown, issuer_as_filed=as_filed)

    if not names:
        return holdings
    return replace(holdings, positions=tuple(one(p) for p in holdings.positions))


def filed_name(p: Position) -> str | None:
    """The issuer's name as filed (None: never seen, only a parser label is known)."""
    if p.issuer_as_filed is not None:
        return p.issuer_as_filed
    return None if p.issuer.endswith(LABEL_MARK) else p.issuer
