"""For bench/startup.py: say "painted" at the first painted widget, then leave at once."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


class _FirstPaint(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            os._exit(0)  # the measurement ends here; nothing to save
        return False


def exit_at_first_paint(app: QApplication) -> None:
    app._first_paint_probe = _FirstPaint(app)  # kept alive by the application
    app.installEventFilter(app._first_paint_probe)
