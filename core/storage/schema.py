"""Typed ORM tables: companies, portfolios, filings and their rows, prices and quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExactDecimal(TypeDecorator):
    """NUMERIC(24, 8) read back exactly as written. SQLite has no decimal type (its NUMERIC
    goes through a float and keeps 15 to 17 digits), so there the decimal is kept as text."""

    impl = Numeric(24, 8)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(24, 8))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        return format(Decimal(value), "f")

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Company(Base):
    """The security master: one row per CUSIP."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    cusip: Mapped[str] = mapped_column(String(9), unique=True)
    ticker: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    exchange: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    # Where the ticker came from: "bundled", "filing" (name only, no ticker) or "user".
    origin: Mapped[str] = mapped_column(String(16), default="bundled")
    # How the ticker was found ("bundled", "user", "openfigi", "import-map") and when;
    # why a CUSIP stays unmapped (OpenFIGI's answer), so nobody asks twice blindly.
    mapping_source: Mapped[str | None] = mapped_column(String(16))
    mapped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    mapping_reason: Mapped[str | None] = mapped_column(Text)
    # The issuer's SEC CIK and its latest reported shares outstanding (XBRL dei facts).
    sec_cik: Mapped[str | None] = mapped_column(String(10))
    shares_outstanding: Mapped[int | None] = mapped_column(BigInteger)
    shares_outstanding_date: Mapped[dt.date | None] = mapped_column(Date)
    facts_checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (CheckConstraint("length(cusip) = 9", name="cusip_length"),)


class Portfolio(Base):
    """A named book: a 13F filer's or the user's own."""

    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    cik: Mapped[str | None] = mapped_column(String(10), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A followed filer is synced from EDGAR; last_synced is the last complete sync.
    followed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_synced: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The name in lower case, kept by the database (migration 0010): filer search matches
    # words against it on PostgreSQL with a plain LIKE instead of ILIKE.
    name_key: Mapped[str | None] = mapped_column(Text, Computed("lower(name)", persisted=True))

    filings: Mapped[list[Filing]] = relationship(back_populates="portfolio")

    __table_args__ = (
        CheckConstraint("kind IN ('filer', 'own')", name="kind"),
        CheckConstraint("kind = 'own' OR cik IS NOT NULL", name="filer_has_cik"),
    )


class Filing(Base):
    """One 13F-HR or 13F-HR/A submission."""

    __tablename__ = "filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    accession: Mapped[str] = mapped_column(String(20), unique=True)
    form_type: Mapped[str] = mapped_column(String(10))
    amendment_type: Mapped[str | None] = mapped_column(String(16))
    period_of_report: Mapped[dt.date] = mapped_column(Date)
    filed_date: Mapped[dt.date] = mapped_column(Date)
    entry_total: Mapped[int | None] = mapped_column(Integer)
    value_total: Mapped[int | None] = mapped_column(BigInteger)  # in value_unit
    value_unit: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    portfolio: Mapped[Portfolio] = relationship(back_populates="filings")

    __table_args__ = (
        CheckConstraint("form_type IN ('13F-HR', '13F-HR/A')", name="form_type"),
        CheckConstraint(
            "amendment_type IS NULL OR amendment_type IN ('RESTATEMENT', 'NEW HOLDINGS')",
            name="amendment_type",
        ),
        Index("ix_filings_portfolio_period", "portfolio_id", "period_of_report"),
    )


class FilingRow(Base):
    """One information-table row as filed; nothing is dropped."""

    __tablename__ = "filing_rows"

    filing_id: Mapped[int] = mapped_column(
        ForeignKey("filings.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(Text)
    title_of_class: Mapped[str] = mapped_column(Text)
    cusip: Mapped[str] = mapped_column(String(16))
    figi: Mapped[str | None] = mapped_column(String(12))
    value_as_filed: Mapped[int] = mapped_column(BigInteger)
    value_usd: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[int] = mapped_column(BigInteger)
    share_type: Mapped[str | None] = mapped_column(String(3))
    put_call: Mapped[str | None] = mapped_column(String(4))
    investment_discretion: Mapped[str | None] = mapped_column(String(8))
    other_managers: Mapped[str | None] = mapped_column(Text)
    voting_sole: Mapped[int | None] = mapped_column(BigInteger)
    voting_shared: Mapped[int | None] = mapped_column(BigInteger)
    voting_none: Mapped[int | None] = mapped_column(BigInteger)
    provenance: Mapped[str | None] = mapped_column(Text)
    # PostgreSQL: 0 for rows filed one by one (import, sync), N for the N-th data set load,
    # whose rows are a partition of their own (migration 0009; the key holds this too).
    # SQLite has no partitions: always 0 there.
    bulk_load: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    # Rows live clustered by their key (one B-tree, no rowid): a 50,000-row import writes
    # one index instead of two, and a filing's rows are read in one range scan.
    __table_args__ = ({"sqlite_with_rowid": False},)


class Meta(Base):
    """Small key/value facts about the database itself (e.g. when it was seeded)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class PriceBar(Base):
    """Daily bars, one per ticker and trading day, with where and when they were fetched."""

    __tablename__ = "price_bars"

    ticker: Mapped[str] = mapped_column(String(16), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    open: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    close: Mapped[float] = mapped_column(Float)
    adj_close: Mapped[float | None] = mapped_column(Float)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(80))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    # Clustered by (ticker, date): ten years of one ticker are one range scan.
    __table_args__ = ({"sqlite_with_rowid": False},)


class StockSplit(Base):
    __tablename__ = "splits"

    ticker: Mapped[str] = mapped_column(String(16), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    ratio: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(80))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LatestQuote(Base):
    """The newest quote seen per ticker, with the exchange's time and our fetch time."""

    __tablename__ = "quotes"

    ticker: Mapped[str] = mapped_column(String(16), primary_key=True)
    price: Mapped[float] = mapped_column(Float)
    previous_close: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(8))
    market_state: Mapped[str | None] = mapped_column(String(16))
    quote_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(80))


class OwnTransaction(Base):
    """One entry of an own book's ledger: holdings, cost and returns are derived from these.
    Shares, prices and cash are exact decimals, as typed."""

    __tablename__ = "own_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(16))
    ticker: Mapped[str] = mapped_column(String(16))
    cusip: Mapped[str | None] = mapped_column(String(9))
    shares: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    price: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    fees: Mapped[Decimal] = mapped_column(ExactDecimal)
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    ratio: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    note: Mapped[str | None] = mapped_column(Text)
    # Where it came from: "user", "csv", "statement" (a dated statement before the ledger),
    # "reconcile" (a broker statement's difference, confirmed).
    origin: Mapped[str] = mapped_column(String(16), default="user")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        CheckConstraint("type IN ('buy', 'sell', 'dividend', 'split', 'transfer-in', "
                        "'transfer-out', 'fee')", name="type"),
        Index("ix_own_transactions_portfolio_date", "portfolio_id", "date"),
    )


# -- the 13F universe (SEC data sets, issue 21) ------------------------------------------------
class UniverseSet(Base):
    """A loaded Form 13F data set: its label (the quarter's window), counts and when."""

    __tablename__ = "universe_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(Text)  # the zip's file name
    sha256: Mapped[str] = mapped_column(String(64))
    filings: Mapped[int] = mapped_column(Integer)  # 13F-HR and 13F-HR/A filings in the set
    notices: Mapped[int] = mapped_column(Integer)  # 13F-NT filings (no holdings)
    rows: Mapped[int] = mapped_column(BigInteger)  # holdings rows in the set
    new_filings: Mapped[int] = mapped_column(Integer)  # not in the database before
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UniverseFiler(Base):
    """A filer's portfolio made by a data set load: openable and followable, but left out
    of the portfolio picker until followed (thousands of filers would crowd it)."""

    __tablename__ = "universe_filers"

    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), primary_key=True
    )
    first_set: Mapped[str] = mapped_column(String(40))


class FilingTotal(Base):
    """A filing's equity and option totals in dollars, written at load so a holders list
    weighs thousands of books without summing their rows (missing: summed on demand)."""

    __tablename__ = "filing_totals"

    filing_id: Mapped[int] = mapped_column(
        ForeignKey("filings.id", ondelete="CASCADE"), primary_key=True
    )
    equity_usd: Mapped[int] = mapped_column(BigInteger)
    options_usd: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(Integer)


# Holders of a security: every filed row of a CUSIP, read from this index alone (it
# carries what the list sums), across millions of universe rows.
Index("ix_filing_rows_cusip", FilingRow.cusip, FilingRow.filing_id, FilingRow.share_type,
      FilingRow.put_call, FilingRow.shares, FilingRow.value_usd)


class SecurityTicker(Base):
    """A ticker one source gave a CUSIP: the SEC's fails data (with the first and last
    settlement date it was seen), OpenFIGI, the bundled seed or NVIDIA's bundled filings."""

    __tablename__ = "security_tickers"

    cusip: Mapped[str] = mapped_column(String(9), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    ticker: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_seen: Mapped[dt.date | None] = mapped_column(Date)
    last_seen: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # Clustered by CUSIP: a security's tickers over time are one range scan.
    __table_args__ = ({"sqlite_with_rowid": False},)


class SecTicker(Base):
    """The SEC's company ticker list: a listed ticker's issuer (CIK) and exchange."""

    __tablename__ = "sec_tickers"

    ticker: Mapped[str] = mapped_column(String(16), primary_key=True)
    cik: Mapped[str] = mapped_column(String(10), index=True)
    exchange: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))


class CusipMaster(Base):
    """Each known CUSIP's ticker today, resolved from security_tickers by the sources'
    precedence (rebuilt when they change): what an import maps its CUSIPs from."""

    __tablename__ = "cusip_master"

    cusip: Mapped[str] = mapped_column(String(9), primary_key=True)
    ticker: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    seen_on: Mapped[dt.date | None] = mapped_column(Date)
    cik: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = ({"sqlite_with_rowid": False},)
