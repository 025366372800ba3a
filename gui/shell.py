"""What the window's collaborators may ask of it: narrow Protocols, not the MainWindow type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: this module imports no gui module, so no circle
    from core.context import AppContext
    from core.domain.positions import PortfolioRef
    from gui.widgets.status_bar import StatusBar


class Shell(Protocol):
    """The context, the book shown, the status bar, and reloading what shows."""

    ctx: AppContext
    portfolio: PortfolioRef | None

    def statusBar(self) -> StatusBar: ...

    def reload_portfolios(self, select: str | None = None) -> None: ...

    def reload_pages(self) -> None: ...

    def show_page(self, name: str) -> None: ...
