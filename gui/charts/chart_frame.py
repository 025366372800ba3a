"""What an exported chart adds to the window's: a title and a legend drawn in the picture, a
light background all round, and dots written as vector shapes in an SVG."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsView, QWidget

from gui import theme
from gui.charts.value_chart import _blend

TITLES = {"value": "value of the positions", "concentration": "concentration over time",
          "prices": "daily closes of NVDA and CRWV"}  # fmt: skip
TITLE_SIZE = "13pt"


def chart_title(kind: str, book: str | None, widget) -> str:
    """'NVIDIA Corp: value of the positions, 2024-03-31 to 2026-09-25': the span drawn."""
    what = TITLES[kind]
    span = ""
    if kind in ("value", "concentration") and widget.series is not None and len(
            widget.series.dates):  # fmt: skip
        s = widget.series
        span = f", {s.dates[0]} to {s.dates[widget.end_day()]}"
    elif kind == "prices":
        days = [b.date for bars in widget.bars.values() for b in bars]
        span = f", {min(days)} to {max(days)}" if days else " (no prices yet)"
    if kind == "prices" or not book:
        return what[0].upper() + what[1:] + span
    return f"{book}: {what}{span}"


def _style(legend: pg.LegendItem) -> None:
    """Dark words on a light, nearly opaque box (lines under it still show faintly)."""
    c = theme.colours()
    legend.setBrush(pg.mkBrush(QColor(255, 255, 255, 225)))
    legend.setPen(pg.mkPen(c.chart_grid))
    legend.setLabelTextColor(c.chart_foreground)
    for _sample, label in legend.items:  # those added before: their own colour is set
        label.setText(label.text, color=c.chart_foreground)


def _value_legend(chart) -> None:
    """The layers by colour (the window lists them beside the chart), the dots' meaning."""
    entries = chart.legend()
    columns = 1 if len(entries) <= 6 else 2 if len(entries) <= 12 else 3
    legend = pg.LegendItem(offset=(10, 10), colCount=columns)
    legend.setParentItem(chart.getPlotItem().vb)
    background = QColor(theme.chart_colours()["background"])
    for name, colour in entries:
        if chart.draws_lines():
            sample = pg.PlotDataItem(pen=pg.mkPen(colour, width=2))
        else:
            # A filled square, as the window's list shows (pyqtgraph's sample of a filled
            # curve is a triangle): a bar's sample is one.
            sample = pg.BarGraphItem(x=[0], height=[0], width=1, pen=pg.mkPen(colour),
                                     brush=pg.mkBrush(_blend(colour, background)))
        legend.addItem(sample, name)
    # With a point: pyqtgraph's sample reads the symbol's look from the drawn points.
    dots = pg.PlotDataItem([0], [0], pen=None, symbol="o", symbolSize=7, symbolPen=None,
                           symbolBrush=pg.mkBrush(theme.colours().chart_foreground))
    legend.addItem(dots, "value as filed")
    _style(legend)
    chart.export_legend = legend  # kept: the scene holds it, Python must not collect it


def style_legends(widget) -> None:
    """The legends a chart has of its own (concentration, prices) in readable colours."""
    for chart in widget.charts() if hasattr(widget, "charts") else [widget]:
        legend = chart.getPlotItem().legend
        if legend is not None:
            _style(legend)


def frame(widget, kind: str, title: str) -> None:
    """Title and legend in the picture; the widget's own background painted light."""
    fg = theme.colours().chart_foreground
    top = widget.weights if kind == "concentration" else widget
    top.getPlotItem().setTitle(title, color=fg, size=TITLE_SIZE)
    if kind == "value":
        _value_legend(widget)
    style_legends(widget)
    # Between a composite's charts the widget itself shows: the chart background there too.
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(theme.chart_colours()["background"]))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


def graphics_views(widget: QWidget) -> list[pg.GraphicsView]:
    if isinstance(widget, pg.GraphicsView):
        return [widget]
    return widget.findChildren(pg.GraphicsView)


@contextmanager
def drawn_as_vectors(widget: QWidget) -> Iterator[None]:
    """Items paint in pyqtgraph's export mode meanwhile: each dot a vector shape, not a
    piece of the cached bitmap atlas (an SVG would hold squeezed <image>s)."""
    views = graphics_views(widget)
    items = [i for view in views for i in view.scene().items()
             if hasattr(i, "setExportMode")]  # fmt: skip
    for item in items:
        item.setExportMode(True, {"antialias": True})
    # pyqtgraph caches each view's background as a bitmap: it would be a full-size <image>.
    modes = [view.cacheMode() for view in views]
    for view in views:
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        view.resetCachedContent()
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)
        for view, mode in zip(views, modes, strict=True):
            view.setCacheMode(mode)
