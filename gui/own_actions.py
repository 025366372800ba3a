"""The window's actions on your own portfolios (a composed object the window owns, not a
mixin): create, rename, delete; add, edit, delete and sell in the ledger; import or
reconcile a CSV; compare; each edit undoable."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from gui.shell import Shell

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from gui.tasks import LongTasks


class _Host(Shell, Protocol):
    undo_stack: QUndoStack
    holdings: Any  # period(), show_statement(...)
    tasks: LongTasks


class OwnPortfolioActions:
    """Needs the window's ctx, portfolio, undo_stack, holdings page and reload_portfolios."""

    def __init__(self, window: _Host) -> None:
        self.w = window

    def _own_changed(self, select: str | None = None) -> None:
        name = select or (self.w.portfolio.name if self.w.portfolio else None)
        self.w.reload_portfolios(select=name)

    def _undoable(self, command) -> bool:
        """Push an edit; a refused one (bad input) leaves nothing on the undo stack."""
        from core.services.queries import InvalidRequestError

        try:
            self.w.undo_stack.push(command)
        except InvalidRequestError as exc:
            QMessageBox.warning(self.w, "Not saved", str(exc))
            return False
        # A write that failed (busy past the timeout) was said in the window already.
        return command.made

    def new_portfolio(self) -> None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from core.services.own import HoldingError
        from gui.own_commands import CreatePortfolio

        # A bad name asks again, with the name as typed and why it was refused.
        label, name = "Name of your portfolio:", ""
        while True:
            name, ok = QInputDialog.getText(self.w, "New portfolio", label,
                                            QLineEdit.EchoMode.Normal, name)  # fmt: skip
            if not ok:
                return
            name = name.strip()
            try:
                self.w.ctx.own.check_name(name)
                if any(p.name.lower() == name.lower() for p in self.w.ctx.queries.portfolios()):
                    raise HoldingError({"name": f"a portfolio named {name!r} exists"})
            except HoldingError as exc:
                label = f"{exc}\n\nName of your portfolio:"
                continue
            break
        self._undoable(CreatePortfolio(self.w.ctx.own, name, lambda: self._own_changed(name)))

    def rename_portfolio(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from gui.own_commands import RenamePortfolio

        if self.w.portfolio is None or self.w.portfolio.kind != "own":
            return
        old = self.w.portfolio.name
        new, ok = QInputDialog.getText(self.w, "Rename portfolio", "New name:", text=old)
        if ok and new.strip() and new.strip() != old:
            new = new.strip()
            self._undoable(RenamePortfolio(self.w.ctx.own, old, new,
                                           lambda: self._own_changed(new)))  # fmt: skip

    def delete_portfolio(self) -> None:
        from gui.own_commands import DeletePortfolio

        if self.w.portfolio is None or self.w.portfolio.kind != "own":
            return
        name = self.w.portfolio.name
        answer = QMessageBox.question(
            self.w, "Delete portfolio",
            f"Delete '{name}' and its whole ledger? (Edit > Undo brings it back.)",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.w.portfolio = None
            self._undoable(DeletePortfolio(self.w.ctx.own, name, self._own_changed))

    # -- the ledger ---------------------------------------------------------------------
    def _own_name(self) -> str | None:
        p = self.w.portfolio
        return p.name if p is not None and p.kind == "own" else None

    def ledger_edit(self, text: str, edit) -> bool:
        """One undoable change of the current book's ledger (`edit() -> Change`)."""
        from gui.own_commands import LedgerEdit

        name = self._own_name()
        assert name is not None
        return self._undoable(LedgerEdit(text, self.w.ctx.own, name, edit, self._own_changed))

    def add_transaction(self, kind=None, ticker: str = "", shares: str = "",
                        exec_dialog=None) -> bool:  # fmt: skip
        """The transaction dialog (Ctrl+N); OK records it, undoably. A refusal of the
        ledger as a whole (a sale of more than was held then) reopens it, saying why.
        `exec_dialog(dialog) -> bool` stands in for the user (tests)."""
        from core.domain.ledger import TxType
        from gui.dialogs.transaction_dialog import TransactionDialog

        name = self._own_name()
        if name is None:
            return False
        dialog = TransactionDialog(self.w.ctx.own, name, self.w, kind=kind or TxType.BUY,
                                   ticker=ticker, shares=shares)  # fmt: skip
        return self._run_dialog(dialog, lambda raw: (
            f"{raw.type} {raw.ticker.upper()} in {name}",
            lambda: self.w.ctx.own.add_tx(name, raw)[1]), exec_dialog)

    def edit_transaction(self, tx, exec_dialog=None) -> bool:
        from gui.dialogs.transaction_dialog import TransactionDialog

        name = self._own_name()
        if name is None:
            return False
        dialog = TransactionDialog(self.w.ctx.own, name, self.w, start=tx)
        return self._run_dialog(dialog, lambda raw: (
            f"edit {tx.type.value} of {tx.ticker} on {tx.date}",
            lambda: self.w.ctx.own.edit_tx(tx.id, raw)), exec_dialog)

    def _run_dialog(self, dialog, make, exec_dialog) -> bool:
        from core.services.queries import InvalidRequestError
        from gui.own_commands import LedgerEdit

        name = self._own_name()
        while True:
            accepted = exec_dialog(dialog) if exec_dialog else \
                dialog.exec() == QDialog.DialogCode.Accepted
            if not accepted:
                return False
            text, edit = make(dialog.raw())
            command = LedgerEdit(text, self.w.ctx.own, name, edit, self._own_changed)
            try:
                self.w.undo_stack.push(command)
            except InvalidRequestError as exc:
                dialog.refused(str(exc))
                if exec_dialog:  # a test's answer: no second round
                    return False
                continue
            return command.made

    def add_holding(self) -> None:
        self.add_transaction()

    def sell_holding(self, ticker: str, exec_dialog=None) -> bool:
        """Sell on a Holdings row: the dialog as a sale of everything held today."""
        from core.domain.ledger import TxType

        name = self._own_name()
        if name is None:
            return False
        held = {h.ticker: h for h in self.w.ctx.own.holdings_at(name)}
        shares = f"{held[ticker].shares.normalize():f}" if ticker in held else ""
        return self.add_transaction(TxType.SELL, ticker, shares, exec_dialog)

    def delete_transactions(self, txs) -> bool:
        if not txs or self._own_name() is None:
            return False
        text = (f"delete {txs[0].type.value} of {txs[0].ticker} on {txs[0].date}"
                if len(txs) == 1 else f"delete {len(txs)} transactions")  # fmt: skip
        ids = [t.id for t in txs]
        return self.ledger_edit(text, lambda: self.w.ctx.own.remove(ids))

    def put_holding(self, raw, day) -> bool:
        """A holding as entered (ticker, shares, date, cost): recorded as a buy."""
        name = self._own_name()
        assert name is not None
        own = self.w.ctx.own
        return self.ledger_edit(f"buy {raw.shares} {raw.ticker.upper()} in {name} on {day}",
                                lambda: own.add(name, raw)[1])  # fmt: skip

    def _on_shares_edited(self, ticker: str, text: str) -> None:
        """Shares typed in the holdings table: the buy or sale that makes the position that
        many shares on the date shown, checked, then one undoable edit."""
        from core.domain.own import HoldingInput
        from core.services.own import HoldingError

        day = self.w.holdings.period()
        name = self._own_name()
        if name is None or day is None:
            return
        raw = HoldingInput(ticker, text, day.isoformat())
        try:
            self.w.ctx.own.check(raw, use_network=False)
        except HoldingError as exc:
            QMessageBox.warning(self.w, "Shares not saved", str(exc))
            return
        own = self.w.ctx.own
        self.ledger_edit(f"set {ticker} to {text} on {day}",
                         lambda: own.add(name, raw, set_to=True)[1])

    def choose_holdings_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Import transactions or holdings", "",
                                              "CSV (*.csv *.txt)")  # fmt: skip
        if path:
            self.import_holdings_csv(Path(path))

    def import_holdings_csv(self, path: Path, confirm=None) -> None:
        """Check every line on a worker (progress in the status bar), then show the
        preview; the lines it shows are what is stored, in one transaction, undoably. A
        file with a type column is a ledger (ours, Portfolio Performance's, Wealthfolio's),
        one without is holdings bought. `confirm(dialog) -> bool` stands in for the
        dialog's own answer (tests)."""
        from core.services import ledger_csv

        name = self._own_name()
        if name is None:
            return
        if self.w.tasks.busy:
            self.w.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        own = self.w.ctx.own
        self.w.tasks.start("holdings-csv", lambda: ledger_csv.preview_transactions(own, path),
                           f"Checking {path.name}",
                           lambda preview: self._on_csv_checked(path, name, preview, confirm))

    def _on_csv_checked(self, path: Path, name: str, preview, confirm) -> None:
        from gui.dialogs.own_dialogs import CsvPreviewDialog

        lines = preview.lines
        good = sum(1 for ln in lines if ln.tx)
        self.w.statusBar().showMessage(f"{path.name}: {good:,} of {len(lines):,} lines valid.")
        dialog = CsvPreviewDialog(path.name, preview, self.w)
        accepted = confirm(dialog) if confirm else dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            return
        own = self.w.ctx.own
        txs = [ln.tx for ln in lines if ln.tx]
        if self.ledger_edit(f"import {path.name}", lambda: own.add_transactions(name, txs)):
            self.w.statusBar().showMessage(f"Imported {good:,} transaction(s) from {path.name}.")

    def reconcile_csv(self, path: Path | None = None, day=None, confirm=None) -> bool:
        """A broker's holdings on a date: the differences with the ledger, shown; on
        confirmation recorded as buys and sales (one undoable step)."""
        import datetime as dt

        from PySide6.QtWidgets import QInputDialog

        from core.services import ledger_csv
        from core.services.queries import InvalidRequestError
        from gui.dialogs.own_dialogs import ReconcileDialog

        name = self._own_name()
        if name is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.w, "Reconcile with a statement", "",
                                                    "CSV (*.csv *.txt)")  # fmt: skip
            if not chosen:
                return False
            path = Path(chosen)
        if day is None:
            text, ok = QInputDialog.getText(self.w, "Reconcile", "Date of the statement "
                                            "(YYYY-MM-DD):", text=dt.date.today().isoformat())
            if not ok:
                return False
            try:
                day = dt.date.fromisoformat(text.strip())
            except ValueError:
                QMessageBox.warning(self.w, "Not reconciled", f"{text!r} is not a date")
                return False
        try:
            diffs = ledger_csv.reconcile(self.w.ctx.own, path, name, day)
        except InvalidRequestError as exc:
            QMessageBox.warning(self.w, "Not reconciled", str(exc))
            return False
        dialog = ReconcileDialog(path.name, day, diffs, self.w)
        accepted = confirm(dialog) if confirm else dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted or not diffs:
            return False
        own, txs = self.w.ctx.own, [d.tx for d in diffs]
        return self.ledger_edit(f"reconcile with {path.name}",
                                lambda: own.add_transactions(name, txs))

    def compare(self):
        from gui.dialogs.own_dialogs import CompareDialog

        if self.w.portfolio is None or self.w.portfolio.kind != "own":
            return None
        if not self.w.ctx.queries.periods(self.w.portfolio):
            QMessageBox.information(self.w, "Compare", "Add holdings first.")
            return None
        dialog = CompareDialog(self.w.ctx.own.compare(self.w.portfolio.name, None), self.w)
        dialog.show()
        return dialog

