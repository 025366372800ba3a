"""The page list on the window's left: a drawn icon and the page's name per row, folded to
the icons alone on a narrow window; the keyboard moves through it, focus shows as a ring."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

FOLD_BELOW = 1000  # window width (px) under which the sidebar shows icons only
ICON = 20  # the glyph's side
ROW = 38  # a row's height
FOLDED_WIDTH = 52
WIDE = (150, 200)  # the unfolded sidebar's minimum and maximum width


# Glyphs drawn as strokes: each a list of polylines in a 24 x 24 box.
_STROKES = {
    "charts": [[(3, 3), (3, 21), (21, 21)], [(6, 16), (10, 11), (14, 14), (20, 6)]],  # axes, a line
    "transactions": [[(3, 8), (20, 8)], [(16, 4), (20, 8), (16, 12)],  # to and fro: two arrows
                     [(21, 16), (4, 16)], [(8, 12), (4, 16), (8, 20)]],
}


def _glyph(name: str) -> QPainterPath:
    """A page's glyph as a path in a 24 x 24 box, drawn with the text colour."""
    p = QPainterPath()
    if name in _STROKES:
        for first, *rest in _STROKES[name]:
            p.moveTo(*first)
            for point in rest:
                p.lineTo(*point)
        return p
    if name == "dashboard":  # four tiles
        for x, y in ((3, 3), (13, 3), (3, 13), (13, 13)):
            p.addRoundedRect(QRectF(x, y, 8, 8), 2, 2)
    elif name == "holdings":  # a list: bullets and lines
        for y in (6, 12, 18):
            p.addEllipse(QPointF(4.5, y), 1.2, 1.2)
            p.moveTo(9, y)
            p.lineTo(21, y)
    elif name == "companies":  # a building with windows
        p.addRect(QRectF(5, 3, 14, 18))
        for x in (8, 13.5):
            for y in (6, 10.5, 15):
                p.addRect(QRectF(x, y, 2.5, 2.5))
    elif name == "holders":  # two people
        for cx, scale in ((9, 1.0), (17, 0.8)):
            p.addEllipse(QPointF(cx, 8), 3.2 * scale, 3.2 * scale)
            p.moveTo(cx - 6 * scale, 21)
            p.cubicTo(cx - 6 * scale, 14, cx + 6 * scale, 14, cx + 6 * scale, 21)
    else:  # a page without a glyph of its own: a dot
        p.addEllipse(QPointF(12, 12), 3, 3)
    return p


def draw_glyph(painter: QPainter, name: str, box: QRectF, colour: QColor) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(box.topLeft())
    painter.scale(box.width() / 24, box.height() / 24)
    pen = QPen(colour, 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_glyph(name))
    painter.restore()


class _Delegate(QStyledItemDelegate):
    """Draws a row: the selection as a rounded pill, the glyph, the name unless folded, and
    a ring in the highlight colour around the current row while the list has focus."""

    def __init__(self, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        self.sidebar = sidebar

    def sizeHint(self, option, index) -> QSize:
        width = option.fontMetrics.horizontalAdvance(index.data() or "") + ICON + 40
        return QSize(FOLDED_WIDTH - 8 if self.sidebar.folded else width, ROW)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        pal = option.palette
        rect = QRectF(option.rect).adjusted(4, 2, -4, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        if selected:
            painter.setBrush(pal.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 6, 6)
        elif hovered:
            tint = QColor(pal.color(QPalette.ColorRole.Highlight))
            tint.setAlpha(40)
            painter.setBrush(tint)
            painter.drawRoundedRect(rect, 6, 6)
        if (option.state & QStyle.StateFlag.State_HasFocus) and self.sidebar.hasFocus():
            ring = QPen(pal.color(QPalette.ColorRole.Highlight) if not selected
                        else pal.color(QPalette.ColorRole.HighlightedText), 2)  # fmt: skip
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5)
        text_colour = pal.color(QPalette.ColorRole.HighlightedText if selected
                                else QPalette.ColorRole.WindowText)  # fmt: skip
        glyph = QRectF(0, 0, ICON, ICON)
        if self.sidebar.folded:
            glyph.moveCenter(rect.center())
        else:
            glyph.moveCenter(QPointF(rect.left() + 10 + ICON / 2, rect.center().y()))
        draw_glyph(painter, index.data(Qt.ItemDataRole.UserRole) or "", glyph, text_colour)
        if not self.sidebar.folded:
            painter.setPen(text_colour)
            text_rect = rect.adjusted(ICON + 20, 0, -6, 0)
            text = option.fontMetrics.elidedText(index.data() or "", Qt.TextElideMode.ElideRight,
                                                 int(text_rect.width()))  # fmt: skip
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()


class Sidebar(QListWidget):
    """One row per page (glyph key, title); `set_folded(True)` leaves the glyphs alone,
    each row's name then in its tooltip (and always its accessible text)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("sidebar")
        self.folded = False
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)  # the hover tint
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it; arrows move
        self.setItemDelegate(_Delegate(self))
        self.setAccessibleName("Pages")
        self.set_folded(False)
        self._shade()

    def add_page(self, title: str, glyph: str) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, glyph)
        item.setToolTip(title)
        self.addItem(item)

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        if folded:
            self.setFixedWidth(FOLDED_WIDTH)
        else:
            self.setMinimumWidth(WIDE[0])
            self.setMaximumWidth(WIDE[1])
        self.scheduleDelayedItemsLayout()  # rows re-measure for the new width
        self.viewport().update()

    def fit_window(self, window_width: int) -> bool:
        """Folded on a narrow window, unfolded on a wide one; True if that changed."""
        folded = window_width < FOLD_BELOW
        if folded == self.folded:
            return False
        self.set_folded(folded)
        return True

    def preferred_width(self) -> int:
        if self.folded:
            return FOLDED_WIDTH
        return max(WIDE[0], min(WIDE[1], self.sizeHintForColumn(0) + 8))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:  # the theme changed
            self._shade()

    def _shade(self) -> None:
        """The list's background a shade off the window's, in either theme."""
        window = QApplication.palette().color(QPalette.ColorRole.Window)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Base, window.darker(106) if window.lightness() > 128
                     else window.darker(125))  # fmt: skip
        self.setPalette(pal)
