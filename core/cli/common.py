"""What every command shares: errors, exit codes, argument types, aligned tables, and the
one escaping every printed text goes through."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
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
        if not text.isascii():  # float() takes other scripts' digits ("５")
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds "
                                         "(use the digits 0-9)") from None  # fmt: skip
    if not (0 < value <= 3600):  # also false for nan
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 3600 seconds")
    return value


# What a terminal would act on rather than show: C0 and C1 controls and DEL (escape
# sequences, bells, carriage returns that overwrite a line), bidi overrides and line
# separators (text that reads other than it is), lone surrogates (an undecodable file name,
# which would make the print itself fail).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def printable(text: object, keep: str = "") -> str:
    """`text` as the terminal may show it: every control character escaped (ESC as `\\x1b`,
    a newline as `\\n`), except those in `keep`. The one function every printer uses."""
    text = str(text)
    if not _UNSAFE.search(text):  # the common case, and fast
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


class EscapingWriter:
    """A text stream whose every write goes through `printable` (line breaks kept): what a
    command prints from the database, a file or a server cannot drive the terminal.
    `raw` is the stream beneath, for the progress line's own carriage return."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(printable(text, keep="\n"))

    def __getattr__(self, name: str):  # flush, isatty, fileno, encoding ...
        return getattr(self.raw, name)


def error_line(message: object, *secrets: str) -> str:
    """The one stderr line of a failed command: escaped (a newline in a file name or a
    server's answer cannot start a second line), every password (and `secrets`) masked."""
    from core.masking import mask_secrets

    return f"error: {printable(mask_secrets(str(message), *secrets))}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    """An aligned text table; columns in `right` are right-aligned (numbers)."""
    cells = [[printable(h) for h in headers]] + [
        ["" if c is None else printable(c) for c in r] for r in rows]
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
            if line is not None:  # the carriage return is ours; the line is escaped
                getattr(sys.stderr, "raw", sys.stderr).write("\r")
                print(line(p), end="", file=sys.stderr)
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
