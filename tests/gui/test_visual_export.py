"""Drawn exports (PDF report, PNG and SVG charts) and snapshots in the window."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from core.services.snapshots import load
from tests.gui.conftest import idle

ROOT = Path(__file__).resolve().parents[2]


def export(db_file, *argv):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gui", "--db", str(db_file), "export",
                           "--offline", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_pdf_report_has_title_tables_and_charts(qtbot, tmp_path, db_file):
    from PySide6.QtPdf import QPdfDocument

    out = tmp_path / "report.pdf"
    proc = export(db_file, "--format", "pdf", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = QPdfDocument()
    doc.load(str(out))
    # One book: a summary page, then its tables and charts; no mostly empty pages between.
    assert 2 <= doc.pageCount() <= 3
    summary = doc.getAllText(0).text()
    for words in ("Stakewatch report: NVIDIA Corp", "Totals", "Concentration", "Top holding",
                  "Effective N", "Top positions", "Value over time",
                  "0001045810-26-000065", "2026-06-30"):  # fmt: skip
        assert words in summary, words
    # The top positions, largest first, on page 1 with their weights.
    # (Named as the Companies page names them: one casing everywhere, issue 23.)
    assert summary.index("Intel Corp") < summary.index("CoreWeave Inc")
    details = doc.getAllText(1).text()
    assert "NVIDIA Corp: positions" in details and "changes since" in details
    page = doc.render(0, QSize(600, 850))
    assert not page.isNull()
    # The summary's value chart is drawn in its lower half: many distinct colours there.
    colours = {page.pixel(x, y) for x in range(0, 600, 7) for y in range(425, 850, 7)}
    assert len(colours) > 20
    # The whole report's text is there once: the filings table at the end.
    text = "".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    assert "Filings behind these positions" in text and "concentration over time" in text


def test_png_and_svg_charts(tmp_path, db_file):
    png, svg = tmp_path / "value.png", tmp_path / "conc.svg"
    assert export(db_file, "--format", "png", "--out", str(png)).returncode == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1200, 650)
    assert export(db_file, "--format", "svg", "--chart", "concentration",
                  "--out", str(svg)).returncode == 0  # fmt: skip
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")


def test_export_and_reopen_in_the_window(qtbot, make_window, gctx, tmp_path, messages):
    w = make_window(gctx)
    target = tmp_path / "book.json"
    w.snapshot_actions.export_snapshot(target)
    qtbot.waitUntil(lambda: w.tasks.current is None, timeout=20_000)
    snap = load(target)
    assert snap["portfolios"][0]["name"] == "NVIDIA Corp"
    dialog = w.snapshot_actions.open_snapshot(target)
    qtbot.addWidget(dialog)
    assert "Read-only snapshot" in dialog.banner.text()
    assert dialog.tabs.count() == 1
    from PySide6.QtWidgets import QTableWidget

    table = dialog.tabs.widget(0).findChild(QTableWidget)
    positions = snap["portfolios"][0]["positions"]
    assert table.rowCount() == len(positions) == 8
    assert table.item(0, 0).text() == positions[0]["ticker"]
    assert not table.editTriggers()  # read-only
    w.snapshot_actions.export_snapshot(tmp_path / "book.pdf")
    qtbot.waitUntil(lambda: w.tasks.current is None, timeout=20_000)
    idle(qtbot, w)
    assert (tmp_path / "book.pdf").stat().st_size > 10_000


def test_a_bad_snapshot_gets_one_message(make_window, gctx, tmp_path, messages):
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "stakewatch-snapshot", "schema_version": 9}')
    w = make_window(gctx)
    assert w.snapshot_actions.open_snapshot(bad) is None
    assert messages[-1][1] == "Cannot open snapshot" and "version 9" in messages[-1][2]


def test_two_snapshots_compared_in_the_window(qtbot, make_window, gctx, tmp_path, messages):
    from core.services import exporters

    w = make_window(gctx)
    p = gctx.queries.portfolio()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    exporters.write_json(gctx.snapshots.build([p], dt.date(2025, 5, 20), live=False), a)
    exporters.write_json(gctx.snapshots.build([p], dt.date(2025, 9, 1), live=False), b)
    dialog = w.snapshot_actions.diff_snapshots(a, b)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QTableWidget

    table = dialog.tabs.widget(0).findChild(QTableWidget)
    rows = {table.item(i, 0).text(): table.item(i, 1).text() for i in range(table.rowCount())}
    assert rows["CRWV"] == "CHANGED"  # 24,182,460 -> 24,277,573 shares
    assert w.snapshot_actions.diff_snapshots(a, tmp_path / "missing.json") is None
    assert messages[-1][1] == "Cannot compare snapshots"
