"""`stakewatch screenshot` renders the real window offscreen and saves a PNG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def run(*argv, env_extra=None):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "gui", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize("page", ["holdings", "charts"])
def test_saves_the_page_at_the_size_asked(tmp_path, db_file, page):
    out = tmp_path / f"{page}.png"
    proc = run("--db", str(db_file), "screenshot", "--offline", "--page", page, "--theme",
               "dark", "--size", "900x600", "--out", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    # Dark theme: the window background is dark.
    assert image.pixelColor(5, image.height() - 5).lightness() < 100
    assert not list(tmp_path.glob(".*part*"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--size", "12x12"], "outside 320x240"),
        (["--size", "big"], "not a size"),
        (["--page", "nope"], "invalid choice"),
    ],
)
def test_bad_arguments(tmp_path, db_file, argv, message):
    proc = run("--db", str(db_file), "screenshot", "--out", str(tmp_path / "x.png"), *argv)
    assert proc.returncode == 2 and proc.stderr.startswith("error:") and message in proc.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_missing_folder_is_refused(tmp_path, db_file):
    proc = run("--db", str(db_file), "screenshot", "--offline",
               "--out", str(tmp_path / "no" / "x.png"))  # fmt: skip
    assert proc.returncode == 2 and "does not exist" in proc.stderr
