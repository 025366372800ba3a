"""The value chart invents nothing: no ramps between quarters without prices, nothing
after the last close, log scale as lines with dollar ticks, names instead of CUSIPs."""

from __future__ import annotations

import datetime as dt

import numpy as np

from core.domain import analytics as an
from core.domain.positions import Holdings, Position
from gui.charts.time_chart import MoneyAxis, PriceAxis
from gui.charts.value_chart import ValueChart, position_names

D = dt.date


def _report(period: dt.date, shares: int, value: int, ticker: str | None = "AAA") -> an.Report:
    p = Position("000000000", ticker, "ALPHA HOLDINGS INCORPORATED LIMITED", "COM", "SH", None,
                 shares, value, 1.0)  # fmt: skip
    return an.Report(period, period, Holdings("Mine", period, ("x",), value, (p,)))


def _series(prices: dict | None = None, ticker: str | None = "AAA"):
    reports = [_report(D(2025, 3, 31), 10, 1000, ticker), _report(D(2025, 6, 30), 20, 3000,
                                                                   ticker)]  # fmt: skip
    return an.value_series(reports, prices or {}, {}, np.array([], dtype="datetime64[D]")), reports


def _curves(chart: ValueChart):
    return [i for i in chart._items if hasattr(i, "curve") and i.opts.get("pen") is not None
            and i.xData is not None and len(i.xData) > 1]  # fmt: skip


def test_quarters_without_prices_step_instead_of_ramping(qtbot):
    s, reports = _series()
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.set_series(s, names=position_names(s, reports))
    (area,) = _curves(chart)
    x, y = area.xData, area.yData
    # Held at 1000 until the next report, then 3000: a step, never a slope between them.
    assert list(y) == [1000, 1000, 3000]
    assert x[1] == x[2] - 1


def test_lines_leave_a_gap_where_no_close_is_known(qtbot):
    s, reports = _series()
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.set_series(s, stacked=False, names=position_names(s, reports))
    for curve in _curves(chart):
        assert not curve.opts["connect"][:-1].any(), "two filed points joined by a ramp"


def test_lines_end_at_the_last_close_not_today(qtbot):
    closes = an.PriceSeries(np.array(["2025-04-01", "2025-04-02"], dtype="datetime64[D]"),
                            np.array([100.0, 110.0]))  # fmt: skip
    reports = [_report(D(2025, 3, 31), 10, 1000)]
    days = np.array(["2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04"],
                    dtype="datetime64[D]")  # another ticker traded on: this one did not
    s = an.value_series(reports, {"AAA": closes}, {}, days)
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.set_series(s, stacked=False, names=position_names(s, reports))
    assert str(s.dates[chart.last_day()]) == "2025-04-02"
    line = _curves(chart)[0]
    assert np.isfinite(line.yData).sum() == 3  # the filed point and two closes, no more
    assert "no closes known" in chart._describe_day(len(s.dates) - 1)


def test_log_scale_draws_lines_with_dollar_ticks(qtbot):
    s, reports = _series()
    chart = ValueChart()
    qtbot.addWidget(chart)
    chart.set_series(s, names=position_names(s, reports))
    assert not chart.draws_lines()
    chart.set_log_y(True)
    assert chart.draws_lines()
    axis = chart.getAxis("left")
    assert isinstance(axis, MoneyAxis) and axis.logMode
    assert axis.tickStrings([6.0, 9.0], 1.0, 1.0) == ["$1.00M", "$1.00B"]
    price = PriceAxis(orientation="left")
    price.setLogMode(False, True)
    assert price.tickStrings([2.0, 1.0], 1.0, 1.0) == ["$100", "$10.00"]


def test_a_position_without_ticker_is_named_by_its_issuer(qtbot):
    s, reports = _series(ticker=None)
    names = position_names(s, reports)
    assert names == ["ALPHA HOLDINGS INCORP…"]
    assert "000000000" not in names[0]
