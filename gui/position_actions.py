"""Opening one position (double-click or Enter on a row of Holdings or Companies) and going
back: a small object the window owns, not a mixin. The page is built on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget

from gui.shell import Shell

if TYPE_CHECKING:
    from gui.page_stack import PageStack
    from gui.workers import TaskRunner


class _Host(Shell, Protocol):
    runner: TaskRunner
    pages: PageStack
    stack: Any  # the pages' QStackedWidget, where the position page goes too
    sidebar: Any
    holdings: Any  # table, model, proxy, portfolio
    companies: Any  # table, model, proxy


class PositionNavigator:
    """Needs the window's ctx, runner, stack, sidebar, holdings and companies pages."""

    def __init__(self, window: _Host) -> None:
        self.w = window
        self.page = None  # gui.pages.position.PositionPage, made when first opened
        self.came_from: QWidget | None = None
        window.pages.when_built("holdings", lambda page: page.table.activated.connect(
            self._on_holding_activated))
        window.pages.when_built("companies", lambda page: page.table.activated.connect(
            self._on_company_activated))
        window.sidebar.itemClicked.connect(self._on_sidebar_clicked)

    def showing(self) -> bool:
        return self.page is not None and self.w.stack.currentWidget() is self.page

    def _on_holding_activated(self, index: QModelIndex) -> None:
        page = self.w.holdings
        if not index.isValid() or page.portfolio is None:
            return
        row = page.model.row_at(page.proxy.mapToSource(index).row())
        p = row.position
        self.open(page.portfolio, p.cusip, p.ticker, p.put_call)

    def _on_company_activated(self, index: QModelIndex) -> None:
        page = self.w.companies
        if not index.isValid() or self.w.portfolio is None:
            return
        c = page.model.company(page.proxy.mapToSource(index).row())
        self.open(self.w.portfolio, c.cusip, c.ticker, None)

    def open(self, portfolio, cusip: str, ticker: str | None, put_call: str | None) -> None:
        """Load on a worker; show the page when it arrives."""
        positions = self.w.ctx.positions
        self.w.statusBar().showMessage(f"Opening {ticker or cusip}...")
        self.w.runner.submit("position",
                             lambda: positions.detail(portfolio, cusip, ticker, put_call),
                             on_success=self._show,
                             on_failure=lambda why: self.w.statusBar().showMessage(why))

    def _show(self, detail) -> None:
        if self.page is None:
            from gui.pages.position import PositionPage  # pyqtgraph: only when needed

            self.page = PositionPage()
            self.page.back_requested.connect(self.back)
            self.w.stack.addWidget(self.page)
        if not self.showing():
            self.came_from = self.w.stack.currentWidget()
        self.page.show_detail(detail)
        self.w.stack.setCurrentWidget(self.page)
        self.w.statusBar().showMessage(
            f"{detail.ticker or detail.key.cusip}: {len(detail.rows)} row(s) behind it "
            "(Back or Alt+Left returns)")  # fmt: skip

    def back(self) -> None:
        target = self.came_from if self.came_from is not None else self.w.stack.widget(0)
        self.w.stack.setCurrentWidget(target)

    def _on_sidebar_clicked(self, item) -> None:
        # The sidebar's row did not change while a position showed: go to the page clicked.
        if self.showing():
            row = self.w.sidebar.row(item)
            self.w.pages.show(row)

    def apply_theme(self) -> None:
        if self.page is not None and self.page.detail is not None:
            for chart in (self.page.price, self.page.value):
                chart.apply_theme()
            self.page.show_detail(self.page.detail)

