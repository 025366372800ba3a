"""A streaming XML parser that refuses DTDs and entities, never touches the network, and
stops at a size cap."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from core.filings.errors import FilingFormatError

# DTDs are how entity bombs and external entities get in; 13F documents never need one.
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_OVERLAP = max(len(m) for m in _FORBIDDEN) - 1


class SecureFeed:
    """Feed bytes in any chunking; read elements as they start or end (`event`).

    `tag` limits the reported elements (e.g. "{*}infoTable"; any namespace or none).
    """

    def __init__(
        self, what: str, max_bytes: int, tag: str | tuple[str, ...] | None = None,
        event: str = "end",
    ) -> None:  # fmt: skip
        self.what = what
        self.max_bytes = max_bytes
        self.size = 0
        self._started = False
        self._tail = b""
        self._parser = etree.XMLPullParser(
            events=(event,),
            tag=tag,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )

    def feed(self, chunk: bytes) -> None:
        if not self._started:
            # EDGAR wraps documents with a newline before the XML declaration, which a
            # strict parser rejects: skip white space before the first markup.
            chunk = chunk.lstrip()
            if not chunk:
                return
            self._started = True
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
        if not self._started:
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
