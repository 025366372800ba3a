"""Position value over time: stacked areas, or lines (always lines on a log scale, where a
stack means nothing), one per position, with the values as filed marked at each period.

Nothing is invented: a line runs only through days with that day's close (or a filed value);
two points with no close between them are not joined by a ramp (a stack steps, as holdings
do); each line ends at its own ticker's last close, and a stack where its first layer runs out
of closes (never held flat past a ticker's last bar), marked "as of". In Lines mode a "Total"
line (the ticked lines' sum, where each has a close) is listed and labelled like the rest."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from core.domain.analytics import Report, Series
from core.domain.filings import issuer_label
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


TOP = 10  # positions drawn (and listed) one by one; the rest as one "Other (N)" layer
OTHER = -1  # the key of that layer in `hidden`
TOTAL = -2  # the one layer of a chart of the total only (the dashboard's)


def position_names(series: Series, reports: list[Report]) -> list[str]:
    """A name per column: the ticker, else the issuer (never a bare CUSIP); a name two
    columns share gets its class added (two CUSIPs of one company)."""
    issuer: dict[str, str] = {}
    for r in reports:
        for p in r.holdings.positions:
            issuer.setdefault(p.cusip, issuer_label(p.issuer)[0])
    names = []
    for j, key in enumerate(series.keys):
        name = series.tickers[j] or _short(issuer.get(key.cusip, key.cusip))
        if key.put_call:
            name = f"{name} {key.put_call.title()}"
        names.append(name)
    seen = {n: names.count(n) for n in names}
    return [f"{n} ({key.share_type or 'no SH/PRN'})" if seen[n] > 1 else n
            for n, key in zip(names, series.keys, strict=True)]  # fmt: skip


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


class ValueChart(TimeChart):
    def __init__(self, parent=None) -> None:
        super().__init__(parent, y_label="Value", money=True)
        self.series: Series | None = None
        self.names: list[str] = []
        self.stacked = True
        self.total_only = False  # one layer: the book's total as counted
        self.log = False
        self.hidden: set[int] = set()
        self._items: list = []
        self._order: list[int] | None = None
        self._rest: list[int] = []

    def set_series(self, series: Series, stacked: bool | None = None,
                   names: list[str] | None = None) -> None:  # fmt: skip
        self.series = series
        self.names = names if names is not None else self.names
        if len(self.names) != len(series.keys):
            self.names = [t or k[0] for t, k in zip(series.tickers, series.keys, strict=True)]
        self._order = None
        if stacked is not None:
            self.stacked = stacked
        self.set_dates(series.dates, self._describe_day)
        self.redraw()
        self.apply_preset("All")

    def set_hidden(self, hidden: set[int]) -> None:
        self.hidden = set(hidden)
        self.redraw()

    def set_log_y(self, on: bool) -> None:
        """Log scale: lines (a stacked area cannot be logarithmic), zero values left out."""
        self.log = on
        super().set_log_y(on)
        self.redraw()

    def draws_lines(self) -> bool:
        return self.log or not self.stacked

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

    # -- what is drawn --------------------------------------------------------------------
    def known(self) -> np.ndarray:
        """bool [days, positions]: a close of that day, or the value as filed."""
        s = self.series
        assert s is not None
        return s.fresh | s.is_period_end[:, None]

    def last_day(self) -> int:
        """The index of the last day with any close (or filing): lines end there."""
        s = self.series
        assert s is not None
        rows = np.flatnonzero((s.fresh & (s.values > 0)).any(axis=1) | s.is_period_end)
        return int(rows[-1]) if len(rows) else len(s.dates) - 1

    def shown_columns(self) -> list[int]:
        """The positions drawn: the ticked top ones and, when ticked, those under Other."""
        s = self.series
        assert s is not None
        if self.total_only:
            return [int(j) for j in np.flatnonzero(s.included)]
        return ([j for j in self.order() if j not in self.hidden]
                + (self.rest() if OTHER not in self.hidden else []))  # fmt: skip

    def stack_end(self) -> int:
        """The last day a stack (or the total) can show: each drawn position valued by a
        close has that day's close. A ticker whose closes stop earlier (INTC's on Sep 25,
        CRWV's on Oct 9) is never held flat past its last bar; lines go on to their own."""
        assert self.series is not None
        end = self.last_day()
        cols = self.shown_columns()
        return self.series.complete_until(cols, end) if cols else end

    def end_day(self) -> int:
        """Where this chart's drawing ends, as drawn now (lines or stack)."""
        return self.last_day() if self.draws_lines() and not self.total_only else (
            self.stack_end())  # fmt: skip

    def legend(self) -> list[tuple[str, QColor]]:
        """(name, colour) of each drawn layer, in the order drawn; the total last."""
        if self.series is None or not len(self.series.dates):
            return []
        if self.total_only:
            return [("Total", QColor(theme.series()[0]))]
        out = [(self.label(j), self.colour(j)) for j in self.order() if j not in self.hidden]
        if self.rest() and OTHER not in self.hidden:
            out.append((self.label(OTHER), self.colour(OTHER)))
        if self.draws_lines() and TOTAL not in self.hidden and out:
            out.append((self.label(TOTAL), self.colour(TOTAL)))
        return out

    def _layers(self) -> list[tuple[int, np.ndarray, np.ndarray, QColor]]:
        """(key, values, known, colour) for each visible layer; Other sums the tail."""
        s = self.series
        assert s is not None
        known = self.known()
        if self.total_only:
            total = np.where(s.included[None, :], s.values, 0.0).sum(axis=1)
            return [(TOTAL, total, known.any(axis=1), QColor(theme.series()[0]))]
        out = [(j, s.values[:, j], known[:, j], self.colour(j))
               for j in self.order() if j not in self.hidden]  # fmt: skip
        rest = self.rest()
        if rest and OTHER not in self.hidden:
            out.append((OTHER, s.values[:, rest].sum(axis=1), known[:, rest].all(axis=1),
                        QColor(theme.colours().other_series)))  # fmt: skip
        return out

    def redraw(self) -> None:
        for item in self._items:
            self.removeItem(item)
        self._items = []
        s = self.series
        if s is None or not len(s.dates):
            return
        end = self.end_day() + 1
        x = epoch_seconds(s.dates[:end])
        layers = [(j, v[:end], k[:end], c) for j, v, k, c in self._layers()]
        filed = s.is_period_end[:end]
        if self.draws_lines():
            self._draw_lines(x, layers, filed)
        else:
            self._draw_stack(x, layers, filed)
        self._draw_as_of(x[-1], s.dates[end - 1])

    def _draw_lines(self, x: np.ndarray, layers, filed: np.ndarray) -> None:
        for _j, values, known, colour in layers:
            y = np.where(known & (values > 0), values, np.nan)
            joined = np.isfinite(y[:-1]) & np.isfinite(y[1:]) & ~(filed[:-1] & filed[1:])
            self._add_curve(pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=1.5),
                                            connect=np.append(joined, False)))  # fmt: skip
            self._dots(x[filed], y[filed], colour)
        if layers and TOTAL not in self.hidden:  # the shown lines' sum, where all known
            total = np.sum([v for _, v, _, _ in layers], axis=0)
            all_known = np.all([k | (v == 0) for _, v, k, _ in layers], axis=0)
            y = np.where(all_known & (total > 0), total, np.nan)
            joined = np.isfinite(y[:-1]) & np.isfinite(y[1:]) & ~(filed[:-1] & filed[1:])
            colour = self.colour(TOTAL)
            self._add_curve(pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=2),
                                            connect=np.append(joined, False)))  # fmt: skip
            self._dots(x[filed], y[filed], colour)

    def _draw_stack(self, x: np.ndarray, layers, filed: np.ndarray) -> None:
        if not layers:
            return
        # Between two points with no close in between (quarters without daily prices),
        # the stack holds its level and steps at the next report, as the holdings do.
        any_fresh = np.any([k & ~filed for _, _, k, _ in layers], axis=0)
        step = ~(any_fresh[:-1] | any_fresh[1:])
        tops = np.cumsum(np.column_stack([v for _, v, _, _ in layers]), axis=1)
        xs, rows = [x[0]], [0]
        for i in range(1, len(x)):
            if step[i - 1]:
                xs.append(x[i] - 1.0)
                rows.append(i - 1)
            xs.append(x[i])
            rows.append(i)
        xs_arr, stack = np.array(xs), tops[rows]
        background = QColor(theme.chart_colours()["background"])
        for k in reversed(range(len(layers))):
            colour = layers[k][3]
            self._add_curve(pg.PlotDataItem(xs_arr, stack[:, k], pen=pg.mkPen(colour, width=1),
                                            fillLevel=0,
                                            brush=pg.mkBrush(_blend(colour, background))))
        # The values as filed, on top of what is shown (they follow the ticked positions).
        self._dots(x[filed], tops[filed, -1], QColor(theme.colours().chart_foreground))

    def _dots(self, x: np.ndarray, y: np.ndarray, colour: QColor) -> None:
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():
            return
        # A PlotDataItem of symbols, not a ScatterPlotItem: only it follows the log scale.
        dots = pg.PlotDataItem(x[ok], y[ok], pen=None, symbol="o", symbolSize=7,
                               symbolBrush=pg.mkBrush(colour), symbolPen=None)
        self.addItem(dots)
        self._items.append(dots)

    def _draw_as_of(self, x: float, day) -> None:
        pen = QPen(QColor(theme.colours().chart_marker))
        pen.setStyle(Qt.PenStyle.DotLine)
        pen.setCosmetic(True)
        line = pg.InfiniteLine(pos=x, angle=90, movable=False, pen=pen,
                               label=f"as of {day}", labelOpts={
                                   "position": 0.04, "color": theme.colours().muted,
                                   "anchors": [(1, 1), (1, 1)]})  # fmt: skip
        line.setToolTip(f"the last close known: {day}; nothing is drawn after it"
                        if self.end_day() == self.last_day() else
                        f"{day}: the last day every position shown has a close; nothing is "
                        "stacked after it (Lines draws each to its own last close)")
        self.addItem(line, ignoreBounds=True)
        self._items.append(line)

    def colour(self, j: int) -> QColor:
        """A position's colour: fixed by its rank, so toggling others never repaints it."""
        if j == OTHER:
            return QColor(theme.colours().other_series)
        if j == TOTAL:
            return QColor(theme.colours().chart_foreground)
        palette = theme.series()
        rank = self.order().index(j) if j in self.order() else j
        return QColor(palette[rank % len(palette)])

    def _add_curve(self, curve: pg.PlotDataItem) -> None:
        self.addItem(curve)
        self._items.append(curve)
        # Draw only what is in view, at about one point per pixel (peaks kept): years of
        # daily data pan and zoom smoothly. (Set once in a view: pyqtgraph needs its box.)
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")

    def label(self, j: int) -> str:
        if j == OTHER:
            n = len(self.rest())
            return f"Other ({n})"
        return "Total" if j == TOTAL else self.names[j]

    def _describe_day(self, i: int) -> str:
        s = self.series
        if s is None:
            return ""
        if i > self.end_day():
            if i > self.last_day():
                return f"{s.dates[i]}: no closes known yet"
            return (f"{s.dates[i]}: not every position has a close this day (Lines shows "
                    "each one to its own last close)")
        lines = [f"{s.dates[i]}  total {money_short(float(s.totals[i]))}"
                 + ("  (as filed)" if s.is_period_end[i] else "")]  # fmt: skip
        for j in self.order()[:8]:
            if s.values[i, j] > 0:
                if s.fresh[i, j] or s.is_period_end[i]:
                    flag = ""
                elif s.priced[i, j]:
                    flag = "  (an older close)"
                else:
                    flag = "  (filed value, no price)"
                lines.append(f"{self.label(j)}: {money_short(float(s.values[i, j]))}  "
                             f"{percent(float(s.weights[i, j]))}{flag}")  # fmt: skip
        return "\n".join(lines)
