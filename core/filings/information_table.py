"""The 13F information table: <infoTable> rows read as a stream, in batches.

Speed matters (filers report up to 250,000 rows), so a batch of parsed rows is read column
by column: one C-level tree walk per field, checked to line up with the rows. Anything the
fast path cannot vouch for (a missing, empty or repeated field, a number with a comma, a
stray namespace) sends that batch through the row-by-row reader, which is lenient where
EDGAR is and names the row where it is not.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator

from lxml import etree

from core.domain.filings import RowBatch
from core.filings.errors import FilingFormatError
from core.filings.xmlsafe import SecureFeed, local_name
from core.perf import gc_paused

ROOT = "informationTable"
BATCH = 5000
MAX_PENDING = 8 * 2**20  # bytes held back waiting for a row's end tag before feeding anyway

# column: (container below <infoTable> or None, element)
_REQUIRED = {
    "issuer": (None, "nameOfIssuer"),
    "title_of_class": (None, "titleOfClass"),
    "cusip": (None, "cusip"),
    "value": (None, "value"),
    "shares": ("shrsOrPrnAmt", "sshPrnamt"),
    "share_type": ("shrsOrPrnAmt", "sshPrnamtType"),
    "investment_discretion": (None, "investmentDiscretion"),
    "voting_sole": ("votingAuthority", "Sole"),
    "voting_shared": ("votingAuthority", "Shared"),
    "voting_none": ("votingAuthority", "None"),
}
_CONTAINERS = ("shrsOrPrnAmt", "votingAuthority")
_INTS = ("value", "shares", "voting_sole", "voting_shared", "voting_none")
_OPTIONAL = {"figi": "figi", "put_call": "putCall", "other_managers": "otherManager"}
OPTIONAL_TAGS = tuple(_OPTIONAL.values())
MAX_INT = 2**63 - 1  # the largest number a database column holds
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?infoTable\s*>")


class FastPathDeclined(Exception):
    """The batch needs the row-by-row reader (which reports any error precisely)."""


# -- row by row (lenient, precise errors) ---------------------------------------------------
def _int(text: str | None, field: str, row: int, *, required: bool) -> int | None:
    if text is None or not text.strip():
        if required:
            raise FilingFormatError(f"row {row}: <{field}> is missing or empty")
        return None
    s = text.strip()
    cleaned = s.replace(",", "")
    if cleaned.endswith(".0") or cleaned.endswith(".00"):
        cleaned = cleaned.split(".")[0]
    if not (cleaned.isascii() and cleaned.isdigit()):  # int() would take '٣', not '²'
        raise FilingFormatError(f"row {row}: <{field}> is {s!r}, not a whole non-negative number")
    # (A long digit string is refused unread: int() itself refuses 4,300 digits and more.)
    if len(cleaned.lstrip("0")) > len(str(MAX_INT)) or int(cleaned) > MAX_INT:
        shown = s if len(s) <= 40 else s[:20] + "..."
        raise FilingFormatError(f"row {row}: <{field}> is {shown}, larger than any holding can be")
    return int(cleaned)


def _row_values(el: etree._Element, number: int) -> tuple:
    """One <infoTable> element as a tuple in RowBatch.COLUMNS order (provenance None)."""
    f: dict[str, str | None] = {}
    others: list[str] = []
    for child in el.iterdescendants():
        name = local_name(child.tag)
        if name == "otherManager":
            if child.text and child.text.strip():
                others.append(child.text.strip())
        elif name:
            f.setdefault(name, child.text)
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
    return (
        (f.get("nameOfIssuer") or "").strip(),
        (f.get("titleOfClass") or "").strip(),
        cusip,
        (f.get("figi") or "").strip() or None,
        _int(f.get("value"), "value", number, required=True),
        _int(f.get("sshPrnamt"), "sshPrnamt", number, required=True),
        share_type,
        put_call,
        (f.get("investmentDiscretion") or "").strip() or None,
        ",".join(others) or None,
        _int(f.get("Sole"), "Sole", number, required=False),
        _int(f.get("Shared"), "Shared", number, required=False),
        _int(f.get("None"), "None", number, required=False),
        None,
    )


def read_rows_slowly(rows: list[etree._Element], first_number: int) -> RowBatch:
    values = [_row_values(el, first_number + i) for i, el in enumerate(rows)]
    return RowBatch(*(list(col) for col in zip(*values, strict=True)))


# -- by column (fast) -----------------------------------------------------------------------
_FIELDS = ("nameOfIssuer", "titleOfClass", "cusip", "value", "sshPrnamt", "sshPrnamtType",
           "investmentDiscretion", "Sole", "Shared", "None")  # fmt: skip
_COLUMNS = ("issuer", "title_of_class", "cusip", "value", "shares", "share_type",
            "investment_discretion", "voting_sole", "voting_shared", "voting_none")  # fmt: skip
# Fields 0-3 and 6 are children of <infoTable>; 4, 5 of <shrsOrPrnAmt>; 7-9 of <votingAuthority>.
_DIRECT = (0, 1, 2, 3, 6)
_DISCRETION = {"SOLE", "DFND", "OTR"}
_getparent = etree._Element.getparent
_tag = operator.attrgetter("tag")
_text = operator.attrgetter("text")


def read_rows_fast(root: etree._Element, optional_seen: set[str]) -> RowBatch:
    """Every child of root, all complete <infoTable> rows, by column; or FastPathDeclined.

    One C-level walk collects the ten fields every row has, in document order; the schema
    fixes that order, and the checks below make sure each column holds one element per row
    of the right kind before a number is taken from it. `optional_seen` names the optional
    fields whose tags occur in the bytes of this batch (the others cannot be in the tree).
    """
    tag = root.tag
    ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    rows = list(root.iterchildren(ns + "infoTable"))
    k = len(rows)
    if k != len(root):
        raise FastPathDeclined  # something other than rows under the root
    width = len(_FIELDS)
    found = list(root.iter(*(ns + f for f in _FIELDS)))
    if len(found) != width * k:
        raise FastPathDeclined
    cols = [found[j::width] for j in range(width)]
    shrs = list(map(_getparent, cols[4]))
    votes = list(map(_getparent, cols[7]))
    if (
        any(list(map(_getparent, cols[j])) != rows for j in _DIRECT)
        or list(map(_getparent, shrs)) != rows
        or list(map(_getparent, cols[5])) != shrs
        or list(map(_getparent, votes)) != rows
        or any(list(map(_getparent, cols[j])) != votes for j in (8, 9))
        or {*map(_tag, cols[2])} != {ns + "cusip"}
        or {*map(_tag, cols[3])} != {ns + "value"}
    ):
        raise FastPathDeclined
    out: dict[str, list] = {}
    for j, col in enumerate(_COLUMNS):
        texts = list(map(_text, cols[j]))
        if None in texts:
            raise FastPathDeclined
        out[col] = texts
    for col in _INTS:
        digits = "".join(out[col])
        if not (digits.isascii() and digits.isdigit()):  # signs, commas, blanks: slow path
            raise FastPathDeclined
        if max(map(len, out[col])) > len(str(MAX_INT)):  # maybe too large: the slow path says
            raise FastPathDeclined
        out[col] = list(map(int, out[col]))
        if max(out[col]) > MAX_INT:  # the row-by-row reader names the row
            raise FastPathDeclined
    cusips = list(map(str.upper, map(str.strip, out["cusip"])))
    if (
        not all(cusips)
        or not set(out["share_type"]) <= {"SH", "PRN"}
        or not set(out["investment_discretion"]) <= _DISCRETION
    ):
        raise FastPathDeclined
    out["cusip"] = cusips
    out["issuer"] = list(map(str.strip, out["issuer"]))
    out["title_of_class"] = list(map(str.strip, out["title_of_class"]))
    for col, name in _OPTIONAL.items():
        out[col] = _optional_column(root, ns + name, rows) if name in optional_seen else [None] * k
    if any(out["put_call"]):
        put_calls = [p.upper() if p else None for p in out["put_call"]]
        if not set(put_calls) <= {None, "PUT", "CALL"}:
            raise FastPathDeclined
        out["put_call"] = put_calls
    out["provenance"] = [None] * k
    return RowBatch(**out)


def _optional_column(root: etree._Element, tag: str, rows: list[etree._Element]) -> list:
    """An optional field's text per row (None where absent); repeats are joined by commas."""
    found = list(root.iter(tag))
    if list(map(_getparent, found)) == rows:  # exactly one per row: the common case
        return [(e.text or "").strip() or None for e in found]
    index = {row: i for i, row in enumerate(rows)}
    column: list = [None] * len(rows)
    for el in found:
        i = index.get(el.getparent())
        if i is None:
            raise FastPathDeclined
        text = (el.text or "").strip()
        if text:
            column[i] = text if column[i] is None else f"{column[i]},{text}"
    return column


def cut_after_last_row(data: bytes, end: int | None = None) -> int:
    """Where the last complete </infoTable> in data[:end] ends (0 if none)."""
    end = len(data) if end is None else min(end, len(data))
    pos = data.rfind(b"infoTable", 0, end)
    while pos >= 0:
        m = None
        for m in _ROW_END.finditer(data, max(0, pos - 64), min(end, pos + 32)):  # noqa: B007
            pass
        if m:
            return m.end()
        pos = data.rfind(b"infoTable", 0, pos)
    return 0


class InformationTableReader:
    """Push bytes in; take RowBatches out. Checks the root is an information table.

    Bytes go to the parser only up to the end of the last complete row, so that the tree
    never holds a half-parsed row when a batch is read (unless one row outgrows
    MAX_PENDING; then that batch takes the row-by-row path).
    """

    def __init__(self, what: str, max_bytes: int) -> None:
        self._feed = SecureFeed(what, max_bytes, tag="{*}" + ROOT, event="start")
        self.what = what
        self.count = 0  # rows handed out
        self._root: etree._Element | None = None
        self._pending = b""
        self._partial = False  # the tree may end in a half-parsed row
        self._optional_seen: set[str] = set()

    def feed(self, chunk: bytes) -> Iterator[RowBatch]:
        data = self._pending + chunk
        cut = cut_after_last_row(data)
        if cut == 0 and len(data) > MAX_PENDING:
            cut = len(data)  # no row end in sight: feed anyway
        self._pending = data[cut:]
        if cut:
            self._push(data[:cut], partial=cut == len(data) and cut != cut_after_last_row(data))
            if self._root is not None and len(self._root) >= BATCH:
                yield self._take()

    def close(self) -> Iterator[RowBatch]:
        if self._pending:
            self._push(self._pending, partial=False)
            self._pending = b""
        root = self._feed.close()
        self._check_root(root)
        self._partial = False
        if self._root is None:
            self._root = root
        if len(root):
            yield self._take()

    def abort(self) -> None:
        """Stopping early needs nothing here (PiecewiseTableReader's interface)."""

    def _push(self, data: bytes, partial: bool) -> None:
        self._feed.feed(data)
        self._partial = partial
        for name in _OPTIONAL.values():
            if name not in self._optional_seen and name.encode() + b">" in data:
                self._optional_seen.add(name)
        if self._root is None:
            for el in self._feed.elements():
                self._root = el
                self._check_root(el)

    def _check_root(self, root: etree._Element) -> None:
        if local_name(root.tag) != ROOT:
            raise FilingFormatError(
                f"{self.what} is not a 13F information table "
                f"(its root element is <{local_name(root.tag)}>)"
            )

    def _take(self) -> RowBatch:
        root = self._root
        assert root is not None
        n = len(root) - (1 if self._partial else 0)  # a half-parsed last row stays
        with gc_paused():
            try:
                if self._partial:
                    raise FastPathDeclined
                batch = read_rows_fast(root, self._optional_seen)
            except FastPathDeclined:
                children = root[:n]
                odd = next((el for el in children if local_name(el.tag) != "infoTable"), None)
                if odd is not None:
                    raise FilingFormatError(
                        f"{self.what}: unexpected <{local_name(odd.tag)}> among the rows"
                    ) from None
                batch = read_rows_slowly(children, self.count + 1)
                del children
            del root[:n]
        self.count += len(batch)
        self._optional_seen = set()
        return batch
