"""Tickers for what an import brought: its CUSIPs without a ticker are mapped through OpenFIGI
after the import has committed. Never fails the import: what could not be done is one line."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field

from core.services.mapping import CusipMapper, MapProgress
from core.storage.database import DatabaseError

# One retry: an import should not sit for seconds retrying a network that is not there
# (Retry-After from a rate-limited OpenFIGI is still honoured once).
IMPORT_RETRIES = 1
AGAIN = "'stakewatch companies map' tries again"


@dataclass(frozen=True, slots=True)
class ImportMapping:
    """What mapping after an import did: CUSIPs asked, mapped, left unmapped (with OpenFIGI's
    reason), and why the rest were not asked (offline, no network, deadline)."""

    asked: int
    mapped: dict[str, str] = field(default_factory=dict)  # cusip -> ticker
    unmapped: dict[str, str] = field(default_factory=dict)  # cusip -> reason
    skipped: str | None = None  # why `not_asked` were not asked
    not_asked: tuple[str, ...] = ()
    requests: int = 0

    def line(self, again: str = AGAIN) -> str:
        """One line for a terminal or (with `again` naming the menu entry) a status bar."""
        if self.skipped and not self.mapped and not self.unmapped:
            return (f"tickers: mapping skipped: {self.skipped}; {len(self.not_asked)} CUSIP(s) "
                    f"not asked ({again})")  # fmt: skip
        text = f"tickers: {len(self.mapped)} of {self.asked} CUSIP(s) mapped (OpenFIGI)"
        if self.unmapped:
            text += f", {len(self.unmapped)} unmapped with the reason (see the Companies page)"
        if self.skipped:
            text += f"; {len(self.not_asked)} not asked: {self.skipped} ({again})"
        return text


def map_after_import(
    mapper: CusipMapper, cusips: Iterable[str], *, offline: bool, deadline: float | None,
) -> Generator[MapProgress, None, ImportMapping | None]:  # fmt: skip
    """Map the imported CUSIPs that still have no ticker and were never asked about (a ticker
    a user typed is never touched). None when there is nothing to map."""
    wanted = set(cusips)
    if not wanted:
        return None
    todo = mapper.unmapped_among(wanted)  # set-based: no scan of every filing row
    if not todo:
        return None
    if offline:
        return ImportMapping(len(todo), skipped="offline mode is on", not_asked=tuple(todo))
    from core.edgar.http import Deadline

    try:
        report = yield from mapper.map_unmapped(
            None, retry=False, deadline=Deadline(deadline), only=todo, keep_partial=True,
            retries=IMPORT_RETRIES,
        )  # fmt: skip
    except (DatabaseError, OSError, ValueError) as exc:  # the import stands regardless
        return ImportMapping(len(todo), skipped=f"not stored: {exc}", not_asked=tuple(todo))
    if not report.asked:
        return None
    return ImportMapping(report.asked, dict(report.mapped), dict(report.unmapped),
                         report.error, report.not_asked, report.requests)  # fmt: skip
