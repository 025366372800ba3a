"""Subcommands whose parsers are built only when used: `--help` and a command start fast.

argparse builds a whole ArgumentParser for every subcommand (and formats a help line for
each of their arguments) before it reads the command line; with some 35 commands that is
a third of `stakewatch --help`. Here `add_parser` records the calls made on a subcommand's
parser and replays them on a real parser the first time that subcommand is looked up.
"""

from __future__ import annotations

import argparse


class _Recorded:
    """Stands in for a parser (or an object a parser method returned, e.g. a group):
    records each method call, and replays them onto the real object."""

    def __init__(self) -> None:
        self._calls: list[tuple[str, tuple, dict, _Recorded]] = []

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args, **kwargs) -> _Recorded:
            result = _Recorded()
            self._calls.append((name, args, kwargs, result))
            return result

        return record

    def replay(self, target: object) -> None:
        for name, args, kwargs, result in self._calls:
            result.replay(getattr(target, name)(*args, **kwargs))


class _Parsers(dict):
    """Subcommand name -> parser, each built on first look-up."""

    def __init__(self, build) -> None:
        super().__init__()
        self._build = build

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        value = super().__getitem__(name)
        if isinstance(value, tuple):  # (parser kwargs, recorded calls): build it now
            value = self._build(*value)
            super().__setitem__(name, value)
        return value

    def get(self, name, default=None):
        if name not in self:
            return default
        return self[name]

    def values(self):
        return [self[name] for name in self]

    def items(self):
        return [(name, self[name]) for name in self]


class LazySubcommands(argparse._SubParsersAction):
    """`add_subparsers(action=LazySubcommands, ...)`: same parsers, built on demand."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = self.choices = _Parsers(self._build)

    def add_parser(self, name: str, **kwargs) -> _Recorded:  # type: ignore[override]
        if kwargs.get("prog") is None:
            kwargs["prog"] = f"{self._prog_prefix} {name}"
        if kwargs.get("aliases"):
            raise ValueError("aliases are not supported by lazy subcommands")
        if "help" in kwargs:
            self._choices_actions.append(self._ChoicesPseudoAction(name, (), kwargs.pop("help")))
        calls = _Recorded()
        dict.__setitem__(self._name_parser_map, name, (kwargs, calls))
        return calls

    def _build(self, kwargs: dict, calls: _Recorded) -> argparse.ArgumentParser:
        parser = self._parser_class(**kwargs)
        calls.replay(parser)
        return parser
