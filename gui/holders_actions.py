"""'Who else holds it' (Ctrl+Shift+H) from Holdings, Companies or a position, and a row of
the Holders page opening that filer's book: a small object the window owns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtGui import QAction, QKeySequence

from gui.shell import Shell

if TYPE_CHECKING:
    from core.domain.positions import PortfolioRef
    from gui.page_stack import PageStack
    from gui.pages.holders import HoldersPage


class _Host(Shell, Protocol):
    pages: PageStack
    stack: Any
    holdings: Any  # table, model, proxy
    companies: Any  # table, model, proxy
    position_nav: Any  # page (with .detail), showing()

    def show_book(self, portfolio: PortfolioRef) -> None: ...


class HoldersNavigator:
    """Needs the window's pages, the Holdings and Companies tables and the position view."""

    def __init__(self, window: _Host) -> None:
        self.w = window
        self.action = QAction("&Who else holds it", window)  # type: ignore[arg-type]
        self.action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.action.setStatusTip("Every 13F filer holding the selected security")
        self.action.triggered.connect(self.open_current)
        window.addAction(self.action)  # type: ignore[attr-defined]
        menu = getattr(window, "view_menu", None)
        if menu is not None:
            menu.addSeparator()
            menu.addAction(self.action)
        for name in ("holdings", "companies"):
            window.pages.when_built(name, lambda page: page.table.addAction(self.action))
        window.pages.built.connect(self._on_page_built)

    def _on_page_built(self, name: str, page) -> None:
        if name == "holders":
            page.filer_requested.connect(self.open_filer)

    def page(self) -> HoldersPage:
        return self.w.pages.page("holders")

    def selected_cusip(self) -> str | None:
        """The security selected where the user is: a Holdings row, a company, a position."""
        nav = self.w.position_nav
        if nav.showing() and nav.page.detail is not None:
            return nav.page.detail.key.cusip
        current = self.w.stack.currentWidget()
        for page, pick in ((self.w.pages.built_page("holdings"), lambda r: r.position.cusip),
                           (self.w.pages.built_page("companies"), lambda c: c.cusip)):  # fmt: skip
            if page is not None and current is page:
                index = page.table.currentIndex()
                if not index.isValid():
                    return None
                source = page.proxy.mapToSource(index).row()
                row = page.model.row_at(source) if hasattr(page.model, "row_at") else \
                    page.model.company(source)
                return pick(row)
        return None

    def open_current(self) -> None:
        self.open(self.selected_cusip())

    def open(self, cusip: str | None) -> None:
        page = self.page()
        self.w.show_page("holders")
        if cusip:
            page.show_security(cusip)
        else:
            page.security.setFocus()

    def open_filer(self, cik: str) -> None:
        from core.services.queries import NotFoundError

        try:
            portfolio = self.w.ctx.queries.portfolio(cik)
        except NotFoundError as exc:
            self.w.statusBar().showMessage(str(exc))
            return
        self.w.show_book(portfolio)
