"""The headless `stakewatch <command>` interface. Never imports Qt.

Exit codes: 0 done, 1 unexpected failure, 2 bad input or usage (one stderr line
`error: ...`, nothing changed), 3 a network job done only in part (which and why is said).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from core import paths
from core.cli import analytics, filings, prices
from core.cli.common import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, Parser, UsageError

__all__ = ["build_parser", "main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="stakewatch",
        description="Follow NVIDIA's (and any 13F filer's) disclosed holdings at live prices. "
        "With no command, opens the window.",
        epilog=f"Data lives in {paths.default_db_path()} unless --db or ${paths.DB_ENV} says "
        f"otherwise (${paths.DATA_DIR_ENV} moves the whole data folder). "
        "Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 some prices failed. "
        "'stakewatch COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"stakewatch {_version()}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database: an SQLAlchemy URL or a path to an SQLite file (default: ${paths.DB_ENV} "
        "or the user data directory)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    filings.register(sub)
    prices.register(sub)
    analytics.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    open_window: Callable[[argparse.Namespace], int] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run a command; with none, hand over to `open_window` (the GUI's entry point)."""
    out = out or sys.stdout
    from core.filings import FilingFormatError
    from core.services.price_import import PriceFileError
    from core.services.queries import InvalidRequestError, NotFoundError
    from core.services.settings import SettingsError
    from core.storage.database import DatabaseError

    bad_input = (UsageError, FilingFormatError, NotFoundError, DatabaseError, PriceFileError,
                 SettingsError, InvalidRequestError)  # fmt: skip
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            if open_window is None:
                raise UsageError("no command given (see 'stakewatch --help')")
            return open_window(args)
        from core.context import AppContext

        ctx = AppContext.open(
            args.db,
            offline=True if getattr(args, "offline", False) else None,
            deadline=getattr(args, "deadline", None),
        )
        try:
            return args.func(ctx, args, out)
        finally:
            ctx.close()
    except bad_input as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an unexpected failure: say what, exit 1
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
