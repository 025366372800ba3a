"""The window's actions on your own portfolios (a composed object the window owns, not a
mixin): create, rename, delete, add or edit holdings, import a CSV, compare; each one
undoable."""

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
            self, "Delete portfolio",
            f"Delete '{name}' and all its holdings? (Edit > Undo brings it back.)",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.w.portfolio = None
            self._undoable(DeletePortfolio(self.w.ctx.own, name, self._own_changed))

    def add_holding(self) -> None:
        from gui.dialogs.holding_dialog import HoldingDialog

        if self.w.portfolio is None or self.w.portfolio.kind != "own":
            return
        dialog = HoldingDialog(self.w.ctx.own, self.w.portfolio.name, self.w)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.checked is not None:
            self.put_holding(dialog.raw(), dialog.checked.date)

    def put_holding(self, raw, day) -> bool:
        from gui.own_commands import StatementEdit

        assert self.w.portfolio is not None
        own, name = self.w.ctx.own, self.w.portfolio.name

        def changed(select: str | None = None) -> None:
            self._own_changed(select)
            self.w.holdings.show_statement(day)  # the table shows the date just written

        return self._undoable(StatementEdit(
            f"set {raw.ticker.upper()} in {name} as of {day}", own, name, [day],
            lambda: own.add(name, raw), changed,
        ))  # fmt: skip

    def _on_shares_edited(self, ticker: str, text: str) -> None:
        """Shares typed in the holdings table: checked, then one undoable edit."""
        from core.domain.own import HoldingInput
        from core.services.own import HoldingError

        day = self.w.holdings.period()
        if self.w.portfolio is None or self.w.portfolio.kind != "own" or day is None:
            return
        current = {h.ticker: h for h in self.w.ctx.own.statement(self.w.portfolio.name, day) or []}
        old = current.get(ticker)
        raw = HoldingInput(ticker, text, day.isoformat(),
                           str(old.cost_per_share) if old and old.cost_per_share is not None
                           else None,
                           old.note if old else None)  # fmt: skip
        try:
            self.w.ctx.own.check(raw, use_network=False)
        except HoldingError as exc:
            QMessageBox.warning(self.w, "Shares not saved", str(exc))
            return
        self.put_holding(raw, day)

    def choose_holdings_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Import holdings", "", "CSV (*.csv)")
        if path:
            self.import_holdings_csv(Path(path))

    def import_holdings_csv(self, path: Path, confirm=None) -> None:
        """Check every line on a worker (progress in the status bar), then show the
        preview; the lines it shows are what is stored, in one transaction, undoably.
        `confirm(dialog) -> bool` stands in for the dialog's own answer (tests)."""
        if self.w.portfolio is None or self.w.portfolio.kind != "own":
            return
        if self.w.tasks.busy:
            self.w.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        own, name = self.w.ctx.own, self.w.portfolio.name
        self.w.tasks.start("holdings-csv", lambda: own.preview_csv_steps(path),
                         f"Checking {path.name}",
                         lambda lines: self._on_csv_checked(path, name, lines, confirm))

    def _on_csv_checked(self, path: Path, name: str, lines, confirm) -> None:
        from gui.dialogs.own_dialogs import CsvPreviewDialog
        from gui.own_commands import StatementEdit

        good = sum(1 for ln in lines if ln.holding)
        self.w.statusBar().showMessage(f"{path.name}: {good:,} of {len(lines):,} lines valid.")
        dialog = CsvPreviewDialog(path.name, lines, self.w)
        accepted = confirm(dialog) if confirm else dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            return
        own = self.w.ctx.own
        days = [ln.holding.date for ln in lines if ln.holding]
        if self._undoable(StatementEdit(f"import {path.name}", own, name, days,
                                        lambda: own.store_lines(name, lines),
                                        self._own_changed)):  # fmt: skip
            self.w.statusBar().showMessage(f"Imported {good:,} holding(s) from {path.name}.")

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

