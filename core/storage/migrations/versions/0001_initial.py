"""companies, portfolios, filings, filing rows

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29 05:00:44.303393
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cusip', sa.String(length=9), nullable=False),
    sa.Column('ticker', sa.String(length=16), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('exchange', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(cusip) = 9', name=op.f('ck_companies_cusip_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('cusip', name=op.f('uq_companies_cusip'))
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_ticker'), ['ticker'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('portfolios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('cik', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'own' OR cik IS NOT NULL", name=op.f('ck_portfolios_filer_has_cik')),
    sa.CheckConstraint("kind IN ('filer', 'own')", name=op.f('ck_portfolios_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolios')),
    sa.UniqueConstraint('cik', name=op.f('uq_portfolios_cik')),
    sa.UniqueConstraint('name', name=op.f('uq_portfolios_name'))
    )
    op.create_table('filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('accession', sa.String(length=20), nullable=False),
    sa.Column('form_type', sa.String(length=10), nullable=False),
    sa.Column('amendment_type', sa.String(length=16), nullable=True),
    sa.Column('period_of_report', sa.Date(), nullable=False),
    sa.Column('filed_date', sa.Date(), nullable=False),
    sa.Column('entry_total', sa.Integer(), nullable=True),
    sa.Column('value_total', sa.BigInteger(), nullable=True),
    sa.Column('value_unit', sa.String(length=16), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("amendment_type IS NULL OR amendment_type IN ('RESTATEMENT', 'NEW HOLDINGS')", name=op.f('ck_filings_amendment_type')),
    sa.CheckConstraint("form_type IN ('13F-HR', '13F-HR/A')", name=op.f('ck_filings_form_type')),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_filings_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filings')),
    sa.UniqueConstraint('accession', name=op.f('uq_filings_accession'))
    )
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.create_index('ix_filings_portfolio_period', ['portfolio_id', 'period_of_report'], unique=False)

    op.create_table('filing_rows',
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.Text(), nullable=False),
    sa.Column('title_of_class', sa.Text(), nullable=False),
    sa.Column('cusip', sa.String(length=16), nullable=False),
    sa.Column('figi', sa.String(length=12), nullable=True),
    sa.Column('value_as_filed', sa.BigInteger(), nullable=False),
    sa.Column('value_usd', sa.BigInteger(), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=False),
    sa.Column('share_type', sa.String(length=3), nullable=True),
    sa.Column('put_call', sa.String(length=4), nullable=True),
    sa.Column('investment_discretion', sa.String(length=8), nullable=True),
    sa.Column('other_managers', sa.Text(), nullable=True),
    sa.Column('voting_sole', sa.BigInteger(), nullable=True),
    sa.Column('voting_shared', sa.BigInteger(), nullable=True),
    sa.Column('voting_none', sa.BigInteger(), nullable=True),
    sa.Column('provenance', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['filing_id'], ['filings.id'], name=op.f('fk_filing_rows_filing_id_filings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('filing_id', 'row_number', name=op.f('pk_filing_rows')),
    sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('filing_rows')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index('ix_filings_portfolio_period')

    op.drop_table('filings')
    op.drop_table('portfolios')
    op.drop_table('meta')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_ticker'))

    op.drop_table('companies')
