"""The Holders page: "Who else holds it" from Holdings and Companies, NVIDIA and followed
filers marked, sold-out filers last, sorting by number, and a row opening that book."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from core.services.importer import run
from core.services.universe import UniverseLoader
from gui.models.holders_table_model import (
    COL_CHANGE,
    COL_FILER,
    COL_RANK,
    COL_SHARES,
    HoldersTableModel,
)
from tests.gui.conftest import idle
from tests.universe_sets import Filing, Holding, write_set

CW = "21873S108"
Q1, Q2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)


@pytest.fixture
def uctx(gctx, tmp_path):
    """The shipped NVIDIA filings plus a data set per quarter: three other CRWV holders,
    one of whom sells out."""
    def cw(shares):
        return Holding(CW, shares * 100, shares, issuer="COREWEAVE INC")

    sets = {
        "01mar2026-31may2026": [
            Filing("0000000001-26-000001", "1", "ALPHA CAPITAL", Q1, dt.date(2026, 5, 1),
                   rows=[cw(900)]),
            Filing("0000000002-26-000001", "2", "BETA PARTNERS", Q1, dt.date(2026, 5, 1),
                   rows=[cw(50)])],
        "01jun2026-31aug2026": [
            Filing("0000000001-26-000002", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 1),
                   rows=[cw(1200)]),
            Filing("0000000002-26-000002", "2", "BETA PARTNERS", Q2, dt.date(2026, 8, 1),
                   rows=[Holding("67066G104", 100, 1)]),
            Filing("0000000003-26-000001", "3", "GAMMA FUND", Q2, dt.date(2026, 8, 1),
                   rows=[cw(7)])],
    }  # fmt: skip
    for label, filings in sets.items():
        run(UniverseLoader(gctx.db).load(write_set(tmp_path / f"{label}_form13f.zip", filings)))
    return gctx


def shown(page) -> list[tuple[str, str, str]]:
    p = page.proxy
    return [(p.index(r, COL_FILER).data(), p.index(r, COL_SHARES).data(),
             p.index(r, COL_CHANGE).data()) for r in range(p.rowCount())]  # fmt: skip


def test_who_else_holds_a_holding(qtbot, make_window, uctx):
    w = make_window(uctx)
    w.show_page("holdings")
    idle(qtbot, w)
    page = w.holdings
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data() == "CRWV")  # fmt: skip
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    w.holders_nav.action.trigger()
    holders = w.pages.page("holders")
    idle(qtbot, w)
    assert w.current_page() == "holders" and holders.report is not None
    rows = shown(holders)
    assert [r[0] for r in rows] == ["NVIDIA Corp", "ALPHA CAPITAL", "GAMMA FUND",
                                    "BETA PARTNERS"]  # by value; the sold-out filer last
    assert rows[1][1:] == ("1,200", "ADDED") and rows[2][1:] == ("7", "NEW")
    assert rows[3][1:] == ("0", "SOLD OUT")
    assert holders.proxy.index(0, COL_FILER).data(Qt.ItemDataRole.FontRole).bold()
    assert holders.proxy.index(1, COL_FILER).data(Qt.ItemDataRole.FontRole) is None
    assert "<b>3</b> holder(s)" in holders.summary.text() and "1 sold out" in \
        holders.summary.text()
    assert holders.period.currentText() == Q2.isoformat() and holders.period.count() >= 2
    # An earlier period, picked from the list.
    holders.period.setCurrentIndex(holders.period.findText(Q1.isoformat()))
    holders.period.activated.emit(holders.period.currentIndex())
    idle(qtbot, w)
    assert {r[0] for r in shown(holders)} >= {"ALPHA CAPITAL", "BETA PARTNERS"}
    assert holders.report.period == Q1


def test_a_holder_opens_its_book_though_the_picker_does_not_list_it(qtbot, make_window, uctx):
    w = make_window(uctx)
    idle(qtbot, w)
    assert "GAMMA FUND" not in [p.name for p in w.portfolios()]
    w.holders_nav.open(CW)
    holders = w.pages.page("holders")
    idle(qtbot, w)
    row = next(r for r in range(holders.proxy.rowCount())
               if holders.proxy.index(r, COL_FILER).data() == "GAMMA FUND")  # fmt: skip
    holders.table.activated.emit(holders.proxy.index(row, COL_RANK))
    idle(qtbot, w)
    assert w.portfolio.name == "GAMMA FUND" and w.portfolio_box.currentText() == "GAMMA FUND"
    assert w.current_page() == "holdings"
    assert [r.position.cusip for r in w.holdings.model._rows] == [CW]


def test_who_else_holds_a_company_and_a_typed_ticker(qtbot, make_window, uctx):
    w = make_window(uctx)
    w.show_page("companies")
    idle(qtbot, w)
    page = w.companies
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == CW)
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    assert w.holders_nav.selected_cusip() == CW
    holders = w.pages.page("holders")
    holders.show_security("nope")
    idle(qtbot, w)
    assert "neither a CUSIP nor a ticker" in holders.summary.text()
    assert holders.proxy.rowCount() == 0
    holders.show_security("crwv")
    idle(qtbot, w)
    assert holders.report.cusip == CW


def test_numbers_sort_as_numbers():
    from PySide6.QtCore import QSortFilterProxyModel

    from core.services.holders import Holder
    from gui.models.holders_table_model import SORT_ROLE

    def h(name, shares):
        return Holder(1, "1", name, "SH", None, shares, shares, 0.1, None, "NEW", None, False)

    model = HoldersTableModel()
    model.set_rows((h("A", 9), h("B", 10), h("C", 100)), ())
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(COL_SHARES, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, COL_FILER).data() for r in range(3)] == ["C", "B", "A"]


def test_the_follow_dialog_finds_a_filer_as_you_type(qtbot, uctx):
    from core.services.following import Following
    from core.services.holders import HoldersQueries
    from gui.dialogs.follow_dialog import FollowDialog
    from gui.workers import TaskRunner

    runner = TaskRunner()
    dialog = FollowDialog(Following(uctx.db, uctx.settings), runner, online=False,
                          search=HoldersQueries(uctx.db.reading).search_filers)
    qtbot.addWidget(dialog)
    dialog.find.setText("fund gam")
    qtbot.waitUntil(lambda: dialog.found.count() == 1, timeout=10_000)
    item = dialog.found.item(0)
    assert item.text().startswith("GAMMA FUND (CIK 0000000003) · 2026-06-30")
    dialog._on_pick(item)
    assert dialog.values() == ("3", "GAMMA FUND")
    dialog.find.setText("no such words")
    qtbot.waitUntil(lambda: "No stored filer" in (dialog.found.item(0).text()
                                                  if dialog.found.count() else ""),
                    timeout=10_000)  # fmt: skip
    runner.pool.waitForDone(5000)


def test_a_data_set_loads_from_the_window_and_cancel_leaves_nothing(qtbot, make_window, gctx,
                                                                    tmp_path, messages,
                                                                    monkeypatch):  # fmt: skip
    import threading

    from core.services import universe

    w = make_window(gctx)
    idle(qtbot, w)
    path = write_set(tmp_path / "01jun2026-31aug2026_form13f.zip", [
        Filing("0000000009-26-000001", "9", "IOTA HOLDINGS", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CW, 100, 10)])])  # fmt: skip
    # Cancel: the load waits after its first step until Cancel was pressed.
    pressed = threading.Event()
    real = universe.UniverseLoader.load

    def held_back(self, p, label=None):
        gen = real(self, p, label)
        yield next(gen)
        pressed.wait(10)
        yield from gen

    monkeypatch.setattr(universe.UniverseLoader, "load", held_back)
    assert w.universe_actions.load(path)
    assert w.tasks.cancel_button.isVisible() or w.tasks.busy
    w.tasks.cancel()
    pressed.set()
    idle(qtbot, w)
    assert "cancelled; nothing was changed" in w.statusBar().currentMessage()
    assert universe.UniverseLoader(gctx.db).sets() == []
    monkeypatch.setattr(universe.UniverseLoader, "load", real)
    assert w.universe_actions.load(path)
    idle(qtbot, w)
    assert messages[-1][1] == "Data set loaded" and "1 new filers" in messages[-1][2]
    w.holders_nav.open(CW)
    idle(qtbot, w)
    assert "IOTA HOLDINGS" in [r[0] for r in shown(w.pages.page("holders"))]
