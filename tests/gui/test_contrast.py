"""Every colour the app draws text and lines with reads on its background, in both themes:
WCAG contrast ratios computed from the palette and the app's own colours."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox

from gui import theme

TEXT, LARGE, LINE = 4.5, 3.0, 3.0
ROOT = Path(__file__).resolve().parents[2]
R = QPalette.ColorRole


def pairs(name: str) -> list[tuple[str, QColor | str, QColor | str, float]]:
    """(what, foreground, background, minimum ratio) for the theme now applied."""
    pal = QApplication.instance().palette()
    c = theme.DARK if name == "dark" else theme.LIGHT
    out = []
    for fg, bg in ((R.Text, R.Base), (R.Text, R.AlternateBase), (R.WindowText, R.Window),
                   (R.ButtonText, R.Button), (R.HighlightedText, R.Highlight),
                   (R.ToolTipText, R.ToolTipBase), (R.PlaceholderText, R.Base),
                   (R.Link, R.Base)):  # fmt: skip
        out.append((f"palette {fg.name} on {bg.name}", pal.color(fg), pal.color(bg), TEXT))
    disabled = pal.color(QPalette.ColorGroup.Disabled, R.Text)
    out.append(("disabled text on Window", disabled, pal.color(R.Window), LARGE))
    backgrounds = {"Window": pal.color(R.Window), "Base": pal.color(R.Base),
                   "AlternateBase": pal.color(R.AlternateBase)}  # fmt: skip
    texts = {k: getattr(c, k) for k in ("muted", "up", "down", "warn", "error",
                                          "neutral_change")}  # fmt: skip
    texts.update({f"status {k}": v for k, v in theme.status_colours().items()})
    for what, fg in texts.items():
        for bg_name, bg in backgrounds.items():
            out.append((f"{what} on {bg_name}", fg, bg, TEXT))
    for row in ("row_good", "row_bad", "row_match"):
        out.append((f"Text on {row}", pal.color(R.Text), getattr(c, row), TEXT))
    out.append(("banner text", c.banner_text, c.banner_bg, TEXT))
    out.append(("chart axis text", c.chart_foreground, c.chart_background, TEXT))
    for what in ("chart_marker", "other_series"):
        out.append((what, getattr(c, what), c.chart_background, LINE))
    for i, colour in enumerate(theme.series()):
        out.append((f"series {i} {colour}", colour, c.chart_background, LINE))
    for bg_name, bg in backgrounds.items():
        out.append((f"check-box outline on {bg_name}", theme.indicator_outline(pal), bg, LINE))
    return out


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp):
    theme.apply(request.param)
    yield request.param
    theme.apply("light")


def test_every_text_and_line_colour_reads_on_its_background(themed):
    assert theme.is_dark() == (themed == "dark")
    low = [(what, round(theme.contrast(fg, bg), 2), need)
           for what, fg, bg, need in pairs(themed) if theme.contrast(fg, bg) < need]
    assert not low, f"{themed}: below the minimum contrast: {low}"


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    c = QColor(colour)
    lin = [(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
           for v in (c.redF(), c.greenF(), c.blueF())]  # fmt: skip
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _deuteranope(colour: str) -> str:
    """The colour as a deuteranope sees it (Viénot, Brettel and Mollon 1999)."""
    c = QColor(colour)
    r, g, b = c.redF(), c.greenF(), c.blueF()
    r2 = 0.29275 * r + 0.70725 * g
    b2 = -0.02234 * r + 0.02234 * g + b
    return QColor.fromRgbF(min(1, r2), min(1, r2), min(1, max(0, b2))).name()


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_series_colours_stay_apart_for_colour_blind_eyes(palette):
    colours = (theme.SERIES_DARK if palette == "dark" else theme.SERIES_LIGHT)[:8]
    assert "#000000" not in colours and len(set(colours)) == len(colours)
    for seen in (lambda c: c, _deuteranope):
        labs = [_lab(seen(c)) for c in colours]
        closest = min(math.dist(a, b) for i, a in enumerate(labs) for b in labs[i + 1:])
        assert closest > 8, f"two of the first eight series look alike ({closest:.1f})"


def test_an_empty_check_box_is_visible_in_the_dark_theme(qtbot, qapp):
    theme.apply("dark")
    try:
        box = QCheckBox("")
        qtbot.addWidget(box)
        box.resize(24, 24)
        image = box.grab().toImage()
        base = QApplication.instance().palette().color(R.Window)
        best = max(theme.contrast(image.pixelColor(x, y), base)
                   for x in range(image.width()) for y in range(image.height()))
        assert best >= LINE, f"the empty box's outline reads at only {best:.2f}:1"
    finally:
        theme.apply("light")


def test_no_colour_is_written_into_the_window_outside_the_theme():
    """The theme owns every colour: a literal elsewhere would escape the checks above."""
    found = []
    for path in (ROOT / "gui").rglob("*.py"):
        if path.name in ("theme.py", "export.py"):  # export draws on paper, always light
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"#[0-9a-fA-F]{6}\b", line):
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert not found, f"colour literals outside gui/theme.py: {found}"


def lowest_ratio() -> tuple[float, str]:
    """The lowest ratio over both themes (for the closing note; run this module directly)."""
    worst = (99.0, "")
    for name in ("light", "dark"):
        theme.apply(name)
        for what, fg, bg, _ in pairs(name):
            worst = min(worst, (theme.contrast(fg, bg), f"{name}: {what}"))
    return worst


if __name__ == "__main__":
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([])
    ratio, what = lowest_ratio()
    print(f"lowest contrast ratio {ratio:.2f}:1 ({what})")
