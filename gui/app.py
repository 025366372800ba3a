"""Start the Qt application: open the database, build the window, run the event loop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from core import paths


def window_settings() -> QSettings:
    """Window state (geometry, page, theme) beside the database, not in the registry."""
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Stakewatch")
    app.setOrganizationName("Stakewatch")
    app.setDesktopFileName("stakewatch")
    return app


def run_app(db_url: str | None = None) -> int:
    from core.context import AppContext, DatabaseError
    from gui import theme
    from gui.main_window import MainWindow

    app = application()
    qsettings = window_settings()
    theme.apply(str(qsettings.value("theme", "system")))
    try:
        ctx = AppContext.open(db_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, "Stakewatch", f"Cannot open the database:\n{exc}")
        return 2
    window = MainWindow(ctx, qsettings)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.close()
