"""Starting the app on a database it cannot use as usual: a damaged file is explained in a
dialog (the command line's words: the file and the backup to restore), and a read-only
file or folder opens the window read-only."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from core.cli import main
from core.context import AppContext
from tests import read_only_mount

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_a_damaged_database_is_explained_in_a_dialog(qtbot, tmp_path, monkeypatch, capsys, how):
    from gui.app import run_app

    db = tmp_path / "stakewatch.sqlite3"
    AppContext.open(str(db)).close()
    backup = db.with_name(db.name + ".0004-20261201T000000Z.bak")
    shutil.copyfile(db, backup)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3] if how == "truncated" else b"\x00garbage" * 4096)
    shown = []

    def look(box: QMessageBox) -> int:
        box.show()
        qtbot.waitExposed(box)
        box.grab().save(str(tmp_path / "damaged.png"))
        shown.append((box.icon(), box.windowTitle(), box.text(), box.informativeText()))
        box.close()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", look)
    assert run_app(str(db)) == 2  # and no window: the box said why
    capsys.readouterr()
    assert main(["--db", str(db), "portfolios"], out=io.StringIO()) == 2
    line = capsys.readouterr().err
    reason = line.removeprefix("error: ").rstrip("\n")
    assert line.startswith("error: ") and str(db) in reason and str(backup) in reason
    [(icon, title, text, more)] = shown
    assert icon == QMessageBox.Icon.Critical and title == "Stakewatch: cannot open the database"
    assert text == f"Stakewatch cannot open its database.\n\n{reason}."
    assert "Nothing was changed" in more


WINDOW = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.context import AppContext
from gui.main_window import MainWindow
ctx = AppContext.open(sys.argv[1], offline=True)
w = MainWindow(ctx, QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.resize(1280, 800)
w.show()
while w.runner.running():
    app.processEvents()
for _ in range(20):
    app.processEvents()
edits = {n: getattr(w, n).isEnabled() for n in ("import_action", "new_portfolio_action",
         "add_holding_action", "import_holdings_action", "settings_action")}
print(json.dumps({"read_only": ctx.db.read_only, "edits": edits,
                  "badge": w.change_watcher.read_only.text(),
                  "badge_shown": w.change_watcher.read_only.isVisible(),
                  "portfolios": [w.portfolio_box.itemText(i)
                                 for i in range(w.portfolio_box.count())]}))
w.grab().save(sys.argv[3])
w.close()
ctx.close()
"""


@pytest.mark.skipif(not read_only_mount.available(), reason="needs unshare -m")
@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_database_opens_the_window_read_only(tmp_path, what):
    folder = tmp_path / "data"
    db = folder / "stakewatch.sqlite3"
    AppContext.open(str(db)).close()
    before = db.read_bytes()
    shot = tmp_path / f"read-only-{what}.png"
    proc = read_only_mount.run_read_only(
        folder if what == "folder" else db,
        [sys.executable, "-c", WINDOW, str(db), str(tmp_path / "window.ini"), str(shot)],
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    facts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert facts["read_only"] and facts["badge_shown"] and facts["badge"] == "read-only database"
    assert facts["edits"] == dict.fromkeys(facts["edits"], False)
    assert "NVIDIA Corp" in facts["portfolios"]
    assert shot.exists() and db.read_bytes() == before
