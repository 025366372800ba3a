"""Undoable edits of your own portfolios: each redo and undo is one transaction, run on a
thread of its own while the window stays live (it waits for another Stakewatch's write
rather than failing), and puts back only the rows the edit changed, and only if nobody
else changed them since."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from core.context import DatabaseError  # the GUI reaches storage only through core
from core.domain.ledger import Transaction
from core.masking import print_masked_traceback
from core.services.own import Change, EditConflict, OwnPortfolios
from core.services.queries import InvalidRequestError
from gui.write_runner import refusals, writes


class WindowEdit(QUndoCommand):
    """An edit whose writes run through `writes` (the window paints and polls while one
    waits for the database). A write that fails (the database stayed busy past the
    timeout) changed nothing and is one message in the window: the first time, the edit
    never enters the undo stack; a failed undo or redo is stepped back, to be tried again.
    Bad input the first time is raised to whoever pushed the edit, as before."""

    def __init__(self, text: str, changed: Callable[[], None]) -> None:
        super().__init__(text)
        self.changed = changed
        self.made = False  # the edit itself was made (redo ran once)
        self._skip = False  # the next call only steps the stack back over a failed one

    # Subclasses: make the edit, put back what it changed, make it again.
    def make(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def remake(self) -> None:
        self.make()

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if self.made:
            self._step("redo", self.remake)
        else:
            self._step("make", self.make)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._step("undo", self.revert)

    def _step(self, step: str, write: Callable[[], None]) -> None:
        first = step == "make"
        verb = {"make": "Not saved", "undo": "Not undone", "redo": "Not redone"}[step]
        try:
            writes.run(write)
        except EditConflict as exc:  # another writer changed these rows since
            self.setObsolete(True)
            refusals.refused.emit(f"{verb} ({self.text()}): {exc}")
            self.changed()
            return
        except InvalidRequestError as exc:
            if first:
                self.setObsolete(True)
                raise  # bad input: the caller says why, nothing is on the stack
            self._failed(step, f"{verb} ({self.text()}): {exc}")
            return
        except DatabaseError as exc:  # busy past the timeout, or read-only
            self._failed(step, f"{verb} ({self.text()}): {exc}")
            return
        except Exception as exc:  # never only on stderr
            print_masked_traceback()
            self._failed(step, f"{verb} ({self.text()}): unexpected {type(exc).__name__}")
            return
        self.made = True
        self.changed()

    def _failed(self, step: str, text: str) -> None:
        if step == "make":
            self.setObsolete(True)  # QUndoStack drops it: nothing was done
        else:
            self._skip = True
            writes.step_failed.emit(self, step)
        writes.failed.emit(text)


class LedgerEdit(WindowEdit):
    """Any edit of a ledger (add, change or remove entries): undo puts each row the edit
    changed back as it was, redo puts back what the edit made. Rows are compared by
    version (id, values, modified time): if another process changed one since, the step is
    refused, nothing changes, and the command leaves the stack (it can no longer be undone
    or redone safely). An undo that would leave an impossible ledger (a sale of shares no
    longer bought) is refused the same way."""

    def __init__(self, text: str, own: OwnPortfolios, portfolio: str,
                 edit: Callable[[], Change], changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(text, changed)
        self.own, self.portfolio, self.edit = own, portfolio, edit
        self.change: Change = []

    def make(self) -> None:
        self.change = self.edit()

    def revert(self) -> None:
        self.own.swap(self.portfolio, self.change, back=True)

    def remake(self) -> None:
        self.own.swap(self.portfolio, self.change, back=False)


class CreatePortfolio(WindowEdit):
    def __init__(self, own: OwnPortfolios, name: str, changed: Callable[[], None]) -> None:
        super().__init__(f"create portfolio {name}", changed)
        self.own, self.name = own, name

    def make(self) -> None:
        self.own.create(self.name)

    def revert(self) -> None:
        self.own.delete(self.name)


class RenamePortfolio(WindowEdit):
    def __init__(self, own: OwnPortfolios, old: str, new: str,
                 changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(f"rename portfolio {old} to {new}", changed)
        self.own, self.old, self.new = own, old, new

    def make(self) -> None:
        self.own.rename(self.old, self.new)

    def revert(self) -> None:
        self.own.rename(self.new, self.old)


class DeletePortfolio(WindowEdit):
    def __init__(self, own: OwnPortfolios, name: str, changed: Callable[[], None]) -> None:
        super().__init__(f"delete portfolio {name}", changed)
        self.own, self.name = own, name
        self.txs: list[Transaction] = []

    def make(self) -> None:
        _portfolio, self.txs = self.own.delete(self.name)

    def revert(self) -> None:
        self.own.restore(self.name, self.txs)
