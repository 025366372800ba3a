"""The window's pages: one list says which pages there are, in sidebar order, and how each
is built; a page marked lazy is built the first time it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStackedWidget, QWidget


@dataclass(frozen=True)
class PageSpec:
    name: str  # the key: show_page(name), the saved page, Ctrl+<n> in this order
    title: str  # the sidebar's and the View menu's text
    build: Callable[[], QWidget]
    lazy: bool = False  # built when first shown (pyqtgraph's import costs start-up time)
    icon: str = ""  # a theme-independent glyph drawn beside the title


class PageStack(QObject):
    """The sidebar and the stack; pages built now or when first shown."""

    built = Signal(str, QWidget)  # a page was just made (lazy ones: when first shown)

    def __init__(self, specs: list[PageSpec]) -> None:
        super().__init__()
        self.specs = list(specs)
        self.names = [s.name for s in self.specs]
        self.stack = QStackedWidget()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(18, 18))
        self.widgets: dict[str, QWidget] = {}
        self._lazy: set[str] = set()
        for spec in self.specs:
            if spec.lazy:
                widget = QWidget()  # a placeholder until first shown
                self._lazy.add(spec.name)
            else:
                widget = spec.build()
            self.widgets[spec.name] = widget
            self.stack.addWidget(widget)
            self.sidebar.addItem(QListWidgetItem(spec.title))

    def is_built(self, name: str) -> bool:
        return name not in self._lazy

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
            self.built.emit(name, widget)
        return self.widgets[name]

    def show(self, row: int) -> None:
        if 0 <= row < len(self.names):
            self.page(self.names[row])
            self.stack.setCurrentIndex(row)
