"""Names as one line of text: what a filer, a server or a user wrote, fit to show anywhere."""

from __future__ import annotations


def one_line(text: str) -> str:
    """`text` with each run of white space (a line break, a tab, a paragraph separator) one
    space, and none at the ends: a name can never start a second line of output (where a
    forged "error: ..." could stand). Other control characters are escaped where shown."""
    return " ".join(text.split())
