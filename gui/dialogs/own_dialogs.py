"""Your portfolio beside a filer's, a CSV import previewed line by line, and a broker's
statement reconciled with the ledger."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.services.ledger_csv import TxLine, TxPreview
from gui import theme


def _numeric(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").replace("%", "").replace(
        "$", "").lstrip("+-").isdigit()  # fmt: skip


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            item = QTableWidgetItem(text)
            if _numeric(text):  # numbers right-aligned, as everywhere
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            t.setItem(i, j, item)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _lay_out(dialog, action: str):
    """A preview dialog's layout: its summary, its table, then Cancel and the action (which
    accepts); returns the action's button."""
    dialog.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = dialog.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    dialog.buttons.accepted.connect(dialog.accept)
    dialog.buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(dialog.summary)
    layout.addWidget(dialog.table, 1)
    layout.addWidget(dialog.buttons, alignment=Qt.AlignmentFlag.AlignRight)
    return button


class CompareDialog(QDialog):
    def __init__(self, c: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{c['portfolio']} beside {c['other']}")
        self.resize(620, 480)

        def pct(w):
            return f"{w * 100:.2f}%" if w is not None else ""

        self.summary = QLabel(
            f"<b>Overlap {c['overlap'] * 100:.2f}%</b> (the sum of the smaller weight of each "
            f"position) · {len(c['common'])} position(s) in common · {c['portfolio']} as of "
            f"{c['period']}, {c['other']} as of {c['other_period']}"
        )  # fmt: skip
        self.summary.setWordWrap(True)
        self.table = _table(["Ticker", c["portfolio"], c["other"]],
                            [[p["ticker"], pct(p["weight"]), pct(p["other_weight"])]
                             for p in c["positions"]])  # fmt: skip
        match = theme.colours().row_match
        for i, p in enumerate(c["positions"]):
            if p["weight"] is not None and p["other_weight"] is not None:
                for j in range(3):
                    self.table.item(i, j).setBackground(QColor(match))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)


class CsvPreviewModel(QAbstractTableModel):
    """The previewed lines as a table, made on demand: a CSV may have 100,000 lines."""

    HEADERS = ("Line", "Date", "Type", "Ticker", "Shares", "Price", "Fees", "Amount", "Check")
    KEYS = ("date", "type", "ticker", "shares", "price", "fees", "amount")

    def __init__(self, lines: list[TxLine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines
        colours = theme.colours()
        self._bad, self._good = QColor(colours.row_bad), QColor(colours.row_good)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        ln = self.lines[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._bad if ln.errors else self._good
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(ln, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and _numeric(self._text(ln, index.column())):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(ln: TxLine, column: int) -> str:
        if column == 0:
            return str(ln.line)
        if column == len(CsvPreviewModel.HEADERS) - 1:
            return "; ".join(f"{k}: {v}" for k, v in ln.errors.items()) or "ok"
        key = CsvPreviewModel.KEYS[column - 1]
        if ln.tx is not None:
            value = ln.tx.type.value if key == "type" else getattr(ln.tx, key)
            if key in ("shares", "price", "fees", "amount") and value is not None:
                return f"{value.normalize():,f}" if value or key != "fees" else ""
            return "" if value is None else str(value)
        return ln.raw.get(key, "")


class CsvPreviewDialog(QDialog):
    """Each line with its checks, bad lines first; Import is possible only when every line
    is good."""

    def __init__(self, name: str, preview: TxPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Import transactions from {name}")
        self.resize(860, 480)
        lines = preview.lines
        bad = [ln for ln in lines if ln.errors]
        error = theme.colours().error
        skipped = ", ".join(f"{n} {k}" for k, n in sorted(preview.skipped.items()))
        self.summary = QLabel(
            f"{len(lines):,} transaction(s); " + (f"<span style='color:{error}'><b>{len(bad):,} "
            "bad line(s)</b> (listed first): fix the file, nothing will be imported</span>"
            if bad else "all good: import them all in one step (undoable)")
            + (f"<br>Left out (cash only, not tracked): {skipped}" if skipped else "")
        )  # fmt: skip
        self.summary.setWordWrap(True)
        self.model = CsvPreviewModel(bad + [ln for ln in lines if not ln.errors], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(500)  # widths from the first rows, not all 100,000
        header.setStretchLastSection(True)
        self.import_button = _lay_out(self, "Import")
        self.import_button.setEnabled(not bad and bool(lines))


class ReconcileDialog(QDialog):
    """A broker's holdings on a date against the ledger's: each difference and the buy or
    sale that closes it; Record makes them transactions (one undoable step)."""

    def __init__(self, name: str, day, diffs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reconcile with {name}")
        self.resize(640, 400)

        def num(d) -> str:
            return f"{d.normalize():,f}"

        self.summary = QLabel(
            f"{len(diffs)} difference(s) between your ledger on {day} and {name}: recording "
            "them makes the ledger hold what the statement says from that date on."
            if diffs else f"Your ledger on {day} already holds what {name} states.")
        self.summary.setWordWrap(True)
        self.table = _table(["Ticker", "Ledger", "Statement", "Records"],
                            [[d.ticker, num(d.held), num(d.stated),
                              f"{d.tx.type.value} {num(d.tx.shares)}"] for d in diffs])
        self.record_button = _lay_out(self, "Record")
        self.record_button.setEnabled(bool(diffs))
