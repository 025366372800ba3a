"""A row of quote tiles (NVDA, CRWV): price, day change, quote time, source, stale badge.

A day change is coloured only while it is the latest session's; an older one is shown in
plain text with its date and age (core's price_when words, the same everywhere)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.domain.market import is_stale
from core.domain.prices import age_words
from core.services.prices import PriceNow
from gui import theme
from gui.widgets.sparkline import Sparkline

FRESH = dt.timedelta(days=1)  # a change older than this is not "today's"


def is_current(p: PriceNow, now: dt.datetime) -> bool:
    """The quote is from the last day: its day change may be shown as today's."""
    return p.quote_time is not None and now - p.quote_time < FRESH


class QuoteTile(QFrame):
    def __init__(self, ticker: str, parent: QWidget | None = None, big: bool = False) -> None:
        super().__init__(parent)
        self.ticker = ticker
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.when = QLabel()
        self.when.setTextFormat(Qt.TextFormat.RichText)
        small = self.when.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.when.setFont(small)
        if big:
            font = self.label.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            self.label.setFont(font)
        self.spark = Sparkline()
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(0)
        text.addWidget(self.label)
        text.addWidget(self.when)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 8, 1)
        layout.addLayout(text)
        layout.addWidget(self.spark)
        self.set_price(None, dt.datetime.now(dt.UTC), offline=False)

    def text(self) -> str:
        """Both lines as rich text (what a test or a screen reader reads)."""
        return f"{self.label.text()} {self.when.text()}"

    def set_price(self, p: PriceNow | None, now: dt.datetime, offline: bool) -> None:
        c = theme.colours()
        when = p.when(now) if p is not None else None
        if p is None or when is None or not when.priced:
            hint = "Prices > Import prices CSV..." if offline else "F5 fetches prices"
            self.label.setText(f"<b>{self.ticker}</b> no price yet")
            self.when.setText(f"<span style='color:{c.muted}'>{hint}</span>")
            tip = [f"{self.ticker}: no market price known yet ({hint})."]
            if p is not None and p.source == "filing" and p.price is not None:
                tip.append(f"Its latest filing implies ${p.price:,.2f} a share ({p.detail}); "
                           "that is not a market price, so it is not shown as one.")
            if p is not None and p.reason:
                tip.append(f"Why: {p.reason}")
            self.setToolTip("\n".join(tip))
            return
        current = when.current
        if p.previous_close:  # the line's reference, whichever comes first: minutes or quote
            self.spark.set_reference(p.previous_close)
        parts = [f"<b>{p.ticker}</b>", f"${p.price:,.2f}"]
        if p.change_pct is not None:
            if current:
                colour = c.up if p.change_pct >= 0 else c.down
                parts.append(f"<span style='color:{colour}'>{p.change_pct:+.2f}%</span>")
            else:  # an older session's change, not today's: no green or red
                parts.append(f"{p.change_pct:+.2f}%")
        self.label.setText(" ".join(parts))
        text = when.text + ("" if when.text.startswith("live") else f" · {p.source}")
        badge = ""
        if offline:
            badge = f" <span style='color:{c.warn}'><b>offline</b></span>"
        elif is_stale(p.quote_time, now):
            badge = f" <span style='color:{c.warn}'><b>stale</b></span>"
        self.when.setText(f"<span style='color:{c.muted}'>{text}</span>{badge}")
        full = f"{p.quote_time:%Y-%m-%d %H:%M} UTC" if p.quote_time else "unknown"
        tip = [f"{p.ticker} {p.price:,.4f} {p.currency or ''}".rstrip(),
               f"quote time: {full} ({age_words(p.age_seconds)})",
               f"source: {p.source}" + (f" ({p.detail})" if p.detail else "")]  # fmt: skip
        if p.previous_close is not None:
            tip.append(f"previous close: {p.previous_close:,.2f}")
            if not current:
                tip.append("the change shown is that of an older session, not today's")
        if p.reason:
            tip.append(f"not live: {p.reason}")
        self.setToolTip("\n".join(tip))


class QuoteStrip(QWidget):
    def __init__(self, tickers: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = {t: QuoteTile(t) for t in tickers}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for tile in self.tiles.values():
            layout.addWidget(tile)

    def set_prices(self, prices: list[PriceNow], now: dt.datetime, offline: bool) -> None:
        by = {p.ticker: p for p in prices}
        for ticker, tile in self.tiles.items():
            tile.set_price(by.get(ticker), now, offline)
