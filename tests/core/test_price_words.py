"""How old a price is, in words: one function (core.domain.prices.price_when) for the
tiles, Holdings' hovers, the dashboard and the exports."""

from __future__ import annotations

import datetime as dt

from core.domain import market
from core.domain.prices import age_words, price_when, prices_span

MONDAY = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York, before the open


def test_an_old_close_says_its_date_and_age_and_is_not_the_last_session():
    w = price_when(225.07, market.session_close(dt.date(2026, 9, 25)), "cache", MONDAY)
    assert w.text == "Sep 25 close · 73 days old"
    assert w.priced and not w.current and w.day == dt.date(2026, 9, 25)


def test_the_latest_session_close_is_current():
    w = price_when(225.07, market.session_close(dt.date(2026, 12, 4)), "cache", MONDAY)
    assert (w.text, w.current) == ("Dec 4 close · last session", True)
    older = price_when(225.07, market.session_close(dt.date(2026, 12, 3)), "cache", MONDAY)
    assert (older.text, older.current) == ("Dec 3 close · 4 days old", False)


def test_a_live_quote_says_its_time():
    w = price_when(180.0, MONDAY - dt.timedelta(minutes=3), "live", MONDAY, "PRE")
    assert (w.text, w.current) == ("live · pre · 14:57:00 UTC", True)


def test_a_filing_price_or_no_price_is_no_price_yet():
    at = market.session_close(dt.date(2026, 6, 30))
    for w in (price_when(99.54, at, "filing", MONDAY), price_when(None, None, None, MONDAY),
              price_when(5.0, None, "cache", MONDAY)):  # fmt: skip
        assert (w.text, w.priced, w.current) == ("no price yet", False, False)


def test_the_prices_a_value_used_are_named_by_their_dates():
    def close(day):
        return price_when(1.0, market.session_close(day), "cache", MONDAY)

    sep, oct_ = close(dt.date(2026, 9, 25)), close(dt.date(2026, 10, 9))
    assert prices_span([sep, oct_]) == "at closes of Sep 25 - Oct 9"
    assert prices_span([sep]) == "at the close of Sep 25"
    assert prices_span([price_when(None, None, None, MONDAY)]) == "no prices yet"
    live = price_when(1.0, MONDAY, "live", MONDAY)
    assert prices_span([sep, live]) == "at prices of Sep 25 - Dec 7"
    jan = close(dt.date(2025, 1, 2))
    assert prices_span([jan, sep]) == "at closes of Jan 2, 2025 - Sep 25, 2026"


def test_age_words():
    assert [age_words(s) for s in (None, 5, 300, 7200, 86400, 86400 * 3)] == [
        "age unknown", "just now", "5 min old", "2 h old", "1 day old", "3 days old"]
