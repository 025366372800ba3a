"""`stakewatch screenshot --portfolio P` renders any portfolio (own books too), so every page
can be checked headless; an unknown name is one error line, exit 2, and no file."""

from __future__ import annotations

from PySide6.QtGui import QImage

from tests.gui.test_screenshot_command import run


def test_an_own_book_is_rendered_by_name(tmp_path, db_file):
    from core.context import AppContext

    ctx = AppContext.open(str(db_file), offline=True)
    ctx.own.create("Mine")
    ctx.close()
    out = tmp_path / "mine.png"
    proc = run("--db", str(db_file), "screenshot", "--offline", "--portfolio", "Mine",
               "--page", "holdings", "--size", "800x600", "--out", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert QImage(str(out)).width() == 800


def test_an_unknown_portfolio_is_one_error_line(tmp_path, db_file):
    out = tmp_path / "x.png"
    proc = run("--db", str(db_file), "screenshot", "--offline", "--portfolio", "No such",
               "--out", str(out))  # fmt: skip
    assert proc.returncode == 2 and not out.exists()
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no portfolio named 'No such'")
