"""A banner on the dashboard: a new filing arrived (with a button to its changes), or the
filer's latest report is old and when the next one is due. Never over an own portfolio's
dashboard (it files nothing): news waits there until a filer is shown again."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from core.domain.following import Staleness
from gui import theme
from gui.formatting import money_short

if TYPE_CHECKING:  # the ORM: loaded after the first paint
    from core.services.following import NewFiling

_SUFFIX = re.compile(r"[,\s]+(corp(oration)?|inc|llc|lp|l\.p\.|ltd|plc|co)\.?$", re.I)


def short_name(name: str) -> str:
    """'NVIDIA Corp' -> 'NVIDIA': how people say it in a sentence."""
    shorter = _SUFFIX.sub("", name.strip())
    return shorter or name


def new_filing_text(n: NewFiling) -> str:
    text = (f"{short_name(n.portfolio.name)} filed its 13F for {n.period.isoformat()} on "
            f"{n.filed.isoformat()}: {n.positions} positions, {money_short(n.total_value)}")
    parts = []
    if n.new:
        parts.append(f"{n.new} new")
    if n.sold_out:
        parts.append(f"{n.sold_out} sold out")
    return text + ("; " + ", ".join(parts) if parts else "")


def staleness_text(name: str, latest: dt.date, s: Staleness) -> str:
    due = f"its 13F for {s.next_period.isoformat()} is due {s.due.isoformat()}"
    if s.overdue:
        return (f"{short_name(name)}'s latest report is for {latest.isoformat()}; {due} and "
                "is overdue (not yet on EDGAR, or not yet synced)")
    return f"{short_name(name)}'s latest report is for {latest.isoformat()}; {due}"


class FilingBanner(QFrame):
    """Hidden until told something; `open_changes` asks the window to show a filing."""

    open_changes = Signal(object)  # the NewFiling

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filing-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton("Show changes")
        self.show_button.clicked.connect(self._on_show)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.close_button)
        self.note: NewFiling | None = None
        self.own = False  # an own portfolio is shown: nothing about filings
        self.hide()

    def set_own(self, own: bool) -> None:
        """An own portfolio hides the banner; back on a filer, unread news shows again."""
        self.own = own
        if own:
            self.hide()
        elif self.note is not None:
            self.announce(self.note)

    def _style(self, kind: str) -> None:
        c = theme.colours()
        # A due or late report is information, not an alarm: a quiet border, no red.
        accent = {"new": c.up, "stale": c.muted, "overdue": c.muted}[kind]
        self.setStyleSheet(f"#filing-banner {{ border: 1px solid {accent}; "
                           f"border-left: 5px solid {accent}; border-radius: 4px; }}")

    def announce(self, note: NewFiling) -> None:
        self.note = note
        if self.own:  # kept for when a filer is shown
            return
        self.text.setText(new_filing_text(note))
        self.show_button.show()
        self._style("new")
        self.show()

    def show_staleness(self, name: str, latest: dt.date | None, s: Staleness) -> None:
        """A stale filer's due date; nothing if fresh (a new-filing note stays until read)."""
        if self.note is not None and not self.isHidden():  # (hidden itself, not its window)
            return
        if self.own or latest is None or not s.stale:
            self.hide()
            return
        self.text.setText(staleness_text(name, latest, s))
        self.show_button.hide()
        self._style("overdue" if s.overdue else "stale")
        self.show()

    def _dismiss(self) -> None:
        self.note = None  # read: it does not come back on the next filer shown
        self.hide()

    def _on_show(self) -> None:
        if self.note is not None:
            self.open_changes.emit(self.note)
            self.note = None
            self.hide()
