"""The window's EDGAR actions (composed into MainWindow): check for new filings (menu,
toolbar, and by itself at start when the last check is old), follow and unfollow filers,
map unmapped CUSIPs; the new-filing banner and the desktop notification."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QDialog, QMessageBox, QSystemTrayIcon, QToolButton

from core.domain.following import staleness
from core.plain_words import NO_NETWORK, all_offline, is_network, plain
from core.services.settings import SettingsStore
from gui.shell import Shell
from gui.widgets.filing_banner import FilingBanner, new_filing_text, short_name
from gui.write_runner import save

# The Follow dialog's class, imported on first use (the ORM comes with it): a module name,
# so that tests can put a stand-in in its place.
FollowDialog = None

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QToolBar

    from core.services.following import Following, NewFiling  # the ORM: after first paint
    from gui.tasks import LongTasks
    from gui.workers import TaskRunner

START_CHECK_DELAY_MS = 3000  # let the window settle before the first request


class _Host(Shell, Protocol):
    runner: TaskRunner
    tasks: LongTasks
    dashboard: Any  # banner_slot (or its layout): where the banner goes
    companies: Any  # reload(), layout(): where the Map button goes
    holdings: Any  # select_period(period)
    portfolio_shown: SignalInstance
    quotes_bar: QToolBar
    import_action: QAction

    def make_action(self, text: str, shortcut: str | None, slot, tip: str = "") -> QAction: ...


class SyncActions(QObject):
    """Owns its actions, the banner and the tray icon; talks to the window it serves."""

    filings_synced = Signal(object)  # SyncReport
    notes_ready = Signal(list)  # [NewFiling]

    def __init__(self, window: _Host) -> None:
        super().__init__(window)
        self.w = window
        self.ctx = window.ctx
        self.check_action = self._action("Check for &new filings", "Ctrl+Shift+F",
                                         self.check_now, "Fetch followed filers' new 13F "
                                         "filings from EDGAR")  # fmt: skip
        self.follow_action = self._action("&Follow a 13F filer...", None, self.follow)
        self.unfollow_action = self._action("&Unfollow this filer", None, self.unfollow)
        self.map_action = self._action("&Map unmapped CUSIPs", None, self.map_unmapped,
                                       "Ask OpenFIGI for tickers of CUSIPs without one")
        self.banner = FilingBanner()
        self.banner.open_changes.connect(self._on_open_changes)
        self.tray: QSystemTrayIcon | None = None
        window.tasks.busy_changed.connect(self._on_busy)
        self._install()

    def _action(self, text, shortcut, slot, tip: str = "") -> QAction:
        return self.w.make_action(text, shortcut, slot, tip)

    def _install(self) -> None:
        """Menu entries, a toolbar button, the banner on the dashboard, the Companies
        page's button: each placed without the host knowing more than where."""
        for action in self.w.menuBar().actions():
            if action.text().replace("&", "") == "Portfolio":
                menu = action.menu()
                menu.addSeparator()
                menu.addActions([self.check_action, self.follow_action, self.unfollow_action])
        for bar in self.w.findChildren(type(self.w.quotes_bar)):
            if bar.objectName() == "main-toolbar":
                bar.insertAction(self.w.import_action, self.check_action)
        slot = getattr(self.w.dashboard, "banner_slot", None) or self.w.dashboard.layout()
        slot.insertWidget(0, self.banner)
        button = QToolButton()
        button.setDefaultAction(self.map_action)
        self.w.pages.when_built("companies", lambda page: page.layout().insertWidget(0, button))
        # After the window paints, once however many times the book changes meanwhile.
        self._staleness = QTimer(self)
        self._staleness.setSingleShot(True)
        self._staleness.setInterval(0)
        self._staleness.timeout.connect(self.show_staleness)
        self._started = False  # start(): after the window's first paint
        self.w.portfolio_shown.connect(lambda _p: self._started and self._staleness.start())

    def start(self) -> None:
        """After the window's first paint (the window calls it then): the staleness note,
        then the start-up check; both read the database, the window need not wait."""
        self._started = True
        self._staleness.start()
        QTimer.singleShot(0, self, self.maybe_check_at_start)

    # -- following ------------------------------------------------------------------------
    def following(self) -> Following:
        from core.services.following import Following

        return Following(self.ctx.db, self.ctx.settings)

    def ensure_contact(self) -> bool:
        """The contact EDGAR needs: asked once in a dialog and kept in the settings."""
        if self.ctx.settings.sec_contact:
            return True
        from gui.dialogs.sec_contact_dialog import SecContactDialog

        dialog = SecContactDialog(parent=self.w)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        store = SettingsStore(self.ctx.db)
        contact = dialog.contact()
        # Window writes wait for another Stakewatch on a thread of their own (window live).
        saved, settings = save("contact for EDGAR", lambda: store.set("sec_contact", contact))
        if not saved:
            return False  # said in the window
        self.ctx.apply_settings(settings)
        return True

    def follow(self) -> None:
        global FollowDialog
        if FollowDialog is None:
            from gui.dialogs.follow_dialog import FollowDialog
        online = not self.ctx.settings.offline and self.ensure_contact()
        from core.services.filer_search import FilerSearcher  # filers found as you type

        searcher = FilerSearcher(self.ctx.db.reading, self.ctx.settings)
        dialog = FollowDialog(self.following(), self.w.runner, online, parent=self.w,
                              search=searcher.local,
                              search_edgar=searcher.edgar if online else None,
                              edgar_deadline=self.ctx.settings.deadline)  # fmt: skip
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        cik, name = dialog.values()
        following = self.following()
        try:
            saved, result = save(f"follow {name or cik}", lambda: following.follow(cik, name))
        except ValueError as exc:
            QMessageBox.warning(self.w, "Follow", str(exc))
            return
        if not saved:
            return  # said in the window; nothing changed
        self.w.statusBar().showMessage(f"Following {result.portfolio.name}; checking EDGAR "
                                       "for its filings...")  # fmt: skip
        self.w.reload_portfolios(select=result.portfolio.name)  # in the picker at once
        self.check_now()

    def unfollow(self) -> None:
        p = self.w.portfolio
        if p is None or p.kind != "filer":
            return
        following = self.following()
        saved, result = save(f"unfollow {p.name}", lambda: following.unfollow(p.cik or p.name))
        if not saved:
            return  # said in the window; nothing changed
        was = result[1]
        self.w.reload_portfolios()  # a filer without filings leaves the picker
        self.w.statusBar().showMessage(f"Stopped following {p.name}; its filings are kept."
                                       if was else f"{p.name} was not followed.")  # fmt: skip

    # -- checking -------------------------------------------------------------------------
    def maybe_check_at_start(self) -> None:
        """Online, with a contact set, and the last check older than the setting."""
        s = self.ctx.settings
        if s.offline or not s.sec_contact:
            return
        last = self.following().last_check()
        if last is not None and dt.datetime.now(dt.UTC) - last < dt.timedelta(
                hours=s.sync_check_hours):
            return
        # With self as the context: a window closed (and deleted) meanwhile checks nothing.
        QTimer.singleShot(START_CHECK_DELAY_MS, self, lambda: self.check_now(automatic=True))

    def check_now(self, automatic: bool = False) -> None:
        if self.ctx.settings.offline:
            self.w.statusBar().showMessage("Offline: not checking EDGAR for new filings.")
            return
        if self.w.tasks.busy:
            if not automatic:
                self.w.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        if not automatic and not self.ensure_contact():
            return
        ctx = self.ctx
        sync = ctx.sync

        def work():
            from core.services.following import new_filings

            report = yield from sync.run()
            return report, new_filings(report, ctx.queries, ctx.analytics)

        self._start("sync", work, "Checking EDGAR for new filings", self._on_synced)

    def _start(self, name: str, fn, label: str, on_success) -> None:
        status = self.w.statusBar()

        def failed(why: str) -> None:
            if why == "cancelled":
                status.say(f"{label}: cancelled.")
            elif is_network(why):
                status.say(f"{label}: couldn't reach the server ({NO_NETWORK}); nothing "
                           "changed", why)  # fmt: skip
            else:
                status.say(f"{label} failed: {plain(why)}", why)

        self.w.tasks.start(name, fn, label, on_success, on_failure=failed)

    def _on_busy(self, busy: bool) -> None:
        self.check_action.setEnabled(not busy)
        self.map_action.setEnabled(not busy)

    def _on_synced(self, result) -> None:
        report, notes = result
        failures = [(f.name, x) for f in report.filers for x in f.failed]
        detail = "\n".join(f"{name}: {x.accession or 'filing index'}: {x.reason}"
                            for name, x in failures) or None  # fmt: skip
        n = len(report.imported)
        if failures and not n and all_offline([x.reason for _, x in failures]):
            self.w.statusBar().say(f"Couldn't reach EDGAR ({NO_NETWORK}): nothing was checked",
                                   detail)  # fmt: skip
        else:
            text = (f"EDGAR checked: {n} new filing(s)" if n else "EDGAR checked: nothing new")
            if report.mapped:
                text += f"; {report.mapped} CUSIP(s) mapped to tickers"
            if failures:
                why = sorted({plain(x.reason) for _, x in failures})
                text += f"; {len(failures)} not fetched ({', '.join(why)})"
            self.w.statusBar().say(text, detail)
        if n:
            self.w.reload_portfolios()
        for note in notes:
            self.announce(note)
        self.filings_synced.emit(report)
        self.notes_ready.emit(notes)

    def announce(self, note: NewFiling) -> None:
        """The banner on the dashboard and, where the desktop has one, a notification."""
        self.banner.announce(note)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.w.windowIcon() or QIcon(), self.w)
                self.tray.messageClicked.connect(lambda: self._on_open_changes(note))
            self.tray.show()
            self.tray.showMessage(f"New 13F: {short_name(note.portfolio.name)}",
                                  new_filing_text(note))  # fmt: skip

    def _on_open_changes(self, note: NewFiling) -> None:
        """Show the filing's positions with their changes (NEW, SOLD OUT...)."""
        self.w.reload_portfolios(select=note.portfolio.name)
        self.w.show_page("holdings")
        self.w.holdings.select_period(note.period)

    def show_staleness(self) -> None:
        """The banner follows the portfolio shown: a filer's news or due date; nothing
        over an own portfolio (it files nothing)."""
        p = self.w.portfolio
        self.banner.set_own(p is None or p.kind != "filer")
        if self.banner.own:
            self.unfollow_action.setEnabled(False)
            return
        status = next((f for f in self.following().statuses() if f.portfolio_id == p.id), None)
        # Unfollow is offered for a followed filer only (the bundled NVIDIA is not followed).
        self.unfollow_action.setEnabled(status is not None and status.followed
                                        and not self.ctx.db.read_only)  # fmt: skip
        latest = status.latest_period if status else None
        self.banner.show_staleness(p.name, latest, staleness(latest, dt.date.today()))

    # -- mapping --------------------------------------------------------------------------
    def map_unmapped(self) -> None:
        if self.ctx.settings.offline:
            self.w.statusBar().showMessage("Offline: mapping needs OpenFIGI.")
            return
        if self.w.tasks.busy:
            self.w.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        mapper = self.ctx.mapper

        def work():
            return (yield from mapper.map_unmapped(None, retry=True))

        self._start("map", work, "Mapping CUSIPs (OpenFIGI)", self._on_mapped)

    def map_after_import(self, cusips) -> None:
        """After imports committed: their CUSIPs without a ticker, through OpenFIGI when
        online; what was found, or why nothing was asked, goes on the status bar."""
        if not cusips or self.w.tasks.busy:
            return
        mapper, settings, wanted = self.ctx.mapper, self.ctx.settings, list(cusips)

        def work():
            from core.services.import_mapping import map_after_import as map_cusips

            return (yield from map_cusips(mapper, wanted, offline=settings.offline,
                                          deadline=settings.deadline))  # fmt: skip

        self._start("map", work, "Mapping the new CUSIPs (OpenFIGI)", self._on_import_mapped)

    def _on_import_mapped(self, result) -> None:
        if result is None:
            return
        line = result.line(again="Companies > Map unmapped CUSIPs tries again")
        self.w.statusBar().showMessage(line[0].upper() + line[1:])
        if result.mapped:
            self.w.companies.reload()
            self.w.reload_pages()

    def _on_mapped(self, report) -> None:
        if report.error:
            text = f"Mapping failed; nothing changed: {plain(report.error)}"
        elif not report.asked:
            text = "Every held CUSIP has a ticker (or one you set)."
        else:
            text = (f"{len(report.mapped)} of {report.asked} CUSIP(s) mapped by OpenFIGI; "
                    f"{len(report.unmapped)} left unmapped (reasons on the Companies page)")
        self.w.statusBar().showMessage(text)
        self.w.companies.reload()
        self.w.reload_pages()
