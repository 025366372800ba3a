"""Read an information table in pieces: each run of whole rows parsed as a document of its
own on a worker thread, while the caller stores the rows before it.

The sequential reader (InformationTableReader) feeds one parser the whole table; its
parser holds Python's lock, so parsing and storing take turns. Here every piece is the
table's own prolog and root start tag, then whole <infoTable> rows, then the root's end
tag: lxml parses such a document with the lock released, on the second core.

A piece is only ever cut after a `</infoTable>` end tag, so a piece that parses holds whole
rows; a cut anywhere else (inside a comment, CDATA, a nested row) leaves a piece that does
not parse. Whatever this reader cannot vouch for (no recognisable root start tag, a piece
that does not parse, a row the row-by-row reader would refuse, a row larger than
MAX_PENDING) raises TableDeclined: the caller reads the table again with the sequential
reader, which either reads the same rows or names the error exactly (with its line).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from lxml import etree

from core.domain.filings import RowBatch
from core.filings import information_table as it
from core.filings.errors import FilingFormatError
from core.filings.xmlsafe import ByteGuard, local_name, parse_document
from core.perf import gc_paused

# A piece is cut once this much is pending (about 2,000 rows). Smaller pieces keep each
# call that holds Python's lock short (reading a piece's columns, freeing its tree): in the
# window, the longest event-loop stall during a 40,000-row import fell from 55-85 ms with
# 2 MiB pieces to 30-36 ms, at the same import speed.
PIECE_BYTES = 2**20
# The first piece is small, so the caller's first rows (and its work before them: the
# filing's header, whether it is already stored) start while the worker parses the next.
FIRST_PIECE_BYTES = 2**17
MAX_HEAD = 64 * 2**10  # the prolog and root start tag must fit in this
AHEAD = 2  # pieces parsed ahead of the caller (each ~10x its bytes in memory)

# The root start tag: no `<` or `>` inside (a `>` in an attribute value declines).
_ROOT_START = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?" + it.ROOT.encode() + rb")(?:\s[^<>]*)?>")


class TableDeclined(Exception):
    """Read this table again with the sequential reader: it judges what this one cannot."""


class PiecewiseTableReader:
    """Push bytes in; take RowBatches out, in document order (InformationTableReader's
    interface). Call `close()` at the end, or `abort()` when stopping early."""

    def __init__(self, what: str, max_bytes: int) -> None:
        self.what = what
        self.count = 0  # rows handed out
        self._guard = ByteGuard(what, max_bytes)
        self._head: bytes | None = None  # prolog + root start tag: the start of every piece
        self._close = b""  # the root's end tag, ending every piece but the last
        self._pending = bytearray()
        self._read = 0  # rows read by the worker (numbers the row-by-row reader's rows)
        self._work = ThreadPoolExecutor(1, thread_name_prefix="stakewatch-table")
        self._queue: deque[Future[RowBatch | None]] = deque()
        self._pieces = 0  # pieces handed to the worker

    def feed(self, chunk: bytes) -> Iterator[RowBatch]:
        self._pending += self._guard.check(chunk)
        if self._head is None and not self._find_head():
            return
        while len(self._pending) >= (size := PIECE_BYTES if self._pieces else FIRST_PIECE_BYTES):
            cut = it.cut_after_last_row(self._pending, size)
            cut = cut or it.cut_after_last_row(self._pending)  # one row longer than size
            if not cut:
                if len(self._pending) > it.MAX_PENDING:
                    raise TableDeclined  # one row larger than a piece should ever be
                break
            self._submit(bytes(self._pending[:cut]) + self._close)
            del self._pending[:cut]
        yield from self._ready(keep=AHEAD)

    def close(self) -> Iterator[RowBatch]:
        try:
            if self._head is None:  # empty, not XML, or another root: the other reader says
                raise TableDeclined
            self._submit(bytes(self._pending))  # the last rows, the root's end, the epilog
            self._pending = bytearray()
            yield from self._ready(keep=0)
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop the worker (pieces not yet started are dropped)."""
        self._work.shutdown(wait=True, cancel_futures=True)
        self._queue.clear()

    # -- the caller's thread ------------------------------------------------------------
    def _find_head(self) -> bool:
        m = _ROOT_START.search(self._pending, 0, MAX_HEAD)
        if m is None:
            if len(self._pending) > MAX_HEAD:
                raise TableDeclined
            return False
        head = bytes(self._pending[: m.end()])
        close = b"</" + m.group(1) + b">"
        # The prolog must be what it seems: the head closed at once is an empty table (a
        # root start tag found inside a comment, or a self-closed root, fails here).
        try:
            root = parse_document(head + close)
        except etree.XMLSyntaxError:
            raise TableDeclined from None
        if local_name(root.tag) != it.ROOT or len(root):
            raise TableDeclined
        self._head, self._close = head, close
        del self._pending[: m.end()]
        return True

    def _submit(self, piece: bytes) -> None:
        assert self._head is not None
        optional = {n for n in it.OPTIONAL_TAGS if n.encode() + b">" in piece}
        self._queue.append(self._work.submit(self._rows, self._head + piece, optional))
        self._pieces += 1

    def _ready(self, keep: int) -> Iterator[RowBatch]:
        """Hand out batches in order while more than `keep` pieces are in the worker's
        hands, waiting for each (so memory stays bounded). Finished batches beyond that
        wait: handing them out now would leave the worker idle while the caller stores
        them, with no next piece cut for it."""
        while len(self._queue) > keep:
            batch = self._queue.popleft().result()
            if batch is not None:
                self.count += len(batch)
                yield batch

    # -- the worker thread --------------------------------------------------------------
    def _rows(self, document: bytes, optional: set[str]) -> RowBatch | None:
        try:
            root = parse_document(document)
        except etree.XMLSyntaxError:
            raise TableDeclined from None
        if not len(root):
            return None
        with gc_paused():
            try:
                batch = it.read_rows_fast(root, optional)
            except it.FastPathDeclined:
                rows = list(root)
                if any(local_name(el.tag) != "infoTable" for el in rows):
                    raise TableDeclined from None
                try:
                    batch = it.read_rows_slowly(rows, self._read + 1)
                except FilingFormatError:
                    raise TableDeclined from None
        self._read += len(batch)
        return batch
