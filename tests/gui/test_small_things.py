"""The small things that make a window trustworthy: counts, plain refusals, dates shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from core.domain.own import HoldingInput
from gui.dialogs.own_dialogs import CompareDialog
from tests.gui.conftest import idle


def test_the_filter_counts_what_it_shows(qtbot, make_window, gctx):
    w = make_window(gctx)
    idle(qtbot, w)
    page = w.holdings
    page.filter.setText("corp")
    shown = page.proxy.rowCount()
    assert page.count.text() == f"{shown} of {page.model.rowCount()} shown" and 0 < shown < 8
    page.filter.setText("no such company")
    assert page.count.text() == "No matches"
    page.filter.setText("")
    assert page.count.text() == ""


def test_a_bad_new_name_asks_again_with_the_reason(qtbot, make_window, gctx, monkeypatch):
    w = make_window(gctx)
    asked: list[tuple[str, str]] = []
    answers = iter([("NVIDIA Corp", True), ("Mine", True)])

    def get_text(parent, title, label, echo=None, text=""):
        asked.append((label, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    w.own_actions.new_portfolio()
    assert len(asked) == 2
    label, text = asked[1]
    assert "exists" in label and text == "NVIDIA Corp"  # the name as typed, and why
    assert w.portfolio_box.currentText() == "Mine"


def test_a_backdated_buy_shows_on_its_date_and_every_later_one(qtbot, make_window, gctx):
    """The complaint of issue 22: a holding added for an earlier date showed SOLD OUT in
    the later statement. Now it is a buy: held from its date on, never sold out."""
    from gui.models.holdings_table_model import COL_CHANGE, COL_TICKER

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-06-02"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    assert w.own_actions.put_holding(HoldingInput("NVDA", "3", "2025-04-01"), dt.date(2025, 4, 1))
    idle(qtbot, w)
    periods = [w.holdings.period_box.itemData(i) for i in range(w.holdings.period_box.count())]
    assert periods == ["2025-06-02", "2025-04-01"]
    assert w.holdings.period() == dt.date(2025, 6, 2)  # the latest: both held
    m = w.holdings.model
    rows = {m.index(r, COL_TICKER).data(): m.index(r, COL_CHANGE).data()
            for r in range(m.rowCount())}  # fmt: skip
    assert set(rows) == {"CRWV", "NVDA"} and "SOLD OUT" not in " ".join(map(str, rows.values()))
    w.holdings.select_period(dt.date(2025, 4, 1))
    idle(qtbot, w)
    assert [m.index(r, COL_TICKER).data() for r in range(m.rowCount())] == ["NVDA"]


def test_the_compare_view_right_aligns_numbers(qtbot):
    c = {"portfolio": "Mine", "other": "NVIDIA Corp", "period": "2025-06-02",
         "other_period": "2026-06-30", "overlap": 0.1, "common": ["CRWV"],
         "positions": [{"ticker": "CRWV", "weight": 1.0, "other_weight": 0.07}]}  # fmt: skip
    d = CompareDialog(c)
    qtbot.addWidget(d)
    assert d.table.item(0, 1).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert not d.table.item(0, 0).textAlignment() & Qt.AlignmentFlag.AlignRight
