"""Light and dark themes (Fusion palettes), or the system's; every colour the app draws text
or lines with, per theme, chosen to stay readable (tests/gui/test_contrast.py checks it)."""

from __future__ import annotations

import colorsys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

THEMES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Colours:
    """Text and line colours of one theme; each reads at >= 4.5:1 on the window and base
    backgrounds (lines and large figures at >= 3:1 on the chart background)."""

    muted: str  # secondary text: labels, ages, units
    up: str
    down: str
    warn: str
    error: str
    neutral_change: str  # a day change too old to colour
    row_good: str  # backgrounds of checked-good and checked-bad rows (text stays Text)
    row_bad: str
    row_match: str
    banner_bg: str
    banner_text: str
    chart_background: str
    chart_foreground: str
    chart_grid: str
    chart_marker: str  # filing-date lines and the "as of" line
    other_series: str  # the "Other (N)" layer


LIGHT = Colours(
    muted="#57606a", up="#16722f", down="#cf222e", warn="#8a5a00", error="#cf222e",
    neutral_change="#57606a", row_good="#dafbe1", row_bad="#ffebe9", row_match="#ddf4ff",
    banner_bg="#fff8c5", banner_text="#4d2d00",
    chart_background="#ffffff", chart_foreground="#24292f", chart_grid="#d0d7de",
    chart_marker="#6e7781", other_series="#6e7781",
)  # fmt: skip
DARK = Colours(
    muted="#a8adb5", up="#4ac26b", down="#ff7b72", warn="#e3b341", error="#ff7b72",
    neutral_change="#a8adb5", row_good="#1c3d2a", row_bad="#4a2125", row_match="#1d3a5c",
    banner_bg="#3b2e00", banner_text="#f2dfa0",
    chart_background="#1e2024", chart_foreground="#dee0e4", chart_grid="#3a3d44",
    chart_marker="#8b929c", other_series="#9aa0a8",
)  # fmt: skip


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 32, 36), QColor(43, 45, 50), QColor(222, 224, 228)
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(38, 40, 45)),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.BrightText, QColor("#ff7b72")),
        (QPalette.ColorRole.Highlight, QColor(38, 94, 180)),
        (QPalette.ColorRole.HighlightedText, QColor("white")),
        (QPalette.ColorRole.PlaceholderText, QColor(160, 165, 173)),
        (QPalette.ColorRole.Link, QColor(120, 170, 245)),
        # Fusion draws frames and check-box borders from these: light enough to see.
        (QPalette.ColorRole.Light, QColor(90, 94, 102)), (QPalette.ColorRole.Midlight,
                                                          QColor(70, 73, 80)),
        (QPalette.ColorRole.Mid, QColor(110, 114, 122)), (QPalette.ColorRole.Dark,
                                                          QColor(20, 21, 24)),
        (QPalette.ColorRole.Shadow, QColor(10, 10, 12)),
    ):  # fmt: skip
        p.setColor(role, colour)
    disabled = QColor(140, 144, 150)  # still 3:1 on the window: greyed, not gone
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):  # fmt: skip
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def _light_palette(standard: QPalette) -> QPalette:
    p = QPalette(standard)
    # Fusion's placeholder and disabled greys are near 2.5:1 on white; darken them.
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#6e7781"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#1f5fbf"))  # white on it at 6:1
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):  # fmt: skip
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b828a"))
    return p


class VisibleIndicatorStyle(QProxyStyle):
    """Fusion with check-box and radio outlines drawn at a visible contrast in both themes
    (Fusion's own outline is the window colour darkened: invisible on a dark base)."""

    _BOXES = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
              QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)  # fmt: skip

    # Keyboard focus shows as a ring in the highlight colour on every control (Fusion's
    # own cue is a faint tint that vanishes in the dark theme).
    _RINGED = (QStyle.PrimitiveElement.PE_PanelButtonCommand,
               QStyle.PrimitiveElement.PE_PanelLineEdit,
               QStyle.PrimitiveElement.PE_FrameFocusRect)  # fmt: skip
    _RINGED_COMPLEX = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)

    @staticmethod
    def _ring(option, painter) -> None:
        if not option.state & QStyle.StateFlag.State_HasFocus:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(option.palette.color(QPalette.ColorRole.Highlight))
        pen.setWidth(2)
        painter.setPen(pen)
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.drawRoundedRect(QRect(option.rect).adjusted(1, 1, -1, -1), 3, 3)
        painter.restore()

    def drawComplexControl(self, control, option, painter, widget=None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in self._RINGED_COMPLEX:
            self._ring(option, painter)

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._RINGED:
            self._ring(option, painter)
        if element in self._BOXES:
            r = QRect(option.rect)
            side = min(r.width(), r.height(), 14)
            box = QRect(0, 0, side, side)
            box.moveCenter(r.center())
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            pen = QPen(indicator_outline(option.palette))
            pen.setWidth(1)
            painter.setPen(pen)
            painter.setBrush(QColor(0, 0, 0, 0))
            painter.drawRect(box.adjusted(0, 0, -1, -1))
            painter.restore()


def indicator_outline(palette: QPalette) -> QColor:
    """The outline of check boxes: the muted text colour of the palette's theme."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(DARK.muted if dark else "#6e7781")


def apply(theme: str) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle(VisibleIndicatorStyle("Fusion"))
    if theme == "dark":
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.setPalette(_light_palette(app.style().standardPalette()))
    else:
        app.setPalette(QPalette())  # the platform's own


_LIGHT_FORCED = [0]  # > 0 while an export or print builds its charts


@contextmanager
def light_for_export() -> Iterator[None]:
    """Charts built inside take the light theme's colours whatever the window's: exported
    and printed charts are for paper and other people's screens."""
    _LIGHT_FORCED[0] += 1
    try:
        yield
    finally:
        _LIGHT_FORCED[0] -= 1


def is_dark() -> bool:
    if _LIGHT_FORCED[0]:
        return False
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colours() -> Colours:
    """The current theme's colours (dark when the window background is dark)."""
    return DARK if is_dark() else LIGHT


def chart_colours() -> dict[str, str]:
    """Background, foreground and grid colours for pyqtgraph in the current theme."""
    c = colours()
    return {"background": c.chart_background, "foreground": c.chart_foreground,
            "grid": c.chart_grid, "marker": c.chart_marker}  # fmt: skip


# -- contrast -------------------------------------------------------------------------------
def luminance(colour: QColor | str) -> float:
    """WCAG 2 relative luminance."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _fit(hex_colour: str, background: str, minimum: float) -> str:
    """The hue kept, lightness moved away from the background until the ratio holds."""
    c = QColor(hex_colour)
    h, lightness, s = colorsys.rgb_to_hls(c.redF(), c.greenF(), c.blueF())
    darker = luminance(background) > 0.5
    while contrast(c, background) < minimum and 0.0 < lightness < 1.0:
        lightness = max(0.0, lightness - 0.02) if darker else min(1.0, lightness + 0.02)
        r, g, b = colorsys.hls_to_rgb(h, lightness, s)
        c = QColor.fromRgbF(r, g, b)
    return c.name()


# Okabe and Ito's and Paul Tol's colour-blind-safe hues, ordered so the first eight stay
# furthest apart for normal and deuteranope eyes; no black (vanishes on dark) and no pale
# yellow (vanishes on white). Each theme shifts their lightness until
# a line reads at 3:1 on its chart background.
_HUES = ["#0072B2", "#D55E00", "#009E73", "#AA4499", "#117733", "#882255", "#CC6677",
         "#88CCEE", "#CC79A7", "#999933", "#E69F00", "#332288"]  # fmt: skip
SERIES_LIGHT = [_fit(h, LIGHT.chart_background, 3.2) for h in _HUES]
SERIES_DARK = [_fit(h, DARK.chart_background, 3.2) for h in _HUES]


def series() -> list[str]:
    """Series colours for the current theme."""
    return SERIES_DARK if is_dark() else SERIES_LIGHT


# Kept for callers that draw once without a theme (exports): the light set.
SERIES = SERIES_LIGHT


def status_colours() -> dict[str, str]:
    """Colours of a position's change since the previous report, for the current theme."""
    c = colours()
    return {"NEW": c.up, "ADDED": c.up, "REDUCED": c.warn, "SOLD OUT": c.down,
            "UNCHANGED": c.muted}  # fmt: skip


STATUS_COLOURS = {"NEW": LIGHT.up, "ADDED": LIGHT.up, "REDUCED": LIGHT.warn,
                  "SOLD OUT": LIGHT.down, "UNCHANGED": LIGHT.muted}  # fmt: skip
