"""`stakewatch screenshot`: render the real window offscreen with the current database."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def take(args) -> int:
    """Build the window, let its background loads finish, and save it as an image."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from core.cli.common import EXIT_OK, UsageError
    from core.context import AppContext
    from gui import theme
    from gui.app import application
    from gui.main_window import MainWindow

    out = Path(args.out)
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist")
    app = application()
    theme.apply(args.theme)
    ctx = AppContext.open(args.db, offline=True if args.offline else None)
    with tempfile.TemporaryDirectory() as tmp:
        # A throwaway window state: a screenshot never changes the user's own.
        window = MainWindow(ctx, QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat))
        try:
            window.resize(*args.size)
            if args.portfolio:
                names = [p.name for p in window.portfolios()]
                if args.portfolio not in names:
                    raise UsageError(f"no portfolio named {args.portfolio!r} (known: "
                                     f"{', '.join(names) or 'none'})")  # fmt: skip
                window.reload_portfolios(select=args.portfolio)
            window.show_page(args.page)
            window.show()
            deadline = time.monotonic() + ctx.settings.deadline + 5
            while window.runner.running() and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.02)
            for _ in range(5):
                QApplication.processEvents()
            partial = out.with_name(f".{out.name}.part{out.suffix}")
            if not window.grab().save(str(partial)):
                partial.unlink(missing_ok=True)
                raise UsageError(f"cannot write an image to {out} (use .png)")
            partial.replace(out)  # atomic: never a half-written image
        finally:
            window.close()
            ctx.close()
    print(f"saved {out} ({args.page}, {args.theme}, {args.size[0]}x{args.size[1]})")
    return EXIT_OK
