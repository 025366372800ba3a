"""Cumulative return against a benchmark: an own book's time-weighted return, or the clone of
a filer's disclosed book, from core's PerformanceReport; each range starts again at 0%."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.domain.returns import max_drawdown
from core.services.performance import PerformanceReport
from gui import theme
from gui.charts.time_chart import TimeChart, epoch_seconds

RANGES = ("1M", "YTD", "1Y", "3Y", "All")


def range_start(name: str, first: dt.date, last: dt.date) -> dt.date:
    start = {"1M": last - dt.timedelta(days=31), "YTD": dt.date(last.year, 1, 1),
             "1Y": last - dt.timedelta(days=365),
             "3Y": last - dt.timedelta(days=3 * 365 + 1)}.get(name, first)  # fmt: skip
    return max(start, first)


def rebased(index: np.ndarray, k: int) -> np.ndarray:
    """A cumulative return (0.0 = start) restarted at row k: (1 + c_t) / (1 + c_k) - 1."""
    base = 1.0 + index[k]
    return (1.0 + index) / base - 1.0 if base > 0 else np.full_like(index, np.nan)


def pct(x: float | None) -> str:
    return f"{x * 100:+.2f}%" if x is not None and np.isfinite(x) else "n/a"


class PercentAxis(pg.AxisItem):
    """Returns as people read them: +25%, -10%, 0%."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale:+,.0f}%" if round(v * scale) else "0%" for v in values]


class PerformanceChart(QWidget):
    def __init__(self, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        self.report: PerformanceReport | None = None
        self.range = "All"
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.chart = TimeChart(y_label="" if compact else "Cumulative return")
        self.chart.setAxisItems({"left": PercentAxis(orientation="left")})
        self.chart.apply_theme()
        self.chart.addLegend(offset=(10, 10))
        c = theme.series()
        self.book = self.chart.plot([], [], pen=pg.mkPen(c[0], width=2), name="book")
        self.bench = self.chart.plot([], [], pen=pg.mkPen(c[1], width=2), name="benchmark")
        self.buttons = QButtonGroup(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for name in RANGES:
            b = QPushButton(name)
            b.setCheckable(True)
            b.setMaximumWidth(52)
            b.setChecked(name == "All")
            b.clicked.connect(lambda _=False, n=name: self.set_range(n))
            self.buttons.addButton(b)
            row.addWidget(b)
        row.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note)
        self._y = np.array([])
        self._b: np.ndarray | None = None

    def apply_theme(self) -> None:
        self.chart.apply_theme()
        c = theme.series()
        self.book.setPen(pg.mkPen(c[0], width=2))
        self.bench.setPen(pg.mkPen(c[1], width=2))

    def set_report(self, report: PerformanceReport | None, why: str = "") -> None:
        self.report = report
        if report is None or not len(report.days):
            self.book.setData([], [])
            self.bench.setData([], [])
            self.chart.set_dates(np.array([], dtype="datetime64[D]"), None)
            self.title.setText("")
            self.note.setText(why or "No daily closes to compute returns from yet: "
                              "Prices > Refresh prices (F5), or Prices > Import CSV.")
            self.chart.hide()
            return
        self.chart.show()
        legend = self.chart.getPlotItem().legend
        label = "Your book (time-weighted)" if report.kind == "own" else \
            f"{report.portfolio}'s disclosed book, held as filed"
        colour = theme.chart_colours()["foreground"]
        legend.getLabel(self.book).setText(label, color=colour)
        legend.getLabel(self.bench).setText(f"{report.benchmark} (price return)", color=colour)
        self.chart.set_dates(report.days, self._describe)
        missing = ", ".join(m["ticker"] for m in report.missing_prices[:6])
        more = len(report.missing_prices) - 6
        note = f"As of the close of {report.end}. "
        if report.kind == "filer":
            note += (f"Each filing's weights held from its "
                     f"{'filing date' if report.rebalance == 'filed' else 'period end'} to "
                     "the next; ")  # fmt: skip
            if report.missing_prices:
                note += (f"no prices for {missing}{f' and {more} more' if more > 0 else ''} "
                         f"(at most {report.left_out_weight * 100:.1f}% of a filing's weight, "
                         "left out and the rest scaled up). ")  # fmt: skip
        elif report.missing_prices:
            note += f"No prices for {missing}: left out of the value. "
        if report.benchmark_index is None:
            note += f"No prices for the benchmark {report.benchmark} (F5 fetches them)."
        self.note.setText(note)
        self.set_range(self.range)

    def set_range(self, name: str) -> None:
        self.range = name
        for b in self.buttons.buttons():
            b.setChecked(b.text() == name)
        r = self.report
        if r is None or not len(r.days):
            return
        days = r.days
        first, last = days[0].astype(dt.date), days[-1].astype(dt.date)
        k = int(np.searchsorted(days, np.datetime64(range_start(name, first, last), "D")))
        k = min(k, len(days) - 1)
        x = epoch_seconds(days[k:])
        self._k = k
        # All: the period's own figures (a book from nothing earns on its first day too).
        self._y = r.index.copy() if name == "All" else rebased(r.index, k)[k:]
        self.book.setData(x, self._y * 100)
        self._b = None
        if r.benchmark_index is not None:
            self._b = r.benchmark_index.copy() if name == "All" else \
                rebased(r.benchmark_index, k)[k:]
            ok = np.isfinite(self._b)
            self.bench.setData(x[ok], self._b[ok] * 100)
        else:
            self.bench.setData([], [])
        growth = (1 + self._y[-1]) if len(self._y) else None
        bench = self._b[-1] if self._b is not None and len(self._b) else None
        drawdown = _drawdown(1 + self._y)
        self.title.setText(
            f"<b>{pct(growth - 1 if growth is not None else None)}</b> {name} "
            f"({days[k].astype(dt.date)} to {last})"
            + (f" · IRR {pct(r.irr)} a year" if name == "All" and r.irr is not None else "")
            + f" · max drawdown {pct(-drawdown)} · {r.benchmark} {pct(bench)}")
        self.chart.setXRange(x[0], x[-1] + 86400, padding=0.01)
        self.chart.enableAutoRange(axis="y")

    def _describe(self, i: int) -> str:
        r = self.report
        k = getattr(self, "_k", 0)
        if r is None or i < k or i - k >= len(self._y):
            return ""
        text = f"{r.days[i]}\n{'book' if r.kind == 'own' else 'clone'} {pct(self._y[i - k])}"
        if self._b is not None:
            text += f"   {r.benchmark} {pct(self._b[i - k])}"
        return text


def _drawdown(growth: np.ndarray) -> float:
    """The range's drawdown, by core's definition (max_drawdown of the growth index)."""
    growth = growth[np.isfinite(growth)]
    return max_drawdown(growth) if len(growth) else 0.0
