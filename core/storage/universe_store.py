"""The 13F universe's writes (a data set's filers, filings, rows, totals) and its reads
(holders of a security, filers by name), in bulk and backend-aware."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Sequence

from sqlalchemy import Integer, String, and_, any_, bindparam, func, insert, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from core.domain.text import one_line
from core.storage import schema as t
from core.storage.repositories import _COPY_ROWS, _COPY_TYPES, _SQLITE_ROWS, _insert_values

_CUSIP_INDEX = next(i for i in t.FilingRow.__table__.indexes if i.name == "ix_filing_rows_cusip")
_DEFERRED_CACHE_KIB = 32 * 1024
_SORT_HELPERS = 3  # SQLite: most helper threads sorting a rebuilt index
_CHUNK = 5000  # keys per IN list (SQLite's variable limit, PostgreSQL's plan size)
PARTS = "filing_row_parts"  # PostgreSQL: the schema of filing_rows' partitions (0009)

# Columns of a universe row tuple, in the order _SQLITE_ROWS and _COPY_ROWS take them.
ROW_COLUMNS = ("filing_id", "row_number", "issuer", "title_of_class", "cusip", "figi",
               "value_as_filed", "shares", "share_type", "put_call", "investment_discretion",
               "other_managers", "voting_sole", "voting_shared", "voting_none", "provenance",
               "value_usd")  # fmt: skip


def _chunks(items: Sequence, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i : i + n]


class UniverseStore:
    """Bulk access for one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.dialect = session.connection().dialect.name
        self._part: tuple[int, str] | None = None  # PostgreSQL: this load's partition
        self._loaded: str | None = None  # PostgreSQL: the partition it attached
        self._copy_sql = _COPY_ROWS
        self._deferred = False  # SQLite: the CUSIP index is built at finish_rows()

    # -- loading ----------------------------------------------------------------------------
    def set_digest(self, label: str) -> str | None:
        return self.s.scalar(select(t.UniverseSet.sha256).where(t.UniverseSet.label == label))

    def known_filings(self, accessions: Sequence[str]) -> dict[str, tuple[int, str]]:
        """accession -> (filing id, filer CIK) for those already stored."""
        out: dict[str, tuple[int, str]] = {}
        for part in _chunks(list(accessions)):
            q = (select(t.Filing.accession, t.Filing.id, t.Portfolio.cik)
                 .join(t.Portfolio, t.Portfolio.id == t.Filing.portfolio_id)
                 .where(t.Filing.accession.in_(part)))  # fmt: skip
            out.update({a: (i, c or "") for a, i, c in self.s.execute(q)})
        return out

    def filers(self, names: dict[str, str], label: str) -> tuple[dict[str, int], int]:
        """CIK -> portfolio id for every CIK of `names` (CIK -> name as filed), and how many
        portfolios were made: filers not seen before get one (a name already taken gets
        its CIK added) and are marked as universe filers."""
        known = dict(self.s.execute(select(t.Portfolio.cik, t.Portfolio.id)
                                    .where(t.Portfolio.cik.is_not(None))).all())  # fmt: skip
        new = [c for c in names if c not in known]
        if new:
            taken = set(self.s.scalars(select(t.Portfolio.name)))
            rows = []
            now = t.utcnow()
            for cik in sorted(new):
                name = one_line(names[cik])[:180] or f"CIK {cik}"
                if name in taken:
                    name = f"{name} (CIK {cik})"
                taken.add(name)
                rows.append({"name": name, "kind": "filer", "cik": cik, "followed": False,
                             "created_at": now})  # fmt: skip
            self.s.execute(insert(t.Portfolio.__table__), rows)
            for part in _chunks(new):
                made = dict(self.s.execute(select(t.Portfolio.cik, t.Portfolio.id)
                                           .where(t.Portfolio.cik.in_(part))).all())
                known.update(made)
                self.s.execute(insert(t.UniverseFiler.__table__),
                               [{"portfolio_id": i, "first_set": label} for i in made.values()])
        return {c: known[c] for c in names}, len(new)

    def begin_rows(self, incoming: int) -> None:
        """Get ready for a load's rows (call once the load's filings are in).

        PostgreSQL: they go into a table of the load's own, with no key, index or foreign
        key to keep up row by row; finish_rows() indexes it once (sorting) and attaches it
        to filing_rows as partition N (readers never wait: attaching takes a lock that
        only blocks other schema changes). SQLite: see defer_cusip_index."""
        if self.dialect == "postgresql":
            conn = self.s.connection()
            # One commit's durability: a crash right after it loses this load, whole.
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            n = int(conn.exec_driver_sql(f"SELECT nextval('{PARTS}.bulk_load_seq')").scalar())
            name = f"{PARTS}.filing_rows_p{n}"
            conn.exec_driver_sql(f"CREATE TABLE {name} (LIKE filing_rows INCLUDING DEFAULTS)")
            # The check lets ATTACH skip scanning the rows for their partition key.
            conn.exec_driver_sql(f"ALTER TABLE {name} ALTER COLUMN bulk_load SET DEFAULT {n}, "
                                 f"ADD CONSTRAINT filing_rows_p{n}_bulk_load "
                                 f"CHECK (bulk_load = {n})")  # fmt: skip
            self._part = (n, name)
            self._copy_sql = _COPY_ROWS.replace("COPY filing_rows ", f"COPY {name} ", 1)
        else:
            self._deferred = self.defer_cusip_index(incoming)

    def finish_rows(self) -> None:
        """The load's rows indexed and in place (see begin_rows)."""
        if self._part is not None:
            n, name = self._part
            conn = self.s.connection()
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            conn.exec_driver_sql(f"ALTER TABLE {name} ADD CONSTRAINT filing_rows_p{n}_pkey "
                                 "PRIMARY KEY (filing_id, row_number, bulk_load)")  # fmt: skip
            cols = ", ".join(c.name for c in _CUSIP_INDEX.columns)
            conn.exec_driver_sql(f"CREATE INDEX filing_rows_p{n}_cusip ON {name} ({cols})")
            # Its foreign key is checked here in one join, not once per row.
            conn.exec_driver_sql(f"ALTER TABLE filing_rows ATTACH PARTITION {name} "
                                 f"FOR VALUES IN ({n})")  # fmt: skip
            self._part, self._loaded = None, name
        elif self._deferred:
            self.build_cusip_index()
            self._deferred = False

    def defer_cusip_index(self, incoming: int) -> bool:
        """SQLite: drop the rows' CUSIP index for a load that brings many rows, to build it
        once at the end (sorting is several times cheaper than millions of scattered
        inserts). Readers keep seeing the index: the drop is part of the load's transaction.
        PostgreSQL keeps it (dropping would lock readers out until the load commits)."""
        if self.dialect != "sqlite":
            return False
        held = self.s.scalar(select(func.coalesce(func.sum(t.FilingTotal.rows), 0))) or 0
        if incoming * 4 < held:
            return False
        conn = self.s.connection()
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {_CUSIP_INDEX.name}")
        # Rows are now only appended, and building the index sorts in memory up to the
        # cache's size: a small cache keeps the load's peak memory down (bulk_cache puts
        # the connection's own size back at the end).
        conn.exec_driver_sql(f"PRAGMA cache_size = -{_DEFERRED_CACHE_KIB}")
        return True

    def build_cusip_index(self) -> None:
        """SQLite sorts the index with helper threads on a machine with cores to spare:
        the loading thread only waits meanwhile (five quarters' 19 million rows: 19 s
        instead of 30 s on two cores, one helper; each helper sorts in up to the cache's
        size, about 32 MB more peak memory)."""
        conn = self.s.connection()
        helpers = min(_SORT_HELPERS, (os.cpu_count() or 1) - 1)
        if self.dialect == "sqlite" and helpers > 0:
            conn.exec_driver_sql(f"PRAGMA threads = {helpers}")
        try:
            _CUSIP_INDEX.create(conn, checkfirst=True)
        finally:
            if self.dialect == "sqlite" and helpers > 0:
                with contextlib.suppress(Exception):  # a connection on its way out
                    conn.exec_driver_sql("PRAGMA threads = 0")

    def add_filings(self, rows: list[dict]) -> dict[str, int]:
        """Insert filings (dicts of the filings table's columns); accession -> id."""
        if not rows:
            return {}
        self.s.execute(insert(t.Filing.__table__), rows)
        out: dict[str, int] = {}
        for part in _chunks([r["accession"] for r in rows]):
            out.update(self.s.execute(select(t.Filing.accession, t.Filing.id)
                                      .where(t.Filing.accession.in_(part))).all())
        return out

    def add_rows(self, rows: list[tuple]) -> None:
        """Rows as tuples in ROW_COLUMNS order: COPY on PostgreSQL, multi-row VALUES
        statements on SQLite (the importer's paths)."""
        if not rows:
            return
        conn = self.s.connection()
        if self.dialect == "postgresql":
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                with cursor.copy(self._copy_sql) as copy:
                    copy.set_types(_COPY_TYPES)
                    for row in rows:
                        copy.write_row(row)
            finally:
                cursor.close()
        elif self.dialect == "sqlite":
            _insert_values(conn, _SQLITE_ROWS, rows)
        else:
            self.s.execute(insert(t.FilingRow.__table__),
                           [dict(zip(ROW_COLUMNS, r, strict=True)) for r in rows])

    def add_totals(self, totals: dict[int, tuple[int, int, int]]) -> None:
        """filing id -> (equity dollars, option dollars, rows)."""
        if totals:
            self.s.execute(insert(t.FilingTotal.__table__), [
                {"filing_id": f, "equity_usd": e, "options_usd": o, "rows": n}
                for f, (e, o, n) in totals.items()])  # fmt: skip

    def row_sums(self, filing_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
        """filing id -> (rows, shares, dollars) as stored: a known filing's check."""
        out: dict[int, tuple[int, int, int]] = {}
        fr = t.FilingRow
        for part in _chunks(list(filing_ids)):
            q = (select(fr.filing_id, func.count(), func.sum(fr.shares), func.sum(fr.value_usd))
                 .where(fr.filing_id.in_(part)).group_by(fr.filing_id))  # fmt: skip
            out.update({f: (n, int(s or 0), int(v or 0)) for f, n, s, v in self.s.execute(q)})
        return out

    def analyze(self) -> None:
        """PostgreSQL: fresh planner statistics for the tables a load just grew (before
        autovacuum gets to them, a name search could take a plan meant for an empty
        table: 0.9 s instead of milliseconds), and for the load's own partition. Not for
        filing_rows as a whole: that samples every partition (0.6 s after one quarter,
        13 s after five, reading older quarters from disk, and waiting on autovacuum
        there), and its queries read each partition by its own index and statistics."""
        if self.dialect == "postgresql":
            tables = "portfolios, filings, filing_totals, universe_filers"
            if self._loaded is not None:
                tables += f", {self._loaded}"
            self.s.connection().exec_driver_sql(f"ANALYZE {tables}")

    def record_set(self, label: str, source: str, sha256: str, filings: int, notices: int,
                   rows: int, new_filings: int) -> None:  # fmt: skip
        row = self.s.scalar(select(t.UniverseSet).where(t.UniverseSet.label == label))
        if row is None:
            row = t.UniverseSet(label=label)
            self.s.add(row)
        row.source, row.sha256, row.filings, row.notices = source, sha256, filings, notices
        row.rows, row.new_filings, row.loaded_at = rows, new_filings, t.utcnow()

    def sets(self) -> list[tuple]:
        """(label, source, filings, notices, rows, new filings, loaded at) per set."""
        u = t.UniverseSet
        q = select(u.label, u.source, u.filings, u.notices, u.rows, u.new_filings, u.loaded_at)
        out = []
        for row in self.s.execute(q.order_by(u.label)):
            when = row[6]
            if when is not None and when.tzinfo is None:  # SQLite: written in UTC
                when = when.replace(tzinfo=dt.UTC)
            out.append((*row[:6], when))
        return out

    # -- holders ----------------------------------------------------------------------------
    def cusip_rows(self, cusips: Sequence[str]) -> list[tuple]:
        """Every filed row of the CUSIPs summed per filing and (SH/PRN, put/call): (filing
        id, share type, put/call, shares, dollars). Read from ix_filing_rows_cusip alone."""
        fr = t.FilingRow
        q = (select(fr.filing_id, fr.share_type, fr.put_call, func.sum(fr.shares),
                    func.sum(fr.value_usd))
             .where(fr.cusip.in_(list(cusips)))
             .group_by(fr.filing_id, fr.share_type, fr.put_call))  # fmt: skip
        return self.s.connection().execute(q).all()

    def filing_periods(self, filing_ids: Iterable[int]) -> dict[int, tuple[int, dt.date]]:
        """filing id -> (portfolio id, period of report), read by key."""
        f = t.Filing
        out: dict[int, tuple[int, dt.date]] = {}
        for among in self._among(f.id, sorted(set(filing_ids))):
            q = select(f.id, f.portfolio_id, f.period_of_report).where(among)
            out.update((i, (pid, period)) for i, pid, period in self.s.connection().execute(q))
        return out

    def filings_at(self, portfolio_ids: Iterable[int], period: dt.date) -> list[tuple]:
        """Each filer's filings at `period` and at its own previous report (its latest
        period before): (filing id, portfolio id, period, filed, accession, form, amendment
        type, equity dollars or None, filer name, CIK, followed). Two periods a filer,
        however many quarters are loaded; read through ix_filings_portfolio_period."""
        f, p = t.Filing, t.Portfolio
        out: list[tuple] = []
        for among in self._among(f.portfolio_id, sorted(set(portfolio_ids))):
            before = (select(f.portfolio_id, func.max(f.period_of_report).label("period"))
                      .where(among, f.period_of_report < period)
                      .group_by(f.portfolio_id).subquery())  # fmt: skip
            q = (select(f.id, f.portfolio_id, f.period_of_report, f.filed_date, f.accession,
                        f.form_type, f.amendment_type, t.FilingTotal.equity_usd, p.name, p.cik,
                        p.followed)
                 .join(p, p.id == f.portfolio_id)
                 .outerjoin(t.FilingTotal, t.FilingTotal.filing_id == f.id)
                 .outerjoin(before, and_(before.c.portfolio_id == f.portfolio_id,
                                         before.c.period == f.period_of_report))
                 .where(among, or_(f.period_of_report == period,
                                   before.c.period.is_not(None))))  # fmt: skip
            out.extend(self.s.connection().execute(q).all())
        return out

    def _among(self, column, keys: list[int]):
        """Conditions `column IN keys`, together covering every key: PostgreSQL takes one
        array parameter of any length (one short statement, however many holders); SQLite
        takes the keys in IN lists of _CHUNK."""
        if not keys:
            return
        if self.dialect == "postgresql":
            yield column == any_(bindparam(None, keys, type_=ARRAY(Integer)))
            return
        for part in _chunks(keys):
            yield column.in_(part)

    def equity_totals(self, filing_ids: Sequence[int]) -> dict[int, int]:
        """Equity dollars of filings without a stored total (imported one by one)."""
        fr = t.FilingRow
        out: dict[int, int] = {}
        for part in _chunks(list(filing_ids)):
            q = (select(fr.filing_id, func.sum(fr.value_usd))
                 .where(fr.filing_id.in_(part), fr.put_call.is_(None))
                 .group_by(fr.filing_id))  # fmt: skip
            out.update({i: int(v or 0) for i, v in self.s.execute(q)})
        return out

    def security(self, cusip: str) -> tuple[str | None, str | None, int | None]:
        """(ticker, name, shares outstanding) from the security master, or Nones."""
        c = t.Company
        row = self.s.execute(select(c.ticker, c.name, c.shares_outstanding)
                             .where(c.cusip == cusip)).first()  # fmt: skip
        return tuple(row) if row else (None, None, None)  # type: ignore[return-value]

    def cusips_for_ticker(self, ticker: str) -> list[str]:
        c = t.Company
        return list(self.s.scalars(select(c.cusip).where(func.upper(c.ticker) == ticker.upper())
                                   .order_by(c.cusip)))

    def issuer(self, cusip: str) -> str | None:
        fr = t.FilingRow
        # The earliest stored filing's name (one answer whichever partition comes first).
        return self.s.scalar(select(fr.issuer).where(fr.cusip == cusip)
                             .order_by(fr.filing_id).limit(1))  # fmt: skip

    # -- filers by name ---------------------------------------------------------------------
    def search_filers(self, words: Sequence[str], cik: str | None, limit: int) -> list[tuple]:
        """Filers whose name holds every word (any order, any case), or whose CIK is `cik`:
        (portfolio id, name, CIK, followed, universe filer)."""
        p = t.Portfolio

        def holds(i: int, word: str):
            # SQLite's LIKE ignores (ASCII) case already; lower() on every name doubled the
            # scan. PostgreSQL's ILIKE lower-cases every name per word: name_key is the
            # name lower-cased once, when it is written (lower() here is the same function).
            pattern = bindparam(f"w{i}", f"%{_escape(word)}%", String)
            if self.dialect == "sqlite":
                return p.name.like(pattern, escape="\\")
            return p.name_key.like(func.lower(pattern), escape="\\")

        match = and_(*(holds(i, w) for i, w in enumerate(words)))
        cond = or_(match, p.cik == cik) if cik else match
        q = (select(p.id, p.name, p.cik, p.followed)
             .where(p.kind == "filer", cond)
             .order_by(p.followed.desc(), func.length(p.name), p.name).limit(limit))  # fmt: skip
        found = self.s.connection().execute(q).all()
        ids = [r[0] for r in found]
        universe = set(self.s.connection().execute(
            select(t.UniverseFiler.portfolio_id)
            .where(t.UniverseFiler.portfolio_id.in_(ids))).scalars()) if ids else set()
        return [(i, n, c or "", bool(fw), i in universe) for i, n, c, fw in found]

    def latest_reports(self, portfolio_ids: Sequence[int]) -> list[tuple]:
        """Each filing of the portfolios' latest period: (portfolio id, period, filed,
        accession, form, amendment type, filing id, equity dollars or None)."""
        f = t.Filing
        latest = (select(f.portfolio_id, func.max(f.period_of_report).label("period"))
                  .where(f.portfolio_id.in_(list(portfolio_ids)))
                  .group_by(f.portfolio_id).subquery())  # fmt: skip
        q = (select(f.portfolio_id, f.period_of_report, f.filed_date, f.accession, f.form_type,
                    f.amendment_type, f.id, t.FilingTotal.equity_usd)
             .join(latest, and_(latest.c.portfolio_id == f.portfolio_id,
                                latest.c.period == f.period_of_report))
             .outerjoin(t.FilingTotal, t.FilingTotal.filing_id == f.id))  # fmt: skip
        return [tuple(r) for r in self.s.execute(q)]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class bulk_cache:
    """SQLite: a bigger page cache while a data set loads, so the rows' CUSIP index is
    updated in memory and a page is written to the WAL once rather than on every spill;
    the connection's own size comes back afterwards."""

    def __init__(self, session: Session, kib: int = 192 * 1024) -> None:
        self.conn = session.connection()
        self.kib = kib
        self.before: int | None = None

    def __enter__(self) -> None:
        if self.conn.dialect.name == "sqlite":
            self.before = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{int(self.kib)}")

    def __exit__(self, *exc) -> None:
        if self.before is not None:
            # The connection may be on its way out after a failure: nothing to restore then.
            with contextlib.suppress(Exception):
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self.before)}")
