"""Start the Qt application: open the database, build the window, run the event loop."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox


def run_app(db_url: str | None = None) -> int:
    from core.context import AppContext, DatabaseError
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Stakewatch")
    app.setOrganizationName("Stakewatch")
    try:
        ctx = AppContext.open(db_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, "Stakewatch", f"Cannot open the database:\n{exc}")
        return 2
    window = MainWindow(ctx.queries, ctx.prices, ctx.settings)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.close()
