"""Help > Getting started says what the window shows and how to begin; Help > Keyboard
shortcuts lists every shortcut the window's actions have."""

from __future__ import annotations

from tests.gui.conftest import idle


def test_help_pages(qtbot, make_window, ctx, tmp_path):
    from gui import help as help_pages

    w = make_window(ctx)
    idle(qtbot, w)
    keys = dict(help_pages.shortcuts(w))
    assert keys["Ctrl+I"] == "Import 13F filing" and keys["F5"] == "Refresh prices"
    assert keys["Ctrl+1"] == "Dashboard" and keys["Ctrl+/"] == "Keyboard shortcuts"
    assert keys["Ctrl+Shift+F"] == "Check for new filings"
    texts = [a.text().replace("&", "") for a in w.help_menu.actions()]
    assert texts[:2] == ["Getting started", "Keyboard shortcuts"]
    shortcuts = help_pages.shortcuts_dialog(w)
    qtbot.addWidget(shortcuts)
    body = shortcuts.findChild(help_pages.QTextBrowser).toPlainText()
    assert "Ctrl+E" in body and "Export snapshot" in body
    start = help_pages.getting_started_dialog(w)
    qtbot.addWidget(start)
    text = start.findChild(help_pages.QTextBrowser).toPlainText()
    for words in ("Follow a 13F filer", "New portfolio", "Export snapshot", "F5"):
        assert words in text
    start.resize(560, 520)
    assert start.grab().save(str(tmp_path / "start.png"))
    assert shortcuts.grab().save(str(tmp_path / "keys.png"))
