"""TaskRunner: runs core callables and generators on a thread pool; results come back to
the GUI thread as signals. The event loop never waits on I/O."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from core.masking import mask_secrets, print_masked_traceback


class Task(QObject):
    """One unit of background work. Signals arrive on the thread that created the task."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, name: str, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.name = name
        self.fn = fn
        self.cancelled = False
        self.done = False

    def cancel(self) -> None:
        """Stop at the next progress step (a generator is closed, so its transaction rolls
        back); a plain call runs to its end and its result is dropped."""
        self.cancelled = True


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self.task
        try:
            result = task.fn()
            if inspect.isgenerator(result):
                gen = result
                while True:
                    if task.cancelled:
                        gen.close()
                        break
                    try:
                        task.progressed.emit(next(gen))
                    except StopIteration as stop:
                        result = stop.value
                        break
            if task.cancelled:
                task.failed.emit("cancelled")
            else:
                task.succeeded.emit(result)
        except Exception as exc:  # reported to the user, never lost
            message = mask_secrets(str(exc)) or type(exc).__name__
            if not isinstance(exc, ValueError | LookupError | OSError):
                print_masked_traceback()
                message = f"unexpected {type(exc).__name__}: {message}"
            task.failed.emit(message)
        finally:
            task.done = True
            task.finished.emit()


class TaskRunner(QObject):
    """Owns the worker threads; the window asks it to run things and to wind down."""

    task_started = Signal(object)
    task_finished = Signal(object)
    instances: ClassVar[weakref.WeakSet[TaskRunner]] = weakref.WeakSet()  # tests: no leaks

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._tasks: list[Task] = []
        self._held: list[_Runnable] | None = None  # submitted while held: started at release
        TaskRunner.instances.add(self)

    def hold(self) -> None:
        """Queue what is submitted (it counts as running) until release(): the window's
        first loads wait for its first paint instead of slowing it down."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        held, self._held = self._held, None
        for runnable in held or []:
            task = runnable.task
            if not task.cancelled:
                self.pool.start(runnable)
            else:  # cancelled before it started: it ends as a cancelled one does, unrun
                task.failed.emit("cancelled")
                task.done = True
                task.finished.emit()

    def submit(
        self,
        name: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> Task:
        task = Task(name, fn)
        if on_success:
            task.succeeded.connect(on_success)
        if on_failure:
            task.failed.connect(on_failure)
        if on_progress:
            task.progressed.connect(on_progress)
        task.finished.connect(lambda: self._on_task_finished(task))
        self._tasks.append(task)
        self.task_started.emit(task)
        if self._held is not None:
            self._held.append(_Runnable(task))
        else:
            self.pool.start(_Runnable(task))
        return task

    def running(self, name: str | None = None) -> list[Task]:
        return [t for t in self._tasks if name is None or t.name == name]

    def _on_task_finished(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        if isValid(self):  # a job that outlived its window (and this runner) ends quietly
            self.task_finished.emit(task)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the threads; True if all ended in time."""
        for t in self._tasks:
            t.cancel()
        self.release()  # held ones end as cancelled, at once
        return self.pool.waitForDone(timeout_ms)
