"""The security master: list companies, see who held them, map CUSIPs to tickers."""

from __future__ import annotations

import datetime as dt
import re

from core.domain.companies import Company, Holding
from core.domain.following import PositionStake
from core.services.queries import InvalidRequestError
from core.storage.database import Database
from core.storage.repositories import Repository

TICKER = re.compile(r"^[A-Z0-9][A-Z0-9.\-^=]{0,15}$")


def clean_ticker(text: str | None) -> str | None:
    """A ticker in canonical form, None for empty; InvalidRequestError if malformed."""
    value = (text or "").strip().upper()
    if not value:
        return None
    if not TICKER.match(value):
        raise InvalidRequestError(f"{text!r} is not a ticker (letters, digits, . - ^ =)")
    return value


NOT_KNOWN = ("unmapped: not in the bundled CUSIP map nor the SEC's fails data; OpenFIGI "
             "not asked yet (Map unmapped CUSIPs), or type the ticker")


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b


class CompanyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def companies(self) -> list[Company]:
        """The security master; a ticker's origin says who mapped it (OpenFIGI, your
        mapping file), and an unmapped CUSIP's note why it stays unmapped."""
        from dataclasses import replace

        from core.domain.ticker_map import SOURCE_NAMES
        from core.storage.cusip_store import CusipStore
        from core.storage.sync_store import SyncStore

        with self.db.session() as s:
            rows = Repository(s).companies()
            info = SyncStore(s).mapping_info()
            spans = CusipStore(s).spans_of_current_tickers()
        out = []
        for c in rows:
            m = info.get(c.cusip)
            first, last = spans.get(c.cusip, (None, None))
            if m is not None and c.ticker and m.source and m.source != "bundled":
                when = f" on {m.mapped_at:%Y-%m-%d}" if m.mapped_at else ""
                seen = f"; {c.ticker} seen {first} to {last}" if first else ""
                note = f"mapped by {SOURCE_NAMES.get(m.source, m.source)}{when}{seen}"
                c = replace(c, origin=m.source, note=_join(c.note, note),
                            mapped_at=m.mapped_at, first_seen=first, last_seen=last)
            elif c.ticker:
                c = replace(c, mapped_at=m.mapped_at if m else None, first_seen=first,
                            last_seen=last)  # fmt: skip
            elif m is not None and m.reason:
                c = replace(c, note=_join(c.note, f"unmapped: {m.reason}"))
            else:
                c = replace(c, note=_join(c.note, NOT_KNOWN))
            out.append(c)
        return out

    def tickers_over_time(self, cusip: str) -> str:
        """Every ticker a source gave this CUSIP, with its source and dates, oldest first
        ("" when only the undated seed named it)."""
        from core.domain.ticker_map import RANK, SOURCE_NAMES
        from core.storage.cusip_store import CusipStore

        with self.db.session(write=False) as s:
            seen = CusipStore(s).sightings_of([cusip]).get(cusip, [])
        seen.sort(key=lambda x: (x.first_seen or dt.date.max, RANK.get(x.source, 9)))
        parts = []
        for x in seen:
            span = "" if x.first_seen is None else (
                f" {x.first_seen}" if x.last_seen in (None, x.first_seen)
                else f" {x.first_seen} – {x.last_seen}")  # fmt: skip
            parts.append(f"{x.ticker}{span} ({SOURCE_NAMES.get(x.source, x.source)})")
        return ", ".join(parts)

    def holdings_of(self, cusip: str) -> list[Holding]:
        with self.db.session() as s:
            return Repository(s).holdings_of(cusip)

    def stakes_in(self, cusip: str) -> list[tuple[Holding, PositionStake]]:
        """Every report holding the company with the filer's stake in it: the report's
        shares of the security itself (no options) / the issuer's shares outstanding."""
        from core.services.stakes import stake_of
        from core.storage.sync_store import SyncStore

        with self.db.session() as s:
            held = Repository(s).holdings_of(cusip)
            store = SyncStore(s)
            shares, facts = store.shares_by_filing(cusip), store.issuer_facts([cusip])
        return [(h, stake_of(shares[h.accession], facts.get(cusip)) if h.accession in shares
                 else PositionStake(None, h.shares, reason="options or a principal amount "
                                    "only: no shares of the company"))
                for h in held]  # fmt: skip

    def set_ticker(self, cusip: str, ticker: str | None) -> str | None:
        """Map (or unmap) a CUSIP's ticker in one transaction; returns the previous one so
        the edit can be undone. A CUSIP named only by filings gets a company row."""
        value = clean_ticker(ticker)
        with self.db.session() as s:
            repo = Repository(s)
            try:
                previous = repo.set_ticker(cusip, value, repo.issuer_name(cusip))
            except ValueError as exc:
                raise InvalidRequestError(str(exc)) from None
            from core.storage.sync_store import SyncStore  # typed by the user: never remapped

            SyncStore(s).mark_user_mapping(cusip, dt.datetime.now(dt.UTC))
            from core.storage.cusip_store import CusipStore

            CusipStore(s).take_issuer_of(cusip, value)
            return previous
