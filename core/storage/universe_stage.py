"""PostgreSQL: a data set's INFOTABLE copied as it is into a temporary table (the server
parses the tab-separated text), checked there, and merged into filing_rows in one
statement: no row passes through Python."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

MAX_INT = 2**63 - 1
_STAGE = "universe_stage"
_MAP = "universe_map"
# A whole number as the data sets write them (the row readers take '1,234' and '12.0' too).
_WHOLE = r"^[0-9]+(\.0*)?$"
_NUMBERS = ("VALUE", "SSHPRNAMT")
_VOTES = ("VOTING_AUTH_SOLE", "VOTING_AUTH_SHARED", "VOTING_AUTH_NONE")


class StagedRowError(ValueError):
    """A row of the staged table that cannot be stored: the message names its line."""


class Stage:
    """The staged INFOTABLE of one load, inside the load's transaction (dropped at commit).
    `where` maps INFOTABLE column names to their position in the header."""

    def __init__(self, session: Session, where: dict[str, int | None], width: int) -> None:
        self.s = session
        self.conn = session.connection()
        self.where = where
        self.width = width
        self.conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")  # aggregates of millions
        cols = ", ".join(f"c{i} text" for i in range(width))
        self.conn.exec_driver_sql(
            f"CREATE TEMP TABLE {_STAGE} (line bigint GENERATED ALWAYS AS IDENTITY, {cols}) "
            "ON COMMIT DROP")  # fmt: skip

    def col(self, name: str) -> str:
        i = self.where.get(name)
        return f"s.c{i}" if i is not None else "NULL::text"

    def _n(self, name: str) -> str:
        """A column as a number (checked to be one first)."""
        return f"split_part(replace(trim({self.col(name)}), ',', ''), '.', 1)::numeric"

    @contextmanager
    def writer(self) -> Iterator[Callable[[bytes], None]]:
        """`write(piece)` sends raw bytes of the table (after its header) to COPY."""
        cols = ", ".join(f"c{i}" for i in range(self.width))
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:
            with cursor.copy(f"COPY {_STAGE} ({cols}) FROM STDIN WITH (FORMAT csv, "
                             "DELIMITER E'\\t', QUOTE '\"', NULL '')") as copy:  # fmt: skip
                yield copy.write
        except Exception as exc:
            diag = getattr(exc, "diag", None)
            if diag is None or not getattr(diag, "message_primary", None):
                raise
            # "COPY universe_stage, line 3: ..." counts from the first line after the header.
            m = re.match(r"COPY \w+, line (\d+)", (diag.context or "").strip())
            place = f"line {int(m.group(1)) + 1}" if m else "a line"
            raise StagedRowError(f"INFOTABLE {place}: {diag.message_primary}") from None
        finally:
            cursor.close()

    def first_bad(self) -> tuple[int, str, str | None, str] | None:
        """(file line, column, text, why) of the first row that cannot be stored."""
        cases = []
        for name in (*_NUMBERS, *_VOTES):
            text = f"replace(trim({self.col(name)}), ',', '')"
            empty_ok = f"{self.col(name)} IS NULL OR trim({self.col(name)}) = '' OR " \
                if name in _VOTES else ""
            cases.append(f"WHEN NOT ({empty_ok}coalesce({text}, '') ~ '{_WHOLE}') "
                         f"THEN '{name}|whole'")
            cases.append(f"WHEN {self._n(name)} > {MAX_INT} THEN '{name}|range'")
        codes = (("SSHPRNAMTTYPE", "upper(trim(coalesce({c}, ''))) NOT IN ('SH', 'PRN')"),
                 ("PUTCALL", "coalesce(upper(trim({c})), '') NOT IN ('', 'PUT', 'CALL')"),
                 ("CUSIP", "length(trim(coalesce({c}, ''))) NOT BETWEEN 1 AND 16"),
                 ("FIGI", "length(trim(coalesce({c}, ''))) > 12"),
                 ("INVESTMENTDISCRETION", "length(trim(coalesce({c}, ''))) > 8"))
        for name, test in codes:
            if name == "FIGI" and self.where.get("FIGI") is None:
                continue
            cases.append(f"WHEN {test.format(c=self.col(name))} THEN '{name}|code'")
        row = self.conn.exec_driver_sql(
            f"SELECT line, problem FROM (SELECT s.line, CASE {' '.join(cases)} END AS problem "
            f"FROM {_STAGE} s) x WHERE problem IS NOT NULL ORDER BY line LIMIT 1").first()
        if row is None:
            return None
        line, problem = row
        name, why = problem.split("|")
        text = self.conn.exec_driver_sql(
            f"SELECT {self.col(name)} FROM {_STAGE} s WHERE s.line = %(line)s",
            {"line": line}).scalar()  # fmt: skip
        return line + 1, name, text, why

    def map_filings(self, targets: list[tuple[str, int, int, bool]]) -> None:
        """accession (as the table writes it), filing id, value multiplier, new."""
        self.conn.exec_driver_sql(
            f"CREATE TEMP TABLE {_MAP} (accession text PRIMARY KEY, filing_id integer, "
            "multiplier integer, new boolean) ON COMMIT DROP")  # fmt: skip
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:
            with cursor.copy(f"COPY {_MAP} FROM STDIN") as copy:
                for row in targets:
                    copy.write_row(row)
        finally:
            cursor.close()
        self.conn.exec_driver_sql(f"ANALYZE {_MAP}")

    def too_large(self) -> tuple[int, str] | None:
        """(file line, VALUE) of the first value in thousands too large once in dollars."""
        return self.conn.exec_driver_sql(
            f"SELECT s.line + 1, trim({self.col('VALUE')}) FROM {_STAGE} s JOIN {_MAP} m "
            f"ON m.accession = trim({self.col('ACCESSION_NUMBER')}) WHERE m.multiplier <> 1 "
            f"AND {self._n('VALUE')} * m.multiplier > {MAX_INT} ORDER BY s.line LIMIT 1").first()

    def sums(self) -> tuple[int, int, dict[str, tuple[int, int, int, int]]]:
        """All rows, rows of no listed filing, and per accession (rows, shares, equity
        dollars, option dollars)."""
        acc, put = self.col("ACCESSION_NUMBER"), self.col("PUTCALL")
        usd = f"{self._n('VALUE')} * m.multiplier"
        total = self.conn.exec_driver_sql(f"SELECT count(*) FROM {_STAGE}").scalar() or 0
        rows = self.conn.exec_driver_sql(
            f"SELECT m.accession, count(*), sum({self._n('SSHPRNAMT')}), "
            f"coalesce(sum({usd}) FILTER (WHERE coalesce(trim({put}), '') = ''), 0), "
            f"coalesce(sum({usd}) FILTER (WHERE coalesce(trim({put}), '') <> ''), 0) "
            f"FROM {_STAGE} s JOIN {_MAP} m ON m.accession = trim({acc}) "
            "GROUP BY m.accession").all()  # fmt: skip
        per = {a: (int(n), int(sh), int(e), int(o)) for a, n, sh, e, o in rows}
        return total, total - sum(v[0] for v in per.values()), per

    def merge(self) -> int:
        """Insert the new filings' rows, numbered from 1 in table order; returns how many."""
        c, n = self.col, self._n
        acc = f"trim({c('ACCESSION_NUMBER')})"

        def text(name: str) -> str:
            return f"nullif(trim({c(name)}), '')"

        def number(name: str) -> str:
            return f"CASE WHEN {text(name)} IS NULL THEN NULL ELSE {n(name)}::bigint END"

        result = self.conn.exec_driver_sql(
            "WITH firsts AS (SELECT trim(s.c{a}) AS accession, min(s.line) AS first FROM "
            f"{_STAGE} s GROUP BY 1) "
            "INSERT INTO filing_rows (filing_id, row_number, issuer, title_of_class, cusip, "
            "figi, value_as_filed, shares, share_type, put_call, investment_discretion, "
            "other_managers, voting_sole, voting_shared, voting_none, provenance, value_usd) "
            f"SELECT m.filing_id, (s.line - f.first + 1)::integer, "
            f"coalesce(trim({c('NAMEOFISSUER')}), ''), coalesce(trim({c('TITLEOFCLASS')}), ''), "
            f"upper(trim({c('CUSIP')})), {text('FIGI')}, {n('VALUE')}::bigint, "
            f"{n('SSHPRNAMT')}::bigint, upper(trim({c('SSHPRNAMTTYPE')})), "
            f"upper({text('PUTCALL')}), {text('INVESTMENTDISCRETION')}, "
            f"nullif({c('OTHERMANAGER')}, ''), {number('VOTING_AUTH_SOLE')}, "
            f"{number('VOTING_AUTH_SHARED')}, {number('VOTING_AUTH_NONE')}, NULL, "
            f"{n('VALUE')}::bigint * m.multiplier "
            f"FROM {_STAGE} s JOIN {_MAP} m ON m.accession = {acc} AND m.new "
            f"JOIN firsts f ON f.accession = {acc}".replace(
                "{a}", str(self.where["ACCESSION_NUMBER"])))  # fmt: skip
        return result.rowcount or 0
