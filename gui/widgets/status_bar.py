"""The window's status bar: a long message is elided before the right-hand labels (the whole
text in its hover), and a message may carry a detail that a click shows."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

CLICK = " · details: click"


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: str | None = None
        self._saying = False
        self.messageChanged.connect(self._on_message_changed)
        self.setSizeGripEnabled(False)

    def say(self, text: str, detail: str | None = None, timeout_ms: int = 0) -> None:
        """A plain message; its detail (e.g. the error as the server gave it) on click."""
        self._saying = True
        try:
            self.showMessage(text + (CLICK if detail else ""), timeout_ms)
        finally:
            self._saying = False
        self.detail = detail
        self.setCursor(Qt.CursorShape.PointingHandCursor if detail else
                       Qt.CursorShape.ArrowCursor)  # fmt: skip

    def _on_message_changed(self, text: str) -> None:
        if not self._saying:
            self.detail = None
            self.unsetCursor()
        self.setToolTip(text if text else "")

    def mousePressEvent(self, event) -> None:
        if self.detail and event.button() == Qt.MouseButton.LeftButton:
            box = QMessageBox(QMessageBox.Icon.Information, "Details",
                              self.currentMessage().removesuffix(CLICK), parent=self)
            box.setDetailedText(self.detail)
            box.open()
            return
        super().mousePressEvent(event)

    def _free_rect(self) -> QRect:
        """Left of the first right-hand widget shown: where a message may go."""
        right = self.width() - 4
        for w in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if w.isVisible() and w.geometry().left() > self.width() // 3:
                right = min(right, w.geometry().left() - 8)
        return QRect(6, 0, max(0, right - 6), self.height())

    def paintEvent(self, event) -> None:
        text = self.currentMessage()
        if not text:
            super().paintEvent(event)
            return
        # Qt draws the whole message under the permanent widgets: draw it elided instead.
        painter = QPainter(self)
        rect = self._free_rect()
        line = text.splitlines()[0]
        shown = self.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().windowText().color())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         shown)  # fmt: skip
        painter.end()
