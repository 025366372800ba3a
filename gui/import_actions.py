"""The window's 13F imports: the file dialog or a drop, the details a bare information
table needs, one file after another as the one long job, then their new CUSIPs to OpenFIGI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from gui.shell import Shell

if TYPE_CHECKING:
    from core.services.importer import ImportReport  # lxml: not needed to start
    from gui.tasks import LongTasks

IMPORT_FILTER = "13F filings (*.txt *.nc *.xml *.zip);;All files (*)"


class _Host(Shell, Protocol):
    tasks: LongTasks
    sync_actions: object  # map_after_import(cusips)

    def select_portfolio(self, name: str) -> None: ...


class ImportActions:
    def __init__(self, host: _Host, parent: QWidget) -> None:
        self.w = host
        self.parent = parent  # dialogs sit over it
        self._to_map: set[str] = set()  # imported CUSIPs without a ticker, mapped after

    def choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, "Import 13F filings", "",
                                                IMPORT_FILTER)  # fmt: skip
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> None:
        if self.w.tasks.busy:
            self.w.statusBar().showMessage("Busy: wait for the running job or cancel it.")
            return
        path, rest = paths[0], paths[1:]
        options = None
        importer = self.w.ctx.importer
        if importer.needs_details(path):
            from gui.dialogs.import_details import ImportDetailsDialog  # lxml: when asked

            dialog = ImportDetailsDialog(path.name, self.parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            options = dialog.options()
        self.w.tasks.start(
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
                            if not self.w.ctx.settings.offline else
                            "offline, so not looked up (enter them in the holdings table).")
                         )  # fmt: skip
                self._to_map.update(r.unmapped_cusips)
            for w in r.warnings:
                text += f"\nWarning: {w}"
        self.w.statusBar().showMessage(text.splitlines()[0])
        QMessageBox.information(self.parent, "Import finished", text)
        self.w.reload_portfolios()
        if not r.already_present:
            self.w.select_portfolio(r.filer)
        if rest:
            self.import_paths(rest)
        else:  # the last file is in: its new CUSIPs (and the earlier files') to OpenFIGI
            cusips, self._to_map = sorted(self._to_map), set()
            self.w.sync_actions.map_after_import(cusips)
