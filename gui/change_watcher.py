"""The window learns of other processes' writes: a timer polls the database's change signal
(cheap: SQLite data_version, PostgreSQL NOTIFY) and reloads the pages they touch, keeping
the user's selection and scroll; the status bar says what changed. Also: the read-only
state, the "waiting for another Stakewatch" notice and refused undos, in the status bar."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel

from core.services.changes import Change, watch
from gui.write_runner import EditsHost, WriteGuard, refusals

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

POLL_MS = 500  # a change shows within a poll and a reload: well inside 2 s
READ_ONLY = "read-only database"


class _KeepView:
    """Remembers a table's selected rows (by position key) and scroll, and puts them back
    after the model's next reset."""

    def __init__(self, page) -> None:
        self.page = page
        self.keys: set = set()
        self.scroll = (0, 0)
        self.armed = False
        page.model.modelReset.connect(self._restore)

    def _key(self, row: int):
        position = self.page.model.row_at(row).position
        key = position.key
        return key() if callable(key) else key

    def remember(self) -> None:
        table = self.page.table
        try:
            self.keys = {self._key(r) for r in self.page.selected_rows()}
        except (AttributeError, IndexError):
            self.keys = set()
        self.scroll = (table.verticalScrollBar().value(), table.horizontalScrollBar().value())
        self.armed = True

    def _restore(self) -> None:
        if not self.armed:
            return
        self.armed = False
        QTimer.singleShot(0, self._apply)  # after the view has laid out the new rows

    def _apply(self) -> None:
        table, model, proxy = self.page.table, self.page.model, self.page.proxy
        selection = table.selectionModel()
        if self.keys:
            selection.clearSelection()
            for row in range(model.rowCount()):
                if self._key(row) in self.keys:
                    index = proxy.mapFromSource(model.index(row, 0))
                    if index.isValid():
                        selection.select(index, selection.SelectionFlag.Select
                                         | selection.SelectionFlag.Rows)  # fmt: skip
        table.verticalScrollBar().setValue(self.scroll[0])
        table.horizontalScrollBar().setValue(self.scroll[1])


class _Host(EditsHost, Protocol):
    import_action: QAction
    refresh_action: QAction

    def installEventFilter(self, obj: QObject) -> None: ...

    def setAcceptDrops(self, on: bool) -> None: ...


class ChangeWatcher(QObject):
    """Installed on the main window; stops itself when the window closes."""

    changed = Signal(object)  # a core.services.changes.Change
    notice = Signal(str)  # from any thread: queued to the GUI thread

    def __init__(self, window: _Host, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        window.ctx.db.prefer_reads_on_this_thread()
        self.watch = watch(window.ctx.db)
        self.keep: _KeepView | None = None  # Holdings' selection, once the page is built
        window.pages.when_built("holdings", self._keep_view)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()
        self.notice.connect(self._on_notice, Qt.ConnectionType.QueuedConnection)
        self._emit = self.notice.emit  # Qt signals may be emitted from any thread
        window.ctx.db.on_wait = self._emit
        refusals.refused.connect(self._on_notice)
        # Edits write on a thread of their own (they wait, the window stays live): off
        # meanwhile, and a failed one said in the window.
        self.guard = WriteGuard(window)
        window.installEventFilter(self)
        self.read_only = QLabel(READ_ONLY)
        self.read_only.setToolTip("This database user may read but not change anything.")
        self.read_only.setVisible(window.ctx.db.read_only)
        window.statusBar().addPermanentWidget(self.read_only)
        if window.ctx.db.read_only:
            self._disable_edits()

    def _keep_view(self, page) -> None:
        self.keep = _KeepView(page)

    # -- other processes' writes ------------------------------------------------------------
    def _on_timer(self) -> None:
        change = self.watch.poll()
        if change is not None:
            self._on_changed(change)

    def _on_changed(self, change: Change) -> None:
        w = self.window
        if self.keep is not None:
            self.keep.remember()
        if change.portfolios:
            w.reload_portfolios()
        else:
            w.reload_pages()
        w.statusBar().showMessage(change.message, 10_000)
        self.changed.emit(change)

    def _on_notice(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)

    # -- read-only --------------------------------------------------------------------------
    def _disable_edits(self) -> None:
        w = self.window
        actions = [w.import_action, w.settings_action, w.new_portfolio_action,
                   w.rename_portfolio_action, w.delete_portfolio_action, w.add_holding_action,
                   w.import_holdings_action, w.undo_action, w.redo_action, w.refresh_action]
        sync = getattr(w, "sync_actions", None)  # EDGAR sync writes filings and follows
        actions += [getattr(sync, n) for n in ("check_action", "follow_action",
                                               "unfollow_action", "map_action")
                    if hasattr(sync, n)]  # fmt: skip
        for action in actions:
            action.setEnabled(False)
            # The window re-enables some after tasks and on portfolio changes: not here.
            action.changed.connect(lambda a=action: a.isEnabled() and a.setEnabled(False))
        w.pages.when_built("holdings", lambda page: page.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers))
        w.setAcceptDrops(False)
        w.statusBar().showMessage(f"{READ_ONLY}: browsing only", 10_000)

    # -- the end ----------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def stop(self) -> None:
        if not self.timer.isActive():
            return  # stopped already
        self.timer.stop()
        if self.window.ctx.db.on_wait is self._emit:
            self.window.ctx.db.on_wait = None
        with contextlib.suppress(RuntimeError, TypeError):
            refusals.refused.disconnect(self._on_notice)
        self.guard.stop()
        self.watch.close()
