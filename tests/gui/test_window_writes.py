"""Edits in the window wait for another process's write without freezing it, on SQLite and
on PostgreSQL, with real processes: the edit lands once the lock is let go, the window kept
handling events meanwhile (a timer ticked: the lock is let go from that timer, once the
window said it waits, so no clock decides the test), it said it was waiting, edits were off;
undo the same; a write still blocked at the timeout is one message in the window and
changes nothing (an undo that timed out can be tried again)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from core.domain.own import HoldingInput
from tests.gui.conftest import idle

pytestmark = pytest.mark.backends
REPO_ROOT = Path(__file__).resolve().parents[2]
WAITING = "waiting for another Stakewatch to finish writing..."
DAY = dt.date(2025, 7, 1)

# Holds Mine's write lock (SQLite: the file's; PostgreSQL: the portfolio's row), what an edit
# of Mine holds while it runs, until a line comes on its standard input (`let_go`); with
# argv[2], also buys 5 of that ticker on DAY inside the same transaction.
HOLD_LOCK = """
    import datetime as dt, sys
    from decimal import Decimal
    from core.context import AppContext
    from core.domain.ledger import Transaction, TxType
    from core.storage.own_store import OwnStore
    ctx = AppContext.open(sys.argv[1], offline=True)
    portfolio = ctx.queries.portfolio("Mine")
    with ctx.db.session() as s:
        store = OwnStore(s)
        store.lock(portfolio)
        if len(sys.argv) > 2:
            store.add(portfolio, [Transaction(None, dt.date(2025, 7, 1), TxType.BUY,
                                              sys.argv[2], shares=Decimal(5))])
        print("locked", flush=True)
        sys.stdin.readline()
    ctx.close()
"""


def hold_lock(db_url: str, add: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "STAKEWATCH_DB"}
    argv = [sys.executable, "-c", textwrap.dedent(HOLD_LOCK), db_url]
    proc = subprocess.Popen(argv + ([add] if add else []), cwd=REPO_ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout.readline().strip() == "locked", proc.stderr.read()
    return proc


def let_go(holder: subprocess.Popen) -> None:
    """Tell a holder (hold_lock, or any script waiting on its standard input) to let go."""
    holder.stdin.write("let go\n")
    holder.stdin.close()


@pytest.fixture
def wctx(db_url, memory_provider):
    from core.context import AppContext

    c = AppContext.open(db_url, provider=memory_provider, offline=True)
    c.own.create("Mine")
    yield c
    c.close()


class Watch:
    """While an edit runs: how often a 50 ms timer ticked, what the status bar said, and
    whether the edit actions were off. Given a `holder`, the timer lets it go once the
    window said it waits and ticked 10 times meanwhile: only an event loop that runs
    while the edit waits ever lets the edit land."""

    def __init__(self, window, holder: subprocess.Popen | None = None) -> None:
        self.window = window
        self.holder = holder
        self.released = False
        self.ticks = 0
        self.actions_on: set[bool] = set()
        self.said: list[str] = []
        window.statusBar().messageChanged.connect(self.said.append)
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks += 1
        w = self.window
        self.actions_on |= {w.add_holding_action.isEnabled(), w.undo_action.isEnabled(),
                            w.new_portfolio_action.isEnabled()}  # fmt: skip
        if self.holder is not None and not self.released and self.ticks >= 10 and (
                WAITING in self.said):  # fmt: skip
            let_go(self.holder)
            self.released = True

    def __enter__(self) -> Watch:
        self.timer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.timer.stop()


def put(window, raw: HoldingInput, day: dt.date) -> bool:
    """Add or set a holding as the window's holding dialog does."""
    return getattr(window, "own_actions", window).put_holding(raw, day)


def _held(ctx) -> dict[str, int]:
    return {h.ticker: h.shares for h in ctx.own.holdings_at("Mine", DAY)}


def test_an_add_behind_another_writer_waits_then_lands(qtbot, make_window, wctx, db_url,
                                                       messages):  # fmt: skip
    w = make_window(wctx)
    w.reload_portfolios(select="Mine")
    idle(qtbot, w)
    holder = hold_lock(db_url)
    with Watch(w, holder) as watch:
        saved = put(w, HoldingInput("NVDA", "3", DAY.isoformat(), None, None), DAY)
    assert holder.wait(30) == 0, holder.stderr.read()
    assert saved and watch.released  # it landed after the lock was let go from the loop
    assert _held(wctx) == {"NVDA": 3}
    assert watch.ticks >= 10  # ~2 s of waiting at 50 ms: the event loop ran throughout
    assert WAITING in watch.said
    assert watch.actions_on == {False}  # no edit could start inside this one
    assert w.add_holding_action.isEnabled() and w.undo_action.isEnabled()
    assert w.undo_stack.count() == 1
    assert messages == []
    idle(qtbot, w)


def test_an_undo_behind_another_writer_waits_then_lands(qtbot, make_window, wctx, db_url,
                                                        messages):  # fmt: skip
    w = make_window(wctx)
    w.reload_portfolios(select="Mine")
    assert put(w, HoldingInput("NVDA", "3", DAY.isoformat(), None, None), DAY)
    idle(qtbot, w)
    holder = hold_lock(db_url)
    with Watch(w, holder) as watch:
        w.undo_stack.undo()
    assert holder.wait(30) == 0, holder.stderr.read()
    assert watch.released
    assert wctx.own.transactions("Mine") == []  # the buy it made is gone
    assert watch.ticks >= 10
    assert WAITING in watch.said
    assert watch.actions_on == {False}
    assert w.undo_stack.index() == 0 and w.redo_action.isEnabled()
    holder = hold_lock(db_url)
    with Watch(w, holder) as watch:  # and redo, behind another writer too
        w.undo_stack.redo()
    assert holder.wait(30) == 0 and watch.released
    assert _held(wctx) == {"NVDA": 3}
    assert watch.ticks >= 10 and WAITING in watch.said
    assert messages == []
    idle(qtbot, w)


def test_undo_takes_back_only_its_own_row_when_another_wrote_meanwhile(
        qtbot, make_window, wctx, db_url):  # fmt: skip
    """Another process buys MSFT on the same day while the window's add waits for it: the
    add lands beside MSFT, and undo removes NVDA only."""
    w = make_window(wctx)
    w.reload_portfolios(select="Mine")
    idle(qtbot, w)
    holder = hold_lock(db_url, add="MSFT")
    with Watch(w, holder) as watch:
        assert put(w, HoldingInput("NVDA", "3", DAY.isoformat(), None, None), DAY)
    assert holder.wait(30) == 0, holder.stderr.read()
    assert watch.released
    assert _held(wctx) == {"MSFT": 5, "NVDA": 3}
    w.undo_stack.undo()
    assert _held(wctx) == {"MSFT": 5}
    idle(qtbot, w)


def test_a_write_blocked_past_the_timeout_is_one_message_and_changes_nothing(
        qtbot, make_window, db_url, memory_provider, messages, monkeypatch):  # fmt: skip
    from core.context import AppContext

    monkeypatch.setenv("STAKEWATCH_BUSY_TIMEOUT", "1.5")
    ctx = AppContext.open(db_url, provider=memory_provider, offline=True)
    try:
        ctx.own.create("Mine")
        w = make_window(ctx)
        w.reload_portfolios(select="Mine")
        idle(qtbot, w)
        holder = hold_lock(db_url)  # held until the window's write has given up
        saved = put(w, HoldingInput("NVDA", "3", DAY.isoformat(), None, None), DAY)
        let_go(holder)  # the window's write gave up before: nothing of it may land now
        assert not saved
        assert w.undo_stack.count() == 0  # nothing done, nothing to undo
        assert len(messages) == 1
        kind, title, text = messages[0]
        assert kind == "warning" and title == "Not saved"
        assert text.startswith("Not saved (buy 3 NVDA in Mine on 2025-07-01): another "
                               "Stakewatch kept") and "busy" in text  # fmt: skip
        assert "SELECT" not in text and "Traceback" not in text
        assert w.statusBar().currentMessage() == text
        assert w.add_holding_action.isEnabled()
        assert holder.wait(30) == 0
        assert _held(ctx) == {}

        # An undo that times out stays on the stack, to be tried again.
        assert put(w, HoldingInput("NVDA", "3", DAY.isoformat(), None, None), DAY)
        holder = hold_lock(db_url)
        w.undo_stack.undo()
        assert messages[-1][2].startswith("Not undone (buy 3 NVDA in Mine")  # gave up
        let_go(holder)
        qtbot.waitUntil(lambda: w.undo_stack.index() == 1)  # stepped back
        assert w.undo_stack.canUndo() and _held(ctx) == {"NVDA": 3}
        assert holder.wait(30) == 0
        w.undo_stack.undo()
        assert ctx.own.transactions("Mine") == []
        idle(qtbot, w)
        w.close()
    finally:
        ctx.close()
