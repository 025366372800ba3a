"""Offline, a book gets prices in the window: Prices > Import prices CSV... and Prices >
Enter a closing price...; a bad close is refused with one message and stores nothing."""

from __future__ import annotations

import datetime as dt

from tests.conftest import DATA
from tests.gui.conftest import idle

LONG = 100_000  # a net under the hung-test limit: the test waits on events


def test_typed_and_imported_closes_value_the_book(qtbot, make_window, ctx):
    w = make_window(ctx)
    idle(qtbot, w)
    texts = [a.text().replace("&", "") for a in w.menuBar().actions()[-2].menu().actions()]
    assert "Import prices CSV..." in texts and "Enter a closing price..." in texts
    day = dt.date.today() - dt.timedelta(days=3)
    bar = w.statusBar()

    assert not w.price_entry.put_close("NVDA", day, -1.0)
    assert bar.currentMessage() == "Not saved: the price -1 is not above zero"
    assert ctx.prices.cached_bars("NVDA", day, day) == []

    assert w.price_entry.put_close("nvda", day, 181.25)
    [saved] = ctx.prices.cached_bars("NVDA", day, day)
    assert (saved.close, saved.source) == (181.25, "you (typed)")
    tile = w.quotes.tiles["NVDA"]
    qtbot.waitUntil(lambda: "$181.25" in tile.text(), timeout=LONG)
    assert f"{day:%b} {day.day} close" in tile.text()

    w.price_entry.import_csv(DATA / "prices" / "CRWV_head.csv", "CRWV")
    qtbot.waitUntil(lambda: not w.tasks.busy, timeout=LONG)
    assert "daily closes loaded: CRWV" in bar.currentMessage()
    assert ctx.prices.cached_bars("CRWV") != []
