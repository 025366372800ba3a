"""The window's writes run on a thread of their own while a local event loop keeps the
window painting and its timers ticking: a write that waits for another Stakewatch (up to
the busy timeout) never freezes the window, and is never refused for waiting."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox

from core.context import DatabaseError  # the GUI reaches storage only through core
from gui.shell import Shell

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QUndoCommand, QUndoStack

BUSY = "another edit is still being saved: try again when it is done"


class EditRefusals(QObject):
    """Where an undo or redo that another writer made unsafe is reported (the window shows
    it in the status bar). Here, not in own_commands, so that the window listens without
    importing the ledger's services before its first paint."""

    refused = Signal(str)


refusals = EditRefusals()


class WindowWrites(QObject):
    """One write at a time. `run(fn)` returns fn's result or raises its exception, on the
    GUI thread, after the write ends; windows listen to disable their edits meanwhile."""

    started = Signal()
    finished = Signal()
    failed = Signal(str)  # a write that did not happen, in the user's words
    step_failed = Signal(object, str)  # (command, "undo" | "redo"): put the stack back
    _done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def run(self, fn: Callable[[], Any]) -> Any:
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return fn()  # not the GUI thread: nothing to keep painting
        if self.busy:  # an edit started from inside another's wait (edits are disabled)
            raise DatabaseError(BUSY)
        self.busy = True
        outcome: dict[str, Any] = {}
        loop = QEventLoop()
        self._done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

        def work() -> None:
            try:
                outcome["result"] = fn()
            except BaseException as exc:  # handed to the GUI thread, raised there
                outcome["error"] = exc
            finally:
                self._done.emit()

        self.started.emit()
        worker = threading.Thread(target=work, name="window-write", daemon=True)
        try:
            worker.start()
            loop.exec()  # the window paints and polls; edits are off (see WriteGuard)
            worker.join()
        finally:
            with contextlib.suppress(RuntimeError):
                self._done.disconnect(loop.quit)
            self.busy = False
            self.finished.emit()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")


writes = WindowWrites()


def save(what: str, fn: Callable[[], Any]) -> tuple[bool, Any]:
    """A window write outside the undo stack (settings, following a filer) through
    `writes`: (True, fn's result) once it landed, or (False, None) when the database stayed
    busy past the timeout or is read-only, said once in the window ("Not saved (what):
    why"). Bad input (ValueError) is raised to the caller, which says why."""
    try:
        return True, writes.run(fn)
    except DatabaseError as exc:
        writes.failed.emit(f"Not saved ({what}): {exc}")
        return False, None


class EditsHost(Shell, Protocol):
    """The window as its writes see it: the actions that write, the table edited in place."""

    pages: Any  # built_page("holdings").table: edited in place
    undo_stack: QUndoStack
    sync_actions: Any  # follow_action, unfollow_action (once made)
    new_portfolio_action: QAction
    rename_portfolio_action: QAction
    delete_portfolio_action: QAction
    add_holding_action: QAction
    import_holdings_action: QAction
    undo_action: QAction
    redo_action: QAction
    settings_action: QAction


class WriteGuard(QObject):
    """One window's side of `writes`: its edits are disabled while a write runs (anything
    that enables one meanwhile is remembered and applied after), a failed write is one
    clear message in the window, and an undo or redo that failed is stepped back so it can
    be tried again."""

    def __init__(self, window: EditsHost) -> None:
        super().__init__(window)
        self.window = window
        self.wanted: dict[QAction, bool] = {}
        self.triggers = None  # the Holdings table's, while a write turned them off
        self._setting = False
        for action in self._actions():
            action.changed.connect(lambda a=action: self._on_action_changed(a))
        writes.started.connect(self._on_started)
        writes.finished.connect(self._on_finished)
        writes.failed.connect(self._on_failed)
        writes.step_failed.connect(self._on_step_failed)

    def _actions(self) -> list[QAction]:
        w = self.window
        sync = getattr(w, "sync_actions", None)  # follow and unfollow write too
        return [w.new_portfolio_action, w.rename_portfolio_action, w.delete_portfolio_action,
                w.add_holding_action, w.import_holdings_action, w.undo_action,
                w.redo_action, w.settings_action] + (
                    [sync.follow_action, sync.unfollow_action] if sync else [])  # fmt: skip

    def _set(self, action: QAction, enabled: bool) -> None:
        self._setting = True
        try:
            action.setEnabled(enabled)
        finally:
            self._setting = False

    def _on_action_changed(self, action: QAction) -> None:
        if not writes.busy or self._setting:
            return
        self.wanted[action] = action.isEnabled()  # e.g. a reload re-enabled it
        if action.isEnabled():
            self._set(action, False)

    def _on_started(self) -> None:
        self.wanted = {a: a.isEnabled() for a in self._actions()}
        for action in self.wanted:
            self._set(action, False)
        holdings = self.window.pages.built_page("holdings")
        if holdings is not None:
            self.triggers = holdings.table.editTriggers()
            holdings.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def _on_finished(self) -> None:
        for action, enabled in self.wanted.items():
            self._set(action, enabled)
        self.wanted = {}
        holdings = self.window.pages.built_page("holdings")
        if holdings is not None and self.triggers is not None:
            holdings.table.setEditTriggers(self.triggers)
        self.triggers = None
        bar = self.window.statusBar()
        if bar.currentMessage().startswith("waiting for another Stakewatch"):
            bar.clearMessage()  # it is done waiting

    def _on_failed(self, text: str) -> None:
        self.window.statusBar().showMessage(text)
        QMessageBox.warning(self.window, "Not saved", text)

    def _on_step_failed(self, command: QUndoCommand, step: str) -> None:
        """QUndoStack moved its index past a step that wrote nothing: move it back (the
        command skips that one call), so Undo or Redo can be tried again."""
        stack = self.window.undo_stack
        if not any(stack.command(i) is command for i in range(stack.count())):
            return  # another window's command
        QTimer.singleShot(0, stack.redo if step == "undo" else stack.undo)

    def stop(self) -> None:
        for signal, slot in ((writes.started, self._on_started),
                             (writes.finished, self._on_finished),
                             (writes.failed, self._on_failed),
                             (writes.step_failed, self._on_step_failed)):  # fmt: skip
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
