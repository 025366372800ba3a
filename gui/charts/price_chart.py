"""Daily closes of NVDA and CRWV (as Yahoo publishes them: split-adjusted)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.domain.prices import DailyBar
from gui import theme
from gui.charts.time_chart import TimeChart, epoch_seconds


class PriceChart(TimeChart):
    def __init__(self, tickers: tuple[str, ...], parent=None) -> None:
        super().__init__(parent, y_label="Close (USD)", price=True)
        self.addLegend(offset=(10, 10))
        palette = theme.series()
        self.curves = {
            t: self.plot([], [], pen=pg.mkPen(palette[i], width=1.8), name=t)
            for i, t in enumerate(tickers)
        }
        self.bars: dict[str, list[DailyBar]] = {}

    def apply_theme(self) -> None:
        super().apply_theme()
        for curve, colour in zip(getattr(self, "curves", {}).values(), theme.series(),
                                 strict=False):  # fmt: skip
            curve.setPen(pg.mkPen(colour, width=1.8))

    def set_bars(self, bars: dict[str, list[DailyBar]]) -> None:
        self.bars = bars
        all_dates = sorted({b.date for series in bars.values() for b in series})
        dates = np.array(all_dates, dtype="datetime64[D]")
        self._closes = {t: {b.date: b.close for b in series} for t, series in bars.items()}
        for t, curve in self.curves.items():
            series = bars.get(t, [])
            d = np.array([b.date for b in series], dtype="datetime64[D]")
            curve.setData(epoch_seconds(d), np.array([b.close for b in series], dtype=float))
        self.set_dates(dates, self._describe)

    def _describe(self, i: int) -> str:
        day = self._dates[i].astype(object)
        parts = [str(day)]
        for t in self.curves:
            close = self._closes.get(t, {}).get(day)
            if close is not None:
                parts.append(f"{t} {close:,.2f}")
        return "\n".join(parts)
