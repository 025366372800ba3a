"""The main window: a sidebar of pages (dashboard, holdings, charts, companies), menus,
a toolbar, and a status bar with progress, cancel and what failed. Slow jobs (price
refresh, import) run through one TaskRunner; live quotes tick on a timer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from core.context import AppContext
from core.domain import market
from core.domain.positions import PortfolioRef
from core.services.prices import ALWAYS, NOT_CACHED, PriceNow, RefreshReport, utc_now
from core.services.settings import SettingsStore
from gui import theme, write_runner
from gui.change_watcher import ChangeWatcher
from gui.dialogs.import_details import ImportDetailsDialog
from gui.dialogs.settings_dialog import SettingsDialog
from gui.live_quotes import LiveQuotes
from gui.own_actions import OwnPortfolioActions
from gui.pages.companies import CompaniesPage
from gui.pages.dashboard import DashboardPage
from gui.pages.holdings import HoldingsPage
from gui.position_actions import PositionNavigator
from gui.snapshot_actions import SnapshotActions
from gui.sync_actions import SyncActions
from gui.widgets.quote_strip import QuoteStrip
from gui.workers import Task, TaskRunner

if TYPE_CHECKING:
    from core.services.importer import ImportReport  # lxml: not needed to start

PAGES = ("dashboard", "holdings", "charts", "companies")
IMPORT_FILTER = "13F filings (*.txt *.nc *.xml *.zip);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = settings or QSettings()
        self.setWindowTitle("Stakewatch")
        self.setAcceptDrops(True)
        self.runner = TaskRunner(self, max_threads=3)
        self.undo_stack = QUndoStack(self)
        self.portfolio: PortfolioRef | None = None
        self._portfolios: list[PortfolioRef] = []
        self._task: Task | None = None
        self._live_quotes = 0  # live answers shown so far (a cached read must not follow)

        self.dashboard = DashboardPage(ctx.analytics, self.runner, own=ctx.own)
        self.holdings = HoldingsPage(ctx.queries, ctx.analytics, ctx.companies, self.undo_stack,
                                     self.runner, own=ctx.own)  # fmt: skip
        self._charts = None  # built when first shown: pyqtgraph costs start-up time
        self.companies = CompaniesPage(ctx.companies, self.runner)
        self.pages = {"dashboard": self.dashboard, "holdings": self.holdings,
                      "charts": QWidget(), "companies": self.companies}  # fmt: skip
        self.stack = QStackedWidget()
        self.sidebar = QListWidget()
        for name in PAGES:
            self.stack.addWidget(self.pages[name])
            self.sidebar.addItem(name.title())
        self.sidebar.setMaximumWidth(180)
        self.sidebar.setMinimumWidth(110)
        self.sidebar.currentRowChanged.connect(self._on_page_selected)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([140, 1140])
        self.setCentralWidget(self.splitter)

        self.portfolio_box = QComboBox()
        self.portfolio_box.setMinimumWidth(200)
        self.portfolio_box.currentIndexChanged.connect(self._on_portfolio_selected)
        self.quotes = QuoteStrip(ALWAYS)
        self.own_actions = OwnPortfolioActions(self)  # your portfolios: create, edit, import
        self.snapshot_actions = SnapshotActions(self)  # export, open, compare snapshots
        self._build_actions()
        self._build_toolbar()
        self._build_status_bar()
        self.sync_actions = SyncActions(self)  # EDGAR: check, follow, map; the banner
        self._to_map: set[str] = set()  # imported CUSIPs without a ticker, mapped after
        self.holdings.tickers_changed.connect(self._reload_pages)
        self.holdings.model.shares_edited.connect(self.own_actions._on_shares_edited)
        self.position_nav = PositionNavigator(self)  # one position in depth, and back

        self.quote_timer = QTimer(self)
        self.quote_timer.timeout.connect(self._on_quote_timer)
        self.live = LiveQuotes(self)  # streamed ticks in the tiles; polling if it fails
        self._apply_settings()
        self._restore()
        self.reload_portfolios()
        # Other processes' writes reload the pages; a read-only database disables edits.
        self.change_watcher = ChangeWatcher(self)
        self._show_cached_quotes()
        if not ctx.settings.offline:
            self.refresh_quotes()
        self.sync_actions.start()

    # -- construction ---------------------------------------------------------------------
    def _action(self, text: str, shortcut: str | None, slot, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whether or not a menu shows
        return action

    def _build_actions(self) -> None:
        self.import_action = self._action("&Import 13F filing...", "Ctrl+I", self.choose_import,
                                          "Import EDGAR 13F files (or drop them on the window)")
        self.export_action = self._action("&Export snapshot...", "Ctrl+E",
                                          self.snapshot_actions.choose_export,
                                          "Save this portfolio as JSON, CSV, XLSX, PDF, PNG or SVG")
        self.open_snapshot_action = self._action("&Open snapshot...", "Ctrl+O",
                                                 self.snapshot_actions.choose_snapshot)
        self.diff_snapshots_action = self._action("Co&mpare two snapshots...", None,
                                                  self.snapshot_actions.choose_snapshot_pair)
        self.settings_action = self._action("&Settings...", "Ctrl+,", self.open_settings)
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for a in (self.undo_action, self.redo_action):
            self.addAction(a)
        self.find_action = self._action("&Filter holdings", "Ctrl+F", self._on_find)
        self.new_portfolio_action = self._action("&New portfolio...", "Ctrl+Shift+N",
                                                 self.own_actions.new_portfolio)
        self.rename_portfolio_action = self._action("&Rename portfolio...", None,
                                                    self.own_actions.rename_portfolio)
        self.delete_portfolio_action = self._action("&Delete portfolio...", None,
                                                    self.own_actions.delete_portfolio)
        self.add_holding_action = self._action("&Add holding...", "Ctrl+N",
                                               self.own_actions.add_holding,
                                               "Enter a holding of your own portfolio")
        self.import_holdings_action = self._action("&Import holdings CSV...", None,
                                                   self.own_actions.choose_holdings_csv)
        self.compare_action = self._action("&Compare with NVIDIA...", None,
                                           self.own_actions.compare)
        self.refresh_action = self._action("&Refresh prices", "F5", self.refresh_prices,
                                           "Fetch missing daily prices, then the latest quotes")
        self.page_actions = [
            self._action(name.title(), f"Ctrl+{i + 1}", lambda _=False, n=name: self.show_page(n))
            for i, name in enumerate(PAGES)
        ]
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name in theme.THEMES:
            a = QAction("Follow system" if name == "system" else name.title(), self)
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(a)
            self.theme_actions[name] = a
        about = QAction("&About Stakewatch", self)
        about.triggered.connect(self._about)

        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.addActions([self.import_action, self.export_action, self.open_snapshot_action,
                      self.diff_snapshots_action])  # fmt: skip
        m.addSeparator()
        m.addAction(self.settings_action)
        m.addSeparator()
        m.addAction(self.quit_action)
        m = bar.addMenu("&Edit")
        m.addActions([self.undo_action, self.redo_action])
        m.addSeparator()
        m.addActions([self.find_action, self.holdings.copy_action])
        m = bar.addMenu("P&ortfolio")
        m.addActions([self.new_portfolio_action, self.rename_portfolio_action,
                      self.delete_portfolio_action])  # fmt: skip
        m.addSeparator()
        m.addActions([self.add_holding_action, self.import_holdings_action,
                      self.compare_action])  # fmt: skip
        m = bar.addMenu("&View")
        m.addActions(self.page_actions)
        m.addSeparator()
        themes = m.addMenu("&Theme")
        themes.addActions(list(self.theme_actions.values()))
        m = bar.addMenu("&Prices")
        m.addAction(self.refresh_action)
        bar.addMenu("&Help").addAction(about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main")
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addWidget(QLabel(" Portfolio: "))
        tb.addWidget(self.portfolio_box)
        tb.addSeparator()
        tb.addAction(self.refresh_action)
        tb.addAction(self.import_action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())  # fmt: skip
        tb.addWidget(spacer)
        self.addToolBar(tb)
        # The quotes have a bar of their own: on a narrow window it takes a row of its own
        # instead of falling into the toolbar's overflow menu.
        self.quotes_bar = QToolBar("Quotes")
        self.quotes_bar.setObjectName("quotes-toolbar")
        self.quotes_bar.setMovable(False)
        self.quotes_bar.addWidget(self.quotes)
        self.addToolBar(self.quotes_bar)
        self._quotes_own_row = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        narrow = self.width() < 1100
        if narrow != self._quotes_own_row:
            self._quotes_own_row = narrow
            if narrow:
                self.insertToolBarBreak(self.quotes_bar)
            else:
                self.removeToolBarBreak(self.quotes_bar)

    def _build_status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_task)
        self.last_refresh = QLabel()
        bar = self.statusBar()
        bar.addPermanentWidget(self.last_refresh)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)

    # -- portfolios and pages -------------------------------------------------------------
    def reload_portfolios(self, select: str | None = None) -> None:
        """Filers with reports, and every own portfolio (even an empty new one)."""
        ports = [p for p in self.ctx.queries.portfolios()
                 if p.kind == "own" or self.ctx.queries.periods(p)]  # fmt: skip
        if select is not None:
            self.portfolio = next((p for p in ports if p.name == select), None)
        self._portfolios = ports
        wanted = self.portfolio.name if self.portfolio else self.qsettings.value("portfolio")
        self.portfolio_box.blockSignals(True)
        self.portfolio_box.clear()
        for p in ports:
            self.portfolio_box.addItem(p.name)
        self.portfolio_box.blockSignals(False)
        if not ports:
            self.statusBar().showMessage("No filings yet: File > Import 13F filing (Ctrl+I).")
            return
        names = [p.name for p in ports]
        default = self.ctx.queries.portfolio().name if "NVIDIA Corp" in names else names[0]
        index = names.index(wanted) if wanted in names else names.index(default)
        self.portfolio_box.setCurrentIndex(index)
        self._on_portfolio_selected(index)

    def _on_portfolio_selected(self, index: int) -> None:
        if 0 <= index < len(self._portfolios):
            self.portfolio = self._portfolios[index]
            own = self.portfolio.kind == "own"
            for action in (self.rename_portfolio_action, self.delete_portfolio_action,
                           self.add_holding_action, self.import_holdings_action,
                           self.compare_action):  # fmt: skip
                action.setEnabled(own)
            self._reload_pages()

    def _reload_pages(self) -> None:
        if self.portfolio is None:
            return
        self.dashboard.show_portfolio(self.portfolio)
        period = self.holdings.period() if self.holdings.portfolio == self.portfolio else None
        self.holdings.show_portfolio(self.portfolio)
        if period is not None:
            self.holdings.select_period(period)
        if self._charts is not None:
            self._charts.show_portfolio(self.portfolio)
        self.companies.reload()

    @property
    def charts(self):
        """The charts page, made on first use (importing pyqtgraph takes a while)."""
        if self._charts is None:
            from gui.pages.charts import ChartsPage

            self._charts = ChartsPage(self.ctx.analytics, self.ctx.prices, self.runner)
            index = PAGES.index("charts")
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, self._charts)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages["charts"] = self._charts
            state = self.qsettings.value("charts-splitter")
            if isinstance(state, QByteArray):
                self._charts.restore_splitter(state)
            if self.portfolio is not None:
                self._charts.show_portfolio(self.portfolio)
        return self._charts

    def show_page(self, name: str) -> None:
        self.sidebar.setCurrentRow(PAGES.index(name))
        self._on_page_selected(PAGES.index(name))  # also when a position showed over it

    def current_page(self) -> str:
        """The sidebar page showing (while a position shows: the page it was opened from)."""
        index = self.stack.currentIndex()
        if index >= len(PAGES):
            came_from = self.position_nav.came_from
            index = self.stack.indexOf(came_from) if came_from is not None else 0
        return PAGES[max(0, min(index, len(PAGES) - 1))]

    def _on_page_selected(self, row: int) -> None:
        if row >= 0:
            if PAGES[row] == "charts":
                self.charts  # noqa: B018  (build it now)
            self.stack.setCurrentIndex(row)

    def _on_find(self) -> None:
        self.show_page("holdings")
        self.holdings.focus_filter()

    # -- quotes and prices ----------------------------------------------------------------
    def _show_cached_quotes(self) -> None:
        """The cached quotes, read on a worker (a live refresh, if running, comes after)."""
        if self.runner.running("quotes"):
            return
        prices, generation = self.ctx.prices, self._live_quotes
        self.runner.submit("cached-quotes", lambda: prices.prices_now(list(ALWAYS), live=False),
                           on_success=lambda shown: self._on_cached_quotes(generation, shown))

    def _on_cached_quotes(self, generation: int, shown: list[PriceNow]) -> None:
        # Never over a live answer that came (or is coming) after this read began.
        if generation == self._live_quotes and not self.runner.running("quotes"):
            self._set_quotes(shown)

    def _set_quotes(self, shown: list[PriceNow]) -> None:
        shown = self.live.merge(shown)  # never over a newer streamed tick
        offline = self.ctx.settings.offline
        self.quotes.set_prices(shown, utc_now(), offline)
        self.dashboard.set_quotes(shown, offline)

    def _on_quote_timer(self) -> None:
        if market.is_open(utc_now()):
            self.refresh_quotes()
        else:
            self._show_cached_quotes()  # ages and badges move on even when prices do not

    def refresh_quotes(self) -> None:
        if self.ctx.settings.offline or self.runner.running("quotes"):
            return
        prices = self.ctx.prices
        self.runner.submit("quotes", lambda: prices.prices_now(list(ALWAYS), live=True),
                           on_success=self._on_quotes_refreshed,
                           on_failure=lambda why: self.statusBar().showMessage(
                               f"Quotes failed: {why}"))  # fmt: skip

    def _on_quotes_refreshed(self, shown: list[PriceNow]) -> None:
        self._live_quotes += 1
        self._set_quotes(shown)
        stamp = f"{utc_now():%H:%M:%S} UTC"
        if self.live.state != "live":  # while streaming, the label says so
            self.last_refresh.setText(f"quotes {stamp}")
        failed = [f"{p.ticker}: {p.reason}" for p in shown if p.source != "live" and p.reason]
        # A read-only database shows live quotes without keeping them: said once, not a failure.
        note = ""
        if any(p.detail == NOT_CACHED for p in shown) and not getattr(self, "_said_ro", False):
            self._said_ro = True
            note = "read-only database: quotes are shown but not cached"
        if failed:
            text = f"Quotes at {stamp}; not live: " + "; ".join(failed)
            self.statusBar().showMessage(f"{text}; {note}" if note else text)
        elif note:
            self.statusBar().showMessage(note, 10_000)

    def refresh_prices(self) -> None:
        """F5: missing daily bars for every held ticker, then quotes."""
        if self.ctx.settings.offline or self._task is not None:
            return
        self._start_task("prices", self.ctx.prices.refresh, "Refreshing prices",
                         self._on_prices_refreshed)  # fmt: skip

    def _on_prices_refreshed(self, report: RefreshReport) -> None:
        added = sum(u.rows_added for u in report.updated.values())
        text = (f"Prices refreshed {report.fetched_at:%H:%M:%S} UTC: {added:,} new daily bars "
                f"for {len(report.updated)} ticker(s)")  # fmt: skip
        if report.failed:
            text += "; failed: " + "; ".join(f"{t} ({why})" for t, why in
                                             sorted(report.failed.items()))  # fmt: skip
        self.statusBar().showMessage(text)
        self.last_refresh.setText(f"prices {report.fetched_at:%H:%M} UTC")
        self._reload_pages()
        self.refresh_quotes()

    # -- import ---------------------------------------------------------------------------
    def choose_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import 13F filings", "", IMPORT_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> None:
        if self._task is not None:
            self.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        path, rest = paths[0], paths[1:]
        options = None
        if self.ctx.importer.needs_details(path):
            dialog = ImportDetailsDialog(path.name, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            options = dialog.options()
        importer = self.ctx.importer
        self._start_task(
            "import", lambda: importer.import_path(path, options), f"Importing {path.name}",
            lambda report: self._on_imported(report, rest),
        )  # fmt: skip

    def _on_imported(self, r: ImportReport, rest: list[Path]) -> None:
        if r.already_present:
            text = f"{r.path.name}: accession {r.accession} is already imported; nothing changed."
        else:
            text = (f"{r.path.name}: {r.filer}, period {r.period}, {r.rows:,} rows, "
                    f"${r.total_value_usd:,} ({r.form_type}"
                    + (f", {r.amendment_type}" if r.amendment_type else "") + ")")  # fmt: skip
            if r.unmapped_cusips:
                text += (f"\n{len(r.unmapped_cusips)} CUSIP(s) have no ticker yet: "
                         + ("the status bar says what OpenFIGI finds for them."
                            if not self.ctx.settings.offline else
                            "offline, so not looked up (enter them in the holdings table).")
                         )  # fmt: skip
                self._to_map.update(r.unmapped_cusips)
            for w in r.warnings:
                text += f"\nWarning: {w}"
        self.statusBar().showMessage(text.splitlines()[0])
        QMessageBox.information(self, "Import finished", text)
        self.reload_portfolios()
        if not r.already_present:
            index = next((i for i, p in enumerate(self._portfolios) if p.name == r.filer), None)
            if index is not None:
                self.portfolio_box.setCurrentIndex(index)
        if rest:
            self.import_paths(rest)
        else:  # the last file is in: its new CUSIPs (and the earlier files') to OpenFIGI
            cusips, self._to_map = sorted(self._to_map), set()
            self.sync_actions.map_after_import(cusips)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- tasks ----------------------------------------------------------------------------
    def _start_task(self, name: str, fn, label: str, on_success) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(label)
        self.progress.show()
        self.cancel_button.show()
        for action in (self.refresh_action, self.import_action, self.export_action):
            action.setEnabled(False)
        self.statusBar().showMessage(label + "...")

        def done(result) -> None:
            self._end_task()
            on_success(result)

        def failed(why: str) -> None:
            self._end_task()
            if why == "cancelled":
                self.statusBar().showMessage(f"{label}: cancelled; nothing was changed.")
            else:
                self.statusBar().showMessage(f"{label} failed: {why}")
                QMessageBox.warning(self, f"{label} failed", why)

        self._task = self.runner.submit(name, fn, on_success=done, on_failure=failed,
                                        on_progress=self._on_progress)  # fmt: skip

    def _on_progress(self, p) -> None:
        if hasattr(p, "fraction"):  # an import
            self.progress.setRange(0, 100)
            self.progress.setValue(int(p.fraction * 100))
            self.statusBar().showMessage(f"Importing {p.path.name}: {p.rows:,} rows")
        else:  # a price refresh
            self.progress.setRange(0, max(1, p.total))
            self.progress.setValue(p.done)
            self.statusBar().showMessage(f"Refreshing prices [{p.done}/{p.total}]: {p.message}")

    def _end_task(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.refresh_action.setEnabled(not self.ctx.settings.offline)
        self.import_action.setEnabled(True)
        self.export_action.setEnabled(True)

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
            if self._task.name == "prices":
                self.ctx.provider.close()  # abandon the request in flight now

    # -- settings -------------------------------------------------------------------------
    def theme_name(self) -> str:
        value = self.qsettings.value("theme", "system")
        return value if value in theme.THEMES else "system"

    def set_theme(self, name: str) -> None:
        self.qsettings.setValue("theme", name)
        theme.apply(name)
        self.theme_actions[name].setChecked(True)
        if self._charts is not None:
            self._charts.apply_theme()
        self.dashboard.apply_theme()
        self.position_nav.apply_theme()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.ctx.settings, self.theme_name(),
                                str(self.ctx.db.path or self.ctx.db.url), self)  # fmt: skip
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        new, theme_name = dialog.values()
        store = SettingsStore(self.ctx.db)
        # On a thread of its own: it waits for another Stakewatch's write, window live.
        saved, _ = write_runner.save("settings", lambda: store.set_many(
            {"offline": str(new.offline), "quote_interval": str(new.quote_interval)}))
        if not saved:
            return  # said in the window; nothing changed
        self.ctx.apply_settings(new)
        self.set_theme(theme_name)
        self._apply_settings()
        self._show_cached_quotes()

    def _apply_settings(self) -> None:
        s = self.ctx.settings
        self.refresh_action.setEnabled(not s.offline and self._task is None)
        self.quote_timer.setInterval(s.quote_interval * 1000)
        if s.offline:
            self.quote_timer.stop()
            self.last_refresh.setText("offline")
        else:
            self.quote_timer.start()
        self.live.follow_settings()

    def _about(self) -> None:
        from gui.about import show_about  # version and the bundled data's provenance

        show_about(self)

    # -- state ----------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.qsettings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = self.qsettings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        page = self.qsettings.value("page", "dashboard")
        self.show_page(page if page in PAGES else "dashboard")
        self.theme_actions[self.theme_name()].setChecked(True)

    def save_state(self) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("splitter", self.splitter.saveState())
        self.qsettings.setValue("page", self.current_page())
        if self._charts is not None:
            self.qsettings.setValue("charts-splitter", self._charts.splitter.saveState())
        if self.portfolio is not None:
            self.qsettings.setValue("portfolio", self.portfolio.name)
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.quote_timer.stop()
        self.live.stop()
        self.ctx.provider.close()  # a hung request ends now, not at its deadline
        self.runner.shutdown(5000)
        super().closeEvent(event)
