"""The main window: composition only. Pages (one list, PAGE_SPECS), menus, a toolbar and the
status bar; the work lives in objects of its own: tasks (the one long job), quotes and
prices, imports, own portfolios, snapshots, EDGAR sync, live ticks, the change watcher."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QMainWindow, QSplitter, QToolBar, QWidget

from core.context import AppContext
from core.domain.positions import PortfolioRef
from core.services.portfolio_list import portfolio_lines
from core.services.prices import ALWAYS
from core.services.seeding import NVIDIA_CIK
from core.services.settings import SettingsStore
from gui import theme, write_runner
from gui.change_watcher import ChangeWatcher
from gui.dialogs.settings_dialog import SettingsDialog
from gui.first_paint import after_first_paint
from gui.holders_actions import HoldersNavigator
from gui.import_actions import ImportActions
from gui.live_quotes import LiveQuotes
from gui.own_actions import OwnPortfolioActions
from gui.page_stack import Later, PageSpec, PageStack
from gui.pages.dashboard import DashboardPage
from gui.position_actions import PositionNavigator
from gui.price_entry import PriceEntry
from gui.quote_actions import QuoteActions
from gui.snapshot_actions import SnapshotActions
from gui.sync_actions import SyncActions
from gui.tasks import LongTasks
from gui.universe_actions import UniverseActions
from gui.widgets.quote_strip import QuoteStrip
from gui.widgets.status_bar import StatusBar
from gui.workers import TaskRunner


def _holdings_page(w: MainWindow) -> QWidget:
    from gui.pages.holdings import HoldingsPage  # numpy and the ORM: after the first paint

    ctx = w.ctx
    return HoldingsPage(ctx.queries, ctx.analytics, ctx.companies, w.undo_stack, w.runner,
                        own=ctx.own)


def _companies_page(w: MainWindow) -> QWidget:
    from gui.pages.companies import CompaniesPage

    return CompaniesPage(w.ctx.companies, w.runner)


def _charts_page(w: MainWindow) -> QWidget:
    from gui.pages.charts import ChartsPage  # pyqtgraph: only when first shown

    page = ChartsPage(w.ctx.analytics, w.ctx.prices, w.runner, performance=w.ctx.performance)
    state = w.qsettings.value("charts-splitter")
    if isinstance(state, QByteArray):
        page.restore_splitter(state)
    return page


def _transactions_page(w: MainWindow) -> QWidget:
    from gui.pages.transactions import TransactionsPage

    return TransactionsPage(w.ctx.own, w.own_actions)


def _holders_page(w: MainWindow) -> QWidget:
    from core.services.holders import HoldersQueries
    from gui.pages.holders import HoldersPage

    return HoldersPage(HoldersQueries(w.ctx.db.reading), w.runner)


def page_specs(w: MainWindow) -> list[PageSpec]:
    """Every page, in sidebar order: add a page here (it gets Ctrl+<n>, a sidebar row, the
    portfolio shown via its show_portfolio(p), the theme via its apply_theme())."""
    ctx = w.ctx
    return [
        PageSpec("dashboard", "Dashboard",
                 lambda: DashboardPage(Later(lambda: ctx.analytics), w.runner,
                                       own=Later(lambda: ctx.own),
                                       performance=Later(lambda: ctx.performance))),
        PageSpec("holdings", "Holdings", lambda: _holdings_page(w), lazy=True, soon=True),
        PageSpec("charts", "Charts", lambda: _charts_page(w), lazy=True),
        PageSpec("companies", "Companies", lambda: _companies_page(w), lazy=True, soon=True),
        PageSpec("transactions", "Transactions", lambda: _transactions_page(w), lazy=True),
        PageSpec("holders", "Holders", lambda: _holders_page(w), lazy=True),
    ]  # fmt: skip


class MainWindow(QMainWindow):
    portfolio_shown = Signal(object)  # the PortfolioRef picked (or reloaded): pages follow

    def __init__(self, ctx: AppContext, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = settings or QSettings()
        self.setWindowTitle("Stakewatch")
        self.setStatusBar(StatusBar(self))  # elides; a message's detail one click away
        self.setAcceptDrops(True)
        self.runner = TaskRunner(self, max_threads=3)
        # The first loads (dashboard, cached quotes) start after the first paint: on a worker
        # they import numpy and the ORM, which would hold the GIL while the window paints.
        self.runner.hold()
        after_first_paint(self, self._on_first_paint)
        self.undo_stack = QUndoStack(self)
        self.portfolio: PortfolioRef | None = None
        self._portfolios: list[PortfolioRef] = []

        self.pages = PageStack(page_specs(self))
        self.pages.built.connect(self._on_page_built)
        self.pages.stack.currentChanged.connect(self._on_page_changed)
        self.stack, self.sidebar = self.pages.stack, self.pages.sidebar
        self.dashboard: DashboardPage = self.pages.page("dashboard")
        self.sidebar.currentRowChanged.connect(self.pages.show)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 1110])
        self.setCentralWidget(self.splitter)

        self.portfolio_box = QComboBox()
        self.portfolio_box.setMinimumWidth(200)
        self.portfolio_box.currentIndexChanged.connect(self._on_portfolio_selected)
        self.quotes = QuoteStrip(ALWAYS)
        self.tasks = LongTasks(self.runner, self.statusBar(), self, self._on_cancel)
        self.tasks.busy_changed.connect(self._on_busy)
        self.quote_actions = QuoteActions(self)  # tiles, the quote timer, F5
        self.imports = ImportActions(self, self)  # 13F files: dialog, drop, one by one
        self.price_entry = PriceEntry(self, self)  # closes from a CSV or typed, offline
        self.own_actions = OwnPortfolioActions(self)  # your portfolios: create, edit, import
        self.snapshot_actions = SnapshotActions(self)  # export, open, compare snapshots
        self._build_actions()
        self._build_toolbar()
        self._build_status_bar()
        self.sync_actions = SyncActions(self)  # EDGAR: check, follow, map; the banner
        self.pages.when_built("holdings", self._wire_holdings)
        self.dashboard.add_requested.connect(self.own_actions.add_holding)
        self.dashboard.import_requested.connect(self.own_actions.choose_holdings_csv)
        self.position_nav = PositionNavigator(self)  # one position in depth, and back
        self.holders_nav = HoldersNavigator(self)  # who else holds it; a holder's book
        self.universe_actions = UniverseActions(self)  # File > Load 13F data set...

        self.live = LiveQuotes(self)  # streamed ticks in the tiles; polling if it fails
        self._apply_settings()
        self._restore()
        self.reload_portfolios()
        # Other processes' writes reload the pages; a read-only database disables edits.
        self.change_watcher = ChangeWatcher(self)
        self.quote_actions.show_cached()
        if not ctx.settings.offline:
            self.quote_actions.refresh_quotes()

    def _on_first_paint(self) -> None:
        """What waited for the first paint: the first loads, EDGAR's notes and check, and
        the pages built soon (Holdings, Companies; their loads queue behind the dashboard's)."""
        self.runner.release()
        self.sync_actions.start()
        self.pages.build_soon()

    # -- construction ---------------------------------------------------------------------
    def make_action(self, text: str, shortcut: str | None, slot, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whether or not a menu shows
        return action

    def _build_actions(self) -> None:
        own, snap = self.own_actions, self.snapshot_actions
        self.import_action = self.make_action("&Import 13F filing...", "Ctrl+I",
                                              self.imports.choose, "Import EDGAR 13F files "
                                              "(or drop them on the window)")  # fmt: skip
        self.export_action = self.make_action("&Export snapshot...", "Ctrl+E", snap.choose_export,
                                          "Save this portfolio as JSON, CSV, XLSX, PDF, PNG or SVG")
        self.open_snapshot_action = self.make_action("&Open snapshot...", "Ctrl+O",
                                                 snap.choose_snapshot)
        self.diff_snapshots_action = self.make_action("Co&mpare two snapshots...", None,
                                                  snap.choose_snapshot_pair)
        self.settings_action = self.make_action("&Settings...", "Ctrl+,", self.open_settings)
        self.quit_action = self.make_action("&Quit", "Ctrl+Q", self.close)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for a in (self.undo_action, self.redo_action):
            self.addAction(a)
        self.find_action = self.make_action("&Filter holdings", "Ctrl+F", self._on_find)
        self.new_portfolio_action = self.make_action("&New portfolio...", "Ctrl+Shift+N",
                                                 own.new_portfolio)
        self.rename_portfolio_action = self.make_action("&Rename portfolio...", None,
                                                    own.rename_portfolio)
        self.delete_portfolio_action = self.make_action("&Delete portfolio...", None,
                                                    own.delete_portfolio)
        self.add_holding_action = self.make_action("&Add transaction...", "Ctrl+N",
                                                   own.add_holding, "Record a buy, sale, "
                                                   "dividend, split, transfer or fee")
        self.import_holdings_action = self.make_action("&Import transactions CSV...", None,
                                                       own.choose_holdings_csv)
        self.reconcile_action = self.make_action("&Reconcile with a broker statement...", None,
                                                 lambda: own.reconcile_csv())
        self.compare_action = self.make_action("&Compare with NVIDIA...", None, own.compare)
        self.refresh_action = self.make_action("&Refresh prices", "F5",
                                           self.quote_actions.refresh_prices,
                                           "Fetch missing daily prices, then the latest quotes")
        self.page_actions = [
            self.make_action(spec.title, f"Ctrl+{i + 1}",
                         lambda _=False, n=spec.name: self.show_page(n))
            for i, spec in enumerate(self.pages.specs)
        ]  # fmt: skip
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
        self.file_menu = m  # "Load 13F data set..." joins it
        m.addActions([self.import_action, self.export_action, self.open_snapshot_action,
                      self.diff_snapshots_action])  # fmt: skip
        m.addSeparator()
        m.addAction(self.settings_action)
        m.addSeparator()
        m.addAction(self.quit_action)
        m = bar.addMenu("&Edit")
        m.addActions([self.undo_action, self.redo_action])
        m.addSeparator()
        m.addAction(self.find_action)  # Holdings' Copy rows joins when Holdings is built
        self.edit_menu = m
        m = bar.addMenu("P&ortfolio")
        m.addActions([self.new_portfolio_action, self.rename_portfolio_action,
                      self.delete_portfolio_action])  # fmt: skip
        m.addSeparator()
        m.addActions([self.add_holding_action, self.import_holdings_action,
                      self.reconcile_action, self.compare_action])  # fmt: skip
        m = bar.addMenu("&View")
        m.addActions(self.page_actions)
        self.view_menu = m  # "Who else holds it" joins it
        m.addSeparator()
        themes = m.addMenu("&Theme")
        themes.addActions(list(self.theme_actions.values()))
        m = bar.addMenu("&Prices")
        m.addAction(self.refresh_action)
        m.addSeparator()  # without the network: closes from a file, or typed
        self.import_prices_action = self.make_action("&Import prices CSV...", None,
                                                     self.price_entry.choose_csv,
                                                     "Daily closes from a CSV file, offline")
        self.enter_close_action = self.make_action("&Enter a closing price...", None,
                                                   self.price_entry.enter_close)
        m.addActions([self.import_prices_action, self.enter_close_action])
        self.help_menu = bar.addMenu("&Help")
        self.getting_started_action = QAction("&Getting started", self)
        self.getting_started_action.triggered.connect(lambda: self._help("getting_started"))
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(lambda: self._help("shortcuts"))
        self.addAction(self.shortcuts_action)
        self.help_menu.addActions([self.getting_started_action, self.shortcuts_action])
        self.help_menu.addSeparator()
        self.help_menu.addAction(about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main")
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addWidget(QLabel(" Portfolio: "))
        tb.addWidget(self.portfolio_box)
        tb.addSeparator()
        tb.addAction(self.refresh_action)
        tb.addAction(self.import_action)
        tb.addAction(self.add_holding_action)  # your own books: Add transaction (Ctrl+N)
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
        if self.sidebar.fit_window(self.width()):  # icons only on a narrow window
            side = self.sidebar.preferred_width()
            self.splitter.setSizes([side, max(0, self.splitter.width() - side)])
        narrow = self.width() < 1100
        if narrow != self._quotes_own_row:
            self._quotes_own_row = narrow
            if narrow:
                self.insertToolBarBreak(self.quotes_bar)
            else:
                self.removeToolBarBreak(self.quotes_bar)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.addPermanentWidget(self.quote_actions.last_refresh)
        bar.addPermanentWidget(self.tasks.progress)
        bar.addPermanentWidget(self.tasks.cancel_button)

    # -- portfolios and pages -------------------------------------------------------------
    def reload_portfolios(self, select: str | None = None) -> None:
        """Filers with reports, and every own portfolio (even an empty new one)."""
        # A followed filer shows at once, before its first sync (its pages say when it fills).
        # One Core read, no ORM: the picker fills before the first paint.
        lines = portfolio_lines(self.ctx.db.reading)
        ports = [PortfolioRef(x.id, x.name, x.kind, x.cik) for x in lines
                 if x.kind == "own" or x.reports or x.followed]  # fmt: skip
        nvidia = next((p.name for p in ports if p.cik == NVIDIA_CIK), None)
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
        default = nvidia or names[0]
        index = names.index(wanted) if wanted in names else names.index(default)
        self.portfolio_box.setCurrentIndex(index)
        self._on_portfolio_selected(index)

    def show_book(self, p: PortfolioRef) -> None:
        """Show a book the picker may not list (a data set's filer, opened from Holders):
        it joins the picker until the list is next reloaded."""
        if all(q.id != p.id for q in self._portfolios):
            self._portfolios.append(p)
            self.portfolio_box.addItem(p.name)
        self.select_portfolio(p.name)
        self.show_page("holdings")

    def portfolios(self) -> list[PortfolioRef]:
        """The books the picker offers, in its order."""
        return list(self._portfolios)

    def select_portfolio(self, name: str) -> None:
        index = next((i for i, p in enumerate(self._portfolios) if p.name == name), None)
        if index is not None:
            self.portfolio_box.setCurrentIndex(index)

    def _on_portfolio_selected(self, index: int) -> None:
        if 0 <= index < len(self._portfolios):
            self.portfolio = self._portfolios[index]
            own = self.portfolio.kind == "own"
            for action in (self.rename_portfolio_action, self.delete_portfolio_action,
                           self.add_holding_action, self.import_holdings_action,
                           self.reconcile_action, self.compare_action):  # fmt: skip
                action.setEnabled(own)
            self.reload_pages()
            self.portfolio_shown.emit(self.portfolio)

    def reload_pages(self) -> None:
        """Every page built so far shows the portfolio picked (Holdings keeps its period)."""
        if self.portfolio is None:
            return
        holdings = self.pages.built_page("holdings")
        period = (holdings.period() if holdings is not None
                  and holdings.portfolio == self.portfolio else None)  # fmt: skip
        for page in self.pages.built_pages():
            if hasattr(page, "show_portfolio"):
                page.show_portfolio(self.portfolio)
        if period is not None:
            holdings.select_period(period)
        companies = self.pages.built_page("companies")
        if companies is not None:
            companies.reload()

    def _on_page_changed(self, _index: int) -> None:
        if not self.tasks.busy:  # a page's message leaves with the page; a job's stays
            self.statusBar().clearMessage()

    def _on_page_built(self, name: str, page: QWidget) -> None:
        if self.portfolio is not None and hasattr(page, "show_portfolio"):
            page.show_portfolio(self.portfolio)
        if name == "companies":
            page.reload()

    def _wire_holdings(self, page) -> None:
        page.tickers_changed.connect(self.reload_pages)
        page.model.shares_edited.connect(self.own_actions._on_shares_edited)
        page.sell_requested.connect(self.own_actions.sell_holding)
        self.edit_menu.addAction(page.copy_action)

    @property
    def holdings(self):
        """The Holdings page, made on first use (it is not on the first screen)."""
        return self.pages.page("holdings")

    @property
    def companies(self):
        """The Companies page, made on first use."""
        return self.pages.page("companies")

    @property
    def charts(self):
        """The charts page, made on first use (importing pyqtgraph takes a while)."""
        return self.pages.page("charts")

    @property
    def _charts(self):
        return self.pages.widgets["charts"] if self.pages.is_built("charts") else None

    def show_page(self, name: str) -> None:
        row = self.pages.names.index(name)
        self.sidebar.setCurrentRow(row)
        self.pages.show(row)  # also when a position showed over it

    def current_page(self) -> str:
        """The sidebar page showing (while a position shows: the page it was opened from)."""
        names = self.pages.names
        index = self.stack.currentIndex()
        if index >= len(names):
            came_from = self.position_nav.came_from
            index = self.stack.indexOf(came_from) if came_from is not None else 0
        return names[max(0, min(index, len(names) - 1))]

    def _on_find(self) -> None:
        self.show_page("holdings")
        self.holdings.focus_filter()

    # -- the one long job -----------------------------------------------------------------
    def _on_busy(self, busy: bool) -> None:
        self.refresh_action.setEnabled(not busy and not self.ctx.settings.offline)
        self.import_action.setEnabled(not busy)
        self.export_action.setEnabled(not busy)

    def _on_cancel(self, name: str) -> None:
        if name == "prices":
            self.ctx.provider.close()  # abandon the request in flight now

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.imports.import_paths(paths)

    # -- settings -------------------------------------------------------------------------
    def theme_name(self) -> str:
        value = self.qsettings.value("theme", "system")
        return value if value in theme.THEMES else "system"

    def set_theme(self, name: str) -> None:
        self.qsettings.setValue("theme", name)
        theme.apply(name)
        self.theme_actions[name].setChecked(True)
        for page in self.pages.built_pages():
            if hasattr(page, "apply_theme"):
                page.apply_theme()
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
        self.quote_actions.show_cached()

    def _apply_settings(self) -> None:
        self.refresh_action.setEnabled(not self.ctx.settings.offline and not self.tasks.busy)
        self.quote_actions.follow_settings()
        self.live.follow_settings()

    def _help(self, which: str) -> None:
        from gui import help as help_pages  # built when asked for

        dialog = (help_pages.getting_started_dialog(self) if which == "getting_started"
                  else help_pages.shortcuts_dialog(self))  # fmt: skip
        dialog.open()

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
        self._fit_screen()
        splitter = self.qsettings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        page = self.qsettings.value("page", "dashboard")
        self.show_page(page if page in self.pages.names else "dashboard")
        self.theme_actions[self.theme_name()].setChecked(True)

    def _fit_screen(self) -> None:
        """Never larger than the screen it opens on (a size saved on a big screen, restored
        on a small one), and on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.width() > room.width() or self.height() > room.height():
            self.resize(min(self.width(), room.width()), min(self.height(), room.height()))
        if not room.intersects(self.frameGeometry()):
            self.move(room.topLeft())

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
        self.quote_actions.timer.stop()
        self.live.stop()
        self.ctx.provider.close()  # a hung request ends now, not at its deadline
        self.runner.shutdown(5000)
        super().closeEvent(event)
