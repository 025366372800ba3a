"""The position view's charts: a title and a legend each; both axes of a chart start at
zero so their zeros line up; a position without prices shows no empty or repeated axis."""

from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QPointF

from core.domain.positions import PortfolioRef, PositionKey
from core.domain.prices import DailyBar
from core.services.position_detail import PositionDetail
from gui.pages.position import PositionPage

DAYS = np.array(["2026-06-30", "2026-07-01", "2026-07-02", "2026-07-03"], dtype="datetime64[D]")
BOOK = PortfolioRef(1, "NVIDIA Corp", "filer", "0001045810")


def _detail(priced: bool) -> PositionDetail:
    shares = np.array([100.0, 100.0, 100.0, 100.0])
    if priced:
        closes = [50.0, 51.0, 52.0, 53.0]
        bars = [DailyBar("AAA", d.astype(dt.date), None, None, None, c, None, None, "test")
                for d, c in zip(DAYS, closes, strict=True)]  # fmt: skip
        values, known = shares * np.array(closes), np.ones(4, dtype=bool)
    else:  # only the value as filed, at the period's end: 20.98B, then carried
        bars = []
        values = np.full(4, 20_975_594_582.0)
        known = np.array([True, False, False, False])
    return PositionDetail(portfolio=BOOK, key=PositionKey("000000001", "SH", None),
                          ticker="AAA", issuer="ALPHA INC", dates=DAYS, shares=shares,
                          values=values, weights=np.full(4, 0.33), known=known, bars=bars,
                          stake=None, stake_now=None, rows=[])  # fmt: skip


def _page(qtbot, priced: bool) -> PositionPage:
    page = PositionPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    page.show_detail(_detail(priced))
    for chart, right in ((page.price, page.shares_axis), (page.value, page.weight_axis)):
        # The right axis's view follows its chart's view once the layout has settled.
        qtbot.waitUntil(lambda c=chart, r=right: r.view.geometry()
                        == c.getPlotItem().vb.sceneBoundingRect())  # fmt: skip
    return page


def _labels(chart, side: str = "left") -> list[str]:
    axis = chart.getAxis(side)
    lo, hi = axis.range
    levels = axis.tickValues(lo, hi, 400)
    return [s for _spacing, values in levels for s in axis.tickStrings(values, 1.0, 1.0)]


def test_each_chart_has_a_title_and_a_legend(qtbot):
    page = _page(qtbot, priced=True)
    price = page.price.getPlotItem().titleLabel.text
    value = page.value.getPlotItem().titleLabel.text
    assert "AAA: daily close and shares held" in price
    assert "Daily close (left)" in price and "Shares held (right)" in price
    assert "AAA: value and weight in NVIDIA Corp" in value
    assert "Value (left)" in value and "Weight in the book (right)" in value


def test_two_axes_of_a_chart_share_their_zero(qtbot):
    page = _page(qtbot, priced=True)
    for chart, right in ((page.price, page.shares_axis), (page.value, page.weight_axis)):
        left = chart.getPlotItem().vb
        assert left.viewRange()[1][0] == 0 and right.view.viewRange()[1][0] == 0
        x = float(left.viewRange()[0][0])
        zero_left = left.mapViewToScene(QPointF(x, 0)).y()
        zero_right = right.view.mapViewToScene(QPointF(x, 0)).y()
        assert abs(zero_left - zero_right) < 1.0, (zero_left, zero_right)


def test_a_position_without_prices_says_so_instead_of_an_empty_axis(qtbot):
    page = _page(qtbot, priced=False)
    assert page.no_prices.isVisible() and "No prices yet for AAA" in page.no_prices.toPlainText()
    assert not page.price.getAxis("left").style["showValues"]  # no "$0 ... $1"
    assert "Daily close" not in page.price.getPlotItem().titleLabel.text
    # The one value as filed gets a real scale from $0, not five "$20.98B" ticks.
    lo, hi = page.value.getPlotItem().vb.viewRange()[1]
    assert lo == 0 and hi > 20_975_594_582
    labels = _labels(page.value)
    assert len(labels) == len(set(labels)) > 2, labels


def test_prices_arriving_bring_the_axis_back(qtbot):
    page = _page(qtbot, priced=False)
    page.show_detail(_detail(priced=True))
    assert not page.no_prices.isVisible()
    assert page.price.getAxis("left").style["showValues"]
