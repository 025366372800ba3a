"""`stakewatch`: no command opens the window; a command runs headless (no Qt import)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

EXIT_INTERRUPTED = 130


def open_window(args: argparse.Namespace) -> int:
    from gui.app import run_app  # Qt is imported only when a window is wanted

    return run_app(args.db)


def screenshot(args: argparse.Namespace) -> int:
    from gui.screenshot import take

    return take(args)


def export(args: argparse.Namespace, ctx, snapshot, histories) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # drawn without a screen
    from PySide6.QtCore import qInstallMessageHandler

    from gui.app import application
    from gui.export import export as draw

    qInstallMessageHandler(_offscreen_messages)
    draw(application(), args, ctx, snapshot, histories)


def _offscreen_messages(mode, context, message: str) -> None:
    """Qt's messages while a command draws: the offscreen plugin's notice that it cannot
    propagate size hints says nothing to the user (and came before the `error:` line of a
    failed export); any other message is passed on."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        from core.cli import main as cli_main

        rc = cli_main(argv, open_window=open_window,
                      gui_commands={"screenshot": screenshot, "export": export})
    except KeyboardInterrupt:  # Ctrl-C while starting (imports) or in the window
        print("error: interrupted", file=sys.stderr)
        rc = EXIT_INTERRUPTED
    finally:
        if argv is None:  # the program itself: its work is done or reported; a Ctrl-C
            import signal  # while Python shuts down must not turn the exit into a signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
    if argv is None and rc == EXIT_INTERRUPTED:
        _leave_interrupted()
    return rc


def _leave_interrupted() -> None:
    """Exit 130 now that the interrupted work has cleaned up after itself.

    CPython remembers a KeyboardInterrupt raised inside code it ran with PyRun_* (some
    extension modules import that way) even when we caught it, and then ends the process
    with SIGINT at exit instead of our code; leaving directly keeps the promised 130."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
