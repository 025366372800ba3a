"""Keyboard focus is visible on every kind of control, in both themes: a ring in the
palette's highlight colour (Fusion's own cue vanishes in the dark theme)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget


def ring_pixels(widget: QWidget, colour: QColor) -> int:
    image = widget.grab().toImage()
    return sum(1 for x in range(image.width()) for y in (1, 2, image.height() - 3)
               if _near(image.pixelColor(x, y), colour))  # fmt: skip


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("make", [lambda: QPushButton("Follow"), lambda: QLineEdit("x"),
                                  QComboBox, lambda: QCheckBox("Offline")])  # fmt: skip
def test_a_focused_control_shows_a_ring(qtbot, name, make):
    from gui import theme

    theme.apply(name)
    try:
        box = QWidget()
        qtbot.addWidget(box)
        a, b = make(), make()
        for w in (a, b):
            w.setParent(box)
        b.move(0, 60)
        box.resize(200, 120)
        box.show()
        qtbot.waitExposed(box)
        highlight = QApplication.palette().color(QPalette.ColorRole.Highlight)
        b.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(b.hasFocus)
        before = ring_pixels(a, highlight)
        a.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(a.hasFocus)
        assert ring_pixels(a, highlight) > before + 10
    finally:
        theme.apply("light")
