"""The window's one long job at a time (refresh, import, sync, export): its progress bar
and Cancel button on the status bar, and what it says when it ends or fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QProgressBar, QPushButton, QWidget
from shiboken6 import isValid

from core.plain_words import plain
from gui.widgets.status_bar import StatusBar
from gui.workers import Task, TaskRunner

BUSY = "Busy: wait for the running job or cancel it."


def describe(p: Any, label: str) -> tuple[int, int, str]:
    """(value, maximum, message) of a core progress object: an import's fraction and rows,
    or a count of done of total with a message."""
    if hasattr(p, "fraction"):
        return int(p.fraction * 100), 100, f"Importing {p.path.name}: {p.rows:,} rows"
    message = getattr(p, "message", None) or f"{p.done} of {p.total}"
    return p.done, max(1, p.total), f"{label} [{p.done}/{p.total}]: {message}"


class LongTasks(QObject):
    """Needs a runner, the status bar it reports on, and what to do on Cancel."""

    busy_changed = Signal(bool)

    def __init__(self, runner: TaskRunner, status: StatusBar, parent: QWidget,
                 on_cancel: Callable[[str], None] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.runner = runner
        self.status = status
        self.parent_widget = parent
        self.on_cancel = on_cancel
        self.current: Task | None = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self.current is not None

    def start(self, name: str, fn: Callable[[], Any], label: str, on_success,
              warn: bool = True, on_failure: Callable[[str], None] | None = None) -> bool:
        """Run `fn` as the one long job; False (and said) when one runs already. A failure
        is said on the status bar and, with `warn`, in a message box."""
        if self.current is not None:
            self.status.showMessage(BUSY)
            return False
        self.progress.setRange(0, 0)
        self.progress.setFormat(label)
        self.progress.show()
        self.cancel_button.show()
        self.status.showMessage(label + "...")

        def done(result) -> None:
            if not isValid(self.progress):
                return  # the window closed (and went) while the job ran: nothing to show
            self._end()
            on_success(result)

        def failed(why: str) -> None:
            if not isValid(self.progress):
                return
            self._end()
            if on_failure is not None:
                on_failure(why)
            elif why == "cancelled":
                self.status.showMessage(f"{label}: cancelled; nothing was changed.")
            else:  # plain words; the error as raised is the detail, a click away
                self.status.say(f"{label} failed: {plain(why)}", why)
                if warn:
                    QMessageBox.warning(self.parent_widget, f"{label} failed",
                                        f"{label} failed: {plain(why)}")  # fmt: skip

        self.current = self.runner.submit(name, fn, on_success=done, on_failure=failed,
                                          on_progress=lambda p: self._on_progress(p, label))
        self.busy_changed.emit(True)
        return True

    def _on_progress(self, p, label: str) -> None:
        if not isValid(self.progress):
            return
        value, maximum, message = describe(p, label)
        self.progress.setRange(0, maximum)
        self.progress.setValue(value)
        self.status.showMessage(message)

    def _end(self) -> None:
        self.current = None
        self.progress.hide()
        self.cancel_button.hide()
        self.busy_changed.emit(False)

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()
            if self.on_cancel is not None:
                self.on_cancel(self.current.name)  # e.g. abandon the request in flight now
