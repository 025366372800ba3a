"""The window's snapshot actions (a composed object the window owns, not a mixin): export
in any format, re-open a JSON snapshot read-only, compare two."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.shell import Shell

if TYPE_CHECKING:
    from core.domain.positions import PortfolioRef
    from gui.tasks import LongTasks


class _Host(Shell, Protocol):
    tasks: LongTasks

    def portfolios(self) -> list[PortfolioRef]: ...


class SnapshotActions:
    """Needs the window's ctx, portfolio, portfolios(), status bar and tasks."""

    def __init__(self, window: _Host) -> None:
        self.w = window

    def choose_export(self) -> None:
        """The export dialog: portfolio or all, as-of date, format, chart; then write."""
        from PySide6.QtWidgets import QDialog

        from gui.dialogs.export_dialog import ExportDialog

        if self.w.portfolio is None:
            return
        names = [p.name for p in self.w.portfolios()]
        dialog = ExportDialog(names, self.w.portfolio.name, Path.home(), self.w)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        c = dialog.choice()
        if c.path.exists() and QMessageBox.question(
                self, "Export", f"{c.path.name} exists. Replace it?") != \
                QMessageBox.StandardButton.Yes:  # fmt: skip
            return
        self.export_snapshot(c.path, c.portfolios, c.as_of, c.chart)

    def export_snapshot(self, path: Path, names: list[str] | None = None, as_of=None,
                        chart: str = "value") -> None:  # fmt: skip
        """Write the snapshot of `names` (default: the portfolio shown) as of a date
        (default: today at the latest prices). Asked before: an existing file is replaced."""
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("json", "csv", "xlsx", "pdf", "png", "svg") or self.w.portfolio is None:
            QMessageBox.warning(self.w, "Export", "Choose a file ending in .json, .csv, .xlsx, "
                                f".pdf, .png or .svg (not '{path.name}').")  # fmt: skip
            return
        by_name = {p.name: p for p in self.w.portfolios()}
        books = [by_name[n] for n in names if n in by_name] if names else [self.w.portfolio]
        snapshots, prices = self.w.ctx.snapshots, self.w.ctx.prices
        live = not self.w.ctx.settings.offline and as_of is None

        def build():
            from core.services import exporters
            from core.services.prices import ALWAYS

            snap = snapshots.build(books, as_of, live=live)
            history = {b.name: snapshots.history(b, as_of) for b in books}
            bars = ({t: prices.cached_bars(t, None, as_of) for t in ALWAYS}
                    if chart == "prices" else None)  # fmt: skip
            if fmt == "json":
                exporters.write_json(snap, path, force=True)
            elif fmt == "csv":
                exporters.write_csv(snap, path, force=True)
            elif fmt == "xlsx":
                exporters.write_xlsx(snap, history, path, force=True)
            return snap, history, bars

        def done(result) -> None:
            snap, history, bars = result
            if fmt in ("pdf", "png", "svg"):  # Qt draws these, on this thread
                from PySide6.QtWidgets import QApplication

                from gui import export

                app = QApplication.instance()
                if fmt == "pdf":
                    export.write_pdf(app, snap, history, path, force=True)
                else:
                    widget = export.chart_widget(app, chart, history[books[0].name], bars,
                                                 book=books[0].name)
                    export.save_chart(widget, path, fmt, force=True)
                    widget.close()
            self.w.statusBar().showMessage(f"Exported {path}")

        self.w.tasks.start("export", build, f"Exporting {path.name}", done)

    def choose_snapshot(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open snapshot", "", "Snapshots (*.json)")
        if path:
            self.open_snapshot(Path(path))

    def open_snapshot(self, path: Path):
        from core.services.snapshots import SnapshotError, load
        from gui.dialogs.snapshot_view import SnapshotDialog

        try:
            snap = load(path)
        except SnapshotError as exc:
            QMessageBox.warning(self.w, "Cannot open snapshot", str(exc))
            return None
        dialog = SnapshotDialog(snap, str(path), self.w)
        dialog.show()
        return dialog

    def choose_snapshot_pair(self) -> None:
        first, _ = QFileDialog.getOpenFileName(self.w, "Earlier snapshot", "", "Snapshots (*.json)")
        if not first:
            return
        second, _ = QFileDialog.getOpenFileName(self.w, "Later snapshot", "", "Snapshots (*.json)")
        if second:
            self.diff_snapshots(Path(first), Path(second))

    def diff_snapshots(self, before: Path, after: Path):
        from core.services.snapshots import SnapshotError, diff, load
        from gui.dialogs.snapshot_view import SnapshotDiffDialog

        try:
            d = diff(load(before), load(after))
        except SnapshotError as exc:
            QMessageBox.warning(self.w, "Cannot compare snapshots", str(exc))
            return None
        dialog = SnapshotDiffDialog(d, self.w)
        dialog.show()
        return dialog

