"""EDGAR in the window: the start-up check announces a new filing in a banner that opens
its changes; staleness notes; the contact dialog."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.core.sec_fixtures import fake  # noqa: F401
from tests.fake_sec import NEW_NVIDIA, serve_nvidia
from tests.gui.conftest import idle

LONG = 100_000  # under the hung-test limit; the tests wait on events, not on a time


@pytest.fixture
def sync_ctx(fake, db_file, memory_provider):  # noqa: F811
    from core.context import AppContext

    c = AppContext.open(str(db_file), provider=memory_provider)
    yield c
    c.close()


def test_start_up_check_announces_the_new_filing(fake, sync_ctx, make_window, qtbot,  # noqa: F811
                                                 tmp_path):  # fmt: skip
    serve_nvidia(fake)
    w = make_window(sync_ctx)
    banner = w.sync_actions.banner
    # The check starts START_CHECK_DELAY_MS after the window, then syncs: on busy cores that
    # takes what it takes, so this waits for the announcement itself (the limit is a net).
    qtbot.waitUntil(lambda: banner.note is not None, timeout=LONG)
    idle(qtbot, w, timeout=LONG)
    note = banner.note
    assert note.accession == NEW_NVIDIA
    h = sync_ctx.queries.holdings(sync_ctx.queries.portfolio(), dt.date(2026, 9, 30))
    changes = sync_ctx.analytics.changes(sync_ctx.queries.portfolio(), dt.date(2026, 9, 30))
    statuses = [c.status for c in changes.changes]
    assert (note.positions, note.total_value) == (len(h.positions), h.total_value)
    assert (note.new, note.sold_out) == (statuses.count("NEW"), statuses.count("SOLD OUT"))
    assert note.new == 2 and note.sold_out == 1
    text = banner.text.text()
    assert text.startswith("NVIDIA filed its 13F for 2026-09-30 on 2026-11-13: "
                           f"{len(h.positions)} positions, $")  # fmt: skip
    assert text.endswith("; 2 new, 1 sold out")
    w.show_page("dashboard")
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    path = tmp_path / "banner.png"
    assert banner.grab().save(str(path))
    team = Path("/tmp/team")
    if team.is_dir():
        shutil.copy(path, team / "banner.png")
        w.grab().save(str(team / "banner-window.png"))
    banner.show_button.click()
    assert w.current_page() == "holdings"
    assert w.holdings.period() == dt.date(2026, 9, 30)
    assert not banner.isVisible()


def test_staleness_and_banner_texts():
    from core.domain.following import quarter_end_after, staleness
    from gui.widgets.filing_banner import short_name, staleness_text

    assert short_name("NVIDIA Corp") == "NVIDIA" and short_name("LTS One Management LP") == (
        "LTS One Management")
    assert quarter_end_after(dt.date(2026, 6, 30)) == dt.date(2026, 9, 30)
    assert quarter_end_after(dt.date(2026, 12, 31)) == dt.date(2027, 3, 31)
    fresh = staleness(dt.date(2026, 6, 30), dt.date(2026, 11, 12))
    assert not fresh.stale  # 135 days: not yet
    late = staleness(dt.date(2026, 6, 30), dt.date(2026, 11, 13))
    assert late.stale and late.due == dt.date(2026, 11, 14) and not late.overdue
    over = staleness(dt.date(2026, 6, 30), dt.date(2026, 12, 1))
    assert over.overdue
    text = staleness_text("NVIDIA Corp", dt.date(2026, 6, 30), over)
    assert "2026-09-30 is due 2026-11-14" in text and "overdue" in text


def test_contact_dialog_accepts_only_a_name_and_an_email(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from gui.dialogs.sec_contact_dialog import SecContactDialog

    d = SecContactDialog()
    qtbot.addWidget(d)
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    d.edit.setText("Jane Doe")
    assert not ok.isEnabled()
    d.edit.setText("Jane Doe jane@example.com")
    assert ok.isEnabled() and d.contact() == "Jane Doe jane@example.com"
