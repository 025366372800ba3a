"""US equity market hours: when quotes move and which daily bar is final."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
OPEN, CLOSE = dt.time(9, 30), dt.time(16, 0)
# Yahoo's daily bar for a session settles a little after the close.
SETTLED = dt.time(16, 30)


def is_open(now: dt.datetime) -> bool:
    """Regular session, Monday to Friday 09:30-16:00 New York time (holidays not known)."""
    local = now.astimezone(NEW_YORK)
    return local.weekday() < 5 and OPEN <= local.time() < CLOSE


def last_final_session(now: dt.datetime) -> dt.date:
    """The latest date whose daily bar is final: today after the settle, else the weekday
    before. Bars after it are in progress and never stored as closes."""
    local = now.astimezone(NEW_YORK)
    day = local.date()
    if local.weekday() >= 5 or local.time() < SETTLED:
        day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def session_close(day: dt.date) -> dt.datetime:
    """The moment a session's closing price was printed, in UTC."""
    return dt.datetime.combine(day, CLOSE, NEW_YORK).astimezone(dt.UTC)


STALE_AFTER = dt.timedelta(minutes=15)


def is_stale(quote_time: dt.datetime | None, now: dt.datetime) -> bool:
    """A price older than 15 minutes while the market trades is stale."""
    return quote_time is not None and is_open(now) and now - quote_time > STALE_AFTER
