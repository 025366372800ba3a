"""A streaming XML parser that refuses DTDs and entities, never touches the network, and
stops at a size cap."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from core.filings.errors import FilingFormatError

# DTDs are how entity bombs and external entities get in; 13F documents never need one.
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_OVERLAP = max(len(m) for m in _FORBIDDEN) - 1


class ByteGuard:
    """What every byte of a document passes before a parser sees it: white space before
    the first markup dropped, the size cap, and no DTD or entity declaration anywhere
    (however the bytes are chunked)."""

    def __init__(self, what: str, max_bytes: int) -> None:
        self.what = what
        self.max_bytes = max_bytes
        self.size = 0
        self.started = False
        self._tail = b""

    def check(self, chunk: bytes) -> bytes:
        """The chunk as the parser should get it (empty while only white space came)."""
        if not self.started:
            # EDGAR wraps documents with a newline before the XML declaration, which a
            # strict parser rejects: skip white space before the first markup.
            chunk = chunk.lstrip()
            if not chunk:
                return b""
            self.started = True
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise FilingFormatError(
                f"{self.what} is larger than the {self.max_bytes // 2**20} MiB limit"
            )
        window = self._tail + chunk
        for marker in _FORBIDDEN:
            if marker in window:
                raise FilingFormatError(
                    f"{self.what} declares a DTD or entities, which 13F documents never do; "
                    "refused for safety"
                )
        self._tail = window[-_OVERLAP:]
        return chunk


_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_document(data: bytes) -> etree._Element:
    """A whole document (already through a ByteGuard) parsed with the same safe options
    as SecureFeed; raises lxml's XMLSyntaxError. lxml lets other threads run meanwhile."""
    return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))


class SecureFeed:
    """Feed bytes in any chunking; read elements as they start or end (`event`).

    `tag` limits the reported elements (e.g. "{*}infoTable"; any namespace or none).
    """

    def __init__(
        self, what: str, max_bytes: int, tag: str | tuple[str, ...] | None = None,
        event: str = "end",
    ) -> None:  # fmt: skip
        self.what = what
        self._guard = ByteGuard(what, max_bytes)
        self._parser = etree.XMLPullParser(events=(event,), tag=tag, **_PARSER_OPTIONS)

    def feed(self, chunk: bytes) -> None:
        chunk = self._guard.check(chunk)
        if not chunk:
            return
        try:
            self._parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            raise FilingFormatError(f"{self.what} is not well-formed XML: {exc}") from exc

    def elements(self) -> Iterator[etree._Element]:
        try:
            for _event, el in self._parser.read_events():
                yield el
        except etree.XMLSyntaxError as exc:
            raise FilingFormatError(f"{self.what} is not well-formed XML: {exc}") from exc

    def close(self) -> etree._Element:
        if not self._guard.started:
            raise FilingFormatError(f"{self.what} is empty")
        try:
            return self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise FilingFormatError(
                f"{self.what} is not well-formed XML (truncated?): {exc}"
            ) from exc


def local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1 :]
