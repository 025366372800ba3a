"""Each ticker's line ends at its own last close, a stack ends where its first layer runs out
of closes (never holding a ticker flat past its last bar), and the Lines mode's total line
is named "Total" in the list and the legend, whenever it is drawn."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg

from core.domain import analytics as an
from core.domain.positions import Holdings, Position
from gui.charts.value_chart import TOTAL, ValueChart, position_names

D = dt.date
DAYS = np.array(["2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04"], dtype="datetime64[D]")


def _series():
    """AAA's closes stop on Apr 2 (like INTC's on Sep 25); BBB trades on to Apr 4."""
    a = Position("000000001", "AAA", "ALPHA INC", "COM", "SH", None, 10, 1000, 1.0)
    b = Position("000000002", "BBB", "BETA INC", "COM", "SH", None, 20, 2000, 1.0)
    period = D(2025, 3, 31)
    reports = [an.Report(period, period, Holdings("Fund", period, ("x",), 3000, (a, b)))]
    closes = {"AAA": an.PriceSeries(DAYS[:2], np.array([100.0, 110.0])),
              "BBB": an.PriceSeries(DAYS, np.array([100.0, 101.0, 102.0, 103.0]))}
    s = an.value_series(reports, closes, {}, DAYS)
    return s, reports


def _chart(qtbot, stacked: bool) -> ValueChart:
    s, reports = _series()
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.set_series(s, stacked=stacked, names=position_names(s, reports))
    return chart


def _curves(chart: ValueChart) -> list[pg.PlotDataItem]:
    return [i for i in chart._items if isinstance(i, pg.PlotDataItem)
            and i.opts.get("pen") is not None and i.xData is not None and len(i.xData) > 1]


def _as_of(chart: ValueChart) -> str:
    (line,) = [i for i in chart._items if isinstance(i, pg.InfiniteLine)]
    return line.label.toPlainText()


def _last_x_day(x: np.ndarray, y: np.ndarray) -> str:
    last = x[np.isfinite(y)][-1]
    return str(np.datetime64(int(last), "s").astype("datetime64[D]"))


def test_each_line_ends_at_its_own_last_close(qtbot):
    chart = _chart(qtbot, stacked=False)
    s = chart.series
    ends = {}
    for curve in _curves(chart):
        colour = curve.opts["pen"].color().name()
        ends[colour] = _last_x_day(curve.xData, curve.yData)
    aaa = chart.colour(s.tickers.index("AAA")).name()
    bbb = chart.colour(s.tickers.index("BBB")).name()
    assert ends[aaa] == "2025-04-02"  # not held flat to Apr 4
    assert ends[bbb] == "2025-04-04"
    assert _as_of(chart) == "as of 2025-04-04"


def test_a_stack_ends_where_a_layer_runs_out_of_closes(qtbot):
    chart = _chart(qtbot, stacked=True)
    for curve in _curves(chart):
        assert _last_x_day(curve.xData, curve.yData) == "2025-04-02"
    assert _as_of(chart) == "as of 2025-04-02"
    assert "not every position has a close" in chart._describe_day(3)
    # With AAA unticked, BBB alone is stacked to its own last close.
    chart.set_hidden({chart.series.tickers.index("AAA")})
    for curve in _curves(chart):
        assert _last_x_day(curve.xData, curve.yData) == "2025-04-04"
    assert _as_of(chart) == "as of 2025-04-04"


def test_the_dashboards_total_ends_at_the_first_layer_out_of_closes(qtbot):
    s, _ = _series()
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.total_only = True
    chart.set_series(s)
    (area,) = _curves(chart)
    assert _last_x_day(area.xData, area.yData) == "2025-04-02"
    assert chart.legend()[0][0] == "Total"


def test_lines_name_their_total_and_drop_it_when_unticked(qtbot):
    chart = _chart(qtbot, stacked=False)
    names = [n for n, _ in chart.legend()]
    assert names == ["BBB", "AAA", "Total"]
    total_colour = chart.colour(TOTAL).name()
    assert total_colour in {c.opts["pen"].color().name() for c in _curves(chart)}
    chart.set_hidden({TOTAL})
    assert "Total" not in [n for n, _ in chart.legend()]
    assert total_colour not in {c.opts["pen"].color().name() for c in _curves(chart)}
    # A stack has no separate total line (its top is the total): none listed.
    chart.set_hidden(set())
    chart.set_series(chart.series, stacked=True)
    assert "Total" not in [n for n, _ in chart.legend()]


def test_the_charts_page_lists_the_total_in_lines_mode_only(qtbot):
    from PySide6.QtCore import Qt

    from gui.pages.charts import ChartsPage
    from gui.workers import TaskRunner

    runner = TaskRunner()
    page = ChartsPage(None, None, runner)
    qtbot.addWidget(page)
    s, reports = _series()
    page.value.set_series(s, names=position_names(s, reports))
    page._fill_positions()
    listed = [page.positions.item(i).text() for i in range(page.positions.count())]
    assert listed == ["BBB", "AAA"]
    page.lines.setChecked(True)
    listed = [page.positions.item(i).text() for i in range(page.positions.count())]
    assert listed == ["BBB", "AAA", "Total"]
    total = page.positions.item(2)
    assert "sum of the ticked lines" in total.toolTip()
    total.setCheckState(Qt.CheckState.Unchecked)
    assert TOTAL in page.value.hidden
    page.lines.setChecked(False)
    listed = [page.positions.item(i).text() for i in range(page.positions.count())]
    assert listed == ["BBB", "AAA"]


def test_weights_end_where_the_stack_ends(qtbot):
    """The concentration chart's curves, and its exported title, end on the last day every
    position has its own close (Apr 2), as the value stack does: AAA's weight is never
    worked out from a close held flat."""
    from gui.charts.chart_frame import chart_title
    from gui.charts.concentration_chart import ConcentrationChart

    s, _reports = _series()
    assert str(s.dates[s.complete_until()]) == "2025-04-02"  # the one rule, in core
    assert s.complete_until([s.tickers.index("BBB")]) == len(s.dates) - 1  # BBB: to Apr 4
    chart = ConcentrationChart()
    qtbot.addWidget(chart)
    chart.set_series(s)
    assert str(s.dates[-1]) == "2025-04-04"
    assert _last_x_day(chart.top1.xData, chart.top1.yData) == "2025-04-02"
    assert _last_x_day(chart.eff.xData, chart.eff.yData) == "2025-04-02"
    assert chart_title("concentration", "Fund", chart).endswith("2025-03-31 to 2025-04-02")
