"""An open window sees other processes' writes (selection and scroll kept),
refuses an undo another process made unsafe, and disables edits on a read-only database;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.domain.own import HoldingInput
from tests.conftest import F13
from tests.gui.conftest import idle

pytestmark = pytest.mark.backends
REPO_ROOT = Path(__file__).resolve().parents[2]
LONG = 100_000  # a safety net under the hung-test limit, not a figure: tests wait on events


def stakewatch(db_url: str, *argv: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STAKEWATCH_DB"}
    done = subprocess.run([sys.executable, "-m", "gui", "--db", db_url, *argv], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture
def wctx(db_url, memory_provider):
    from core.context import AppContext

    c = AppContext.open(db_url, provider=memory_provider, offline=True)
    yield c
    c.close()


def test_a_cli_import_shows_in_the_window(qtbot, make_window, wctx, db_url):
    """Waits for the change itself, not for a time (the suite runs on busy cores); how soon
    it shows is the watcher's poll interval, POLL_MS."""
    w = make_window(wctx)
    w.show_page("holdings")
    idle(qtbot, w)
    table = w.holdings.table
    table.resize(900, 200)  # short: the table scrolls
    table.selectRow(3)
    key = w.holdings.model.row_at(w.holdings.selected_rows()[0]).position.key
    table.verticalScrollBar().setValue(2)
    scroll = table.verticalScrollBar().value()
    seen: list[str] = []
    w.statusBar().messageChanged.connect(seen.append)

    stakewatch(db_url, "import-13f", str(F13 / "0001894188-23-000007.txt"))
    qtbot.waitUntil(lambda: "1 filing imported by another process" in seen, timeout=LONG)
    idle(qtbot, w, timeout=LONG)
    names = [w.portfolio_box.itemText(i) for i in range(w.portfolio_box.count())]
    assert "LTS One Management LP" in names
    assert w.portfolio.name == "NVIDIA Corp"  # the user's choice stays
    qtbot.waitUntil(lambda: w.holdings.selected_rows() != [], timeout=LONG)
    rows = w.holdings.selected_rows()
    assert [w.holdings.model.row_at(r).position.key for r in rows] == [key]
    assert table.verticalScrollBar().value() == scroll


def test_undo_refuses_after_another_process_changed_the_row(qtbot, make_window, wctx, db_url):
    wctx.own.create("Mine")
    w = make_window(wctx)
    w.reload_portfolios(select="Mine")
    day = dt.date(2025, 7, 1)
    assert w.own_actions.put_holding(HoldingInput("AAPL", "10", day.isoformat(), None, None), day)
    seen: list[str] = []
    w.statusBar().messageChanged.connect(seen.append)
    [mine] = wctx.own.transactions("Mine")
    stakewatch(db_url, "tx", "remove", str(mine.id))  # another process takes this buy back
    stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "AAPL", "--shares",
               "12", "--date", day.isoformat(), "--offline")  # fmt: skip
    w.undo_stack.undo()
    assert any(m.startswith("Not undone") and "someone else changed buy of AAPL" in m
               for m in seen)  # fmt: skip
    assert {h.ticker: h.shares for h in wctx.own.holdings_at("Mine", day)} == {"AAPL": 12}
    assert not w.undo_stack.canUndo()  # the unsafe step left the stack
    idle(qtbot, w)


def test_a_read_only_database_disables_edits(qtbot, make_window, backend, memory_provider,
                                            db_url, request):  # fmt: skip
    from core.context import AppContext

    if backend == "sqlite":
        pytest.skip("as root every file is writable; the PostgreSQL role test covers this")
    cluster = request.getfixturevalue("pg_cluster")
    AppContext.open(db_url).close()
    name = db_url.split("/")[3].split("?")[0]
    cluster.admin("DROP ROLE IF EXISTS sw_window_reader")
    cluster.admin("CREATE ROLE sw_window_reader LOGIN")
    cluster.admin("GRANT USAGE ON SCHEMA public TO sw_window_reader; "
                  "GRANT SELECT ON ALL TABLES IN SCHEMA public TO sw_window_reader", name)
    ctx = AppContext.open(cluster.url(name, user="sw_window_reader"), provider=memory_provider,
                          offline=True)  # fmt: skip
    try:
        w = make_window(ctx)
        assert w.change_watcher.read_only.isVisibleTo(w)
        assert w.change_watcher.read_only.text() == "read-only database"
        for action in (w.import_action, w.add_holding_action, w.new_portfolio_action,
                       w.refresh_action, w.undo_action, w.sync_actions.check_action):
            assert not action.isEnabled()
        w.show()
        qtbot.waitExposed(w)
        w.grab().save(str(Path(os.environ.get("SW_SHOT_DIR", "/tmp")) / "read-only-window.png"))
        w.close()
    finally:
        ctx.close()
        cluster.admin("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sw_window_reader", name)
        cluster.admin("REVOKE ALL ON SCHEMA public FROM sw_window_reader", name)
