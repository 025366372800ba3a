"""GUI fixtures: real widgets offscreen; tests fail on leaked threads."""

from __future__ import annotations

import threading

import pytest


@pytest.fixture(autouse=True)
def _no_leaked_threads():
    """A test must end every thread it started (QThreadPool workers included)."""
    before = set(threading.enumerate())
    yield
    from PySide6.QtCore import QThreadPool

    from gui.workers import TaskRunner

    QThreadPool.globalInstance().waitForDone(5000)
    busy = []
    for runner in list(TaskRunner.instances):
        try:
            if not runner.pool.waitForDone(5000) or runner.pool.activeThreadCount():
                busy.append(runner)
        except RuntimeError:  # its C++ side is already deleted with its window: fine
            continue
    assert not busy, f"task runners still running work: {busy}"
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
