"""Enter or edit one transaction of your own book, checked as you type: only the fields its
type takes are shown, each says what is wrong beside it, and OK stays off until all is
right (the whole ledger is checked again when it is saved)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.domain.ledger import Transaction, TxType
from core.domain.own import TxInput
from core.services.own import FIELDS, HoldingError, OwnPortfolios
from gui import theme

NUMBERS = ("shares", "price", "fees", "amount", "ratio")
LABELS = {"ticker": "Ticker", "date": "Date", "shares": "Shares", "price": "Price per share",
          "fees": "Fees", "amount": "Amount", "ratio": "Ratio", "note": "Note"}  # fmt: skip
HINTS = {
    "ticker": "ticker or CUSIP, e.g. CRWV", "date": "YYYY-MM-DD",
    "shares": "e.g. 100 or 12.5", "price": "in USD, e.g. 101.25", "fees": "optional, in USD",
    "amount": "the total cash, in USD", "ratio": "new shares per old share: 2 for a 2-for-1",
    "note": "optional",
}  # fmt: skip
EXPLAINED = {
    TxType.BUY: "A buy's fees are part of its cost.",
    TxType.SELL: "A sale's fees reduce its proceeds; it takes the oldest shares first (FIFO) "
    "unless Settings say average cost.",
    TxType.DIVIDEND: "Cash paid by the security: counted as income.",
    TxType.SPLIT: "Shares are multiplied by the ratio; the cost stays, so the cost per share "
    "divides.",
    TxType.TRANSFER_IN: "Shares moved in without cash; the price (optional) is their cost.",
    TxType.TRANSFER_OUT: "Shares moved out without cash.",
    TxType.FEE: "A charge not tied to a trade (account fee).",
}


class TransactionDialog(QDialog):
    def __init__(self, own: OwnPortfolios, portfolio: str, parent: QWidget | None = None,
                 today: dt.date | None = None, start: Transaction | None = None,
                 kind: TxType = TxType.BUY, ticker: str = "",
                 shares: str = "") -> None:  # fmt: skip
        super().__init__(parent)
        self.own, self.portfolio = own, portfolio
        self.today = today or dt.date.today()
        self.editing = start
        self.setWindowTitle(f"{'Edit' if start else 'Add'} a transaction: {portfolio}")
        self.type = QComboBox()
        for t in TxType:
            self.type.addItem(t.value.replace("-", " ").capitalize(), t.value)
        self.edits = {name: QLineEdit() for name in LABELS}
        for name, edit in self.edits.items():
            edit.setPlaceholderText(HINTS[name])
            edit.setAccessibleName(LABELS[name])
        self.errors = {name: QLabel() for name in ("type", *LABELS, "ledger")}
        for label in self.errors.values():
            label.setStyleSheet(f"color: {theme.colours().error}")
            label.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Type", self.type)
        for name, edit in self.edits.items():
            self.form.addRow(LABELS[name], edit)
            self.form.addRow("", self.errors[name])
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.explain)
        layout.addWidget(self.errors["ledger"])
        layout.addWidget(self.buttons)
        self._fill(start, kind, ticker, shares)
        self.type.currentIndexChanged.connect(self._on_type_changed)
        for edit in self.edits.values():
            edit.textChanged.connect(self.validate)
        self.checked: Transaction | None = None
        self._on_type_changed()

    def _fill(self, start: Transaction | None, kind: TxType, ticker: str, shares: str) -> None:
        e = self.edits
        if start is None:
            self.type.setCurrentIndex(list(TxType).index(kind))
            e["ticker"].setText(ticker)
            e["shares"].setText(shares)
            e["date"].setText(self.today.isoformat())
            return
        self.type.setCurrentIndex(list(TxType).index(start.type))
        e["ticker"].setText(start.ticker)
        e["date"].setText(start.date.isoformat())
        for name in NUMBERS:
            value = getattr(start, name)
            e[name].setText(f"{value.normalize():f}" if value is not None and
                            (value or name != "fees") else "")  # fmt: skip
        e["note"].setText(start.note or "")

    def kind(self) -> TxType:
        return TxType(self.type.currentData())

    def _on_type_changed(self, *_args) -> None:
        wanted = FIELDS[self.kind()]
        for name in NUMBERS:
            shown = name in wanted
            self.form.setRowVisible(self.edits[name], shown)
            self.form.setRowVisible(self.errors[name], shown)
        self.explain.setText(EXPLAINED[self.kind()])
        self.validate()

    def raw(self) -> TxInput:
        wanted = FIELDS[self.kind()]
        e = self.edits
        return TxInput(self.kind().value, e["ticker"].text(), e["date"].text(),
                       *(e[n].text() if n in wanted else None for n in NUMBERS),
                       e["note"].text())  # fmt: skip

    def validate(self, *_args, use_network: bool = False) -> bool:
        """Local checks as you type (no network); the provider is asked on OK."""
        try:
            self.checked = self.own.check_tx(self.raw(), self.today, use_network=use_network)
            fields: dict[str, str] = {}
        except HoldingError as exc:
            self.checked = None
            fields = exc.fields
        for name, label in self.errors.items():
            typed = self.edits[name].text() if name in self.edits else "x"
            # Say nothing about an empty field until the user has typed in it.
            label.setText(fields.get(name, "") if typed or name not in fields else "")
        ok = not fields
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def refused(self, message: str) -> None:
        """The ledger refused it on save (a sale of more than was held then): say so here."""
        self.errors["ledger"].setText(message)

    def _on_accept(self) -> None:
        if self.validate(use_network=True):
            self.accept()
