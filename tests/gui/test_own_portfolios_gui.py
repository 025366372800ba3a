"""Your own portfolios in the window: the transaction dialog checks as you type; the
Transactions page adds, edits in place and deletes, every change undoable; Sell on a
Holdings row; a CSV previewed line by line; an empty book says what to do; your book
beside NVIDIA's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from core.domain.ledger import TxType
from core.domain.own import HoldingInput, TxInput
from gui.dialogs.transaction_dialog import TransactionDialog
from gui.pages.transactions import COL_NOTE, COL_SHARES, COL_TICKER
from tests.gui.conftest import idle

TODAY = dt.date(2025, 7, 2)


def names(w):
    return [w.portfolio_box.itemText(i) for i in range(w.portfolio_box.count())]


def held(ctx, name="Mine", day=None):
    return [(h.ticker, f"{h.shares.normalize():f}") for h in ctx.own.holdings_at(name, day)]


def ledger(ctx, name="Mine"):
    return [(t.date.isoformat(), t.type.value, t.ticker, f"{t.shares.normalize():f}"
             if t.shares is not None else "") for t in ctx.own.transactions(name)]  # fmt: skip


def test_the_dialog_checks_as_you_type_and_shows_only_the_types_fields(qtbot, gctx):
    gctx.own.create("Mine")
    d = TransactionDialog(gctx.own, "Mine", today=TODAY)
    qtbot.addWidget(d)
    e = d.edits
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and d.errors["ticker"].text() == ""  # quiet until typed
    assert e["date"].text() == TODAY.isoformat()
    qtbot.keyClicks(e["ticker"], "CRWV")
    qtbot.keyClicks(e["shares"], "-3")
    assert "more than zero" in d.errors["shares"].text() and not ok.isEnabled()
    e["shares"].clear()
    qtbot.keyClicks(e["shares"], "12.5")
    qtbot.keyClicks(e["price"], "abc")
    assert "not a number" in d.errors["price"].text() and not ok.isEnabled()
    e["price"].setText("40")
    assert ok.isEnabled() and d.checked.ticker == "CRWV" and d.checked.shares == Decimal("12.5")
    e["date"].setText("2999-01-01")  # a typed ISO date is read as typed
    assert "in the future" in d.errors["date"].text() and not ok.isEnabled()
    e["date"].setText("2025-01-15")
    assert d.checked.date == dt.date(2025, 1, 15)
    # A split takes a ratio, not shares or a price: the form shows what the type takes.
    d.type.setCurrentIndex(list(TxType).index(TxType.SPLIT))
    assert not e["shares"].isVisibleTo(d) and e["ratio"].isVisibleTo(d)
    assert not ok.isEnabled()  # no ratio yet
    e["ratio"].setText("0")
    assert "more than zero" in d.errors["ratio"].text()
    e["ratio"].setText("10")
    assert ok.isEnabled() and d.checked.ratio == 10 and d.checked.shares is None


def test_add_sell_undo_redo_and_a_sale_too_large_is_refused(qtbot, make_window, gctx):
    gctx.own.create("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    assert w.add_holding_action.isEnabled() and w.add_holding_action.shortcut().toString() \
        == "Ctrl+N"  # fmt: skip
    own = w.own_actions

    def fill(values):
        def answer(dialog):
            for name, text in values.items():
                dialog.edits[name].setText(text)
            return dialog.validate()
        return answer

    assert own.add_transaction(exec_dialog=fill({"ticker": "CRWV", "shares": "100",
                                                 "price": "40", "date": "2025-05-01"}))
    idle(qtbot, w)
    w.show_page("holdings")
    idle(qtbot, w)
    # Sell on the Holdings row: the dialog comes as a sale of everything held.
    seen = []

    def sell_half(dialog):
        seen.append((dialog.kind(), dialog.edits["ticker"].text(),
                     dialog.edits["shares"].text()))  # fmt: skip
        return fill({"shares": "50", "price": "45", "date": "2025-06-02"})(dialog)

    h = w.holdings
    rect = h.table.visualRect(h.proxy.index(0, 0))
    menu = h.context_menu(rect.center())
    [sell] = [a for a in menu.actions() if a.text() == "Sell CRWV..."]
    asked = []
    h.sell_requested.disconnect()  # the window's own answer opens the (modal) dialog
    h.sell_requested.connect(asked.append)
    sell.trigger()
    assert asked == ["CRWV"]  # the window connects it to sell_holding, as below
    assert own.sell_holding("CRWV", exec_dialog=sell_half)
    assert seen == [(TxType.SELL, "CRWV", "100")]
    assert held(gctx) == [("CRWV", "50")]
    # A sale of more than was held then: refused by the ledger, nothing changes.
    refused = []

    def too_many(dialog):
        fill({"shares": "60", "price": "45", "date": "2025-06-03"})(dialog)
        refused.append(dialog)
        return True

    assert not own.sell_holding("CRWV", exec_dialog=too_many)
    assert "only 50 held" in refused[0].errors["ledger"].text()
    assert held(gctx) == [("CRWV", "50")]
    w.undo_action.trigger()  # the sale
    assert held(gctx) == [("CRWV", "100")]
    w.redo_action.trigger()
    assert held(gctx) == [("CRWV", "50")]
    assert gctx.own.pnl("Mine").realised_gain == Decimal(50 * 45 - 50 * 40)


def test_the_transactions_page_edits_in_place_deletes_and_undoes(qtbot, make_window, gctx,
                                                                 messages):  # fmt: skip
    gctx.own.create("Mine")
    gctx.own.add_tx("Mine", TxInput("buy", "CRWV", "2025-05-01", shares="100", price="40"))
    gctx.own.add_tx("Mine", TxInput("buy", "NVDA", "2025-05-02", shares="10", price="120"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    w.show_page("transactions")
    idle(qtbot, w)
    page = w.pages.page("transactions")
    assert page.table.isVisibleTo(w) and page.proxy.rowCount() == 2
    assert "2 transactions" in page.summary.text()
    proxy = page.proxy

    def row_of(ticker):
        return next(r for r in range(proxy.rowCount())
                    if proxy.index(r, COL_TICKER).data() == ticker)  # fmt: skip

    # Edit in place: shares, then a note; each one undoable edit.
    index = proxy.index(row_of("CRWV"), COL_SHARES)
    assert proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
    proxy.setData(index, "150")
    idle(qtbot, w)
    assert dict(held(gctx)) == {"CRWV": "150", "NVDA": "10"}
    proxy.setData(proxy.index(row_of("CRWV"), COL_NOTE), "core")
    assert gctx.own.transactions("Mine")[0].note == "core"
    proxy.setData(proxy.index(row_of("CRWV"), COL_SHARES), "-2")  # refused, said
    assert messages[-1][1] == "Not saved"
    w.undo_action.trigger()
    w.undo_action.trigger()
    assert dict(held(gctx)) == {"CRWV": "100", "NVDA": "10"}
    assert gctx.own.transactions("Mine")[0].note is None
    # Delete: the Delete key on the selected rows; undo puts them back with their ids.
    ids = [t.id for t in gctx.own.transactions("Mine")]
    page.table.selectRow(row_of("NVDA"))
    assert page.delete_button.isEnabled()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    idle(qtbot, w)
    assert held(gctx) == [("CRWV", "100")] and page.proxy.rowCount() == 1
    w.undo_action.trigger()
    assert [t.id for t in gctx.own.transactions("Mine")] == ids
    # The context menu offers Add, Edit and Delete on a row.
    rect = page.table.visualRect(proxy.index(0, 0))
    texts = [a.text().replace("&", "") for a in page.context_menu(rect.center()).actions()]
    assert texts == ["Add...", "Edit...", "Delete"]
    # Filtering.
    page.filter.setText("nvda")
    assert page.proxy.rowCount() == 1


def test_create_and_delete_portfolio_are_undoable(qtbot, make_window, gctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from gui.write_runner import writes

    w = make_window(gctx)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Mine", True)))
    w.own_actions.new_portfolio()
    assert "Mine" in names(w) and w.portfolio_box.currentText() == "Mine"
    # Written as the window writes: on a thread that waits for the window's own jobs.
    writes.run(lambda: gctx.own.add("Mine", HoldingInput("CRWV", "5", "2025-05-01")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    w.own_actions.delete_portfolio()
    assert "Mine" not in names(w)
    w.undo_action.trigger()
    assert "Mine" in names(w) and held(gctx) == [("CRWV", "5")]
    w.undo_action.trigger()  # and the creation itself
    assert "Mine" not in names(w)


def test_csv_preview_then_import_and_undo(qtbot, make_window, gctx, tmp_path):
    gctx.own.create("Mine")
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,type,ticker,shares,price\n2025-05-01,buy,CRWV,10,40\n"
                   "2025-05-01,buy,NVDA,zero,1\n2025-05-02,deposit,,,\n")
    seen = []

    def look(dialog):
        model = dialog.table.model()
        seen.append((dialog.import_button.isEnabled(), model.rowCount(),
                     model.index(0, 0).data(), model.index(0, 8).data(),
                     "1 deposit" in dialog.summary.text()))  # fmt: skip
        return False

    w.own_actions.import_holdings_csv(bad, confirm=look)  # checked on a worker, then previewed
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(False, 2, "3", "shares: 'zero' is not a number", True)]  # bad first
    assert ledger(gctx) == []
    good = tmp_path / "good.csv"
    good.write_text("ticker,shares,date,cost\nCRWV,10,2025-05-01,40\nNVDA,3,2025-05-01,\n")
    w.own_actions.import_holdings_csv(good, confirm=lambda d: d.import_button.isEnabled())
    qtbot.waitUntil(lambda: ledger(gctx) != [])
    assert ledger(gctx) == [("2025-05-01", "buy", "CRWV", "10"), ("2025-05-01", "buy", "NVDA", "3")]
    assert "Imported 2 transaction(s) from good.csv" in w.statusBar().currentMessage()
    w.undo_action.trigger()
    assert ledger(gctx) == []


def test_a_broker_statement_is_reconciled_after_confirmation(qtbot, make_window, gctx,
                                                             tmp_path):  # fmt: skip
    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-05-01"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    f = tmp_path / "broker.csv"
    f.write_text("Symbol,Quantity\nCRWV,80\nNVDA,5\n")
    shown = []

    def look(dialog):
        shown.append([dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())])
        return False

    assert not w.own_actions.reconcile_csv(f, dt.date(2025, 6, 30), confirm=look)
    assert shown == [["sell 20", "buy 5"]] and held(gctx) == [("CRWV", "100")]
    assert w.own_actions.reconcile_csv(f, dt.date(2025, 6, 30), confirm=lambda d: True)
    assert held(gctx) == [("CRWV", "80"), ("NVDA", "5")]
    assert held(gctx, day=dt.date(2025, 6, 29)) == [("CRWV", "100")]
    w.undo_action.trigger()
    assert held(gctx) == [("CRWV", "100")]


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
    assert shown == [(5000, True, "5,000 transaction(s); all good: import them all in one "
                      "step (undoable)")]  # fmt: skip
    assert w.tasks.progress.isHidden() and ledger(gctx) == []  # cancelled: nothing stored


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


def test_shares_typed_in_holdings_become_the_difference_and_are_undoable(
        qtbot, make_window, gctx, messages):  # fmt: skip
    from gui.models.holdings_table_model import COL_SHARES as H_SHARES
    from gui.models.holdings_table_model import COL_TICKER as H_TICKER

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-05-01", "40", "core"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    assert w.holdings.period_label.text() == "Holdings on:"
    proxy = w.holdings.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.data(proxy.index(r, H_TICKER))
               == "CRWV")  # fmt: skip
    index = proxy.index(row, H_SHARES)
    assert proxy.flags(index) & proxy.flags(index).ItemIsEditable
    assert proxy.setData(index, "150.5")
    assert ledger(gctx)[-1] == ("2025-05-01", "buy", "CRWV", "50.5")
    assert held(gctx) == [("CRWV", "150.5")]
    proxy.setData(index, "-2")
    assert messages[-1][1] == "Shares not saved"
    w.undo_action.trigger()
    assert held(gctx) == [("CRWV", "100")]
    assert gctx.own.transactions("Mine")[0].note == "core"


def test_an_empty_portfolio_says_what_to_do_and_shows_nothing_of_another(
        qtbot, make_window, gctx):  # fmt: skip
    gctx.own.create("Empty")
    w = make_window(gctx)
    assert w.dashboard.report_card.figure.text() == "2026-06-30"  # NVIDIA's
    w.portfolio_box.setCurrentText("Empty")
    w.charts  # noqa: B018  (build the charts page too)
    w.show_page("transactions")
    idle(qtbot, w)
    d = w.dashboard
    assert d.report_card.figure.text() == "—" and d.report_card.title.text().endswith(
        "Earned</span>")  # fmt: skip
    assert d.empty.isVisibleTo(d) and not d.changes.isVisibleTo(d)
    assert "Add your first holding" in d.empty_text.text()
    assert d.add_button.text() == "Add your first holding"
    assert w.holdings.model.rowCount() == 0
    assert w.charts.value.series is None and "no transactions yet" in w.charts.note.text()
    assert not w.charts.splitter.isVisibleTo(w.charts)  # no empty axes, no filing lines
    assert all(not c._markers for c in w.charts.time_charts())
    page = w.pages.page("transactions")
    assert page.empty.isVisibleTo(page) and "Add your first holding" in page.empty.text()
    # The button opens the transaction dialog.
    opened = []
    w.own_actions.add_transaction = lambda *a, **k: opened.append(True)
    d.add_requested.emit()
    assert opened == [True]
