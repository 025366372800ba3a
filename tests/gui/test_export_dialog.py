"""File > Export asks what to export: portfolio or all, as of when, format, which chart."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QImage

from core.services.snapshots import load
from gui.dialogs.export_dialog import ALL, ExportDialog


def test_the_dialog_follows_the_format(qtbot, tmp_path):
    d = ExportDialog(["NVIDIA Corp", "Mine"], "Mine", tmp_path)
    qtbot.addWidget(d)
    assert d.path.text().endswith("Mine.json") and not d.chart.isEnabled()
    d.format.setCurrentIndex(d.format.findData("png"))
    assert d.chart.isEnabled() and d.path.text().endswith("Mine.png")
    d.portfolio.setCurrentText(ALL)
    assert not d.export_button.isEnabled()  # a picture shows one book
    d.format.setCurrentIndex(d.format.findData("csv"))
    assert d.export_button.isEnabled()
    d.today.setChecked(False)
    d.as_of.setDate(QDate(2025, 5, 20))
    c = d.choice()
    assert (c.portfolios, c.as_of, c.fmt) == (["NVIDIA Corp", "Mine"], dt.date(2025, 5, 20),
                                              "csv")  # fmt: skip


def test_an_as_of_export_and_a_chosen_chart(qtbot, make_window, gctx, tmp_path):
    w = make_window(gctx)
    target = tmp_path / "then.json"
    w.snapshot_actions.export_snapshot(target, ["NVIDIA Corp"], dt.date(2025, 5, 20))
    qtbot.waitUntil(lambda: w.tasks.current is None, timeout=20_000)
    snap = load(target)
    assert snap["as_of"] == "2025-05-20" and snap["portfolios"][0]["report"]["period"] == (
        "2025-03-31")  # fmt: skip
    picture = tmp_path / "prices.png"
    w.snapshot_actions.export_snapshot(picture, None, None, "prices")
    qtbot.waitUntil(lambda: w.tasks.current is None, timeout=20_000)
    assert QImage(str(picture)).width() == 1200
