"""What every time chart shares: a date axis on epoch seconds, a crosshair whose tooltip
reads the values under the cursor, markers at periods of report and filing dates, range
presets and a log-scale switch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QToolTip

from gui import theme

PRESETS = ("1M", "6M", "YTD", "1Y", "All")


class MoneyAxis(pg.AxisItem):
    """Dollar ticks people read at a glance: $3.96B, $250M; on a log scale too ($1M, $1B),
    where pyqtgraph hands over exponents and would print "2·10²"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            return [self.money(10.0**v) for v in values]
        return [self.money(v * scale) if v >= 0 else "" for v in values]

    @staticmethod
    def money(v: float) -> str:
        from gui.formatting import money_short

        return money_short(v)


class PriceAxis(MoneyAxis):
    """Share prices: $225, $82.50."""

    @staticmethod
    def money(v: float) -> str:
        return f"${v:,.0f}" if v >= 100 else f"${v:,.2f}"


def epoch_seconds(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] to float seconds since 1970 (UTC midnight), pyqtgraph's date axis."""
    return dates.astype("datetime64[s]").astype(np.int64).astype(float)


def preset_range(preset: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    start = {
        "1M": last - dt.timedelta(days=31),
        "6M": last - dt.timedelta(days=183),
        "YTD": dt.date(last.year, 1, 1),
        "1Y": last - dt.timedelta(days=365),
    }.get(preset, first)
    return max(start, first), last


class TimeChart(pg.PlotWidget):
    """A PlotWidget with a date axis and the shared behaviour; subclasses add curves."""

    def __init__(self, parent=None, y_label: str = "", money: bool = False,
                 price: bool = False) -> None:  # fmt: skip
        axes = {"bottom": pg.DateAxisItem(orientation="bottom")}
        if money:
            axes["left"] = MoneyAxis(orientation="left")
        elif price:
            axes["left"] = PriceAxis(orientation="left")
        super().__init__(parent=parent, axisItems=axes)
        self.apply_theme()
        colours = theme.chart_colours()
        if y_label:
            self.setLabel("left", y_label)
        # No pyqtgraph grid: it costs half of every frame in software rendering; the
        # period-of-report lines and the crosshair's read-out do its job here.
        self.getPlotItem().setMenuEnabled(False)
        self.setMouseEnabled(x=True, y=False)
        self._dates = np.array([], dtype="datetime64[D]")
        self._x = np.array([])
        self._markers: list[pg.InfiniteLine] = []
        self._describe: Callable[[int], str] | None = None
        self._cursor = pg.InfiniteLine(angle=90, movable=False,
                                       pen=pg.mkPen(colours["foreground"], width=1,
                                                    style=Qt.PenStyle.DotLine))  # fmt: skip
        self._cursor.setZValue(50)
        self._cursor.hide()
        self.addItem(self._cursor, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def apply_theme(self) -> None:
        colours = theme.chart_colours()
        self.setBackground(colours["background"])
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            axis.setPen(pg.mkPen(colours["foreground"]))
            axis.setTextPen(pg.mkPen(colours["foreground"]))
        if hasattr(self, "_cursor"):
            self._cursor.setPen(pg.mkPen(colours["foreground"], width=1,
                                         style=Qt.PenStyle.DotLine))  # fmt: skip

    # -- data -----------------------------------------------------------------------------
    def set_dates(self, dates: np.ndarray, describe: Callable[[int], str] | None) -> None:
        """The x values and a function that says, for an index, what the cursor reads."""
        self._dates = dates
        self._x = epoch_seconds(dates)
        self._describe = describe

    def set_markers(self, marks: list[tuple[dt.date, str, bool]]) -> None:
        """Vertical lines: (date, hover text, is period end). Filing dates are dashed."""
        for m in self._markers:
            self.removeItem(m)
        self._markers = []
        grid = theme.chart_colours()["grid"]
        for day, text, period_end in marks:
            style = Qt.PenStyle.SolidLine if period_end else Qt.PenStyle.DashLine
            pen = QPen(QColor(grid if period_end else theme.colours().chart_marker))
            pen.setStyle(style)
            pen.setCosmetic(True)
            line = pg.InfiniteLine(pos=epoch_seconds(np.array([day], dtype="datetime64[D]"))[0],
                                   angle=90, movable=False, pen=pen)  # fmt: skip
            line.setToolTip(text)
            line.setAcceptHoverEvents(True)
            line.setZValue(-10)
            self.addItem(line, ignoreBounds=True)
            self._markers.append(line)

    # -- view -----------------------------------------------------------------------------
    def apply_preset(self, preset: str) -> None:
        if not len(self._dates):
            return
        first, last = (self._dates[0].astype(dt.date), self._dates[-1].astype(dt.date))
        lo, hi = preset_range(preset, first, last)
        x = epoch_seconds(np.array([lo, hi], dtype="datetime64[D]"))
        self.setXRange(x[0], x[1] + 86400, padding=0.01)
        self.enableAutoRange(axis="y")
        self.setAutoVisible(y=True)

    def set_log_y(self, on: bool) -> None:
        self.getPlotItem().setLogMode(x=False, y=on)

    def index_at(self, x: float) -> int | None:
        if not len(self._x):
            return None
        i = int(np.clip(np.searchsorted(self._x, x), 0, len(self._x) - 1))
        if i > 0 and abs(self._x[i - 1] - x) < abs(self._x[i] - x):
            i -= 1
        return i

    def leaveEvent(self, event) -> None:
        """The crosshair and its read-out go when the mouse leaves the chart."""
        self._cursor.hide()
        QToolTip.hideText()
        super().leaveEvent(event)

    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.getPlotItem().vb
        if not self.sceneBoundingRect().contains(pos) or not len(self._x):
            self._cursor.hide()
            return
        x = vb.mapSceneToView(pos).x()
        i = self.index_at(x)
        if i is None:
            return
        self._cursor.setPos(self._x[i])
        self._cursor.show()
        if self._describe is not None:
            QToolTip.showText(self.mapToGlobal(self.mapFromScene(pos)), self._describe(i), self)
