"""File > Load 13F data set...: a quarter of the SEC's Form 13F data sets loaded as the
window's one long job (progress and Cancel on the status bar; Cancel leaves nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.shell import Shell

if TYPE_CHECKING:
    from core.services.universe import LoadReport


class _Host(Shell, Protocol):
    tasks: Any  # gui.tasks.LongTasks


class UniverseActions:
    """Needs the window's context, its one long job and its status bar."""

    def __init__(self, window: _Host) -> None:
        self.w = window
        self.action = QAction("Load 13F &data set...", window)  # type: ignore[arg-type]
        self.action.setStatusTip("Load a quarter of the SEC's Form 13F data sets: every "
                                 "filer's holdings, for Holders")  # fmt: skip
        self.action.triggered.connect(self.choose)
        menu = getattr(window, "file_menu", None)
        if menu is not None:
            menu.insertAction(menu.actions()[1] if len(menu.actions()) > 1 else None,
                              self.action)  # fmt: skip

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Load a Form 13F data set", "",  # type: ignore[arg-type]
            "Form 13F data sets (*.zip);;All files (*)")  # fmt: skip
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> bool:
        from core.services.universe import UniverseLoader

        loader = UniverseLoader(self.w.ctx.db)
        return self.w.tasks.start("universe", lambda: loader.load(path),
                                  f"Loading {path.name}", self._on_loaded)

    def _on_loaded(self, r: LoadReport) -> None:
        if r.already_loaded:
            text = f"{r.label}: already loaded from {r.source}; nothing changed."
        else:
            text = (f"{r.label}: {r.filings:,} filings ({r.new_filings:,} new), "
                    f"{r.rows:,} holdings rows, {r.new_filers:,} new filers. View > Who else "
                    "holds it shows every filer holding a security.")  # fmt: skip
            for warning in r.warnings:
                text += f"\nWarning: {warning}"
        self.w.statusBar().showMessage(text.splitlines()[0])
        QMessageBox.information(self.w, "Data set loaded", text)  # type: ignore[arg-type]
        self.w.reload_pages()
