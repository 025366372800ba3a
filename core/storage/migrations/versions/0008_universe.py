"""13F universe: SEC data sets (issue 21)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'universe_sets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filings', sa.Integer(), nullable=False),
        sa.Column('notices', sa.Integer(), nullable=False),
        sa.Column('rows', sa.BigInteger(), nullable=False),
        sa.Column('new_filings', sa.Integer(), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_universe_sets')),
        sa.UniqueConstraint('label', name=op.f('uq_universe_sets_label')),
    )
    op.create_table(
        'universe_filers',
        sa.Column('portfolio_id', sa.Integer(), nullable=False),
        sa.Column('first_set', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'],
                                name=op.f('fk_universe_filers_portfolio_id_portfolios'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('portfolio_id', name=op.f('pk_universe_filers')),
    )
    op.create_table(
        'filing_totals',
        sa.Column('filing_id', sa.Integer(), nullable=False),
        sa.Column('equity_usd', sa.BigInteger(), nullable=False),
        sa.Column('options_usd', sa.BigInteger(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id'],
                                name=op.f('fk_filing_totals_filing_id_filings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('filing_id', name=op.f('pk_filing_totals')),
    )
    # Holders of a security are read from this index alone (it carries what they sum).
    op.create_index('ix_filing_rows_cusip', 'filing_rows',
                    ['cusip', 'filing_id', 'share_type', 'put_call', 'shares', 'value_usd'])


def downgrade() -> None:
    op.drop_index('ix_filing_rows_cusip', table_name='filing_rows')
    op.drop_table('filing_totals')
    op.drop_table('universe_filers')
    op.drop_table('universe_sets')
