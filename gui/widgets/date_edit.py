"""A date field that takes a date typed in full as ISO (2025-01-15): QDateEdit moves on by
itself after a whole section, so the typed "-" jumped a section more (2025-01-15 became
2026-01-15), and focus from the keyboard left the cursor in the last section."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit

ISO = "yyyy-MM-dd"


class IsoDateEdit(QDateEdit):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setDisplayFormat(ISO)
        self._fresh = True  # no key typed since the field got focus (or was made)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._fresh = True

    def mousePressEvent(self, event) -> None:
        self._fresh = False  # a click picks its own section
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if self._fresh and text.isdigit():  # typing a date from the start: the year first
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        self._fresh = False
        edit = self.lineEdit()
        at = edit.cursorPosition()
        if text == "-" and at > 0 and edit.text()[at - 1] == "-":
            return  # Qt moved past this separator already, after a whole section
        super().keyPressEvent(event)
