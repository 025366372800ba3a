"""The 13F information table: one <infoTable> element per row, read as a stream."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from core.domain.filings import FilingRow
from core.filings.errors import FilingFormatError
from core.filings.xmlsafe import SecureFeed, local_name

ROOT = "informationTable"
BATCH = 5000


def _int(text: str | None, field: str, row: int, *, required: bool) -> int | None:
    if text is None or not text.strip():
        if required:
            raise FilingFormatError(f"row {row}: <{field}> is missing or empty")
        return None
    s = text.strip()
    if s.isdigit():  # the common case, and no sign, decimal point or exponent
        return int(s)
    cleaned = s.replace(",", "")
    if cleaned.endswith(".0") or cleaned.endswith(".00"):
        cleaned = cleaned.split(".")[0]
    if cleaned.isdigit():
        return int(cleaned)
    raise FilingFormatError(f"row {row}: <{field}> is {s!r}, not a whole non-negative number")


def row_from_element(el: etree._Element, number: int) -> FilingRow:
    """One <infoTable> element to a FilingRow; `number` (1-based) names it in errors."""
    f: dict[str, str | None] = {}
    others: list[str] = []
    for child in el.iterdescendants():
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = tag[tag.rfind("}") + 1 :]
        if name == "otherManager":
            if child.text and child.text.strip():
                others.append(child.text.strip())
        else:
            f[name] = child.text
    cusip = (f.get("cusip") or "").strip().upper()
    if not cusip:
        raise FilingFormatError(f"row {number}: <cusip> is missing or empty")
    share_type = (f.get("sshPrnamtType") or "").strip().upper() or None
    if share_type not in ("SH", "PRN"):
        raise FilingFormatError(
            f"row {number}: <sshPrnamtType> is {f.get('sshPrnamtType')!r}, not SH or PRN"
        )
    put_call = (f.get("putCall") or "").strip().upper() or None
    if put_call not in (None, "PUT", "CALL"):
        raise FilingFormatError(f"row {number}: <putCall> is {f.get('putCall')!r}")
    return FilingRow(
        issuer=(f.get("nameOfIssuer") or "").strip(),
        title_of_class=(f.get("titleOfClass") or "").strip(),
        cusip=cusip,
        value=_int(f.get("value"), "value", number, required=True),  # type: ignore[arg-type]
        shares=_int(f.get("sshPrnamt"), "sshPrnamt", number, required=True),  # type: ignore[arg-type]
        share_type=share_type,
        put_call=put_call,
        investment_discretion=(f.get("investmentDiscretion") or "").strip() or None,
        other_managers=",".join(others) or None,
        voting_sole=_int(f.get("Sole"), "Sole", number, required=False),
        voting_shared=_int(f.get("Shared"), "Shared", number, required=False),
        voting_none=_int(f.get("None"), "None", number, required=False),
        figi=(f.get("figi") or "").strip() or None,
    )


class InformationTableReader:
    """Push bytes in; take rows out in batches. Checks the root is an information table."""

    def __init__(self, what: str, max_bytes: int) -> None:
        self._feed = SecureFeed(what, max_bytes, tag=("{*}infoTable", "{*}" + ROOT))
        self.what = what
        self.count = 0
        self._pending: list[FilingRow] = []
        self._root_checked = False

    def _check_root(self, el: etree._Element) -> None:
        root = el
        while root.getparent() is not None:
            root = root.getparent()
        if local_name(root.tag) != ROOT:
            raise FilingFormatError(
                f"{self.what} is not a 13F information table "
                f"(its root element is <{local_name(root.tag)}>)"
            )
        self._root_checked = True

    def feed(self, chunk: bytes) -> Iterator[list[FilingRow]]:
        self._feed.feed(chunk)
        yield from self._drain(final=False)

    def close(self) -> Iterator[list[FilingRow]]:
        root = self._feed.close()
        yield from self._drain(final=True)
        if local_name(root.tag) != ROOT:
            raise FilingFormatError(
                f"{self.what} is not a 13F information table "
                f"(its root element is <{local_name(root.tag)}>)"
            )

    def _drain(self, final: bool) -> Iterator[list[FilingRow]]:
        pending = self._pending
        for el in self._feed.elements():
            if local_name(el.tag) == ROOT:
                continue
            if not self._root_checked:
                self._check_root(el)
            self.count += 1
            pending.append(row_from_element(el, self.count))
            # Free what is parsed: the element and the siblings before it.
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
            if len(pending) >= BATCH:
                yield pending
                pending = self._pending = []
        if final and pending:
            yield pending
            self._pending = []
