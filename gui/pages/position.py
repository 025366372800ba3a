"""One position in depth: the daily price with the shares held as a step line on a second
axis, value and weight in the book over time, the stake in the company where known, and
every filed row behind it. Back returns to the page it was opened from. Each chart has a
title and a legend; both axes of a chart start at zero, so their zeros line up; a position
without prices says so instead of drawing an empty axis."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.filings import issuer_label
from core.services.position_detail import PositionDetail
from gui import theme
from gui.charts.time_chart import TimeChart, epoch_seconds
from gui.formatting import money_long, money_short, percent

TITLE_SIZE = "9pt"

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
HEADROOM = 1.08  # the highest point sits a little under the top


def zero_based(view: pg.ViewBox, values: np.ndarray) -> bool:
    """The y range from 0 to a little over the highest value: a flat series gets a real
    scale (not five "$20.98B" ticks) and two axes of one chart share their zero line.
    False when there is nothing to scale (the range is then 0 to 1)."""
    finite = values[np.isfinite(values)] if len(values) else values
    top = float(finite.max()) if len(finite) else 0.0
    view.enableAutoRange(axis=pg.ViewBox.YAxis, enable=False)
    view.setYRange(0.0, top * HEADROOM if top > 0 else 1.0, padding=0)
    return top > 0


def steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A step line: each value holds until the next one (holdings change at a report)."""
    if len(x) < 2:
        return x, y
    xs, ys = [x[0]], [y[0]]
    for i in range(1, len(x)):
        if y[i] != y[i - 1]:
            xs.append(x[i])
            ys.append(y[i - 1])
        xs.append(x[i])
        ys.append(y[i])
    return np.array(xs), np.array(ys)


class CountAxis(pg.AxisItem):
    """Share counts people read: 215M, 1.2B, 150."""

    def tickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            a = abs(v)
            unit = next(((n, s) for n, s in ((1e9, "B"), (1e6, "M"), (1e3, "K")) if a >= n),
                        (1, ""))  # fmt: skip
            out.append(f"{v / unit[0]:,.{0 if unit[1] == '' else 1}f}{unit[1]}")
        return out


class RightAxis:
    """A second y axis on a chart's right side, sharing its x axis."""

    def __init__(self, chart: TimeChart, label: str, counts: bool = False) -> None:
        plot = chart.getPlotItem()
        if counts:
            plot.setAxisItems({"right": CountAxis(orientation="right")})
        self.view = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self.view)
        plot.getAxis("right").linkToView(self.view)
        plot.getAxis("right").setLabel(label)
        self.view.setXLink(plot)
        self.view.setMouseEnabled(x=False, y=False)
        colours = theme.chart_colours()
        plot.getAxis("right").setPen(pg.mkPen(colours["foreground"]))
        plot.getAxis("right").setTextPen(pg.mkPen(colours["foreground"]))

        def follow() -> None:
            self.view.setGeometry(plot.vb.sceneBoundingRect())
            self.view.linkedViewChanged(plot.vb, self.view.XAxis)

        plot.vb.sigResized.connect(follow)
        self.item: pg.PlotDataItem | None = None

    def set_line(self, x: np.ndarray, y: np.ndarray, colour: str) -> None:
        if self.item is not None:
            self.view.removeItem(self.item)
        self.item = pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=2))
        self.view.addItem(self.item)
        zero_based(self.view, y)


class PositionPage(QWidget):
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: PositionDetail | None = None
        self.back = QPushButton("← Back")
        self.back.setShortcut("Alt+Left")
        self.back.setToolTip("Back to where you were (Alt+Left)")
        self.back.clicked.connect(self.back_requested.emit)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.price = TimeChart(y_label="Close (USD)", price=True)
        self.shares_axis = RightAxis(self.price, "Shares held", counts=True)
        self.value = TimeChart(y_label="Value", money=True)
        self.weight_axis = RightAxis(self.value, "Weight in the book (%)")
        self.value.setXLink(self.price)
        # Each chart's legend: (name, colour) of its lines, shown beside its title.
        self.legends: dict[TimeChart, list[tuple[str, str]]] = {self.price: [], self.value: []}
        self.no_prices = pg.TextItem(anchor=(0.5, 0.5), color=theme.colours().muted)
        self.price.getPlotItem().vb.addItem(self.no_prices, ignoreBounds=True)
        self.no_prices.hide()
        self.rows = QTableWidget(0, 0)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows.verticalHeader().setVisible(False)
        self.rows.setAlternatingRowColors(True)
        self.rows.setSortingEnabled(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self._curves: list = []

        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.price)
        split.addWidget(self.value)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(QLabel("<b>Every row behind it</b>"))
        holder_layout.addWidget(self.rows, 1)
        split.addWidget(holder)
        split.setSizes([300, 220, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)

    def show_detail(self, d: PositionDetail) -> None:
        self.detail = d
        name = issuer_label(d.issuer)[0]
        stake = ""
        if d.stake is not None and d.stake_now is not None:
            stake = (f" · stake {percent(d.stake_now)} of {d.stake.shares_outstanding:,} shares "
                     f"outstanding (as of {d.stake.as_of})")  # fmt: skip
        elif d.portfolio.kind == "filer":
            stake = " · stake unknown (the issuer's shares outstanding are not known yet)"
        self.title.setText(f"<b>{d.ticker or name}</b> · {name} · CUSIP {d.key.cusip} · "
                           f"in {d.portfolio.name}{stake}")  # fmt: skip
        for chart, item in self._curves:
            chart.removeItem(item)
        self._curves = []
        for legend in self.legends.values():
            legend.clear()
        palette = theme.series()
        label = d.ticker or name
        by = np.array([b.close for b in d.bars], dtype=float)
        if d.bars:
            bx = epoch_seconds(np.array([b.date for b in d.bars], dtype="datetime64[D]"))
            close = pg.PlotDataItem(bx, by, pen=pg.mkPen(palette[0], width=1.5))
            self._add(self.price, close)
            self.legends[self.price].append(("Daily close (left)", palette[0]))
        x = epoch_seconds(d.dates)
        sx, sy = steps(x, d.shares.astype(float))
        self.shares_axis.set_line(sx, sy, palette[1])
        self.legends[self.price].append(("Shares held (right)", palette[1]))
        known = np.where(d.known & (d.values > 0), d.values, np.nan)
        value = pg.PlotDataItem(x, known, pen=pg.mkPen(palette[2], width=1.5), connect="finite")
        self._add(self.value, value)
        self.legends[self.value].append(("Value (left)", palette[2]))
        # A value with no known neighbour (a filed value between quarters without prices)
        # is a point no line passes through: a dot shows it.
        f = np.isfinite(known)
        alone = f & ~np.r_[False, f[:-1]] & ~np.r_[f[1:], False]
        if alone.any():
            self._add(self.value, pg.PlotDataItem(x[alone], known[alone], pen=None,
                                                  symbol="o", symbolSize=7, symbolPen=None,
                                                  symbolBrush=pg.mkBrush(palette[2])))
        self.weight_axis.set_line(x, d.weights * 100, palette[3])
        self.legends[self.value].append(("Weight in the book (right)", palette[3]))
        self._title(self.price, f"{label}: daily close and shares held")
        self._title(self.value, f"{label}: value and weight in {d.portfolio.name}")
        self.price.set_dates(d.dates, self._describe)
        self.value.set_dates(d.dates, self._describe)
        for chart in (self.price, self.value):
            chart.apply_preset("All")
        # After the presets (they turn autoscale on): both axes from zero, zeros level.
        priced = zero_based(self.price.getPlotItem().vb, by)
        self.price.getAxis("left").setStyle(showValues=priced)
        self.no_prices.setText("" if priced else f"No prices yet for {label}")
        self.no_prices.setVisible(not priced)
        if not priced:
            self.no_prices.setPos((x[0] + x[-1]) / 2 if len(x) else 0.0, 0.5)
        zero_based(self.value.getPlotItem().vb, known)
        self._fill_rows(d)
        self.note.setText(
            "Price: daily closes (split-adjusted, as Yahoo publishes them); orange step line: "
            "shares held, on the right axis. Value: that day's close x shares, or the value as "
            "filed (gaps where neither is known); purple: weight in the book, on the right axis."
            if d.bars else "No daily prices cached for this position: F5 fetches them (offline: "
            "Prices > Import prices CSV...).")

    def _title(self, chart: TimeChart, title: str) -> None:
        """The title, then the legend on the same line (above the plot: it never hides a
        line, as a box inside the plot would on a small window)."""
        keys = " &nbsp; ".join(f"<span style='color:{colour}'>&#9473;&#9473;</span>&nbsp;"
                               f"{html.escape(name)}" for name, colour in self.legends[chart])
        chart.getPlotItem().setTitle(f"<b>{html.escape(title)}</b> &nbsp;&nbsp; {keys}",
                                     color=theme.colours().chart_foreground, size=TITLE_SIZE)

    def _add(self, chart: TimeChart, item) -> None:
        chart.addItem(item)
        self._curves.append((chart, item))

    def _describe(self, i: int) -> str:
        d = self.detail
        if d is None:
            return ""
        value = money_short(float(d.values[i])) + ("" if d.known[i] else " (carried, no close)")
        return (f"{d.dates[i]}\nshares {d.shares[i]:,.0f}\nvalue {value}\n"
                f"weight {percent(float(d.weights[i]))}")  # fmt: skip

    def _fill_rows(self, d: PositionDetail) -> None:
        own = d.portfolio.kind == "own"
        headers = (["Statement", "Shares", "Cost per share", "Note"] if own else
                   ["Accession", "Period", "Filed", "Class", "Shares", "Value as filed",
                    "Other managers"])  # fmt: skip
        numeric = {1, 2} if own else {4, 5}
        self.rows.setSortingEnabled(False)
        self.rows.clear()
        self.rows.setColumnCount(len(headers))
        self.rows.setHorizontalHeaderLabels(headers)
        self.rows.setRowCount(len(d.rows))
        for i, r in enumerate(d.rows):
            if own:
                cells = [str(r.period), f"{r.shares:,.4f}".rstrip("0").rstrip("."),
                         f"{r.cost_per_share:,.2f}" if r.cost_per_share is not None else "",
                         r.other_managers]  # fmt: skip
            else:
                cells = [r.accession, str(r.period), str(r.filed), r.title_of_class,
                         f"{r.shares:,.0f}", money_long(r.value_usd or 0), r.other_managers]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in numeric:
                    item.setTextAlignment(RIGHT)
                if not own and j == 5 and r.value_as_filed != r.value_usd:
                    item.setToolTip(f"as filed: {r.value_as_filed:,} (thousands of dollars)")
                if not text and j == len(cells) - 1:
                    item.setToolTip("none named on this row" if not own else "no note")
                self.rows.setItem(i, j, item)
        self.rows.setSortingEnabled(True)
        self.rows.resizeColumnsToContents()
