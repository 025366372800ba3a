"""Your own portfolios in the window: the entry dialog checks as you type; every edit is
undoable; a CSV is previewed line by line; your book beside NVIDIA's."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from core.domain.own import HoldingInput
from gui.dialogs.holding_dialog import HoldingDialog
from tests.gui.conftest import idle

TODAY = dt.date(2025, 7, 2)


def names(w):
    return [w.portfolio_box.itemText(i) for i in range(w.portfolio_box.count())]


def held(ctx, name="Mine"):
    return sorted((h.statement_date.isoformat(), h.ticker, f"{h.shares.normalize():f}")
                  for _, h in ctx.own.holdings(name))  # fmt: skip


def test_the_dialog_checks_as_you_type(qtbot, gctx):
    gctx.own.create("Mine")
    d = HoldingDialog(gctx.own, "Mine", today=TODAY)
    qtbot.addWidget(d)
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and d.errors["ticker"].text() == ""  # quiet until typed
    qtbot.keyClicks(d.ticker, "CRWV")
    qtbot.keyClicks(d.shares, "-3")
    assert "not more than zero" in d.errors["shares"].text() and not ok.isEnabled()
    d.shares.clear()
    qtbot.keyClicks(d.shares, "12.5")
    assert d.errors["shares"].text() == "" and ok.isEnabled()
    qtbot.keyClicks(d.cost, "abc")
    assert "not a number" in d.errors["cost"].text() and not ok.isEnabled()
    d.cost.setText("40")
    d.ticker.setText("21873S107")  # a CUSIP with a wrong check digit
    assert d.errors["ticker"].text() and not ok.isEnabled()
    d.ticker.setText("crwv")
    assert ok.isEnabled()
    assert d.checked.ticker == "CRWV" and str(d.checked.shares) == "12.5"


def test_add_undo_redo(qtbot, make_window, gctx):
    gctx.own.create("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    assert w.add_holding_action.isEnabled()
    own = w.own_actions
    assert own.put_holding(HoldingInput("CRWV", "100", "2025-05-01", "40"), dt.date(2025, 5, 1))
    assert own.put_holding(HoldingInput("NVDA", "10", "2025-06-02"), dt.date(2025, 6, 2))
    assert held(gctx) == [("2025-05-01", "CRWV", "100"), ("2025-06-02", "CRWV", "100"),
                          ("2025-06-02", "NVDA", "10")]  # fmt: skip
    w.undo_action.trigger()
    assert held(gctx) == [("2025-05-01", "CRWV", "100")]
    w.redo_action.trigger()
    assert ("2025-06-02", "NVDA", "10") in held(gctx)
    idle(qtbot, w)
    assert w.holdings.period_box.findText("2025-06-02") >= 0
    w.holdings.select_period(dt.date(2025, 6, 2))
    idle(qtbot, w)
    assert sorted(w.holdings.model.row_at(i).position.ticker for i in range(2)) == [
        "CRWV", "NVDA"]


def test_create_and_delete_portfolio_are_undoable(qtbot, make_window, gctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    w = make_window(gctx)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Mine", True)))
    w.own_actions.new_portfolio()
    assert "Mine" in names(w) and w.portfolio_box.currentText() == "Mine"
    gctx.own.add("Mine", HoldingInput("CRWV", "5", "2025-05-01"))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    w.own_actions.delete_portfolio()
    assert "Mine" not in names(w)
    w.undo_action.trigger()
    assert "Mine" in names(w) and held(gctx) == [("2025-05-01", "CRWV", "5")]
    w.undo_action.trigger()  # and the creation itself
    assert "Mine" not in names(w)


def test_csv_preview_then_import_and_undo(qtbot, make_window, gctx, tmp_path, messages):
    gctx.own.create("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    bad = tmp_path / "bad.csv"
    bad.write_text("ticker,shares,date\nCRWV,10,2025-05-01\nNVDA,zero,2025-05-01\n")
    seen = []

    def look(dialog):
        model = dialog.table.model()
        seen.append((dialog.import_button.isEnabled(), model.rowCount(),
                     model.index(0, 0).data(), model.index(0, 5).data()))  # fmt: skip
        return False

    w.own_actions.import_holdings_csv(bad, confirm=look)  # checked on a worker, then previewed
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(False, 2, "3", "shares: 'zero' is not a number")]  # bad lines first
    assert held(gctx) == []
    good = tmp_path / "good.csv"
    good.write_text("ticker,shares,date,cost\nCRWV,10,2025-05-01,40\nNVDA,3,2025-05-01,\n")
    w.own_actions.import_holdings_csv(good, confirm=lambda d: d.import_button.isEnabled())
    qtbot.waitUntil(lambda: held(gctx) != [])
    assert held(gctx) == [("2025-05-01", "CRWV", "10"), ("2025-05-01", "NVDA", "3")]
    assert "Imported 2 holding(s) from good.csv" in w.statusBar().currentMessage()
    w.undo_action.trigger()
    assert held(gctx) == []


def test_a_long_csv_is_checked_with_progress(qtbot, make_window, gctx, tmp_path):
    gctx.own.create("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    first = dt.date(2010, 1, 1)
    f = tmp_path / "long.csv"
    f.write_text("ticker,shares,date\n" + "".join(
        f"{tk},{i + 1},{first + dt.timedelta(days=i)}\n"
        for i in range(2500) for tk in ("CRWV", "NVDA")))  # fmt: skip
    progress, shown, bars = [], [], []
    w.runner.task_started.connect(lambda task: task.progressed.connect(progress.append))
    w.runner.task_started.connect(lambda task: task.progressed.connect(
        lambda _p: bars.append((not w.tasks.progress.isHidden(), w.tasks.progress.value()))))

    def look(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(str(tmp_path / "preview.png"))
        shown.append((dialog.model.rowCount(), dialog.import_button.isEnabled(),
                      dialog.summary.text()))  # fmt: skip
        return False

    w.own_actions.import_holdings_csv(f, confirm=look)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert [p.rows for p in progress] == [2000, 4000]
    assert all(0 < p.fraction < 1 for p in progress) and progress[0].path == f
    assert bars and all(visible and 0 < value < 100 for visible, value in bars)
    assert shown == [(5000, True, "5,000 holding(s); all good: import them all in one step "
                      "(undoable)")]  # fmt: skip
    assert w.tasks.progress.isHidden() and held(gctx) == []  # cancelled: nothing stored


def test_compare_with_nvidia(qtbot, make_window, gctx):
    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-05-01"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    dialog = w.own_actions.compare()
    qtbot.addWidget(dialog)
    assert "Overlap" in dialog.summary.text()
    tickers = [dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())]
    assert "CRWV" in tickers and "INTC" in tickers


def test_shares_edited_in_the_table_are_checked_and_undoable(qtbot, make_window, gctx,
                                                              messages):  # fmt: skip
    from gui.models.holdings_table_model import COL_SHARES, COL_TICKER

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-05-01", "40", "core"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    proxy = w.holdings.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.data(proxy.index(r, COL_TICKER))
               == "CRWV")  # fmt: skip
    index = proxy.index(row, COL_SHARES)
    assert proxy.flags(index) & proxy.flags(index).ItemIsEditable
    assert proxy.setData(index, "150.5")
    [h] = [h for _, h in gctx.own.holdings("Mine")]
    assert f"{h.shares.normalize():f}" == "150.5" and h.note == "core"  # cost, note kept
    assert f"{h.cost_per_share.normalize():f}" == "40"
    proxy.setData(index, "-2")
    assert messages[-1][1] == "Shares not saved"
    w.undo_action.trigger()
    assert held(gctx) == [("2025-05-01", "CRWV", "100")]


def test_undo_keeps_ids_and_creation_times(qtbot, make_window, gctx):
    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-05-01"))
    [(_, before)] = gctx.own.holdings("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    assert w.own_actions.put_holding(HoldingInput("CRWV", "200", "2025-05-01"), dt.date(2025, 5, 1))
    w.undo_action.trigger()
    [(_, after)] = gctx.own.holdings("Mine")
    assert (after.id, after.created_at, after.shares) == (before.id, before.created_at,
                                                          before.shares)  # fmt: skip


def test_an_empty_portfolio_shows_nothing_of_another(qtbot, make_window, gctx):
    gctx.own.create("Empty")
    w = make_window(gctx)
    assert w.dashboard.report_card.figure.text() == "2026-06-30"  # NVIDIA's
    w.portfolio_box.setCurrentText("Empty")
    w.charts  # noqa: B018  (build the charts page too)
    idle(qtbot, w)
    assert w.dashboard.report_card.figure.text() == "—"
    assert "no reports" in w.dashboard.value_card.detail.text()
    assert w.holdings.model.rowCount() == 0
    assert w.charts.value.series is None and "no reports" in w.charts.note.text()
