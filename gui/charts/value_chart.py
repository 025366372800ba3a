"""Position value over time: stacked areas (or lines), one layer per position, with the
quarterly as-filed points marked so they show even without daily prices."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from core.domain.analytics import Series
from gui import theme
from gui.charts.time_chart import TimeChart, epoch_seconds
from gui.formatting import money_short, percent


def _blend(colour: QColor, background: QColor, amount: float = 0.55) -> QColor:
    """The colour mixed with the background: a light, opaque fill (no alpha build-up)."""
    return QColor(
        round(colour.red() * amount + background.red() * (1 - amount)),
        round(colour.green() * amount + background.green() * (1 - amount)),
        round(colour.blue() * amount + background.blue() * (1 - amount)),
    )


TOP = 15  # positions drawn one by one; the rest as one "Other" layer
OTHER = -1  # the key of that layer in `hidden`


class ValueChart(TimeChart):
    def __init__(self, parent=None) -> None:
        super().__init__(parent, y_label="Value", money=True)
        self.series: Series | None = None
        self.stacked = True
        self.hidden: set[int] = set()
        self._items: list = []
        self._order: list[int] | None = None
        self._rest: list[int] = []

    def set_series(self, series: Series, stacked: bool | None = None) -> None:
        self.series = series
        self._order = None
        if stacked is not None:
            self.stacked = stacked
        self.set_dates(series.dates, self._describe_day)
        self.redraw()
        self.apply_preset("All")

    def set_hidden(self, hidden: set[int]) -> None:
        self.hidden = set(hidden)
        self.redraw()

    def order(self) -> list[int]:
        """The TOP columns held at any time, largest peak value first (cached)."""
        s = self.series
        if s is None:
            return []
        if self._order is None:
            peaks = np.where(s.included, s.values.max(axis=0), 0.0) if len(s.dates) else (
                np.zeros(len(s.keys)))  # fmt: skip
            ranked = np.argsort(-peaks, kind="stable")
            self._order = [int(j) for j in ranked[:TOP] if peaks[j] > 0]
            self._rest = [int(j) for j in ranked[TOP:] if peaks[j] > 0]
        return self._order

    def rest(self) -> list[int]:
        """Held columns beyond the TOP, drawn together as one "Other" layer."""
        self.order()
        return self._rest

    def redraw(self) -> None:
        for item in self._items:
            self.removeItem(item)
        self._items = []
        s = self.series
        if s is None or not len(s.dates):
            return
        x = epoch_seconds(s.dates)
        visible = [j for j in self.order() if j not in self.hidden]
        layers = [(s.values[:, j], self.colour(j)) for j in visible]
        rest = self.rest()
        if rest and OTHER not in self.hidden:
            layers.append((s.values[:, rest].sum(axis=1), QColor("#8c959f")))
        if self.stacked:
            # Cumulative curves filled down to zero with opaque colours, drawn top layer
            # first so each lower layer paints over the one above it.
            tops = np.cumsum(np.column_stack([v for v, _ in layers]), axis=1) if layers else (
                np.zeros((len(x), 0)))  # fmt: skip
            background = QColor(theme.chart_colours()["background"])
            for k in reversed(range(len(layers))):
                colour = layers[k][1]
                curve = pg.PlotDataItem(x, tops[:, k], pen=pg.mkPen(colour, width=1),
                                        fillLevel=0, brush=pg.mkBrush(_blend(colour, background)))
                self._add_curve(curve)
        else:
            for values, colour in layers:
                self._add_curve(pg.PlotDataItem(x, values, pen=pg.mkPen(colour, width=1)))
        # The quarterly points as filed: visible with or without daily prices.
        filed = s.is_period_end
        if filed.any():
            y = s.totals if self.stacked else np.nanmax(
                np.where(s.included, s.values, np.nan), axis=1)  # fmt: skip
            dots = pg.ScatterPlotItem(x[filed], y[filed], size=7,
                                      brush=pg.mkBrush(theme.chart_colours()["foreground"]),
                                      pen=None)  # fmt: skip
            self.addItem(dots)
            self._items.append(dots)

    def colour(self, j: int) -> QColor:
        """A position's colour: fixed by its rank, so toggling others never repaints it."""
        rank = self.order().index(j) if j in self.order() else j
        return QColor(theme.SERIES[rank % len(theme.SERIES)])

    def _add_curve(self, curve: pg.PlotDataItem) -> None:
        self.addItem(curve)
        self._items.append(curve)
        # Draw only what is in view, at about one point per pixel (peaks kept): years of
        # daily data pan and zoom smoothly. (Set once in a view: pyqtgraph needs its box.)
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")

    def label(self, j: int) -> str:
        s = self.series
        assert s is not None
        if j == OTHER:
            n = len(self.rest())
            return f"Other ({n} position{'s' if n != 1 else ''})"
        t = s.tickers[j] or s.keys[j][0]
        put_call = s.keys[j].put_call
        return f"{t} {put_call}" if put_call else t

    def _describe_day(self, i: int) -> str:
        s = self.series
        if s is None:
            return ""
        lines = [f"{s.dates[i]}  total {money_short(float(s.totals[i]))}"
                 + ("  (as filed)" if s.is_period_end[i] else "")]  # fmt: skip
        for j in self.order()[:8]:
            if s.values[i, j] > 0:
                flag = "" if s.priced[i, j] or s.is_period_end[i] else "  (filed value)"
                lines.append(f"{self.label(j)}: {money_short(float(s.values[i, j]))}  "
                             f"{percent(float(s.weights[i, j]))}{flag}")  # fmt: skip
        return "\n".join(lines)
