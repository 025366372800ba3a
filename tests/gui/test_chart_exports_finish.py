"""Every chart in every export format has a title and a legend, is drawn in the light theme
whatever the window's, and an SVG's dots are vector shapes, never bitmaps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage

from tests.gui.test_visual_export import export as cli_export

CHARTS = ("value", "concentration", "prices")
LEGENDS = {"value": ["CRWV", "value as filed"], "concentration": ["top-1 weight",
           "top-5 share", "effective N"], "prices": ["NVDA", "CRWV"]}  # fmt: skip
TITLES = {"value": "NVIDIA Corp: value of the positions, ",
          "concentration": "NVIDIA Corp: concentration over time, ",
          "prices": "Daily closes of NVDA and CRWV, "}  # fmt: skip
DARK_BACKGROUND = QColor("#1e2024").rgb()


@pytest.fixture
def dark(qapp):
    """The window in the dark theme for the test; the app's look restored after."""
    from gui import theme

    palette, style = qapp.palette(), qapp.style().objectName()
    theme.apply("dark")
    assert theme.is_dark()
    yield
    qapp.setStyle(style)
    qapp.setPalette(palette)


@pytest.fixture
def book(gctx):
    from core.services.prices import ALWAYS

    p = gctx.queries.portfolio()
    snap = gctx.snapshots.build([p], None, live=False)
    history = {p.name: gctx.snapshots.history(p, None)}
    bars = {t: gctx.prices.cached_bars(t) for t in ALWAYS}
    return p.name, snap, history, bars


def _svg(path):
    root = ET.parse(path).getroot()
    tags = [e.tag.rsplit("}", 1)[-1] for e in root.iter()]
    texts = [(e.text or "").strip() for e in root.iter() if e.tag.endswith("text")]
    return tags, texts


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_in_every_picture_format_is_titled_legended_and_light(
        qapp, qtbot, dark, book, tmp_path, chart, fmt):  # fmt: skip
    from gui import export, theme

    name, _snap, history, bars = book
    widget = export.chart_widget(qapp, chart, history[name], bars, book=name)
    out = tmp_path / f"{chart}.{fmt}"
    try:
        export.save_chart(widget, out, fmt, force=False)
    finally:
        widget.close()
    assert theme.is_dark()  # the window's theme is left as it was
    if fmt == "svg":
        tags, texts = _svg(out)
        assert "image" not in tags, "a bitmap inside the SVG"
        assert any(t.startswith(TITLES[chart]) for t in texts), texts
        for entry in LEGENDS[chart]:
            assert entry in texts, (entry, texts)
        if chart == "value":  # one vector shape per value as filed (and the legend's)
            assert tags.count("path") > len(history[name].dates[history[name].is_period_end])
        return
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 650)
    # Light all round: the corners and the middle of the edges are the light background.
    w, h = image.width(), image.height()
    for x, y in ((2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3), (w // 2, h - 3)):
        assert image.pixelColor(x, y).lightness() > 240, (x, y)
    colours = {image.pixel(x, y) for x in range(0, w, 5) for y in range(0, h, 5)}
    assert DARK_BACKGROUND not in colours
    # The title: dark text in the band across the top, centred.
    title = [image.pixelColor(x, y).lightness() for x in range(w // 3, 2 * w // 3)
             for y in range(2, 26)]  # fmt: skip
    assert sum(1 for v in title if v < 100) > 50


def test_the_widgets_carry_the_title_and_legend_they_draw(qapp, qtbot, book):
    from gui import export

    name, _snap, history, bars = book
    value = export.chart_widget(qapp, "value", history[name], bars, book=name)
    try:
        title = value.getPlotItem().titleLabel.text
        assert title.startswith(TITLES["value"]) and title.endswith(
            str(history[name].dates[value.end_day()]))  # the span drawn, to its last close
        labels = [label.text for _sample, label in value.export_legend.items]
        assert labels[:-1] == [n for n, _ in value.legend()] and labels[-1] == "value as filed"
    finally:
        value.close()


def test_the_pdf_report_is_light_with_legends_under_its_charts(qapp, dark, book, tmp_path):
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    from gui import export

    _name, snap, history, _bars = book
    out = tmp_path / "report.pdf"
    export.write_pdf(qapp, snap, history, out, force=False)
    doc = QPdfDocument()
    doc.load(str(out))
    text = "".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    for words in ("Value over time", "concentration over time", "CRWV", "top-1 weight",
                  "top-5 share", "effective N"):  # fmt: skip
        assert words in text, words
    for i in range(doc.pageCount()):
        page = doc.render(i, QSize(600, 850))
        colours = {page.pixel(x, y) for x in range(0, 600, 3) for y in range(0, 850, 3)}
        assert DARK_BACKGROUND not in colours, f"page {i + 1} holds a dark chart"


def test_the_command_titles_a_chart_with_its_book(tmp_path, db_file):
    out = tmp_path / "value.svg"
    proc = cli_export(db_file, "--format", "svg", "--chart", "value", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    tags, texts = _svg(out)
    assert any(t.startswith(TITLES["value"]) for t in texts), texts
    assert "value as filed" in texts and "image" not in tags
