"""Today's price line in a quote tile: the session's 1-minute closes, then the ticks since,
with the previous close as a dashed reference line; painted by hand (no chart library at
start)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import theme

MAX_POINTS = 2000  # a session's worth at a tick every ~12 s; older points are thinned


class Sparkline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[float, float]] = []  # (epoch seconds, price)
        self.reference: float | None = None  # the previous close
        self.setFixedSize(QSize(64, 26))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.hide()

    def add(self, when: float, price: float, reference: float | None) -> None:
        if self.points and when < self.points[-1][0]:
            return  # an older tick arriving late: the line only moves forward
        self.points.append((when, price))
        if len(self.points) > MAX_POINTS:
            self.points = self.points[::2]
        if reference:
            self.reference = reference
        self.setVisible(len(self.points) > 1)
        self.update()

    def seed(self, minutes: list[tuple[float, float]], reference: float | None) -> None:
        """Start the line from the session's 1-minute closes (epoch seconds, price); ticks
        that came before them and are newer than their last minute stay after them."""
        if not minutes:
            return
        minutes = sorted(minutes)
        later = [p for p in self.points if p[0] > minutes[-1][0]]
        self.points = (minutes + later)[-MAX_POINTS:]
        if reference:
            self.reference = reference
        self.setVisible(len(self.points) > 1)
        self.update()

    def set_reference(self, reference: float) -> None:
        if reference != self.reference:
            self.reference = reference
            self.update()

    def clear(self) -> None:
        self.points = []
        self.hide()

    def paintEvent(self, _event) -> None:
        if len(self.points) < 2:
            return
        c = theme.colours()
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points] + ([self.reference] if self.reference else [])
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        w, h = self.width() - 2, self.height() - 4

        def at(x: float, y: float) -> QPointF:
            px = 1 + (x - x0) / (x1 - x0 or 1) * w
            return QPointF(px, 2 + (1 - (y - y0) / (y1 - y0 or 1)) * h)

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.reference:
            pen = QPen(QColor(c.chart_marker))
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            y = at(x0, self.reference).y()
            p.drawLine(QPointF(1, y), QPointF(1 + w, y))
        last = self.points[-1][1]
        up = self.reference is None or last >= self.reference
        p.setPen(QPen(QColor(c.up if up else c.down), 1.4))
        p.drawPolyline(QPolygonF([at(x, y) for x, y in self.points]))
