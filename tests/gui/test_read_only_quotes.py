"""A read-only database in an online window: live quotes are shown but not cached, said
once in the status bar, never as a failure; on SQLite (a read-only mount) and on a
PostgreSQL read-only role."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from core.context import AppContext
from tests import read_only_mount

ROOT = Path(__file__).resolve().parents[2]
NOTE = "read-only database: quotes are shown but not cached"

# The window online over a memory provider (NVDA live at 131.80); quotes asked twice.
WINDOW = """
import datetime as dt, json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.context import AppContext
from core.domain.prices import Quote
from core.prices.provider import MemoryProvider
from gui.main_window import MainWindow
when = dt.datetime(2025, 5, 20, 19, 0, tzinfo=dt.UTC)
provider = MemoryProvider(quotes={"NVDA": Quote("NVDA", 131.8, 129.9, "USD", when, "REGULAR",
                                                "memory")})
ctx = AppContext.open(sys.argv[1], provider=provider, offline=False)
w = MainWindow(ctx, QSettings(sys.argv[2], QSettings.Format.IniFormat))
said = []
w.statusBar().messageChanged.connect(said.append)

def settle():
    for _ in range(200):
        app.processEvents()
        if not w.runner.running("quotes") and not w.runner.running("cached-quotes"):
            break
        import time; time.sleep(0.02)
    for _ in range(20):
        app.processEvents()

settle()
w.quote_actions.refresh_quotes()
settle()
w.quote_actions.refresh_quotes()
settle()
print(json.dumps({"read_only": ctx.db.read_only, "said": said,
                  "nvda": w.quotes.tiles["NVDA"].text()}))
w.close()
ctx.close()
"""


def _check(facts: dict) -> None:
    assert facts["read_only"]
    assert "$131.80" in facts["nvda"] and "live" in facts["nvda"]
    assert sum(NOTE in m for m in facts["said"]) == 1  # once, however often quotes come
    assert not any(m.startswith("Quotes failed") for m in facts["said"])


@pytest.mark.skipif(not read_only_mount.available(), reason="needs unshare -m")
def test_sqlite_read_only_window_shows_quotes_without_caching(tmp_path):
    folder = tmp_path / "data"
    db = folder / "stakewatch.sqlite3"
    AppContext.open(str(db)).close()
    before = db.read_bytes()
    proc = read_only_mount.run_read_only(
        folder, [sys.executable, "-c", WINDOW, str(db), str(tmp_path / "window.ini")], cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert db.read_bytes() == before  # nothing cached


@pytest.mark.backends
def test_postgresql_read_only_role_shows_quotes_without_caching(backend, db_url, request,
                                                                tmp_path):  # fmt: skip
    import subprocess

    if backend == "sqlite":
        pytest.skip("the read-only mount test above covers SQLite")
    cluster = request.getfixturevalue("pg_cluster")
    AppContext.open(db_url).close()
    name = db_url.split("@/", 1)[1].split("?")[0]
    cluster.admin("DROP ROLE IF EXISTS sw_quote_reader")
    cluster.admin("CREATE ROLE sw_quote_reader LOGIN")
    cluster.admin("GRANT USAGE ON SCHEMA public TO sw_quote_reader; "
                  "GRANT SELECT ON ALL TABLES IN SCHEMA public TO sw_quote_reader", name)
    try:
        proc = subprocess.run([sys.executable, "-c", WINDOW,
                               cluster.url(name, user="sw_quote_reader"),
                               str(tmp_path / "window.ini")],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        _check(json.loads(proc.stdout.strip().splitlines()[-1]))
        ctx = AppContext.open(db_url)
        try:
            assert ctx.prices.prices_now(["NVDA"], live=False)[0].source != "cache"
        finally:
            ctx.close()
    finally:
        cluster.admin("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sw_quote_reader", name)
        cluster.admin("REVOKE ALL ON SCHEMA public FROM sw_quote_reader", name)
