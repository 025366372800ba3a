"""own portfolios: statements and holdings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:19:10.304341
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('own_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_own_statements_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_own_statements')),
    sa.UniqueConstraint('portfolio_id', 'as_of', name='uq_own_statement_date')
    )
    op.create_table('own_holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('ticker', sa.String(length=16), nullable=False),
    sa.Column('cusip', sa.String(length=9), nullable=True),
    sa.Column('shares', sa.Numeric(precision=24, scale=8), nullable=False),
    sa.Column('cost_per_share', sa.Numeric(precision=24, scale=8), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('shares > 0', name=op.f('ck_own_holdings_shares_positive')),
    sa.ForeignKeyConstraint(['statement_id'], ['own_statements.id'], name=op.f('fk_own_holdings_statement_id_own_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_own_holdings')),
    sa.UniqueConstraint('statement_id', 'ticker', name='uq_own_holding_ticker')
    )
    with op.batch_alter_table('own_holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_own_holdings_statement_id'), ['statement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('own_holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_own_holdings_statement_id'))

    op.drop_table('own_holdings')
    op.drop_table('own_statements')
