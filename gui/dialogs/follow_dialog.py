"""Follow a 13F filer: its CIK, with EDGAR's name looked up as you type (when online)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)
from shiboken6 import isValid

from core.edgar.http import Deadline
from core.plain_words import NO_ANSWER, NO_NETWORK, is_network, plain
from core.services.filer_search import merge
from core.services.following import FilerLookupError, Following, parse_cik
from core.services.queries import InvalidRequestError
from gui.workers import TaskRunner

LOOKUP_DELAY_MS = 600  # wait for the typing to pause before asking EDGAR
FIND_DELAY_MS = 200  # names are searched locally: a short pause is enough

FOLLOW_ANYWAY = ("You can follow anyway: type the CIK and the filer's name, then Follow; its "
                 "filings come with the first check online.")


class FollowDialog(QDialog):
    def __init__(self, following: Following, runner: TaskRunner, online: bool,
                 parent: QWidget | None = None,
                 search: Callable[[str], list] | None = None,
                 search_edgar: Callable[[str, Deadline], list] | None = None,
                 edgar_deadline: float = 20.0) -> None:  # fmt: skip
        """`search`: filers by words of their name (core.services.holders); with it the
        dialog finds a filer as you type, from the loaded data sets and followed filers.
        `search_edgar` (online only): EDGAR's companies for the text, asked once the typing
        pauses, off the GUI thread, and merged in by CIK."""
        super().__init__(parent)
        self.setWindowTitle("Follow a 13F filer")
        self.following = following
        self.runner = runner
        self.online = online
        self.cik = QLineEdit()
        self.cik.setPlaceholderText("e.g. 1045810")
        self.name = QLineEdit()
        self.name.setPlaceholderText("looked up on EDGAR" if online else "type the name")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Follow")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        self.search = search
        self.search_edgar = search_edgar
        self.edgar_deadline = edgar_deadline
        self.find = QLineEdit()
        self.found = QListWidget()
        self.find_note = QLabel()
        self.find_note.setWordWrap(True)
        self._local: tuple[str, list] = ("", [])
        self._edgar: tuple[str, list | None] = ("", None)
        self._asking: Deadline | None = None  # EDGAR's search in flight (cancelled on typing)
        self.finished.connect(self._stop_asking)
        if search is not None:
            self._build_find(form)
        form.addRow("SEC CIK:", self.cik)
        form.addRow("Name:", self.name)
        form.addRow(self.status)
        form.addRow(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOOKUP_DELAY_MS)
        self._timer.timeout.connect(self._look_up)
        self._asked = ""
        self.cik.textChanged.connect(self._on_cik_changed)
        self.name.textChanged.connect(self._update_ok)
        if not online:
            self.status.setText(f"Offline: EDGAR is not asked for the name. {FOLLOW_ANYWAY}")
        self._update_ok()

    # -- find by name --------------------------------------------------------------------------
    def _build_find(self, form: QFormLayout) -> None:
        self.find.setPlaceholderText("words of the name, any order (e.g. citadel advisors)")
        self.found.setMaximumHeight(140)
        self.found.itemActivated.connect(self._on_pick)
        self.found.itemClicked.connect(self._on_pick)
        self._find_timer = QTimer(self)
        self._find_timer.setSingleShot(True)
        self._find_timer.setInterval(FIND_DELAY_MS)
        self._find_timer.timeout.connect(self._find_now)
        self.find.textChanged.connect(lambda _t: self._find_timer.start())
        form.addRow("Find by name:", self.find)
        form.addRow(self.found)
        form.addRow(self.find_note)
        if self.search_edgar is not None:
            self._edgar_timer = QTimer(self)
            self._edgar_timer.setSingleShot(True)
            self._edgar_timer.setInterval(LOOKUP_DELAY_MS)  # one request per pause in typing
            self._edgar_timer.timeout.connect(self._ask_edgar)
            self.find.textChanged.connect(self._on_find_typed)
            self.find_note.hide()  # shown only to say EDGAR could not be searched
        else:
            self.find_note.setText("Offline: only stored filers are searched, not EDGAR's "
                                   "company list.")  # fmt: skip

    def _find_now(self) -> None:
        text = self.find.text().strip()
        if not text or self.search is None:
            self.found.clear()
            return
        search = self.search
        self.runner.submit("find-filer", lambda: search(text),
                           on_success=lambda found, t=text: self._on_filers(t, found))

    def _on_find_typed(self, _text: str) -> None:
        self._stop_asking()
        self._edgar_timer.start()

    def _stop_asking(self) -> None:
        if self._asking is not None:
            self._asking.cancel()  # its socket is shut: the worker is free at once
            self._asking = None

    def _ask_edgar(self) -> None:
        text = self.find.text().strip()
        if not text or self.search_edgar is None:
            return
        self._stop_asking()
        deadline = self._asking = Deadline(self.edgar_deadline)
        ask = self.search_edgar
        self.runner.submit("find-filer-edgar", lambda: ask(text, deadline),
                           on_success=lambda found, t=text: self._on_edgar(t, found),
                           on_failure=lambda why, t=text: self._on_edgar(t, None, why))

    def _on_edgar(self, text: str, found: list | None, why: str = "") -> None:
        if not isValid(self) or text != self.find.text().strip():
            return  # the user typed on
        self._asking = None
        self._edgar = (text, found)
        if found is None:
            self.find_note.setText(f"EDGAR's company list could not be searched "
                                   f"({plain(why)}): stored filers only.")  # fmt: skip
            self.find_note.setToolTip(why)
        else:
            self.find_note.setText("")
        self.find_note.setVisible(found is None)
        if self._local[0] == text:
            self._show(text)

    def _on_filers(self, text: str, found: list) -> None:
        if not isValid(self) or text != self.find.text().strip():
            return  # the user typed on
        self._local = (text, found)
        self._show(text)

    def _show(self, text: str) -> None:
        found = self._local[1]
        edgar_text, companies = self._edgar
        if companies and edgar_text == text:
            found = merge(found, companies)
        self.found.clear()
        for f in found:
            size = f" · ${f.size / 1e9:,.2f}B" if f.size and f.size >= 1e9 else (
                f" · ${f.size / 1e6:,.1f}M" if f.size else "")
            latest = f" · {f.latest_period}" if f.latest_period else ""
            mark = " · followed" if f.followed else (
                " · on EDGAR" if f.portfolio_id is None else "")
            item = QListWidgetItem(f"{f.name} (CIK {f.cik}){latest}{size}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, (f.cik, f.name))
            self.found.addItem(item)
        if not found:
            self.found.addItem(QListWidgetItem("No stored filer's name holds those words."
                                               if self.search_edgar is None else
                                               "No filer's name holds those words."))

    def _on_pick(self, item: QListWidgetItem) -> None:
        picked = item.data(Qt.ItemDataRole.UserRole)
        if picked:
            cik, name = picked
            self.cik.setText(str(int(cik)))
            self.name.setText(name)

    def _valid_cik(self) -> str | None:
        try:
            return parse_cik(self.cik.text())
        except InvalidRequestError:
            return None

    def _on_cik_changed(self, text: str) -> None:
        cik = self._valid_cik()
        self.status.setText("" if cik or not text.strip() else "A CIK is a number of up to "
                            "10 digits.")  # fmt: skip
        if cik and self.online:
            self._timer.start()
        self._update_ok()

    def _look_up(self) -> None:
        cik = self._valid_cik()
        if not cik or cik == self._asked:
            return
        self._asked = cik
        self.status.setText("Looking up on EDGAR...")
        following = self.following
        self.runner.submit("lookup-filer", lambda: following.lookup_name(cik),
                           on_success=lambda r, c=cik: self._on_found(c, r),
                           on_failure=lambda why, c=cik: self._on_not_found(c, why))

    def _on_found(self, cik: str, result) -> None:
        if not isValid(self) or cik != self._valid_cik():  # closed, or typed on
            return  # the user typed on
        name, files_13f = result
        self.name.setText(name)
        self.status.setText("" if files_13f else "EDGAR lists no 13F-HR among its recent "
                            "filings.")  # fmt: skip

    def _on_not_found(self, cik: str, why: str) -> None:
        if not isValid(self) or cik != self._valid_cik():
            return
        reason = plain(why)
        if is_network(why) or reason == NO_ANSWER or "cannot look up" in why:
            what = NO_NETWORK if is_network(why) else (
                NO_ANSWER if reason == NO_ANSWER else "it did not answer")
            self.status.setText(f"Couldn't reach EDGAR ({what}). {FOLLOW_ANYWAY}")
        else:
            self.status.setText(reason[0].upper() + reason[1:] + ".")
        self.status.setToolTip(why)  # the server's own words, a hover away

    def _update_ok(self) -> None:
        ok = self._valid_cik() is not None and bool(self.name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> tuple[str, str]:
        return self.cik.text().strip(), self.name.text().strip()


__all__ = ["FilerLookupError", "FollowDialog"]
