"""Pages on a wide screen: the content keeps to a centred column, and a short table ends at
its last row so the lines under it stay beside its numbers (not 1,000 px below them)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView, QWidget

MAX_CONTENT_WIDTH = 1680  # px: at 2560 wide a page is a centred column, not a thin line
MANY_ROWS = 100  # a table of more rows fills the page's height and scrolls
QWIDGETSIZE_MAX = (1 << 24) - 1


class _Centred(QObject):
    """Widens the page layout's side margins so its content is at most `width` wide."""

    def __init__(self, page: QWidget, width: int) -> None:
        super().__init__(page)
        self.page, self.width = page, width
        self.margins = page.layout().contentsMargins()
        page.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.page and event.type() == QEvent.Type.Resize:
            m = self.margins
            room = self.page.width() - m.left() - m.right()
            side = max(0, (room - self.width) // 2)
            self.page.layout().setContentsMargins(m.left() + side, m.top(), m.right() + side,
                                                  m.bottom())  # fmt: skip
        return False


def keep_centred(page: QWidget, width: int = MAX_CONTENT_WIDTH) -> None:
    """The page's layout (set before) keeps its content within `width`, centred."""
    _Centred(page, width)


class _HugRows(QObject):
    """Caps a table's height at what its rows need; more rows than fit scroll as before."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.layoutChanged):  # fmt: skip
            signal.connect(self.fit)
        table.installEventFilter(self)
        self.fit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()
        return False

    def fit(self) -> None:
        t = self.table
        rows = t.model().rowCount()
        if rows > MANY_ROWS:  # taller than any screen: it scrolls, as it always did
            t.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        header = t.horizontalHeader()
        height = header.sizeHint().height() if header.isVisible() else 0
        least = 3 * t.verticalHeader().defaultSectionSize()  # an empty table keeps some room
        height += max(least, sum(t.rowHeight(r) for r in range(rows)))
        height += 2 * t.frameWidth() + t.horizontalScrollBar().sizeHint().height()
        t.setMaximumHeight(height)


def hug_rows(table: QTableView) -> None:
    """The table is never taller than its rows (the layout puts the room below the page)."""
    _HugRows(table)
