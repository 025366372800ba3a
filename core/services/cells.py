"""Text cells a spreadsheet shows rather than runs: the neutralising every CSV and XLSX
writer applies to each cell."""

from __future__ import annotations

import re

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (or, for
# tab and carriage return, hides one): '=HYPERLINK(...)', '@SUM(1+1)', '-2+3'.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...unless it is a plain number as text, which stays a number ("-12.50", "+3", "-1e-05").
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?")
# What XML 1.0 (and so XLSX) cannot hold: C0 controls other than tab, newline and CR.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_cell(value: object) -> object:
    """A CSV cell: text that would be a formula gets a leading apostrophe (shown, never
    run); numbers, and text that is a plain number, are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def xlsx_value(value: object) -> object:
    """A value for an XLSX cell: text keeps every character XML can hold (the others
    written as \\x1b); whether it becomes a string cell is `text_cells`' job."""
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def text_cells(cells) -> None:
    """Make the just-written cells whose text openpyxl took for a formula ('=...') string
    cells again: in our exports every formula is data someone typed."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
