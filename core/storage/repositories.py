"""Reads and writes inside one session; everything returned is a domain object."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, repeat

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from core.domain import cusip as cusip_rules
from core.domain import filings as fd
from core.domain.companies import Company, Holding
from core.domain.positions import PortfolioRef, ReportRows, RowInDollars
from core.domain.text import one_line
from core.storage import schema as t

# filing_id, row_number, then RowBatch.COLUMNS (value as value_as_filed), then value_usd.
_SQLITE_ROWS = (
    "INSERT INTO filing_rows (filing_id, row_number, issuer, title_of_class, cusip, figi, "
    "value_as_filed, shares, share_type, put_call, investment_discretion, other_managers, "
    "voting_sole, voting_shared, voting_none, provenance, value_usd)"
)
# New companies named from the CUSIP master as they are inserted: (cusip, name, time)
# tuples in the VALUES list, joined with the master (see _values_sql for the middle).
_NAMED = "cusip, name, origin, updated_at, ticker, mapping_source, mapped_at, sec_cik"
_SQLITE_FILING_COMPANIES = (
    f"INSERT INTO companies ({_NAMED}) SELECT v.column1, v.column2, 'filing', v.column3, "
    "m.ticker, m.source, CASE WHEN m.ticker IS NULL THEN NULL ELSE v.column3 END, m.cik "
    "FROM (")
_SQLITE_FILING_COMPANIES_TAIL = (
    ") AS v LEFT JOIN cusip_master AS m ON m.cusip = v.column1 WHERE true "
    "ON CONFLICT (cusip) DO NOTHING")
_PG_FILING_COMPANIES = text(
    f"INSERT INTO companies ({_NAMED}) SELECT u.c, u.n, 'filing', :now, m.ticker, m.source, "
    "CASE WHEN m.ticker IS NULL THEN NULL ELSE CAST(:now AS timestamptz) END, m.cik "
    "FROM unnest(CAST(:cusips AS varchar[]), CAST(:names AS varchar[])) AS u(c, n) "
    "LEFT JOIN cusip_master AS m ON m.cusip = u.c ON CONFLICT (cusip) DO NOTHING")

# SQLite takes many rows as multi-row INSERT statements, one sqlite3_step each. executemany
# steps once per row and lets the GIL go every time; while another thread runs Python (the
# import's parser reading the next piece of the table), taking the GIL back costs up to the
# 5 ms switch interval, so each row waited that long (the convoy effect: 50,000 rows beside
# a busy thread took minutes, not 0.3 s). A statement holds 2**k rows, at most _VALUES_ROWS
# (padded with rows of NULLs that its WHERE drops), so the distinct SQL texts are few,
# sqlite3's statement cache compiles each once, and a batch of rows takes two or three.
_VALUES_ROWS = 1024
_LEAST_ROWS = 16


@functools.cache
def _values_sql(head: str, width: int, rows: int, tail: str) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return (f"{head} SELECT * FROM (VALUES {', '.join([one] * rows)}) "
            f"WHERE column1 IS NOT NULL{tail}")  # fmt: skip


def _insert_values(conn, head: str, rows: Sequence[tuple], tail: str = "") -> int:
    """SQLite: insert every row (whose first value is never NULL) through `head SELECT *
    FROM (VALUES ...) ... tail`, in statements within _VALUES_ROWS rows and the variable
    limit. Returns the rows inserted."""
    if not rows:
        return 0
    if None in map(operator.itemgetter(0), rows):  # the WHERE would drop that row
        raise ValueError("a row to insert starts with NULL")
    width = len(rows[0])
    limit = conn.connection.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    most = min(_VALUES_ROWS, 1 << max(0, (limit // width).bit_length() - 1))
    inserted = 0
    for start in range(0, len(rows), most):
        part = rows[start : start + most]
        n = min(most, max(_LEAST_ROWS, 1 << (len(part) - 1).bit_length()))
        params = (*chain.from_iterable(part), *repeat(None, (n - len(part)) * width))
        inserted += conn.exec_driver_sql(_values_sql(head, width, n, tail), params).rowcount
    return inserted


# COPY columns: filing_id, row_number, then RowBatch.COLUMNS with value as value_as_filed,
# then value_usd (computed here: COPY takes values, not expressions).
_COPY_ROWS = (
    "COPY filing_rows (filing_id, row_number, issuer, title_of_class, cusip, figi, "
    "value_as_filed, shares, share_type, put_call, investment_discretion, other_managers, "
    "voting_sole, voting_shared, voting_none, provenance, value_usd) FROM STDIN (FORMAT BINARY)"
)
# Binary COPY: the server reads values without parsing text (the types of the columns).
_COPY_TYPES = ("int4", "int4", "text", "text", "varchar", "varchar", "int8", "int8", "varchar",
               "varchar", "varchar", "text", "int8", "int8", "int8", "text", "int8")


def _copy_rows(conn, head, columns, multiplier: int) -> None:
    """PostgreSQL: stream the batch through COPY, inside the session's transaction."""
    value_i = fd.RowBatch.COLUMNS.index("value")
    value_usd = [v * multiplier for v in columns[value_i]]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(_COPY_ROWS) as copy:
            copy.set_types(_COPY_TYPES)
            for row in zip(*head, *columns, value_usd, strict=True):
                copy.write_row(row)
    finally:
        cursor.close()


def _sqlite_stamp(conn, when: dt.datetime):
    """A time as SQLAlchemy's SQLite DateTime stores it (for rows written without it)."""
    column_type = t.Company.__table__.c.updated_at.type.dialect_impl(conn.dialect)
    stamp = column_type.bind_processor(conn.dialect)
    return stamp(when) if stamp else when


def _listed_filings():
    """Ids of the filings of listed books: every filer but those only a data set brought
    (read by primary key, filing by filing, rather than across the universe's rows)."""
    universe_only = (select(t.UniverseFiler.portfolio_id)
                     .join(t.Portfolio, t.Portfolio.id == t.UniverseFiler.portfolio_id)
                     .where(~t.Portfolio.followed))  # fmt: skip
    return select(t.Filing.id).where(t.Filing.portfolio_id.not_in(universe_only))


def _portfolio_ref(p: t.Portfolio) -> PortfolioRef:
    return PortfolioRef(id=p.id, name=p.name, kind=p.kind, cik=p.cik)


class Repository:
    """Typed access to the tables for the length of one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- portfolios -----------------------------------------------------------------------
    def portfolios(self) -> list[PortfolioRef]:
        """Own books, and filers other than those only a data set brought (thousands: they
        open from search or a holders list, and join this list once followed)."""
        universe_only = (select(t.UniverseFiler.portfolio_id)
                         .where(t.UniverseFiler.portfolio_id == t.Portfolio.id).exists())
        rows = self.s.scalars(select(t.Portfolio)
                              .where(t.Portfolio.followed | ~universe_only)
                              .order_by(t.Portfolio.kind, t.Portfolio.name))  # fmt: skip
        return [_portfolio_ref(p) for p in rows]

    def find_portfolio(self, key: str) -> PortfolioRef | None:
        """By name (case-insensitive) or by filer CIK (leading zeros optional)."""
        key = key.strip()
        if key.isdigit():
            p = self.s.scalar(select(t.Portfolio).where(t.Portfolio.cik == key.zfill(10)))
            if p is not None:
                return _portfolio_ref(p)
        p = self.s.scalar(select(t.Portfolio).where(func.lower(t.Portfolio.name) == key.lower()))
        return _portfolio_ref(p) if p is not None else None

    def filer_portfolio(self, cik: str, name: str) -> PortfolioRef:
        """The filer's portfolio, created on first sight (named as the filer signs)."""
        cik = cik.zfill(10)
        p = self.s.scalar(select(t.Portfolio).where(t.Portfolio.cik == cik))
        if p is None:
            name = one_line(name) or f"CIK {cik}"  # as a cover page or a data set wrote it
            taken = self.s.scalar(select(t.Portfolio.id).where(t.Portfolio.name == name))
            p = t.Portfolio(name=name if taken is None else f"{name} (CIK {cik})",
                            kind="filer", cik=cik)
            self.s.add(p)
            self.s.flush()
        return _portfolio_ref(p)

    # -- companies ------------------------------------------------------------------------
    def company_count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(t.Company)) or 0

    def add_companies_if_absent(self, companies: Iterable[Mapping[str, str | None]],
                                checked: bool = False) -> int:  # fmt: skip
        """Insert companies whose CUSIP is new; never touch an existing row. Returns count.
        `checked`: the caller has already verified every check digit (the importer)."""
        wanted = {c["cusip"]: c for c in companies}
        if not wanted:
            return 0
        if not checked:
            bad = sorted(c for c in wanted if not cusip_rules.is_valid(c))
            if bad:
                raise ValueError(f"not valid CUSIPs (check digit): {', '.join(bad)}")
        known = self._known_cusips(wanted)
        new = [c for cusip, c in wanted.items() if cusip not in known]
        if not new:
            return len(new)
        now = t.utcnow()
        keys = ["cusip", *(k for k in new[0] if k != "cusip")]  # never NULL: first
        conn = self.s.connection()
        if (conn.dialect.name == "sqlite" and "origin" in keys  # else the schema's default
                and all(c.keys() == new[0].keys() for c in new)):  # fmt: skip
            # Tens of thousands of new CUSIPs in one import: tuples in multi-row
            # statements, not one parameter dict per company through the ORM.
            when = _sqlite_stamp(conn, now)
            _insert_values(conn, f"INSERT INTO companies ({', '.join(keys)}, updated_at)",
                           [(*(c[k] for k in keys), when) for c in new])  # fmt: skip
        else:
            self.s.execute(insert(t.Company.__table__), [{"updated_at": now, **c} for c in new])
        return len(new)

    def add_filing_companies(self, names: Mapping[str, str],
                             now: dt.datetime | None = None) -> int:  # fmt: skip
        """A company for each CUSIP (check digit verified by the caller) first seen in a
        filing, named as filed, with the ticker (source, issuer CIK) the CUSIP master gives
        it, mapped at `now`; an existing company is never touched. Returns how many were
        added. Naming in the INSERT itself: no second pass rewriting 50,000 rows."""
        if not names:
            return 0
        now = now or t.utcnow()
        conn = self.s.connection()
        if conn.dialect.name == "postgresql":
            # One statement per batch: the arrays are unnested by the server and the unique
            # index decides what is new (an executemany of 50,000 dicts took seconds).
            return conn.execute(_PG_FILING_COMPANIES, {
                "cusips": list(names), "names": [n or c for c, n in names.items()],
                "now": now}).rowcount  # fmt: skip
        if conn.dialect.name != "sqlite":
            return self.add_companies_if_absent(
                ({"cusip": c, "name": n or c, "origin": "filing"} for c, n in names.items()),
                checked=True)  # fmt: skip
        # Tens of thousands of new CUSIPs in one import: multi-row statements of tuples,
        # the unique index deciding what is new (no read of the known CUSIPs first).
        when = _sqlite_stamp(conn, now)
        return _insert_values(conn, _SQLITE_FILING_COMPANIES,
                              [(c, n or c, when) for c, n in names.items()],
                              _SQLITE_FILING_COMPANIES_TAIL)  # fmt: skip

    def _known_cusips(self, cusips: Iterable[str]) -> set[str]:
        """Which of `cusips` are companies already: for many, one scan of the (indexed)
        column beats an IN list of tens of thousands of parameters."""
        wanted = set(cusips)
        if len(wanted) > 500:
            return wanted & set(self.s.scalars(select(t.Company.cusip)))
        return set(self.s.scalars(select(t.Company.cusip).where(t.Company.cusip.in_(wanted))))

    def company_names(self, cusips: Iterable[str]) -> dict[str, str]:
        """The security master's name of each CUSIP it knows (the name every view shows)."""
        wanted = set(cusips)
        q = select(t.Company.cusip, t.Company.name)
        if len(wanted) <= 500:
            q = q.where(t.Company.cusip.in_(wanted))
        return {c: n for c, n in self.s.execute(q) if c in wanted and n}

    def without_ticker(self, cusips: Iterable[str]) -> set[str]:
        """Which of `cusips` are companies without a ticker. For many (an import's tens of
        thousands), the companies without one are read (few: most CUSIPs map), not the
        tickers of all the others."""
        wanted = set(cusips)
        q = select(t.Company.cusip).where(t.Company.ticker.is_(None))
        if len(wanted) <= 500:
            return set(self.s.scalars(q.where(t.Company.cusip.in_(wanted))))
        return wanted.intersection(self.s.scalars(q))

    def tickers(self, cusips: Iterable[str] | None = None) -> dict[str, str]:
        q = select(t.Company.cusip, t.Company.ticker).where(t.Company.ticker.is_not(None))
        wanted = set(cusips) if cusips is not None else None
        if wanted is not None and len(wanted) <= 500:
            q = q.where(t.Company.cusip.in_(wanted))
        found = {cusip: ticker for cusip, ticker in self.s.execute(q)}
        if wanted is not None and len(wanted) > 500:  # mapped CUSIPs are few: filter here
            found = {c: tk for c, tk in found.items() if c in wanted}
        return found

    # -- filings --------------------------------------------------------------------------
    def filing_exists(self, accession: str, cik: str | None = None,
                      period: dt.date | None = None) -> bool:  # fmt: skip
        """Whether a filing has that accession (and, given `cik` and `period`, is that
        filer's report for that period)."""
        q = select(t.Filing.id).where(t.Filing.accession == accession)
        if period is not None:
            q = q.where(t.Filing.period_of_report == period)
        if cik is not None:
            q = q.join(t.Portfolio, t.Portfolio.id == t.Filing.portfolio_id).where(
                t.Portfolio.cik == cik)  # fmt: skip
        return self.s.scalar(q) is not None

    def has_local_filing(self, cik: str, period: dt.date) -> bool:
        """Whether the filer has a report of that period imported without an accession."""
        q = (select(t.Filing.id).join(t.Portfolio, t.Portfolio.id == t.Filing.portfolio_id)
             .where(t.Portfolio.cik == cik, t.Filing.period_of_report == period,
                    t.Filing.accession.startswith("local-")).limit(1))  # fmt: skip
        return self.s.scalar(q) is not None

    def add_filing(self, portfolio: PortfolioRef, h: fd.FilingHeader) -> int:
        f = t.Filing(
            portfolio_id=portfolio.id,
            accession=h.accession,
            form_type=h.form_type.value,
            amendment_type=h.amendment_type.value if h.amendment_type else None,
            period_of_report=h.period,
            filed_date=h.filed,
            entry_total=h.entry_total,
            value_total=h.value_total,
            value_unit=h.value_unit.value,
            source=h.source,
        )
        self.s.add(f)
        self.s.flush()
        return f.id

    def add_rows(
        self, filing_id: int, first_number: int, batch: fd.RowBatch, multiplier: int
    ) -> None:
        """Bulk-insert a batch of rows, numbered from first_number, in one statement."""
        n = len(batch)
        if not n:
            return
        columns = [getattr(batch, c) for c in fd.RowBatch.COLUMNS]
        head = (repeat(filing_id, n), range(first_number, first_number + n))
        conn = self.s.connection()
        if conn.dialect.name == "sqlite":
            values = columns[fd.RowBatch.COLUMNS.index("value")]
            usd = values if multiplier == 1 else list(map(operator.mul, values, repeat(multiplier)))
            _insert_values(conn, _SQLITE_ROWS, list(zip(*head, *columns, usd, strict=True)))
            return
        if conn.dialect.name == "postgresql":
            _copy_rows(conn, head, columns, multiplier)
            return
        value_i = fd.RowBatch.COLUMNS.index("value")
        params = [
            dict(zip(("filing_id", "row_number", *fd.RowBatch.COLUMNS), t, strict=True))
            | {"value_as_filed": t[2 + value_i], "value_usd": t[2 + value_i] * multiplier}
            for t in zip(*head, *columns, strict=True)
        ]
        for p in params:
            del p["value"]
        self.s.execute(insert(t.FilingRow.__table__), params)

    def delete_rows(self, filing_id: int) -> None:
        """Drop a filing's rows (the import reads its table again from the first row)."""
        self.s.execute(delete(t.FilingRow.__table__).where(
            t.FilingRow.__table__.c.filing_id == filing_id))  # fmt: skip

    def filings(self, portfolio: PortfolioRef | None = None) -> list[fd.FilingSummary]:
        agg = select(
            t.FilingRow.filing_id,
            func.count().label("n"),
            func.coalesce(func.sum(t.FilingRow.value_usd), 0).label("total"),
        )
        if portfolio is not None:  # sum this book's rows only, not millions of universe rows
            agg = agg.where(t.FilingRow.filing_id.in_(
                select(t.Filing.id).where(t.Filing.portfolio_id == portfolio.id)))
        agg = agg.group_by(t.FilingRow.filing_id).subquery()
        q = (
            select(t.Filing, t.Portfolio, agg.c.n, agg.c.total)
            .join(t.Portfolio, t.Filing.portfolio_id == t.Portfolio.id)
            .outerjoin(agg, agg.c.filing_id == t.Filing.id)
            .order_by(t.Filing.period_of_report, t.Filing.filed_date, t.Filing.accession)
        )
        if portfolio is not None:
            q = q.where(t.Filing.portfolio_id == portfolio.id)
        out = []
        for f, p, n, total in self.s.execute(q):
            unit = fd.ValueUnit(f.value_unit)
            out.append(
                fd.FilingSummary(
                    accession=f.accession,
                    portfolio=p.name,
                    cik=p.cik or "",
                    form_type=f.form_type,
                    amendment_type=f.amendment_type,
                    period=f.period_of_report,
                    filed=f.filed_date,
                    value_unit=unit,
                    entry_total=f.entry_total,
                    value_total_usd=(
                        f.value_total * unit.multiplier if f.value_total is not None else None
                    ),
                    rows=n or 0,
                    rows_value_usd=int(total or 0),
                    source=f.source,
                )
            )
        return out

    def periods(self, portfolio: PortfolioRef) -> list[dt.date]:
        q = (
            select(t.Filing.period_of_report)
            .where(t.Filing.portfolio_id == portfolio.id)
            .distinct()
            .order_by(t.Filing.period_of_report)
        )
        return list(self.s.scalars(q))

    def report_rows(self, portfolio: PortfolioRef, period: dt.date) -> list[ReportRows]:
        """Every filing of the portfolio for the period, with its rows in dollars."""
        filings = self.s.scalars(
            select(t.Filing).where(
                t.Filing.portfolio_id == portfolio.id, t.Filing.period_of_report == period
            )
        ).all()
        out = []
        for f in filings:
            rows = self.s.execute(
                select(
                    t.FilingRow.cusip, t.FilingRow.issuer, t.FilingRow.title_of_class,
                    t.FilingRow.share_type, t.FilingRow.put_call, t.FilingRow.shares,
                    t.FilingRow.value_usd,
                )
                .where(t.FilingRow.filing_id == f.id)
                .order_by(t.FilingRow.row_number)
            )  # fmt: skip
            out.append(
                ReportRows(
                    accession=f.accession,
                    form_type=f.form_type,
                    amendment_type=f.amendment_type,
                    filed=f.filed_date,
                    rows=[RowInDollars(*r) for r in rows],
                )
            )
        return out

    def position_rows(self, portfolio: PortfolioRef, cusip: str) -> list[tuple]:
        """Every filed row of one CUSIP in a portfolio's filings, oldest period first, as
        (accession, form type, period, filed, title of class, share type, put/call, shares,
        value as filed, value in dollars, other managers, row number)."""
        q = (
            select(t.Filing.accession, t.Filing.form_type, t.Filing.period_of_report,
                   t.Filing.filed_date, t.FilingRow.title_of_class, t.FilingRow.share_type,
                   t.FilingRow.put_call, t.FilingRow.shares, t.FilingRow.value_as_filed,
                   t.FilingRow.value_usd, t.FilingRow.other_managers, t.FilingRow.row_number)
            .join(t.FilingRow, t.FilingRow.filing_id == t.Filing.id)
            .where(t.Filing.portfolio_id == portfolio.id, t.FilingRow.cusip == cusip)
            .order_by(t.Filing.period_of_report, t.Filing.filed_date, t.FilingRow.row_number)
        )  # fmt: skip
        return [tuple(r) for r in self.s.execute(q)]

    def filing_row_count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(t.FilingRow)) or 0

    def held_tickers(self) -> list[str]:
        """Tickers of every security a stored filing of a listed book reports (mapped
        CUSIPs only; the universe's thousands of filers are not asked for)."""
        rows = select(t.FilingRow.cusip).where(t.FilingRow.filing_id.in_(_listed_filings()))
        q = (
            select(t.Company.ticker)
            .where(t.Company.ticker.is_not(None))
            .where(t.Company.cusip.in_(rows.distinct()))
            .distinct()
        )
        return sorted(self.s.scalars(q))

    def filing_price(self, ticker: str) -> tuple[dt.date, float, str] | None:
        """The price implied by the latest filing that reports the ticker: value / shares of
        its share (not option) rows, with the period end and the accession."""
        q = (
            select(
                t.Filing.period_of_report,
                t.Filing.accession,
                func.sum(t.FilingRow.value_usd),
                func.sum(t.FilingRow.shares),
            )
            .join(t.FilingRow, t.FilingRow.filing_id == t.Filing.id)
            .join(t.Company, t.Company.cusip == t.FilingRow.cusip)
            .where(t.Company.ticker == ticker, t.FilingRow.put_call.is_(None))
            .where(func.coalesce(t.FilingRow.share_type, "SH") == "SH")
            .group_by(t.Filing.id)
            .order_by(t.Filing.period_of_report.desc(), t.Filing.filed_date.desc())
            .limit(1)
        )
        row = self.s.execute(q).first()
        if row is None or not row[3]:
            return None
        period, accession, value, shares = row
        return period, value / shares, accession

    # -- the security master ------------------------------------------------------------------
    def companies(self) -> list[Company]:
        """The security master; each company's count of filed rows in the listed books
        (a loaded data set's millions of rows are not counted: that read took seconds)."""
        counts = (
            select(t.FilingRow.cusip, func.count().label("n"))
            .where(t.FilingRow.filing_id.in_(_listed_filings()))
            .group_by(t.FilingRow.cusip)
            .subquery()
        )
        q = (
            select(t.Company, counts.c.n)
            .outerjoin(counts, counts.c.cusip == t.Company.cusip)
            .order_by(func.coalesce(t.Company.ticker, "~"), t.Company.name)
        )
        return [
            Company(c.cusip, c.ticker, c.name, c.exchange, c.origin, c.note, n or 0)
            for c, n in self.s.execute(q)
        ]

    def holdings_of(self, cusip: str) -> list[Holding]:
        q = (
            select(
                t.Portfolio.name, t.Filing.period_of_report, t.Filing.accession,
                func.sum(t.FilingRow.shares), func.sum(t.FilingRow.value_usd),
            )
            .join(t.Filing, t.Filing.id == t.FilingRow.filing_id)
            .join(t.Portfolio, t.Portfolio.id == t.Filing.portfolio_id)
            .where(t.FilingRow.cusip == cusip)
            .group_by(t.Filing.id)
            .order_by(t.Filing.period_of_report.desc(), t.Portfolio.name)
        )  # fmt: skip
        return [Holding(*row) for row in self.s.execute(q)]

    def set_ticker(self, cusip: str, ticker: str | None, name: str | None = None) -> str | None:
        """Map a CUSIP to a ticker (None unmaps it); returns the ticker it had."""
        company = self.s.scalar(select(t.Company).where(t.Company.cusip == cusip))
        if company is None:
            if not cusip_rules.is_valid(cusip):
                raise ValueError(f"{cusip} is not a valid CUSIP (check digit)")
            company = t.Company(cusip=cusip, name=name or cusip, origin="user")
            self.s.add(company)
            previous = None
        else:
            previous = company.ticker
        company.ticker = ticker
        company.origin = "user"
        return previous

    def issuer_name(self, cusip: str) -> str | None:
        return self.s.scalar(
            select(t.FilingRow.issuer).where(t.FilingRow.cusip == cusip).limit(1)
        )

    # -- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        return self.s.scalar(select(t.Meta.value).where(t.Meta.key == key))

    def set_meta(self, key: str, value: str) -> None:
        row = self.s.get(t.Meta, key)
        if row is None:
            self.s.add(t.Meta(key=key, value=value))
        else:
            row.value = value
