"""13F formats: the information table, the cover page and EDGAR's submission files."""

from core.filings.errors import FilingFormatError

__all__ = ["FilingFormatError"]
