"""The window's writes outside the undo stack (the settings dialog's save, following a
filer) wait for another process's SQLite write instead of failing: a real process holds
the database's write lock for 2 s, each write lands once it is let go, and the window kept
handling events meanwhile (a timer ticked) and said it was waiting."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from tests.gui.conftest import idle
from tests.gui.test_window_writes import WAITING, Watch

REPO_ROOT = Path(__file__).resolve().parents[2]

# Holds the SQLite file's write lock (BEGIN IMMEDIATE) until a line comes on its standard
# input (see Watch: the window's own timer lets it go).
HOLD_WRITE_LOCK = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    print("releasing", flush=True)  # before it lets go: any write that waited comes after
    conn.execute("COMMIT")
    conn.close()
"""


def hold_write_lock(path: Path) -> subprocess.Popen:
    argv = [sys.executable, "-c", textwrap.dedent(HOLD_WRITE_LOCK), str(path)]
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=dict(os.environ), text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout.readline().strip() == "locked", proc.stderr.read()
    return proc


def released(proc: subprocess.Popen) -> bool:
    """Whether the holder already said it lets go (asked without waiting)."""
    return bool(select.select([proc.stdout], [], [], 0)[0]) and (
        proc.stdout.readline().strip() == "releasing")


@pytest.fixture
def sctx(db_file, memory_provider):
    from core.context import AppContext

    c = AppContext.open("sqlite:///" + str(db_file), provider=memory_provider, offline=True)
    yield c
    c.close()


def test_a_settings_save_and_a_follow_wait_for_another_writer_then_land(
        qtbot, make_window, sctx, db_file, messages, monkeypatch):  # fmt: skip
    import gui.main_window
    import gui.sync_actions
    from core.services.following import Following
    from core.services.settings import SettingsStore

    w = make_window(sctx)
    idle(qtbot, w)
    wanted = replace(sctx.settings, quote_interval=123)
    assert SettingsStore(sctx.db).load().quote_interval != 123

    class Accepted(QDialog):  # the dialogs as if the user pressed OK
        def __init__(self, *_a, **_k) -> None:
            super().__init__()

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted

    class SettingsOk(Accepted):
        def values(self):
            return wanted, w.theme_name()

    class FollowOk(Accepted):
        def values(self):
            return "102909", "Vanguard Group Inc"

    monkeypatch.setattr(gui.main_window, "SettingsDialog", SettingsOk)
    monkeypatch.setattr(gui.sync_actions, "FollowDialog", FollowOk)

    holder = hold_write_lock(db_file)
    with Watch(w, holder) as watch:
        w.open_settings()
        assert released(holder)  # it returned only after the other writer let go
    assert holder.wait(30) == 0, holder.stderr.read()
    assert SettingsStore(sctx.db).load().quote_interval == 123
    assert sctx.settings.quote_interval == 123 and w.quote_actions.timer.interval() == 123_000
    assert watch.ticks >= 10  # ~2 s of waiting at 50 ms: the event loop ran throughout
    assert WAITING in watch.said
    assert watch.actions_on == {False}  # no edit could start inside this one
    assert w.settings_action.isEnabled()

    holder = hold_write_lock(db_file)
    with Watch(w, holder) as watch:
        w.sync_actions.follow()
        assert released(holder)
    assert holder.wait(30) == 0, holder.stderr.read()
    followed = {s.name: s for s in Following(sctx.db, sctx.settings).statuses()}
    assert followed["Vanguard Group Inc"].followed
    assert watch.ticks >= 10
    assert WAITING in watch.said
    assert w.sync_actions.follow_action.isEnabled()
    assert messages == []
    idle(qtbot, w)
