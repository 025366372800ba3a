"""Dated CUSIP-to-ticker mappings: class separators, precedence of sources, the symbol at a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

# Where a mapping came from. The user's own choice is kept on the company itself and always
# wins; among the others the SEC's fails data beats OpenFIGI, which beats the bundled seed
# and the tickers bundled with NVIDIA's filings.
FAILS, OPENFIGI, SEED, BUNDLED = "sec-fails", "openfigi", "seed", "bundled"
RANK = {FAILS: 0, OPENFIGI: 1, SEED: 2, BUNDLED: 3}
DATED = (FAILS, BUNDLED)  # sources whose dates say when a symbol was in use
SOURCE_NAMES = {FAILS: "SEC fails-to-deliver data", OPENFIGI: "OpenFIGI",
                SEED: "bundled CUSIP seed", BUNDLED: "NVIDIA's bundled filings",
                "user": "you", "import-map": "your mapping file"}  # fmt: skip


class Sighting(NamedTuple):
    """A ticker one source gave a CUSIP, with the first and last date it was seen (dated
    sources only: a fails file's settlement dates, the bundled filings' periods)."""

    cusip: str
    ticker: str
    source: str
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    """The ticker a CUSIP maps to today, from which source, and the issuer's CIK."""

    cusip: str
    ticker: str
    source: str
    seen_on: dt.date | None
    cik: str | None


class ClassTickers:
    """Tickers in the form the SEC's list and Yahoo use: share classes with a dash."""

    def __init__(self, listed: Iterable[str]) -> None:
        self.listed = set(listed)
        undashed: dict[str, str | None] = {}
        for t in self.listed:
            if "-" in t:
                key = t.replace("-", "")
                undashed[key] = None if key in undashed else t  # two candidates: neither
        self.undashed = {k: v for k, v in undashed.items() if v and k not in self.listed}

    def canonical(self, raw: str) -> str:
        """`BRK/B` (fails files, OpenFIGI) and `BRKB` (the seed, where `BRKB` is no listed
        ticker of its own but `BRK-B` is) both become `BRK-B`; others stay as they are."""
        t = raw if raw.isalnum() and raw.isupper() else raw.strip().upper().replace("/", "-")
        if t in self.listed:
            return t
        return self.undashed.get(t, t)


def resolve(sightings: Iterable[tuple], classes: ClassTickers,
            ciks: Mapping[str, str]) -> dict[str, Resolved]:  # fmt: skip
    """Each CUSIP's ticker today from (cusip, ticker, source, first_seen, last_seen) rows
    (or Sightings): the best-ranked source, and within it the symbol seen last. `ciks` maps
    a (canonical) ticker to its issuer's CIK. Plain loops: a start-up resolves 70,000."""
    best: dict[str, tuple] = {}
    rank = RANK
    for row in sightings:
        cusip = row[0]
        cur = best.get(cusip)
        if cur is not None:
            r_new, r_cur = rank.get(row[2], 9), rank.get(cur[2], 9)
            if r_new > r_cur or (r_new == r_cur and (row[4] or _MIN) <= (cur[4] or _MIN)):
                continue
        best[cusip] = row
    out = {}
    canonical = classes.canonical
    for cusip, (_, ticker, source, _first, last) in best.items():
        ticker = canonical(ticker)
        out[cusip] = Resolved(cusip, ticker, source, last, ciks.get(ticker))
    return out


_MIN = dt.date.min


def symbol_at(sightings: Iterable[Sighting], day: dt.date) -> Sighting | None:
    """The symbol in use on `day`: of the dated sightings, the one that began last on or
    before it (fails files list a security only on days it failed to deliver)."""
    dated = [s for s in sightings if s.source in DATED and s.first_seen and s.first_seen <= day]
    if not dated:
        return None
    return max(dated, key=lambda s: (s.first_seen, s.last_seen or s.first_seen,
                                     -RANK.get(s.source, 9)))  # fmt: skip
