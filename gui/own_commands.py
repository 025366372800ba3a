"""Undoable edits of your own portfolios: each redo and undo is one transaction, and puts
back only the rows the edit changed, and only if nobody else changed them since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from core.domain.own import OwnHolding
from core.services.own import OwnPortfolios
from core.services.own_undo import EditConflict, OwnEdits, Statement


class EditRefusals(QObject):
    """Where an undo or redo that another writer made unsafe is reported (the window shows
    it in the status bar)."""

    refused = Signal(str)


refusals = EditRefusals()


class StatementEdit(QUndoCommand):
    """Any edit of statements: undo puts each row the edit changed back as it was, redo
    puts back what the edit made. Rows are compared by version (id, values, modified
    time): if another process changed one since, the step is refused, nothing changes,
    and the command leaves the stack (it can no longer be undone or redone safely)."""

    def __init__(self, text: str, own: OwnPortfolios, portfolio: str, days: list[dt.date],
                 edit: Callable[[], object], changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(text)
        self.edits = OwnEdits(own)
        self.own, self.portfolio, self.days = own, portfolio, sorted(set(days))
        self.edit, self.changed = edit, changed
        self.before: dict[dt.date, Statement] = self.edits.snapshot(portfolio, self.days)
        self.after: dict[dt.date, Statement] | None = None

    def redo(self) -> None:
        if self.after is None:  # the first time: make the edit itself
            self.edit()
            self.after = self.edits.snapshot(self.portfolio, self.days)
        else:
            self._swap(self.before, self.after, "Not redone")
        self.changed()

    def undo(self) -> None:
        assert self.after is not None
        self._swap(self.after, self.before, "Not undone")
        self.changed()

    def _swap(self, now: dict[dt.date, Statement], back: dict[dt.date, Statement],
              verb: str) -> None:  # fmt: skip
        try:
            self.edits.swap(self.portfolio, now, back)
        except EditConflict as exc:
            self.setObsolete(True)
            refusals.refused.emit(f"{verb} ({self.text()}): {exc}")


class CreatePortfolio(QUndoCommand):
    def __init__(self, own: OwnPortfolios, name: str, changed: Callable[[], None]) -> None:
        super().__init__(f"create portfolio {name}")
        self.own, self.name, self.changed = own, name, changed

    def redo(self) -> None:
        self.own.create(self.name)
        self.changed()

    def undo(self) -> None:
        self.own.delete(self.name)
        self.changed()


class RenamePortfolio(QUndoCommand):
    def __init__(self, own: OwnPortfolios, old: str, new: str,
                 changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(f"rename portfolio {old} to {new}")
        self.own, self.old, self.new, self.changed = own, old, new, changed

    def redo(self) -> None:
        self.own.rename(self.old, self.new)
        self.changed()

    def undo(self) -> None:
        self.own.rename(self.new, self.old)
        self.changed()


class DeletePortfolio(QUndoCommand):
    def __init__(self, own: OwnPortfolios, name: str, changed: Callable[[], None]) -> None:
        super().__init__(f"delete portfolio {name}")
        self.own, self.name, self.changed = own, name, changed
        self.held: list[OwnHolding] = []

    def redo(self) -> None:
        _portfolio, self.held = self.own.delete(self.name)
        self.changed()

    def undo(self) -> None:
        self.own.restore(self.name, self.held)
        self.changed()
