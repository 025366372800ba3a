"""Start the Qt application: open the database, build the window, run the event loop."""

from __future__ import annotations

import os
import sys
from importlib import resources

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core import paths

# The reverse-DNS application id: the desktop entry, AppStream metadata and icon are named
# after it, and Wayland docks match the window to the entry through it.
APP_ID = "io.github.stakewatch.Stakewatch"
# Set by bench/startup.py: print "painted" at the first painted widget and exit.
PAINT_PROBE_ENV = "STAKEWATCH_EXIT_AT_FIRST_PAINT"


def window_settings() -> QSettings:
    """Window state (geometry, page, theme) beside the database, not in the registry."""
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Stakewatch")  # also X11's WM_CLASS: StartupWMClass in the entry
    app.setOrganizationName("Stakewatch")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    if os.environ.get(PAINT_PROBE_ENV):
        from gui.startup_probe import exit_at_first_paint

        exit_at_first_paint(app)
    return app


def app_icon() -> QIcon:
    """The PNGs the build renders into the bundle, else (from source) the SVG they come from."""
    folder = resources.files("resources")
    icon = QIcon()
    pngs = folder.joinpath("icons")
    if pngs.is_dir():
        for png in pngs.iterdir():
            icon.addFile(str(png))
    if icon.isNull():
        icon.addFile(str(folder.joinpath("stakewatch.svg")))
    return icon


def database_error_box(reason: str) -> QMessageBox:
    """Why the database cannot be opened (the command line's `error:` line) and what to do."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Stakewatch: cannot open the database",
                      f"Stakewatch cannot open its database.\n\n{reason.rstrip('.')}.")  # fmt: skip
    box.setInformativeText("Nothing was changed. Quit Stakewatch, do as said above, and "
                           "start it again.")  # fmt: skip
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # paths copy
    return box


def run_app(db_url: str | None = None) -> int:
    import sys

    from core.context import AppContext, DatabaseError
    from core.masking import masked_excepthook
    from gui import theme
    from gui.main_window import MainWindow

    # An error Qt hands to Python's hook (a slot that raised) is printed masked: its
    # message may hold the database URL with its password.
    sys.excepthook = masked_excepthook
    app = application()
    qsettings = window_settings()
    theme.apply(str(qsettings.value("theme", "system")))
    try:
        ctx = AppContext.open(db_url)
    except DatabaseError as exc:  # damaged, unreadable, newer: what the CLI says, in a box
        database_error_box(str(exc)).exec()
        return 2
    window = MainWindow(ctx, qsettings)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.close()
