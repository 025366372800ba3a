"""Your portfolio beside a filer's, and a CSV import previewed line by line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.services.own import PreviewLine
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


class CsvPreviewDialog(QDialog):
    """Each line with its checks; Import is possible only when every line is good."""

    def __init__(self, name: str, lines: list[PreviewLine], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Import holdings from {name}")
        self.resize(760, 480)
        bad = [ln for ln in lines if ln.errors]
        error = theme.colours().error
        self.summary = QLabel(
            f"{len(lines)} holding(s); " + (f"<span style='color:{error}'><b>{len(bad)} bad "
            "line(s)</b>: fix the file, nothing will be imported</span>" if bad
            else "all good: import them all in one step (undoable)")
        )  # fmt: skip
        rows = [[str(ln.line), ln.raw["ticker"], ln.raw["shares"], ln.raw["date"],
                 ln.raw["cost"], "; ".join(f"{k}: {v}" for k, v in ln.errors.items()) or "ok"]
                for ln in lines]  # fmt: skip
        self.table = _table(["Line", "Ticker", "Shares", "Date", "Cost", "Check"], rows)
        colours = theme.colours()
        for i, ln in enumerate(lines):
            colour = QColor(colours.row_bad if ln.errors else colours.row_good)
            for j in range(6):
                self.table.item(i, j).setBackground(colour)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(not bad and bool(lines))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons, alignment=Qt.AlignmentFlag.AlignRight)
