"""filing_rows partitioned by bulk load on PostgreSQL (issue 21)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:20:00

A data set's rows are copied into a table of their own, indexed once and attached to
filing_rows as a partition (no per-row foreign-key check or index update). Rows filed one
by one (import, sync) and every row stored before stay in partition 0. The partitions
live in a schema of their own (PARTS), out of the way of the tables the models describe.
SQLite gets the column only (no partitions: its load builds the CUSIP index once instead).
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_COLUMNS = """
    filing_id integer NOT NULL, row_number integer NOT NULL, issuer text NOT NULL,
    title_of_class text NOT NULL, cusip varchar(16) NOT NULL, figi varchar(12),
    value_as_filed bigint NOT NULL, value_usd bigint NOT NULL, shares bigint NOT NULL,
    share_type varchar(3), put_call varchar(4), investment_discretion varchar(8),
    other_managers text, voting_sole bigint, voting_shared bigint, voting_none bigint,
    provenance text, bulk_load integer DEFAULT 0 NOT NULL"""
_CUSIP = "(cusip, filing_id, share_type, put_call, shares, value_usd)"
PARTS = "filing_row_parts"


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.add_column('filing_rows', sa.Column('bulk_load', sa.Integer(), nullable=False,
                                               server_default=sa.text('0')))
        return
    # The rows stored so far become partition 0, keeping their data where it is; its
    # key gains the partition column (a partitioned table's keys must hold it).
    for sql in (
        "ALTER TABLE filing_rows RENAME TO filing_rows_p0",
        "ALTER TABLE filing_rows_p0 ADD COLUMN bulk_load integer DEFAULT 0 NOT NULL",
        "ALTER INDEX ix_filing_rows_cusip RENAME TO filing_rows_p0_cusip",
        "ALTER TABLE filing_rows_p0 DROP CONSTRAINT pk_filing_rows",
        "ALTER TABLE filing_rows_p0 DROP CONSTRAINT fk_filing_rows_filing_id_filings",
        "ALTER TABLE filing_rows_p0 ADD CONSTRAINT filing_rows_p0_pkey "
        "PRIMARY KEY (filing_id, row_number, bulk_load)",
        # Attaching then needs no scan to know every row belongs to partition 0.
        "ALTER TABLE filing_rows_p0 ADD CONSTRAINT filing_rows_p0_bulk_load "
        "CHECK (bulk_load = 0)",
        f"CREATE SCHEMA IF NOT EXISTS {PARTS}",
        f"ALTER TABLE filing_rows_p0 SET SCHEMA {PARTS}",
        f"CREATE TABLE filing_rows ({_COLUMNS}, "
        "CONSTRAINT pk_filing_rows PRIMARY KEY (filing_id, row_number, bulk_load), "
        "CONSTRAINT fk_filing_rows_filing_id_filings FOREIGN KEY (filing_id) "
        "REFERENCES filings (id) ON DELETE CASCADE) PARTITION BY LIST (bulk_load)",
        f"CREATE INDEX ix_filing_rows_cusip ON filing_rows {_CUSIP}",
        f"ALTER TABLE filing_rows ATTACH PARTITION {PARTS}.filing_rows_p0 FOR VALUES IN (0)",
        f"CREATE SEQUENCE {PARTS}.bulk_load_seq",
    ):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        with op.batch_alter_table('filing_rows') as batch:
            batch.drop_column('bulk_load')
        return
    for sql in (
        "CREATE TABLE filing_rows_plain (LIKE filing_rows INCLUDING DEFAULTS)",
        "INSERT INTO filing_rows_plain SELECT * FROM filing_rows",
        "DROP TABLE filing_rows",
        f"DROP SCHEMA {PARTS} CASCADE",
        "ALTER TABLE filing_rows_plain RENAME TO filing_rows",
        "ALTER TABLE filing_rows DROP COLUMN bulk_load",
        "ALTER TABLE filing_rows ADD CONSTRAINT pk_filing_rows "
        "PRIMARY KEY (filing_id, row_number)",
        "ALTER TABLE filing_rows ADD CONSTRAINT fk_filing_rows_filing_id_filings "
        "FOREIGN KEY (filing_id) REFERENCES filings (id) ON DELETE CASCADE",
        f"CREATE INDEX ix_filing_rows_cusip ON filing_rows {_CUSIP}",
    ):
        op.execute(sql)
