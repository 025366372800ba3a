"""Tables that fit their width: less important columns hide first, the stretching column
(the issuer) keeps room to be read, and nothing scrolls sideways."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTableView

SAMPLE = 200  # rows measured for a column's width


class ColumnFitter(QObject):
    """Hides `drop_order` columns (first listed goes first) while the shown columns need
    more than the table's width; shows them again as the table widens. `stretch` is the
    column that takes the room left, never less than `stretch_min` pixels."""

    fitted = Signal()  # columns were shown or hidden

    def __init__(self, table: QTableView, stretch: int, drop_order: list[int],
                 stretch_min: int = 160) -> None:  # fmt: skip
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.drop_order = list(drop_order)
        self.stretch_min = stretch_min
        self.hidden_by_fit: set[int] = set()
        self.never: set[int] = set()  # hidden for another reason (P&L columns of a 13F book)
        self.when_empty: set[int] = set()  # hidden while no row has a value (e.g. a stake)
        self._widths: dict[int, int] = {}
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.viewport().installEventFilter(self)
        model = table.model()
        model.modelReset.connect(self.refit)
        model.layoutChanged.connect(self.refit)

    def set_never(self, columns: set[int]) -> None:
        self.never = set(columns)
        for c in columns:
            self.table.setColumnHidden(c, True)
        self.fit()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def refit(self) -> None:
        """The rows changed: measure the columns again, then fit."""
        self._widths = {}
        self.fit()

    def width_of(self, column: int) -> int:
        """Header or widest text of the first SAMPLE rows: cheap on 40,000 rows."""
        if column not in self._widths:
            t = self.table
            model = t.model()
            metrics = t.fontMetrics()
            widest = t.horizontalHeader().sectionSizeHint(column)
            for row in range(min(SAMPLE, model.rowCount())):
                text = model.index(row, column).data()
                if text:
                    widest = max(widest, metrics.horizontalAdvance(str(text)) + 14)
            self._widths[column] = widest + 4
        return self._widths[column]

    def _empty(self, column: int) -> bool:
        model = self.table.model()
        return not any(model.index(row, column).data()
                       for row in range(min(SAMPLE, model.rowCount())))  # fmt: skip

    def fit(self) -> None:
        t = self.table
        columns = t.model().columnCount()
        available = t.viewport().width()
        wanted = [c for c in range(columns) if c != self.stretch and c not in self.never]
        dropped: set[int] = {c for c in self.when_empty if c in wanted and self._empty(c)}
        for c in self.drop_order:
            need = sum(self.width_of(k) for k in wanted if k not in dropped)
            if need + self.stretch_min <= available:
                break
            if c in wanted:
                dropped.add(c)
        header = t.horizontalHeader()
        for c in wanted:
            t.setColumnHidden(c, c in dropped)
            if c not in dropped:
                header.resizeSection(c, self.width_of(c))
        # The stretching column is as wide as its text, not as the window: on a wide screen
        # the room left stays at the right instead of parting names from their numbers.
        room = available - sum(self.width_of(k) for k in wanted if k not in dropped)
        content = max(self.width_of(self.stretch), self.stretch_min)
        if content < room:
            header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.stretch, content)
        else:
            header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)
        self.hidden_by_fit = dropped
        self.fitted.emit()
