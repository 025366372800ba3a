"""What every command shares: errors, exit codes, argument types, aligned tables."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Generator, Sequence
from typing import Any, TextIO

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_PARTIAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class UsageError(Exception):
    """Bad input from the user: reported as one `error:` line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-06-30") from None


def seconds_arg(text: str) -> float:
    """A finite number of seconds above zero (nan and inf are no deadline at all)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (0 < value <= 3600):  # also false for nan
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 3600 seconds")
    return value


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    """An aligned text table; columns in `right` are right-aligned (numbers)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        pairs = enumerate(zip(r, widths, strict=True))
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def money(v: int | None) -> str:
    if v is None:
        return ""
    return f"-${-v:,}" if v < 0 else f"${v:,}"


def pct(w: float | None) -> str:
    return "" if w is None else f"{w * 100:.2f}%"


def run_with_progress(gen: Generator[Any, None, Any], line: Callable[[Any], str] | None) -> Any:
    """Drive a progress generator to its end and return what it returns. With `line` (a
    terminal is watching), each progress is redrawn on one stderr line, ended at the end
    whether the work finished or failed."""
    try:
        while True:
            p = next(gen)
            if line is not None:
                print("\r" + line(p), end="", file=sys.stderr)
    except StopIteration as stop:
        return stop.value
    finally:
        if line is not None:
            print(file=sys.stderr)


def print_json(data, out: TextIO) -> None:
    json.dump(data, out, indent=2)
    print(file=out)


def add_network_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--offline", action="store_true",
                   help="use cached prices only; touch no network")
    p.add_argument("--deadline", type=seconds_arg, metavar="SECONDS",
                   help="abandon a price request after this long (default: the setting, 20)")
