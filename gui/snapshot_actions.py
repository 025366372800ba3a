"""The window's snapshot actions (a mixin of MainWindow): export in any format, re-open a
JSON snapshot read-only, compare two."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

EXPORT_FILTER = ("JSON snapshot (*.json);;CSV positions (*.csv);;Excel workbook (*.xlsx);;"
                 "PDF report (*.pdf);;PNG chart (*.png);;SVG chart (*.svg)")


class SnapshotActions:
    """Needs the window's ctx, portfolio, status bar and _start_task."""

    def choose_export(self) -> None:
        if self.portfolio is None:
            return
        suggested = f"{self.portfolio.name}.json"
        path, _ = QFileDialog.getSaveFileName(self, "Export snapshot", suggested, EXPORT_FILTER)
        if path:
            self.export_snapshot(Path(path))

    def export_snapshot(self, path: Path) -> None:
        """The file dialog already asked before replacing a file: written with force."""
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("json", "csv", "xlsx", "pdf", "png", "svg") or self.portfolio is None:
            QMessageBox.warning(self, "Export", "Choose a file ending in .json, .csv, .xlsx, "
                                f".pdf, .png or .svg (not '{path.name}').")  # fmt: skip
            return
        snapshots, portfolio = self.ctx.snapshots, self.portfolio
        live = not self.ctx.settings.offline

        def build():
            from core.services import exporters

            snap = snapshots.build([portfolio], None, live=live)
            history = {portfolio.name: snapshots.history(portfolio, None)}
            if fmt == "json":
                exporters.write_json(snap, path, force=True)
            elif fmt == "csv":
                exporters.write_csv(snap, path, force=True)
            elif fmt == "xlsx":
                exporters.write_xlsx(snap, history, path, force=True)
            return snap, history

        def done(result) -> None:
            snap, history = result
            if fmt in ("pdf", "png", "svg"):  # Qt draws these, on this thread
                from PySide6.QtWidgets import QApplication

                from gui import export

                app = QApplication.instance()
                if fmt == "pdf":
                    export.write_pdf(app, snap, history, path, force=True)
                else:
                    widget = export.chart_widget(app, "value", history[portfolio.name])
                    export.save_chart(widget, path, fmt, force=True)
                    widget.close()
            self.statusBar().showMessage(f"Exported {path}")

        self._start_task("export", build, f"Exporting {path.name}", done)

    def choose_snapshot(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open snapshot", "", "Snapshots (*.json)")
        if path:
            self.open_snapshot(Path(path))

    def open_snapshot(self, path: Path):
        from core.services.snapshots import SnapshotError, load
        from gui.dialogs.snapshot_view import SnapshotDialog

        try:
            snap = load(path)
        except SnapshotError as exc:
            QMessageBox.warning(self, "Cannot open snapshot", str(exc))
            return None
        dialog = SnapshotDialog(snap, str(path), self)
        dialog.show()
        return dialog

    def choose_snapshot_pair(self) -> None:
        first, _ = QFileDialog.getOpenFileName(self, "Earlier snapshot", "", "Snapshots (*.json)")
        if not first:
            return
        second, _ = QFileDialog.getOpenFileName(self, "Later snapshot", "", "Snapshots (*.json)")
        if second:
            self.diff_snapshots(Path(first), Path(second))

    def diff_snapshots(self, before: Path, after: Path):
        from core.services.snapshots import SnapshotError, diff, load
        from gui.dialogs.snapshot_view import SnapshotDiffDialog

        try:
            d = diff(load(before), load(after))
        except SnapshotError as exc:
            QMessageBox.warning(self, "Cannot compare snapshots", str(exc))
            return None
        dialog = SnapshotDiffDialog(d, self)
        dialog.show()
        return dialog

