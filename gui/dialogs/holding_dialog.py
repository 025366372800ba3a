"""Enter a holding of your own portfolio, checked as you type: each field says what is
wrong beside it, and OK stays off until everything is right."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.domain.own import CheckedHolding, HoldingInput
from core.services.own import HoldingError, OwnPortfolios
from gui import theme

FIELDS = ("ticker", "shares", "date", "cost", "note")


class HoldingDialog(QDialog):
    def __init__(self, own: OwnPortfolios, portfolio: str, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.own, self.portfolio = own, portfolio
        self.today = today or dt.date.today()
        self.setWindowTitle(f"Add a holding to {portfolio}")
        self.ticker = QLineEdit()
        self.ticker.setPlaceholderText("ticker or CUSIP, e.g. CRWV")
        self.shares = QLineEdit()
        self.shares.setPlaceholderText("e.g. 100 or 12.5")
        self.date = QDateEdit(calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate(self.today.year, self.today.month, self.today.day))
        self.cost = QLineEdit()
        self.cost.setPlaceholderText("optional: cost per share, for profit and loss")
        self.note = QLineEdit()
        self.errors = {f: QLabel() for f in FIELDS}
        for label in self.errors.values():
            label.setStyleSheet(f"color: {theme.colours().error}")
        form = QFormLayout()
        for name, widget in (("Ticker", self.ticker), ("Shares", self.shares),
                             ("As of", self.date), ("Cost", self.cost), ("Note", self.note)):
            form.addRow(name, widget)
            form.addRow("", self.errors[name.lower() if name != "As of" else "date"])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Positions hold until the next statement; a new date starts "
                                "from the statement before it."))  # fmt: skip
        layout.addWidget(self.buttons)
        for edit in (self.ticker, self.shares, self.cost, self.note):
            edit.textChanged.connect(self.validate)
        self.date.dateChanged.connect(self.validate)
        self.checked: CheckedHolding | None = None
        self.validate()

    def raw(self) -> HoldingInput:
        d = self.date.date()
        return HoldingInput(self.ticker.text(), self.shares.text(),
                            dt.date(d.year(), d.month(), d.day()).isoformat(),
                            self.cost.text(), self.note.text())  # fmt: skip

    def validate(self, *_args, use_network: bool = False) -> bool:
        """Local checks as you type (no network); the provider is asked on OK."""
        try:
            self.checked = self.own.check(self.raw(), self.today, use_network=use_network)
            fields: dict[str, str] = {}
        except HoldingError as exc:
            self.checked = None
            fields = exc.fields
        for name, label in self.errors.items():
            typed = getattr(self, name).text() if name in ("ticker", "shares") else "x"
            # Say nothing about an empty required field until the user has typed in it.
            label.setText(fields.get(name, "") if typed or name not in fields else "")
        ok = not fields
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def _on_accept(self) -> None:
        if self.validate(use_network=True):
            self.accept()
