"""A row of quote tiles (NVDA, CRWV): price, day change, quote time, source, stale badge."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from core.domain.market import is_stale
from core.services.prices import PriceNow

UP, DOWN, MUTED, WARN = "#1a7f37", "#cf222e", "#6e7781", "#9a6700"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return "just now"


class QuoteTile(QFrame):
    def __init__(self, ticker: str, parent: QWidget | None = None, big: bool = False) -> None:
        super().__init__(parent)
        self.ticker = ticker
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        if big:
            font = self.label.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            self.label.setFont(font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.label)
        self.set_price(None, dt.datetime.now(dt.UTC), offline=False)

    def set_price(self, p: PriceNow | None, now: dt.datetime, offline: bool) -> None:
        if p is None or p.price is None:
            reason = p.reason if p else "not loaded yet"
            self.label.setText(f"<b>{self.ticker}</b> <span style='color:{MUTED}'>no price"
                               "</span>")  # fmt: skip
            self.setToolTip(f"{self.ticker}: no price known ({reason})")
            return
        parts = [f"<b>{p.ticker}</b>", f"${p.price:,.2f}"]
        if p.change_pct is not None:
            colour = UP if p.change_pct >= 0 else DOWN
            parts.append(f"<span style='color:{colour}'>{p.change_pct:+.2f}%</span>")
        when = f"{p.quote_time:%Y-%m-%d %H:%M} UTC" if p.quote_time else ""
        parts.append(f"<span style='color:{MUTED}'>{_age(p.age_seconds)} · {p.source}</span>")
        if offline:
            parts.append(f"<span style='color:{WARN}'><b>offline</b></span>")
        elif is_stale(p.quote_time, now):
            parts.append(f"<span style='color:{WARN}'><b>stale</b></span>")
        self.label.setText(" ".join(parts))
        tip = [f"{p.ticker} {p.price:,.4f} {p.currency or ''}".rstrip(), f"quote time: {when}",
               f"source: {p.source}" + (f" ({p.detail})" if p.detail else "")]  # fmt: skip
        if p.previous_close is not None:
            tip.append(f"previous close: {p.previous_close:,.2f}")
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
