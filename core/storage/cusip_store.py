"""The CUSIP master: every source's tickers with their dates, the SEC's ticker list, and the
resolved ticker of each CUSIP that imports map from (set-based, one statement per step)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import chain

from sqlalchemy import delete, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from core.domain import ticker_map as tm
from core.storage import schema as t
from core.storage.repositories import _insert_values, _sqlite_stamp

USER_SOURCES = ("user", "import-map")


class CusipStore:
    def __init__(self, session: Session) -> None:
        self.s = session

    # -- bulk writes ----------------------------------------------------------------------
    def _bulk(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Many rows at once: multi-row INSERTs on SQLite, COPY on PostgreSQL."""
        if not rows:
            return
        conn = self.s.connection()
        if conn.dialect.name == "sqlite":
            _insert_values(conn, f"INSERT INTO {table} ({', '.join(columns)})",
                           _sqlite_rows(conn, rows))  # fmt: skip
            return
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        finally:
            cursor.close()

    def replace_source(self, source: str, sightings: Iterable[tm.Sighting],
                       when: dt.datetime) -> int:  # fmt: skip
        """Every sighting of one source replaced (the bundled seed, the bundled filings)."""
        rows = [(s.cusip, s.source, s.ticker, s.first_seen, s.last_seen, when)
                for s in sightings]  # fmt: skip
        self.s.execute(delete(t.SecurityTicker).where(t.SecurityTicker.source == source))
        self._bulk("security_tickers", ("cusip", "source", "ticker", "first_seen", "last_seen",
                                        "recorded_at"), rows)  # fmt: skip
        return len(rows)

    def replace_sec_list(self, rows: Iterable[tuple[str, str, str | None, str]]) -> int:
        """The SEC's company ticker list: (ticker, cik, exchange, name)."""
        rows = list(rows)
        self.s.execute(delete(t.SecTicker))
        self._bulk("sec_tickers", ("ticker", "cik", "exchange", "name"), rows)
        return len(rows)

    def merge_sightings(self, found: dict[tuple[str, str], tuple[dt.date, dt.date]],
                        source: str, when: dt.datetime) -> int:  # fmt: skip
        """(cusip, ticker) -> (first, last) dates seen, merged with what is stored: the
        earliest first and the latest last date. Returns the sightings new or widened."""
        if not found:
            return 0
        q = select(t.SecurityTicker.cusip, t.SecurityTicker.ticker, t.SecurityTicker.first_seen,
                   t.SecurityTicker.last_seen).where(t.SecurityTicker.source == source)  # fmt: skip
        stored = {(c, tk): (f, la) for c, tk, f, la in self.s.execute(q)}
        changed = {}
        for key, (first, last) in found.items():
            old = stored.get(key)
            if old is None:
                changed[key] = (first, last)
            elif first < (old[0] or first) or last > (old[1] or last):
                changed[key] = (min(first, old[0] or first), max(last, old[1] or last))
        replaced = [k for k in changed if k in stored]
        pair = tuple_(t.SecurityTicker.cusip, t.SecurityTicker.ticker)
        for i in range(0, len(replaced), 500):
            self.s.execute(delete(t.SecurityTicker).where(
                t.SecurityTicker.source == source, pair.in_(replaced[i : i + 500])))  # fmt: skip
        rows = [(c, source, tk, f, la, when) for (c, tk), (f, la) in changed.items()]
        self._bulk("security_tickers", ("cusip", "source", "ticker", "first_seen", "last_seen",
                                        "recorded_at"), rows)  # fmt: skip
        return len(changed)

    def add_sighting(self, s: tm.Sighting, when: dt.datetime) -> None:
        """One sighting (an OpenFIGI answer), and the CUSIP's master row where none stands."""
        key = (s.cusip, s.source, s.ticker)
        if self.s.get(t.SecurityTicker, key) is None:
            self.s.add(t.SecurityTicker(cusip=s.cusip, source=s.source, ticker=s.ticker,
                                        first_seen=s.first_seen, last_seen=s.last_seen,
                                        recorded_at=when))  # fmt: skip
        if self.s.get(t.CusipMaster, s.cusip) is None:
            cik = self.s.scalar(select(t.SecTicker.cik).where(t.SecTicker.ticker == s.ticker))
            self.s.add(t.CusipMaster(cusip=s.cusip, ticker=s.ticker, source=s.source,
                                     seen_on=s.last_seen, cik=cik))  # fmt: skip
        self.s.flush()

    # -- the resolved master --------------------------------------------------------------
    def rebuild_master(self, in_hand: Iterable[tm.Sighting] = (),
                       sources_in_hand: Iterable[str] = ()) -> int:  # fmt: skip
        """Each CUSIP's ticker today from every sighting, by the sources' precedence.
        `in_hand`: the sightings of `sources_in_hand` just written (not read back)."""
        listed = dict(self.s.execute(select(t.SecTicker.ticker, t.SecTicker.cik)).all())
        q = select(t.SecurityTicker.cusip, t.SecurityTicker.ticker, t.SecurityTicker.source,
                   t.SecurityTicker.first_seen, t.SecurityTicker.last_seen)  # fmt: skip
        skip = list(sources_in_hand)
        if skip:
            q = q.where(t.SecurityTicker.source.not_in(skip))
        sightings = chain(in_hand, self.s.execute(q))
        resolved = tm.resolve(sightings, tm.ClassTickers(listed), listed)
        self.s.execute(delete(t.CusipMaster))
        self._bulk("cusip_master", ("cusip", "ticker", "source", "seen_on", "cik"),
                   [(r.cusip, r.ticker, r.source, r.seen_on, r.cik)
                    for r in resolved.values()])  # fmt: skip
        return len(resolved)

    def apply_master(self, when: dt.datetime, *, unmapped_only: bool = True) -> int:
        """Companies take their master ticker (and the issuer's CIK where unknown), in one
        statement; a ticker the user set is never touched. `unmapped_only`: only companies
        without a ticker (an import); else every one whose ticker differs (the map changed).
        Returns the companies changed."""
        m = t.CusipMaster
        c = t.Company
        q = (update(c).where(c.cusip == m.cusip, c.origin != "user",
                             func.coalesce(c.mapping_source, "").not_in(USER_SOURCES))
             .values(ticker=m.ticker, mapping_source=m.source, mapped_at=when,
                     mapping_reason=None, sec_cik=func.coalesce(c.sec_cik, m.cik))
             .execution_options(synchronize_session=False))  # fmt: skip
        if unmapped_only:
            q = q.where(c.ticker.is_(None))
        else:
            q = q.where(or_(c.ticker.is_(None), c.ticker != m.ticker,
                            func.coalesce(c.mapping_source, "") != m.source))  # fmt: skip
        return self.s.execute(q).rowcount or 0

    # -- reads ----------------------------------------------------------------------------
    def spans_of_current_tickers(self) -> dict[str, tuple[dt.date, dt.date]]:
        """cusip -> first and last date its current ticker was seen (dated sources)."""
        st, c = t.SecurityTicker, t.Company
        q = (select(st.cusip, func.min(st.first_seen), func.max(st.last_seen))
             .join(c, (c.cusip == st.cusip) & (c.ticker == st.ticker))
             .where(st.source.in_(tm.DATED), st.first_seen.is_not(None))
             .group_by(st.cusip))  # fmt: skip
        return {cusip: (first, last) for cusip, first, last in self.s.execute(q)}

    def named_at(self, when: dt.datetime) -> int:
        """Companies named from the map at `when` (an import's one timestamp)."""
        c = t.Company
        return self.s.scalar(select(func.count()).select_from(c).where(
            c.mapped_at == when, c.origin == "filing", c.ticker.is_not(None))) or 0  # fmt: skip

    def sightings_of(self, cusips: Iterable[str]) -> dict[str, list[tm.Sighting]]:
        wanted = set(cusips)
        out: dict[str, list[tm.Sighting]] = {}
        if not wanted:
            return out
        q = select(t.SecurityTicker.cusip, t.SecurityTicker.ticker, t.SecurityTicker.source,
                   t.SecurityTicker.first_seen, t.SecurityTicker.last_seen)  # fmt: skip
        items = sorted(wanted)
        for i in range(0, len(items), 500):
            for r in self.s.execute(q.where(t.SecurityTicker.cusip.in_(items[i : i + 500]))):
                out.setdefault(r[0], []).append(tm.Sighting(*r))
        return out

    def master(self, cusip: str) -> tm.Resolved | None:
        r = self.s.get(t.CusipMaster, cusip)
        return tm.Resolved(r.cusip, r.ticker, r.source, r.seen_on, r.cik) if r else None

    def cusips_for_ticker(self, ticker: str) -> list[str]:
        """CUSIPs a ticker names: today (master, companies) or ever (any sighting)."""
        m, c = t.CusipMaster, t.Company
        held = sorted(self.s.scalars(select(c.cusip).where(c.ticker == ticker)))
        found = set(self.s.scalars(select(m.cusip).where(m.ticker == ticker)))
        if not found and not held:
            found = set(self.s.scalars(select(t.SecurityTicker.cusip)
                                       .where(t.SecurityTicker.ticker == ticker)))  # fmt: skip
        return held + sorted(found - set(held))  # a company's first: what filings hold

    def sec_listing(self, ticker: str | None) -> tuple[str, str | None, str] | None:
        """(cik, exchange, name) of a listed ticker."""
        if not ticker:
            return None
        r = self.s.get(t.SecTicker, ticker)
        return (r.cik, r.exchange, r.name) if r else None

    def filed_as(self, cusip: str) -> tuple[list[str], list[str]]:
        """The issuer names and titles of class filings gave a CUSIP, most used first."""
        r = t.FilingRow
        names = self.s.execute(select(r.issuer).where(r.cusip == cusip).group_by(r.issuer)
                               .order_by(func.count().desc(), r.issuer).limit(5)).scalars()
        classes = self.s.execute(select(r.title_of_class).where(r.cusip == cusip)
                                 .group_by(r.title_of_class)
                                 .order_by(func.count().desc(), r.title_of_class).limit(5))
        return list(names), list(classes.scalars())  # fmt: skip

    def company_row(self, cusip: str) -> t.Company | None:
        return self.s.scalar(select(t.Company).where(t.Company.cusip == cusip))

    def take_issuer_of(self, cusip: str, ticker: str | None) -> None:
        """A ticker the user set: the issuer's CIK is the SEC's list's for it (None when it
        is not listed); when that changes, the old issuer's count of shares is dropped and
        the next sync looks the new one up."""
        c = self.company_row(cusip)
        if c is None:
            return
        listing = self.sec_listing(ticker)
        cik = listing[0] if listing else None
        if cik != c.sec_cik:
            c.sec_cik, c.facts_checked_at = cik, None
            c.shares_outstanding = c.shares_outstanding_date = None

    def counts(self) -> dict[str, int]:
        q = select(t.SecurityTicker.source, func.count()).group_by(t.SecurityTicker.source)
        out = dict(self.s.execute(q).all())
        out["master"] = self.s.scalar(select(func.count()).select_from(t.CusipMaster)) or 0
        return out


def _sqlite_rows(conn, rows: list[tuple]) -> list[tuple]:
    """Dates as the ISO text SQLAlchemy writes on SQLite, times as its stamp: converted per
    column (only columns holding them), each distinct value once."""
    width = len(rows[0])
    temporal = [j for j in range(width)
                if any(isinstance(r[j], dt.date) for r in rows[:1000])]  # fmt: skip
    if not temporal:
        return rows
    seen: dict = {None: None}
    columns = list(zip(*rows, strict=True))
    for j in temporal:
        out = []
        for v in columns[j]:
            if v not in seen:
                seen[v] = (_sqlite_stamp(conn, v) if isinstance(v, dt.datetime)
                           else v.isoformat())  # fmt: skip
            out.append(seen[v])
        columns[j] = out
    return list(zip(*columns, strict=True))
