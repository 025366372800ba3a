"""Run something right after a window's first paint (or at once if the window is not shown)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

FALLBACK_MS = 3000  # shown but never painted (minimised, an unmapped window): go on anyway


class _FirstPaint(QObject):
    """Watches the application's events until one of the window's widgets paints."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.then: Callable[[], None] | None = then
        self.painted = False
        QApplication.instance().installEventFilter(self)
        # The first turn of the event loop: a window nobody showed (tests, a screenshot
        # taken before show) never paints, so it runs now; a shown one waits for its paint.
        QTimer.singleShot(0, self, self._on_first_turn)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and obj.window() is self.window):  # fmt: skip
            self.painted = True
            # After the paint has finished: the work starts on the next turn of the loop.
            QTimer.singleShot(0, self, self._run)
        return False

    def _on_first_turn(self) -> None:
        if not self.window.isVisible():
            self._run()
        else:
            QTimer.singleShot(FALLBACK_MS, self, self._run)

    def _run(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        then, self.then = self.then, None
        if then is not None:
            then()


def after_first_paint(window: QWidget, then: Callable[[], None]) -> QObject:
    """then() once: after the window's first paint, or on the first turn of the event loop
    if the window is not shown by then."""
    return _FirstPaint(window, then)
