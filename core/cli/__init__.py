"""The headless `stakewatch <command>` interface. Never imports Qt.

Exit codes: 0 done, 1 unexpected failure, 2 bad input or usage (one stderr line
`error: ...`, nothing changed), 3 a network job done only in part (which and why is said).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from core import paths
from core.cli import analytics, filings, own, prices, snapshots, sync, universe
from core.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EscapingWriter,
    Parser,
    UsageError,
    error_line,
)
from core.cli.lazy import LazySubcommands

__all__ = ["build_parser", "main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    """--version, looked up only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")  # fmt: skip

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"stakewatch {_version()}")
        parser.exit()


class _TopParser(Parser):
    """The epilog names the data folder, looked up (platformdirs) only when help is shown."""

    def format_help(self) -> str:
        self.epilog = (
            f"Data lives in {paths.default_db_path()} unless --db or ${paths.DB_ENV} says "
            f"otherwise (${paths.DATA_DIR_ENV} moves the whole data folder). "
            "Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 some prices failed, "
            "130 interrupted. Files read must be regular files of at most 512 MiB. "
            "'stakewatch COMMAND --help' describes each command."
        )
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = _TopParser(
        prog="stakewatch",
        description="Follow NVIDIA's (and any 13F filer's) disclosed holdings at live prices. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database: an SQLAlchemy URL or a path to an SQLite file (default: ${paths.DB_ENV} "
        "or the user data directory)",
    )
    # Each command's parser is built only if that command is run (or its help shown).
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser,
                                action=LazySubcommands)
    filings.register(sub)
    prices.register(sub)
    analytics.register(sub)
    snapshots.register(sub)
    own.register(sub)
    sync.register(sub)
    universe.register(sub)
    _register_screenshot(sub)
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        if not text.isascii():  # int() takes other scripts' digits ("５")
            raise ValueError(text)
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x800") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"{text} is outside 320x240 to 7680x4320")
    return w, h


def _register_screenshot(sub) -> None:
    """Parsed here so --help lists it; run by the GUI package (it needs Qt)."""
    p = sub.add_parser(
        "screenshot", help="save an image of the window (offscreen, current database)",
        description="Render the real window offscreen with the current database and save it "
        "as a PNG. Waits for the window's background loads (and live quotes, unless "
        "--offline) before taking the picture.",
    )  # fmt: skip
    p.add_argument("--page", choices=("dashboard", "holdings", "charts", "companies",
                                      "transactions", "holders"), default="dashboard")
    p.add_argument("--portfolio", metavar="P", help="the portfolio to show (a name, as in "
                   "the picker; default: the one the window would open on)")
    p.add_argument("--theme", choices=("light", "dark"), default="light")
    p.add_argument("--size", type=_size, default=(1280, 800), metavar="WxH")
    p.add_argument("--offline", action="store_true", help="cached prices only")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.set_defaults(func=None, gui_command="screenshot")


def main(
    argv: Sequence[str] | None = None,
    open_window: Callable[[argparse.Namespace], int] | None = None,
    out: TextIO | None = None,
    gui_commands: dict[str, Callable[[argparse.Namespace], int]] | None = None,
) -> int:
    """Run a command; with none, hand over to `open_window` (the GUI's entry point).
    Commands that need Qt (screenshot) are run by `gui_commands`, which the GUI supplies."""
    # Every text a command prints goes through one escaping (see common.printable).
    out = EscapingWriter(out or sys.stdout)
    try:
        return _run(argv, open_window, out, gui_commands)
    except KeyboardInterrupt:  # also while an error is being reported
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _db_file(argv: Sequence[str] | None) -> Path | None:
    """The SQLite file a command would use, for messages (None: a server database)."""
    args = list(sys.argv[1:] if argv is None else argv)
    value = None
    for i, a in enumerate(args):
        if a == "--db" and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith("--db="):
            value = a.split("=", 1)[1]
    try:
        url = paths.database_url(value)
    except Exception:  # only for a message
        return None
    return Path(url.split(":///", 1)[1]) if url.startswith("sqlite:///") else None


def _db_secrets(argv: Sequence[str] | None) -> list[str]:
    """The passwords in the --db URL (or $STAKEWATCH_DB), masked wherever an error repeats
    them (a driver naming a host made of a password's tail)."""
    import os

    from core.masking import url_password

    args = list(sys.argv[1:] if argv is None else argv)
    values = [os.environ.get(paths.DB_ENV, "")]
    for i, a in enumerate(args):
        if a == "--db" and i + 1 < len(args):
            values.append(args[i + 1])
        elif a.startswith("--db="):
            values.append(a.split("=", 1)[1])
    return [s for v in values for s in url_password(v)]


def _bad_input() -> tuple[type[BaseException], ...]:
    """The errors that mean bad input (exit 2). Imported only when something failed, so
    `--help` and light commands never load the services behind them."""
    from core.files import InputFileError, OutputFileError
    from core.filings.errors import FilingFormatError
    from core.services.price_import import PriceFileError
    from core.services.queries import InvalidRequestError, NotFoundError
    from core.services.settings import SettingsError
    from core.services.snapshots import SnapshotError
    from core.storage.database import DatabaseError

    return (UsageError, FilingFormatError, NotFoundError, DatabaseError, PriceFileError,
            SettingsError, InvalidRequestError, SnapshotError, InputFileError,
            OutputFileError, paths.DatabaseUrlError)  # fmt: skip


def _interrupted(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is among the exceptions that led to `exc`."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _run(argv, open_window, out: TextIO, gui_commands) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            if open_window is None:
                raise UsageError("no command given (see 'stakewatch --help')")
            return open_window(args)
        gui_command = getattr(args, "gui_command", None)
        if gui_command is not None:
            if not gui_commands or gui_command not in gui_commands:
                raise UsageError(f"'{gui_command}' needs the desktop app (run 'stakewatch')")
            return gui_commands[gui_command](args)
        from core.context import AppContext

        args.gui_commands = gui_commands or {}
        ctx = AppContext.open(
            args.db,
            offline=True if getattr(args, "offline", False) else None,
            deadline=getattr(args, "deadline", None),
            on_wait=lambda notice: print(notice, file=sys.stderr, flush=True),
        )
        rc = None
        try:
            with contextlib.redirect_stderr(EscapingWriter(sys.stderr)):
                rc = args.func(ctx, args, out)
        finally:
            try:
                ctx.close()
            except KeyboardInterrupt:
                if rc is None:
                    raise
        damaged = getattr(ctx.db, "damaged", None)
        if damaged and rc == EXIT_OK:  # SQLite reported corruption, maybe where a step went on
            print(error_line(damaged), file=sys.stderr)
            return EXIT_BAD_INPUT
        return rc  # (Ctrl-C while closing after the work was done changes nothing)
    except UsageError as exc:
        print(error_line(exc, *_db_secrets(argv)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        raise  # reported once, by main()
    except SystemExit:  # --help, --version: argparse has printed what was asked
        raise
    except _bad_input() as exc:  # evaluated only when an exception is being matched
        print(error_line(exc, *_db_secrets(argv)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a full disk, a vanished folder: the reason, not a traceback
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            print("error: the disk is full; nothing was changed", file=sys.stderr)
        else:
            print(error_line(f"{exc.strerror or exc}"
                             + (f": {exc.filename}" if exc.filename else "")), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RecursionError:
        print("error: the input is nested too deeply", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a database failure, or an unexpected one: say what
        if _interrupted(exc):  # Ctrl-C inside a library's clean-up, which then failed
            raise KeyboardInterrupt from None
        from core.storage.errors import explain

        why = explain(exc, _db_file(argv))
        if why is not None:
            print(error_line(why, *_db_secrets(argv)), file=sys.stderr)
            return EXIT_BAD_INPUT
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        print(error_line(f"unexpected {type(exc).__name__}: {first}", *_db_secrets(argv)),
              file=sys.stderr)
        return EXIT_FAILURE
