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
    # A Qt pool thread that used Python's threading shows as a _DummyThread, which Python
    # 3.11 reports alive forever: those are the runners' threads, checked just above.
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()
              and not isinstance(t, threading._DummyThread)]  # fmt: skip
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def messages(monkeypatch):
    """Message boxes recorded instead of shown (a modal box would block the test)."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[tuple[str, str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, _k=kind, **kw: seen.append((_k, title, text))))
    return seen


@pytest.fixture
def make_window(qtbot, qsettings, messages):
    """A real MainWindow over a context; closed (and its work waited for) at the end."""
    from gui.main_window import MainWindow

    made = []

    def make(ctx):
        w = MainWindow(ctx, qsettings)
        qtbot.addWidget(w)
        made.append(w)
        idle(qtbot, w)
        return w

    yield make
    for w in made:
        w.close()


def activate(qtbot, window) -> None:
    """Make the window active so its shortcuts fire (offscreen needs asking)."""
    from PySide6.QtWidgets import QApplication

    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


WHEN = None


@pytest.fixture
def memory_provider():
    import datetime as dt

    from core.domain.prices import Quote
    from core.prices.provider import MemoryProvider

    when = dt.datetime(2025, 5, 20, 19, 0, tzinfo=dt.UTC)
    return MemoryProvider(
        quotes={"NVDA": Quote("NVDA", 131.8, 129.9, "USD", when, "REGULAR", "memory"),
                "CRWV": Quote("CRWV", 104.5, 98.2, "USD", when, "REGULAR", "memory")},
        failures={"INTC": "no network: cannot resolve Yahoo's address"},
    )  # fmt: skip


@pytest.fixture
def gctx(db_file, memory_provider):
    """A context on the shipped filings, CoreWeave's first daily bars, a fake network."""
    from core.context import AppContext
    from core.services.price_import import import_csv
    from tests.conftest import DATA

    c = AppContext.open(str(db_file), provider=memory_provider)
    import_csv(c.db, DATA / "prices" / "CRWV_head.csv", "CRWV")
    yield c
    c.close()


def idle(qtbot, window, timeout: int = 10_000) -> None:
    """Wait until the window's background loads and jobs are all done."""
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=timeout)


def own_book_window(qtbot, make_window, ctx, page: str):
    """A window on an own portfolio "Mine" (100 CRWV at a cost of 40, 3 NVDA without a
    cost), showing `page` with its rows loaded."""
    from core.domain.own import HoldingInput

    ctx.own.create("Mine")
    ctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    ctx.own.add("Mine", HoldingInput("NVDA", "3", "2025-04-01"))
    w = make_window(ctx)
    w.portfolio_box.setCurrentText("Mine")
    w.show_page(page)
    idle(qtbot, w)
    return w
