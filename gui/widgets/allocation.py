"""Allocation now as a donut: the largest positions, the rest as "Other (N)", the top
holding named in the middle; a legend beside it with each weight."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import theme
from gui.formatting import money_short, percent

SLICES = 8  # positions drawn one by one; the rest as "Other (N)"
MAX_SIDE = 320  # a bigger ring tells no more


@dataclass(frozen=True, slots=True)
class Slice:
    name: str
    value: float
    weight: float  # share of the book, 0..1
    detail: str = ""  # hover text: issuer, price source, "counted as reported"


class AllocationDonut(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slices: list[Slice] = []
        self.empty_text = "No positions"
        self.setMinimumSize(260, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_slices(self, slices: list[Slice], empty: str = "No positions") -> None:
        """Largest first; beyond SLICES, one "Other (N)" slice. `empty`: what it says
        without any (while a book loads: that it loads)."""
        self.empty_text = empty
        ordered = sorted(slices, key=lambda s: -s.value)
        head, tail = ordered[:SLICES], ordered[SLICES:]
        if tail:
            head.append(Slice(f"Other ({len(tail)})", sum(s.value for s in tail),
                              sum(s.weight for s in tail),
                              ", ".join(s.name for s in tail[:12])))  # fmt: skip
        self.slices = head
        self.setToolTip("\n".join(f"{s.name}: {percent(s.weight)} ({money_short(s.value)})"
                                  + (f"  {s.detail}" if s.detail else "")
                                  for s in self.slices))  # fmt: skip
        self.update()

    def colour(self, i: int) -> QColor:
        if self.slices and self.slices[i].name.startswith("Other ("):
            return QColor(theme.colours().other_series)
        palette = theme.series()
        return QColor(palette[i % len(palette)])

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = theme.colours()
        text = self.palette().color(self.foregroundRole())
        if not self.slices:
            p.setPen(QColor(c.muted))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        metrics = self.fontMetrics()
        names = min(130, max(metrics.horizontalAdvance(s.name) for s in self.slices) + 6)
        # Narrow: the legend keeps the weights and leaves the dollars to the tooltip.
        wide = self.width() - (16 + names + metrics.horizontalAdvance("00.00%  $000.00M")) > 170

        def figures(s: Slice) -> str:
            return f"{percent(s.weight)}  {money_short(s.value)}" if wide else percent(s.weight)

        numbers = max(metrics.horizontalAdvance(figures(s)) for s in self.slices) + 6
        legend = 16 + names + numbers
        side = max(90, min(self.height() - 8, self.width() - legend - 20, MAX_SIDE))
        left = max(4.0, (self.width() - side - 16 - legend) / 2)  # the block centred
        ring = QRectF(left, (self.height() - side) / 2, side, side)
        thickness = max(14.0, side * 0.2)
        inner = ring.adjusted(thickness / 2, thickness / 2, -thickness / 2, -thickness / 2)
        start = 90 * 16
        for i, s in enumerate(self.slices):
            span = -round(s.weight * 360 * 16)
            pen = QPen(self.colour(i), thickness)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            p.drawArc(inner, start, span)
            start += span
        # The top holding, called out in the middle.
        top = self.slices[0]
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(self.font().pointSizeF() * (1.25 if side > 150 else 0.9))
        p.setFont(big)
        p.setPen(text)
        centre = inner.adjusted(thickness / 2, thickness / 2, -thickness / 2, -thickness / 2)
        p.drawText(centre, Qt.AlignmentFlag.AlignCenter,
                   f"{_clip(top.name, 12)}\n{percent(top.weight)}")  # fmt: skip
        # The legend: name, weight, value.
        p.setFont(self.font())
        line = metrics.height() + 3
        x = ring.right() + 16
        y = max(4.0, (self.height() - line * len(self.slices)) / 2)
        for i, s in enumerate(self.slices):
            p.fillRect(QRectF(x, y + 3, 10, 10), self.colour(i))
            p.setPen(text)
            label = metrics.elidedText(s.name, Qt.TextElideMode.ElideRight, names)
            p.drawText(QRectF(x + 16, y, names, line), Qt.AlignmentFlag.AlignLeft, label)
            p.drawText(QRectF(x + 16 + names, y, numbers, line), Qt.AlignmentFlag.AlignRight,
                       figures(s))
            y += line


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
