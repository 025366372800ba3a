"""Light and dark themes (Fusion palettes), or the system's; charts follow."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 32, 36), QColor(43, 45, 50), QColor(222, 224, 228)
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(38, 40, 45)),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.BrightText, QColor("red")),
        (QPalette.ColorRole.Highlight, QColor(56, 117, 215)),
        (QPalette.ColorRole.HighlightedText, QColor("white")),
        (QPalette.ColorRole.PlaceholderText, QColor(140, 143, 150)),
        (QPalette.ColorRole.Link, QColor(110, 160, 240)),
    ):  # fmt: skip
        p.setColor(role, colour)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120))
    return p


def apply(theme: str) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle("Fusion")
    if theme == "dark":
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())  # the platform's own


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def chart_colours() -> dict[str, str]:
    """Background, foreground and grid colours for pyqtgraph in the current theme."""
    if is_dark():
        return {"background": "#1e2024", "foreground": "#dee0e4", "grid": "#3a3d44"}
    return {"background": "#ffffff", "foreground": "#24292f", "grid": "#d0d7de"}


# Distinct, colour-blind-friendly series colours (Okabe-Ito, then Tableau).
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
          "#000000", "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#76B7B2",
          "#EDC948", "#FF9DA7", "#BAB0AC"]  # fmt: skip
STATUS_COLOURS = {"NEW": "#1a7f37", "ADDED": "#2da44e", "REDUCED": "#bf8700",
                  "SOLD OUT": "#cf222e", "UNCHANGED": "#6e7781"}  # fmt: skip
