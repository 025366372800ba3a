"""Concentration over time: top-1 weight and top-5 share (percent), effective N below."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.domain.analytics import Series
from gui import theme
from gui.charts.time_chart import TimeChart, epoch_seconds


class ConcentrationChart(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.weights = TimeChart(y_label="Share of value (%)")
        self.effective = TimeChart(y_label="Effective N")
        self.effective.setXLink(self.weights)
        self.weights.addLegend(offset=(10, 10))
        self.effective.addLegend(offset=(10, 10))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.weights, 3)
        layout.addWidget(self.effective, 2)
        self.series: Series | None = None
        c = theme.series()
        self.top1 = self.weights.plot([], [], pen=pg.mkPen(c[0], width=2), name="top-1 weight")
        self.top5 = self.weights.plot([], [], pen=pg.mkPen(c[1], width=2), name="top-5 share")
        self.eff = self.effective.plot([], [], pen=pg.mkPen(c[2], width=2), name="effective N")

    def apply_theme(self) -> None:
        c = theme.series()
        for curve, colour in ((self.top1, c[0]), (self.top5, c[1]), (self.eff, c[2])):
            curve.setPen(pg.mkPen(colour, width=2))

    def clear(self) -> None:
        """No book: no curves (never another book's)."""
        self.series = None
        for curve in (self.top1, self.top5, self.eff):
            curve.setData([], [])

    def charts(self) -> list[TimeChart]:
        return [self.weights, self.effective]

    def set_series(self, s: Series) -> None:
        self.series = s
        # Weights end on the last day every position has its own close (a ticker is never
        # held flat past its last bar): the same day the value stack ends.
        n = self.end_day() + 1
        x = epoch_seconds(s.dates[:n])
        # setData on kept curves: no re-creation when the portfolio or range changes.
        self.top1.setData(x, s.top1[:n] * 100)
        self.top5.setData(x, s.top5[:n] * 100)
        self.eff.setData(x, s.effective_n[:n])
        for chart in self.charts():
            chart.set_dates(s.dates[:n], self._describe)

    def end_day(self) -> int:
        """Where the curves end (see Series.complete_until)."""
        return -1 if self.series is None else self.series.complete_until()

    def _describe(self, i: int) -> str:
        s = self.series
        if s is None:
            return ""
        return (f"{s.dates[i]}{'  (as filed)' if s.is_period_end[i] else ''}\n"
                f"top-1 {s.top1[i] * 100:.2f}%   top-5 {s.top5[i] * 100:.2f}%\n"
                f"HHI {s.hhi[i] * 10_000:,.0f}   effective N {s.effective_n[i]:.2f}")
