"""The window's pages: one list says which pages there are, in sidebar order, and how each
is built; a page marked lazy is built the first time it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from gui.widgets.sidebar import Sidebar


@dataclass(frozen=True)
class PageSpec:
    name: str  # the key: show_page(name), the saved page, Ctrl+<n> in this order
    title: str  # the sidebar's and the View menu's text
    build: Callable[[], QWidget]
    lazy: bool = False  # not built before the first paint (numpy, the ORM, pyqtgraph)...
    soon: bool = False  # ...but right after it (pages everyone visits), else on first visit
    icon: str = ""  # the glyph drawn beside the title (gui/widgets/sidebar.py; the name if "")


class Later:
    """A service made on first use, wherever that is (a page's first load, on a worker):
    pages take their services at construction, but numpy and the ORM load after the first
    paint."""

    def __init__(self, make: Callable[[], object]) -> None:
        self._make = make
        self._made: object = None

    def __getattr__(self, name: str):
        if self._made is None:
            self._made = self._make()
        return getattr(self._made, name)


class PageStack(QObject):
    """The sidebar and the stack; pages built now or when first shown."""

    built = Signal(str, QWidget)  # a page was just made (lazy ones: when first shown)

    def __init__(self, specs: list[PageSpec]) -> None:
        super().__init__()
        self.specs = list(specs)
        self.names = [s.name for s in self.specs]
        self.stack = QStackedWidget()
        self.sidebar = Sidebar()
        self.widgets: dict[str, QWidget] = {}
        self._lazy: set[str] = set()
        self._waiting: dict[str, list[Callable[[QWidget], None]]] = {}
        for spec in self.specs:
            if spec.lazy:
                widget = QWidget()  # a placeholder until first shown
                self._lazy.add(spec.name)
            else:
                widget = spec.build()
            self.widgets[spec.name] = widget
            self.stack.addWidget(widget)
            self.sidebar.add_page(spec.title, spec.icon or spec.name)

    def build_soon(self) -> None:
        """The lazy pages marked soon, built now (the window calls it after its first paint)."""
        for spec in self.specs:
            if spec.soon:
                self.page(spec.name)

    def is_built(self, name: str) -> bool:
        return name not in self._lazy

    def built_page(self, name: str) -> QWidget | None:
        """The page if it is built, else None (never builds it)."""
        return None if name in self._lazy else self.widgets[name]

    def when_built(self, name: str, wire: Callable[[QWidget], None]) -> None:
        """wire(page) now if the page is built, else as soon as it is: collaborators
        connect to a lazy page without building it before the first paint."""
        if name in self._lazy:
            self._waiting.setdefault(name, []).append(wire)
        else:
            wire(self.widgets[name])

    def built_pages(self) -> list[QWidget]:
        return [self.widgets[n] for n in self.names if n not in self._lazy]

    def page(self, name: str) -> QWidget:
        """The page, built now if it was not yet."""
        if name in self._lazy:
            spec = self.specs[self.names.index(name)]
            widget = spec.build()
            index = self.names.index(name)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.widgets[name] = widget
            self._lazy.discard(name)
            for wire in self._waiting.pop(name, []):
                wire(widget)
            self.built.emit(name, widget)
        return self.widgets[name]

    def show(self, row: int) -> None:
        if 0 <= row < len(self.names):
            self.page(self.names[row])
            self.stack.setCurrentIndex(row)
