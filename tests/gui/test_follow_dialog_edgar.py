"""The Follow dialog's search as you type, online: EDGAR's companies (a local fake of
efts.sec.gov) merged in by CIK, off the GUI thread; a hung EDGAR leaves the stored ones."""

from __future__ import annotations

import datetime as dt

import pytest

from core.services.importer import run
from core.services.settings import Settings
from core.services.universe import UniverseLoader
from tests.core.sec_fixtures import CONTACT, fake  # noqa: F401 (fixture)
from tests.universe_sets import Filing, Holding, write_set

SEARCH = "/LATEST/search-index?keysTyped="


@pytest.fixture
def dialog_for(qtbot, fake, db_file, tmp_path):  # noqa: F811
    from core.context import AppContext
    from core.services.filer_search import FilerSearcher
    from core.services.following import Following
    from gui.dialogs.follow_dialog import FollowDialog
    from gui.workers import TaskRunner

    ctx = AppContext.open(str(db_file), seed_data=False)
    run(UniverseLoader(ctx.db).load(write_set(tmp_path / "01jun2026-31aug2026.zip", [
        Filing("0000000003-26-000002", "3", "GAMMA FUND", dt.date(2026, 6, 30),
               dt.date(2026, 8, 1), rows=[Holding("21873S108", 1000, 10)])])))  # fmt: skip
    fake.companies = [("3", "GAMMA FUND"), ("1900001", "GAMMA ROAD CAPITAL")]
    runner = TaskRunner()
    made = []

    def make(online: bool, deadline: float = 20.0):
        settings = Settings(sec_contact=CONTACT, offline=not online)
        searcher = FilerSearcher(ctx.db.reading, settings)
        dialog = FollowDialog(Following(ctx.db, settings), runner, online,
                              search=searcher.local,
                              search_edgar=searcher.edgar if online else None,
                              edgar_deadline=deadline)  # fmt: skip
        qtbot.addWidget(dialog)
        made.append(dialog)
        return dialog

    yield make
    for d in made:
        d.reject()  # cancels a search still waiting on EDGAR
    assert runner.pool.waitForDone(10_000)
    ctx.close()


def texts(dialog) -> list[str]:
    return [dialog.found.item(i).text() for i in range(dialog.found.count())]


def test_edgar_companies_join_the_stored_once_per_cik(qtbot, dialog_for, fake):  # noqa: F811
    dialog = dialog_for(online=True)
    for typed in ("g", "ga", "gam", "gamma"):  # typing: one request once it pauses
        dialog.find.setText(typed)
    qtbot.waitUntil(lambda: len(texts(dialog)) == 2, timeout=10_000)
    stored, edgar = texts(dialog)
    assert stored.startswith("GAMMA FUND (CIK 0000000003) · 2026-06-30")
    assert edgar == "GAMMA ROAD CAPITAL (CIK 0001900001) · on EDGAR"
    assert [r.path for r in fake.requests_to("/LATEST/")] == [SEARCH + "gamma"]
    assert dialog.find_note.text() == ""
    dialog._on_pick(dialog.found.item(1))
    assert dialog.values() == ("1900001", "GAMMA ROAD CAPITAL")


def test_a_hung_edgar_leaves_the_stored_and_the_window_answers(qtbot, dialog_for,
                                                               fake):  # noqa: F811
    fake.hang.add(SEARCH + "gamma")
    dialog = dialog_for(online=True, deadline=2.0)
    dialog.find.setText("gamma")
    qtbot.waitUntil(lambda: len(texts(dialog)) == 1, timeout=10_000)  # the stored, at once
    assert texts(dialog)[0].startswith("GAMMA FUND")
    dialog.name.setText("typed meanwhile")  # the window takes input while EDGAR is silent
    assert dialog.name.text() == "typed meanwhile"
    qtbot.waitUntil(lambda: "could not be searched" in dialog.find_note.text(),
                    timeout=15_000)  # fmt: skip
    assert texts(dialog) == [t for t in texts(dialog) if t.startswith("GAMMA FUND")]


def test_offline_the_dialog_asks_no_one(qtbot, dialog_for, fake):  # noqa: F811
    dialog = dialog_for(online=False)
    dialog.find.setText("gamma")
    qtbot.waitUntil(lambda: len(texts(dialog)) == 1, timeout=10_000)
    assert "only stored filers" in dialog.find_note.text()
    qtbot.wait(800)  # past the pause after which an online dialog would ask EDGAR
    assert fake.requests_to("/LATEST/") == []


def test_typing_on_cancels_a_hung_search(qtbot, dialog_for, fake):  # noqa: F811
    """The window runs while EDGAR keeps a request waiting; typing on drops that request
    (its socket is shut) and the new text is asked."""
    from PySide6.QtCore import QTimer

    fake.hang.add(SEARCH + "gamma")
    dialog = dialog_for(online=True, deadline=60.0)
    dialog.find.setText("gamma")
    qtbot.waitUntil(lambda: bool(fake.requests_to(SEARCH + "gamma")), timeout=10_000)
    ticked = []
    QTimer.singleShot(0, lambda: ticked.append(dialog._asking is not None))
    qtbot.waitUntil(lambda: bool(ticked), timeout=10_000)
    assert ticked == [True]  # the event loop ran while the request was waiting
    dialog.find.setText("gamma road")
    qtbot.waitUntil(lambda: any("GAMMA ROAD CAPITAL" in t for t in texts(dialog)),
                    timeout=10_000)  # fmt: skip
    assert dialog.find_note.text() == ""
