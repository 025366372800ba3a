"""What a lone information table does not say about itself: filer, period, filing date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from core.services.importer import ImportOptions
from gui import theme
from gui.widgets.date_edit import IsoDateEdit


class ImportDetailsDialog(QDialog):
    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Information table details")
        self.cik = QLineEdit()
        self.cik.setPlaceholderText("e.g. 1045810")
        self.name = QLineEdit()
        self.period = IsoDateEdit(calendarPopup=True)
        self.filed = IsoDateEdit(calendarPopup=True)
        today = QDate.currentDate()
        self.period.setDate(today.addMonths(-2))
        self.filed.setDate(today)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {theme.colours().error}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"{file_name} is an information table alone: say whose and when."))
        form.addRow("Filer CIK", self.cik)
        form.addRow("Filer name", self.name)
        form.addRow("Period of report", self.period)
        form.addRow("Filed on (decides the value unit)", self.filed)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.cik.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        cik = self.cik.text().strip()
        ok = cik.isdigit() and len(cik) <= 10
        self.error.setText("" if ok or not cik else "The CIK is a number of up to 10 digits.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def options(self) -> ImportOptions:
        def day(edit: IsoDateEdit) -> dt.date:
            d = edit.date()
            return dt.date(d.year(), d.month(), d.day())

        return ImportOptions(cik=self.cik.text().strip(), name=self.name.text().strip() or None,
                             period=day(self.period), filed=day(self.filed))  # fmt: skip
