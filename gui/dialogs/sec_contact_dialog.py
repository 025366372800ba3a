"""Asks once for the contact EDGAR requires in every request (a name and an e-mail)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.edgar.http import MissingContactError, check_contact


class SecContactDialog(QDialog):
    """OK is enabled only when the text is a name and an e-mail address."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contact for EDGAR")
        intro = QLabel("The SEC's EDGAR answers only programs that say who runs them. "
                       "Stakewatch sends this with every request (and nowhere else):")
        intro.setWordWrap(True)
        self.edit = QLineEdit(current)
        self.edit.setPlaceholderText("Jane Doe jane@example.com")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._on_text_changed)
        self._on_text_changed(current)

    def _on_text_changed(self, text: str) -> None:
        ok = True
        try:
            check_contact(text)
            self.problem.setText("")
        except MissingContactError:
            ok = False
            self.problem.setText("Needs your name and an e-mail address, in plain ASCII."
                                 if text.strip() else "")  # fmt: skip
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def contact(self) -> str:
        return check_contact(self.edit.text())
