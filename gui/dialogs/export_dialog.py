"""File > Export: which portfolio (or all), as of which date, which format, and for a
picture which chart; then where. The file name follows the format chosen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from gui.widgets.date_edit import IsoDateEdit

FORMATS = (("json", "JSON snapshot (lossless, opens again read-only)"),
           ("csv", "CSV positions"), ("xlsx", "Excel workbook"), ("pdf", "PDF report"),
           ("png", "PNG picture of a chart"), ("svg", "SVG picture of a chart"))  # fmt: skip
CHARTS = (("value", "Value over time"), ("concentration", "Concentration"),
          ("prices", "NVDA and CRWV prices"))  # fmt: skip
ALL = "All portfolios"


@dataclass(frozen=True, slots=True)
class ExportChoice:
    portfolios: list[str]  # names
    as_of: dt.date | None  # None: today, at the latest prices
    fmt: str
    chart: str
    path: Path


class ExportDialog(QDialog):
    def __init__(self, names: list[str], current: str | None, folder: Path,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.names = names
        self.portfolio = QComboBox()
        self.portfolio.addItems([*names, ALL])
        if current in names:
            self.portfolio.setCurrentText(current)
        self.today = QCheckBox("Today, at the latest prices")
        self.today.setChecked(True)
        self.as_of = IsoDateEdit(QDate.currentDate())
        self.as_of.setCalendarPopup(True)
        self.as_of.setMaximumDate(QDate.currentDate())
        self.as_of.setEnabled(False)
        self.today.toggled.connect(lambda on: self.as_of.setEnabled(not on))
        self.format = QComboBox()
        for key, text in FORMATS:
            self.format.addItem(text, key)
        self.chart = QComboBox()
        for key, text in CHARTS:
            self.chart.addItem(text, key)
        self.path = QLineEdit(str(folder / f"{current or 'portfolios'}.json"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.format.currentIndexChanged.connect(self._on_format)
        self.portfolio.currentIndexChanged.connect(self._on_format)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Portfolio", self.portfolio)
        form.addRow("As of", self.today)
        form.addRow("", self.as_of)
        form.addRow("Format", self.format)
        form.addRow("Chart", self.chart)
        form.addRow("Save to", where)
        form.addRow(self.buttons)
        self._on_format()

    def fmt(self) -> str:
        return self.format.currentData()

    def _on_format(self, _index: int = 0) -> None:
        """Pictures need a chart; a picture or a PDF shows one book; the suffix follows."""
        picture = self.fmt() in ("png", "svg")
        self.chart.setEnabled(picture)
        all_books = self.portfolio.currentText() == ALL
        self.export_button.setEnabled(not (all_books and self.fmt() in ("png", "svg", "pdf")))
        self.export_button.setToolTip("A picture or a PDF shows one portfolio: choose one"
                                      if not self.export_button.isEnabled() else "")
        path = Path(self.path.text() or "export")
        self.path.setText(str(path.with_suffix(f".{self.fmt()}")))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                                f"{self.fmt().upper()} (*.{self.fmt()})")
        if chosen:
            self.path.setText(chosen)
            self._on_format()

    def choice(self) -> ExportChoice:
        names = self.names if self.portfolio.currentText() == ALL else [
            self.portfolio.currentText()]  # fmt: skip
        as_of = None if self.today.isChecked() else self.as_of.date().toPython()
        return ExportChoice(names, as_of, self.fmt(), self.chart.currentData(),
                            Path(self.path.text()))
