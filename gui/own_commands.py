"""Undoable edits of your own portfolios: each redo and undo is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from core.domain.own import OwnHolding
from core.services.own import OwnPortfolios


class StatementEdit(QUndoCommand):
    """Any edit of statements: undo puts each touched statement back exactly as it was,
    redo puts back what the edit made."""

    def __init__(self, text: str, own: OwnPortfolios, portfolio: str, days: list[dt.date],
                 edit: Callable[[], object], changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(text)
        self.own, self.portfolio, self.days = own, portfolio, sorted(set(days))
        self.edit, self.changed = edit, changed
        self.before = {d: own.statement(portfolio, d) for d in self.days}
        self.after: dict[dt.date, list[OwnHolding] | None] | None = None

    def redo(self) -> None:
        if self.after is None:  # the first time: make the edit itself
            self.edit()
            self.after = {d: self.own.statement(self.portfolio, d) for d in self.days}
        else:
            for d, held in self.after.items():
                self.own.set_statement(self.portfolio, d, held)
        self.changed()

    def undo(self) -> None:
        for d, held in self.before.items():
            self.own.set_statement(self.portfolio, d, held)
        self.changed()


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
