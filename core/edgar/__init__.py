"""The only code that talks to SEC hosts: submissions, archives, tickers, XBRL facts."""

from core.edgar.client import EdgarClient, edgar_urls
from core.edgar.http import (
    Deadline,
    HttpError,
    MissingContactError,
    RateLimiter,
    user_agent,
)

__all__ = [
    "Deadline",
    "EdgarClient",
    "HttpError",
    "MissingContactError",
    "RateLimiter",
    "edgar_urls",
    "user_agent",
]
