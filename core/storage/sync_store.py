"""Reads and writes for following filers, syncing and ticker mapping (one session each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.domain import cusip as cusip_rules
from core.domain.following import FilerStatus, MappingInfo, Stake
from core.domain.positions import PortfolioRef
from core.domain.ticker_map import OPENFIGI, Sighting
from core.storage import schema as t
from core.storage.repositories import Repository

USER = "user"


class SyncStore:
    """Following flags, sync times, mapping provenance and issuer facts."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- following ------------------------------------------------------------------------
    def filer_statuses(self) -> list[FilerStatus]:
        agg = (
            select(t.Filing.portfolio_id, func.max(t.Filing.period_of_report).label("period"),
                   func.max(t.Filing.filed_date).label("filed"), func.count().label("n"))
            .group_by(t.Filing.portfolio_id)
            .subquery()
        )  # fmt: skip
        q = (
            select(t.Portfolio, agg.c.period, agg.c.filed, agg.c.n)
            .outerjoin(agg, agg.c.portfolio_id == t.Portfolio.id)
            .where(t.Portfolio.kind == "filer")
            .order_by(t.Portfolio.name)
        )
        return [
            FilerStatus(p.id, p.name, p.cik or "", bool(p.followed), _utc(p.last_synced),
                        period, filed, n or 0)
            for p, period, filed, n in self.s.execute(q)
        ]  # fmt: skip

    def follow(self, cik: str, name: str) -> tuple[PortfolioRef, bool]:
        """Follow a filer, creating its portfolio; returns it and whether it was new."""
        existed = self.s.scalar(select(t.Portfolio.id).where(t.Portfolio.cik == cik)) is not None
        ref = Repository(self.s).filer_portfolio(cik, name)
        self.set_followed(ref.id, True)
        return ref, not existed

    def set_followed(self, portfolio_id: int, followed: bool) -> bool:
        """Returns whether it was followed before."""
        p = self.s.get(t.Portfolio, portfolio_id)
        before = bool(p.followed)
        p.followed = followed
        return before

    def mark_synced(self, portfolio_id: int, when: dt.datetime) -> None:
        self.s.execute(update(t.Portfolio).where(t.Portfolio.id == portfolio_id)
                       .values(last_synced=when))  # fmt: skip

    def known_accessions(self, accessions: Iterable[str]) -> set[str]:
        wanted = set(accessions)
        if not wanted:
            return set()
        q = select(t.Filing.accession).where(t.Filing.accession.in_(wanted))
        return set(self.s.scalars(q))

    def all_accessions(self) -> set[str]:
        return set(self.s.scalars(select(t.Filing.accession)))

    def meta_with_prefix(self, prefix: str) -> dict[str, str]:
        q = select(t.Meta.key, t.Meta.value).where(t.Meta.key.startswith(prefix, autoescape=True))
        return dict(self.s.execute(q).all())

    # -- mapping --------------------------------------------------------------------------
    def unmapped_cusips(self, portfolio_ids: Iterable[int] | None = None, *,
                        retry: bool = False) -> list[str]:  # fmt: skip
        """CUSIPs held in filings with no ticker, that no user has set (or cleared);
        without `retry`, only those never asked about."""
        held = select(t.FilingRow.cusip).join(t.Filing, t.Filing.id == t.FilingRow.filing_id)
        if portfolio_ids is not None:
            held = held.where(t.Filing.portfolio_id.in_(list(portfolio_ids)))
        held = held.distinct().subquery()
        # A join on the distinct held CUSIPs, not `IN (subquery)`: right after a bulk import
        # PostgreSQL has no statistics and ran the IN as a subplan per company (50,000
        # companies x 50,000 rows: minutes); a join is hashed whatever the estimates.
        q = (
            select(t.Company.cusip)
            .join(held, held.c.cusip == t.Company.cusip)
            .where(*self._unmapped_filter(retry))
            .order_by(t.Company.cusip)
        )
        return list(self.s.scalars(q))

    def unmapped_among(self, cusips: Iterable[str], *, retry: bool = False) -> list[str]:
        """Those of `cusips` (held by a filing just imported) without a ticker, not set by
        a user, and (without `retry`) never asked about: one scan of companies, no join."""
        wanted = set(cusips)
        if not wanted:
            return []
        q = select(t.Company.cusip).where(*self._unmapped_filter(retry))
        if len(wanted) <= 500:
            q = q.where(t.Company.cusip.in_(wanted))
        return sorted(c for c in self.s.scalars(q) if c in wanted)

    @staticmethod
    def _unmapped_filter(retry: bool) -> list:
        out = [t.Company.ticker.is_(None), t.Company.origin != USER,
               func.coalesce(t.Company.mapping_source, "") != USER]  # fmt: skip
        if not retry:
            out.append(t.Company.mapping_reason.is_(None))
        return out

    def apply_mappings(self, results: Iterable[tuple[str, str | None, str | None]],
                       source: str, when: dt.datetime) -> tuple[int, int]:  # fmt: skip
        """(cusip, ticker, reason) answers written where no ticker stands; a ticker a user
        typed (or one already mapped) is never overwritten. Returns (mapped, unmapped)."""
        mapped = unmapped = 0
        for cusip, ticker, reason in results:
            c = self.s.scalar(select(t.Company).where(t.Company.cusip == cusip))
            if c is None or c.ticker is not None or c.origin == USER:
                continue
            if ticker:
                c.ticker, c.mapping_source, c.mapped_at, c.mapping_reason = (
                    ticker, source, when, None)
                mapped += 1
                if source == OPENFIGI:  # kept in the CUSIP master, below the SEC's fails data
                    from core.storage.cusip_store import CusipStore

                    CusipStore(self.s).add_sighting(Sighting(cusip, ticker, OPENFIGI), when)
            else:
                c.mapping_source, c.mapped_at, c.mapping_reason = source, when, reason
                unmapped += 1
        return mapped, unmapped

    def import_map(self, rows: Iterable[tuple[str, str, str | None]], when: dt.datetime) -> int:
        """The user's own security master: (cusip, ticker, name) set as the user's choice."""
        n = 0
        for cusip, ticker, name in rows:
            if not cusip_rules.is_valid(cusip):
                raise ValueError(f"{cusip} is not a valid CUSIP (check digit)")
            c = self.s.scalar(select(t.Company).where(t.Company.cusip == cusip))
            if c is None:
                c = t.Company(cusip=cusip, name=name or Repository(self.s).issuer_name(cusip)
                              or cusip)  # fmt: skip
                self.s.add(c)
            elif name:
                c.name = name
            c.ticker, c.origin = ticker, USER
            c.mapping_source, c.mapped_at, c.mapping_reason = "import-map", when, None
            n += 1
        return n

    def mark_user_mapping(self, cusip: str, when: dt.datetime) -> None:
        """Record that a user typed (or cleared) this CUSIP's ticker."""
        self.s.execute(update(t.Company).where(t.Company.cusip == cusip).values(
            mapping_source=USER, mapped_at=when, mapping_reason=None))  # fmt: skip

    def mapping_info(self) -> dict[str, MappingInfo]:
        q = select(t.Company.cusip, t.Company.ticker, t.Company.origin, t.Company.mapping_source,
                   t.Company.mapped_at, t.Company.mapping_reason)  # fmt: skip
        return {
            cusip: MappingInfo(cusip, ticker, source or origin_source(origin), at, reason)
            for cusip, ticker, origin, source, at, reason in self.s.execute(q)
        }

    # -- issuer facts ---------------------------------------------------------------------
    def companies_needing_facts(
        self, portfolio_ids: Iterable[int], checked_before: dt.datetime
    ) -> list[tuple[str, str, str | None]]:
        """(cusip, ticker, sec_cik) of companies with a ticker held in the latest report of
        these portfolios whose facts were not checked since `checked_before`."""
        ids = list(portfolio_ids)
        if not ids:
            return []
        latest = (select(t.Filing.portfolio_id, func.max(t.Filing.period_of_report).label("p"))
                  .where(t.Filing.portfolio_id.in_(ids)).group_by(t.Filing.portfolio_id)
                  .subquery())  # fmt: skip
        held = (
            select(t.FilingRow.cusip)
            .join(t.Filing, t.Filing.id == t.FilingRow.filing_id)
            .join(latest, (latest.c.portfolio_id == t.Filing.portfolio_id)
                  & (latest.c.p == t.Filing.period_of_report))
            .distinct()
        )  # fmt: skip
        q = (
            select(t.Company.cusip, t.Company.ticker, t.Company.sec_cik)
            .where(t.Company.ticker.is_not(None), t.Company.cusip.in_(held))
            .where((t.Company.facts_checked_at.is_(None))
                   | (t.Company.facts_checked_at < checked_before))
            .order_by(t.Company.ticker)
        )  # fmt: skip
        return [tuple(r) for r in self.s.execute(q)]

    def set_facts(self, cusip: str, sec_cik: str | None, stake: Stake | None,
                  when: dt.datetime) -> None:  # fmt: skip
        """Record the issuer's CIK and shares outstanding (None: not reported; kept empty)."""
        self.s.execute(update(t.Company).where(t.Company.cusip == cusip).values(
            sec_cik=sec_cik, facts_checked_at=when,
            shares_outstanding=stake.shares_outstanding if stake else None,
            shares_outstanding_date=stake.as_of if stake else None,
        ))  # fmt: skip

    def issuer_facts(self, cusips: Iterable[str]) -> dict[str, tuple]:
        """cusip -> (ticker, sec_cik, facts_checked_at, shares_outstanding, its date)."""
        q = (select(t.Company.cusip, t.Company.ticker, t.Company.sec_cik,
                    t.Company.facts_checked_at, t.Company.shares_outstanding,
                    t.Company.shares_outstanding_date)
             .where(t.Company.cusip.in_(set(cusips))))  # fmt: skip
        return {c: tuple(rest) for c, *rest in self.s.execute(q)}

    def shares_by_filing(self, cusip: str) -> dict[str, int]:
        """accession -> shares of the security itself (SH, no options) a filing reports."""
        q = (select(t.Filing.accession, func.sum(t.FilingRow.shares))
             .join(t.Filing, t.Filing.id == t.FilingRow.filing_id)
             .where(t.FilingRow.cusip == cusip, t.FilingRow.put_call.is_(None),
                    func.coalesce(t.FilingRow.share_type, "SH") == "SH")
             .group_by(t.Filing.accession))  # fmt: skip
        return {acc: int(n or 0) for acc, n in self.s.execute(q)}

    def stakes(self, cusips: Iterable[str]) -> dict[str, Stake]:
        q = (select(t.Company.cusip, t.Company.shares_outstanding,
                    t.Company.shares_outstanding_date)
             .where(t.Company.cusip.in_(set(cusips)))
             .where(t.Company.shares_outstanding.is_not(None),
                    t.Company.shares_outstanding_date.is_not(None)))  # fmt: skip
        return {c: Stake(n, d) for c, n, d in self.s.execute(q)}


def origin_source(origin: str | None) -> str | None:
    """Rows from before mappings were recorded: the origin says where the ticker came from."""
    return {"bundled": "bundled", USER: USER}.get(origin or "")


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive timestamps; they were written in UTC."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=dt.UTC)
