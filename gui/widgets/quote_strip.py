"""A row of quote tiles (NVDA, CRWV): price, day change, quote time, source, stale badge.

A day change is coloured only while it is today's: an older one is the last session's, and
the tile says so in words, in plain text colour."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.domain.market import is_stale
from core.services.prices import PriceNow
from gui import theme
from gui.widgets.sparkline import Sparkline

FRESH = dt.timedelta(days=1)  # a change older than this is not "today's"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return "just now"


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
        if p is None or p.price is None:
            reason = p.reason if p else "not loaded yet"
            self.label.setText(f"<b>{self.ticker}</b> no price")
            self.when.setText(f"<span style='color:{c.muted}'>{reason}</span>")
            self.setToolTip(f"{self.ticker}: no price known ({reason})")
            return
        current = is_current(p, now)
        if p.previous_close:  # the line's reference, whichever comes first: minutes or quote
            self.spark.set_reference(p.previous_close)
        parts = [f"<b>{p.ticker}</b>", f"${p.price:,.2f}"]
        if p.change_pct is not None:
            if current:
                colour = c.up if p.change_pct >= 0 else c.down
                parts.append(f"<span style='color:{colour}'>{p.change_pct:+.2f}%</span>")
            else:  # the last session's change, not today's: no green or red
                parts.append(f"{p.change_pct:+.2f}%")
        self.label.setText(" ".join(parts))
        if p.source == "live" and current:
            state = f" · {p.detail.lower()}" if p.detail in ("PRE", "POST", "CLOSED") else ""
            stamp = f"{p.quote_time:%H:%M:%S} UTC" if p.quote_time else ""
            when = f"live{state} · {stamp}"
        else:
            stamp = f"{p.quote_time:%b %d %H:%M}" if p.quote_time else "unknown time"
            when = f"as of {stamp} · {p.source}" + ("" if current else " · last session")
        badge = ""
        if offline:
            badge = f" <span style='color:{c.warn}'><b>offline</b></span>"
        elif is_stale(p.quote_time, now):
            badge = f" <span style='color:{c.warn}'><b>stale</b></span>"
        self.when.setText(f"<span style='color:{c.muted}'>{when}</span>{badge}")
        full = f"{p.quote_time:%Y-%m-%d %H:%M} UTC" if p.quote_time else "unknown"
        tip = [f"{p.ticker} {p.price:,.4f} {p.currency or ''}".rstrip(),
               f"quote time: {full} ({_age(p.age_seconds)})",
               f"source: {p.source}" + (f" ({p.detail})" if p.detail else "")]  # fmt: skip
        if p.previous_close is not None:
            tip.append(f"previous close: {p.previous_close:,.2f}")
            if not current:
                tip.append("the change shown is that of the last session known")
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
