"""The window in plain words: an unreachable EDGAR is said once, without exception names or
errno text (the detail a click away); following works offline by CIK and name; a followed
filer is in the picker before its first sync; Unfollow only for followed filers; the status
bar elides and a window fits the screen it opens on."""

from __future__ import annotations

import socket

import pytest

from core.plain_words import NO_NETWORK, plain
from tests.core.sec_fixtures import fake  # noqa: F401
from tests.gui.conftest import idle

LONG = 100_000  # a net under the hung-test limit: the tests wait on events


def closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once (no network used)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_ctx(fake, db_file, memory_provider, monkeypatch):  # noqa: F811
    from core.context import AppContext

    url = f"http://127.0.0.1:{closed_port()}"
    for name in ("STAKEWATCH_SEC_DATA_URL", "STAKEWATCH_SEC_ARCHIVES_URL",
                 "STAKEWATCH_OPENFIGI_URL"):  # fmt: skip
        monkeypatch.setenv(name, url)
    c = AppContext.open(str(db_file), provider=memory_provider)
    yield c
    c.close()


def test_an_unreachable_edgar_is_said_in_plain_words(unreachable_ctx, make_window, qtbot):
    w = make_window(unreachable_ctx)
    idle(qtbot, w, timeout=LONG)
    bar = w.statusBar()
    seen: list[str] = []
    bar.messageChanged.connect(seen.append)
    qtbot.waitUntil(lambda: not w.tasks.busy, timeout=LONG)  # the start-up check, if any
    w.sync_actions.check_now()
    qtbot.waitUntil(lambda: any(m.startswith("Couldn't reach EDGAR") for m in seen),
                    timeout=LONG)  # fmt: skip
    said = next(m for m in seen if m.startswith("Couldn't reach EDGAR"))
    assert said.startswith(f"Couldn't reach EDGAR ({NO_NETWORK}): nothing was checked")
    assert "Errno" not in said and "Error" not in said and "failed" not in said
    assert bar.detail and "refused" in bar.detail.lower()  # the server's words, on click


def test_plain_keeps_words_and_drops_exception_names():
    assert plain("<urlopen error [Errno -2] Name or service not known>") == NO_NETWORK
    assert plain("unexpected FilerLookupError: cannot look up CIK 1 on EDGAR: HTTP 503") == (
        "cannot look up CIK 1 on EDGAR: HTTP 503")
    assert plain("no network: cannot resolve Yahoo's address") == (
        "no network: cannot resolve Yahoo's address")  # written for people already
    assert plain("[Errno 13] Permission denied: 'x'") == "Permission denied: 'x'"
    assert plain(None) == "unknown reason"


def test_the_follow_dialog_offline_says_how_to_follow_anyway(qtbot, ctx):
    from core.services.following import Following
    from gui.dialogs.follow_dialog import FollowDialog
    from gui.workers import TaskRunner

    runner = TaskRunner()
    dialog = FollowDialog(Following(ctx.db, ctx.settings), runner, online=False)
    qtbot.addWidget(dialog)
    assert "follow anyway" in dialog.status.text() and "name" in dialog.status.text()
    dialog._on_not_found("", "unexpected FilerLookupError: cannot look up CIK 1045810 on "
                         "EDGAR: <urlopen error [Errno -2] Name or service not known>")
    dialog.cik.setText("1045810")
    dialog._on_not_found(dialog._valid_cik(), "unexpected FilerLookupError: cannot look up "
                         "CIK 1045810 on EDGAR: <urlopen error [Errno -2] Name or service not "
                         "known>")
    text = dialog.status.text()
    assert text.startswith(f"Couldn't reach EDGAR ({NO_NETWORK}).") and "anyway" in text
    assert "Error" not in text and "Errno" not in text
    dialog.name.setText("Some Capital LP")
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    runner.shutdown()


def test_a_followed_filer_is_in_the_picker_before_its_first_sync(qtbot, make_window, ctx):
    from core.services.following import Following
    from gui.write_runner import writes

    w = make_window(ctx)
    idle(qtbot, w)
    following = Following(ctx.db, ctx.settings)
    # Written as the window writes (sync_actions.follow): on a thread of its own that waits
    # for the window's background jobs; the GUI thread itself never queues for the lock.
    writes.run(lambda: following.unfollow("1045810"))  # NVIDIA: followed at first start
    w.reload_portfolios()
    assert w.portfolio.name == "NVIDIA Corp"  # its filings keep it in the picker
    unfollow = w.sync_actions.unfollow_action
    qtbot.waitUntil(lambda: not unfollow.isEnabled())  # offered for followed filers only
    writes.run(lambda: following.follow("1067983", "Berkshire Hathaway Inc"))
    w.reload_portfolios(select="Berkshire Hathaway Inc")
    names = [w.portfolio_box.itemText(i) for i in range(w.portfolio_box.count())]
    assert "Berkshire Hathaway Inc" in names and w.portfolio.name == "Berkshire Hathaway Inc"
    idle(qtbot, w)
    assert "No filings of Berkshire Hathaway Inc here yet" in w.holdings.summary.text()
    assert "Check for new filings" in w.holdings.summary.text()
    qtbot.waitUntil(unfollow.isEnabled)
    w.portfolio_box.setCurrentText("NVIDIA Corp")
    qtbot.waitUntil(lambda: not unfollow.isEnabled())


def test_the_status_bar_elides_and_keeps_the_whole_text_a_hover_away(qtbot, make_window, ctx):
    w = make_window(ctx)
    idle(qtbot, w)
    w.resize(800, 600)
    w.show()
    qtbot.waitExposed(w)
    bar = w.statusBar()
    long = "Prices refreshed: " + "; ".join(f"T{i} (no price data found)" for i in range(40))
    bar.say(long, "the whole list")
    assert bar.toolTip().startswith(long)
    right = min(x.geometry().left() for x in (w.quote_actions.last_refresh,)
                if x.isVisible()) if w.quote_actions.last_refresh.isVisible() else bar.width()
    assert bar._free_rect().right() < right  # the message stops before the right-hand label
    w.show_page("charts")
    assert bar.currentMessage() == ""  # a page's message leaves with the page


def test_a_window_fits_the_screen_it_opens_on(qtbot, make_window, ctx):
    """The first start's 1280x800 (no size saved) on a smaller screen: the offscreen
    platform's screen is 800x600."""
    w = make_window(ctx)
    room = w.screen().availableGeometry()
    assert room.width() < 1280  # else this test proves nothing
    assert w.width() <= room.width() and w.height() <= room.height()
