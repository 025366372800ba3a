"""Undo and redo of own-portfolio edits that are safe against other writers: each edit
remembers the rows it changed (with their versions) and only those are put back; if
someone else changed one of them since, nothing is done and the user is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from core.domain.own import OwnHolding
from core.services.own import OwnPortfolios, Recording
from core.services.queries import InvalidRequestError
from core.storage.own_store import OwnStore

# One statement's rows by ticker; None: no statement that day.
Statement = dict[str, OwnHolding] | None


class EditConflict(InvalidRequestError):
    """Another writer changed a row this undo or redo would put back: nothing was done."""


def _same(a: OwnHolding | None, b: OwnHolding | None) -> bool:
    return a == b  # frozen dataclasses: id, values and modified time all equal


def _by_ticker(read: dict[dt.date, list[OwnHolding] | None]) -> dict[dt.date, Statement]:
    return {d: None if held is None else {h.ticker: h for h in held} for d, held in read.items()}


class OwnEdits:
    def __init__(self, own: OwnPortfolios) -> None:
        self.own = own

    def snapshot(self, portfolio: str, days: Iterable[dt.date]) -> dict[dt.date, Statement]:
        out: dict[dt.date, Statement] = {}
        for day in days:
            held = self.own.statement(portfolio, day)
            out[day] = None if held is None else {h.ticker: h for h in held}
        return out

    def record(self, portfolio: str, days: Iterable[dt.date], edit: Callable[[], object]
               ) -> tuple[dict[dt.date, Statement], dict[dt.date, Statement]]:  # fmt: skip
        """Make the edit; its statements before and after, read inside its transaction, so
        rows another writer added meanwhile are never taken for this edit's."""
        recording = Recording(self.own.queries.portfolio(portfolio), sorted(set(days)))
        with self.own.recording(recording):
            edit()
        if recording.before is None or recording.after is None:  # it wrote nothing
            now = self.snapshot(portfolio, recording.days)
            return now, now
        return _by_ticker(recording.before), _by_ticker(recording.after)

    def swap(self, portfolio: str, now: dict[dt.date, Statement],
             back: dict[dt.date, Statement]) -> None:  # fmt: skip
        """Make the rows that differ between `now` and `back` as in `back`, in one write
        transaction, if each is still as in `now`; else raise EditConflict, nothing done."""
        p = self.own.queries.portfolio(portfolio)
        if p.kind != "own":
            raise InvalidRequestError(f"{p.name} is not one of your portfolios")

        def work(session) -> None:
            store = OwnStore(session)
            conflicts: list[str] = []
            for day in sorted(now):
                a, b = now[day] or {}, back[day] or {}
                tickers = sorted(t for t in a.keys() | b.keys() if not _same(a.get(t), b.get(t)))
                if not tickers and (now[day] is None) == (back[day] is None):
                    continue
                changed = store.swap_rows(p, day, {t: a.get(t) for t in tickers},
                                          {t: b.get(t) for t in tickers},
                                          keep_statement=back[day] is not None)  # fmt: skip
                conflicts += [f"{t} as of {day}" for t in changed]
            if conflicts:
                raise EditConflict(f"someone else changed {', '.join(conflicts)} in {p.name} "
                                   "since; nothing was changed")  # fmt: skip

        self.own.db.transaction(work)
