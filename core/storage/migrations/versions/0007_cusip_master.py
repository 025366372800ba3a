"""CUSIP master with dated tickers (issue 20): every source's tickers with their dates,
the SEC's company ticker list, and each CUSIP's ticker today

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The tables are filled at the next start: seeding loads the bundled map (then every
    # company gets the ticker the map knows, and the issuer's CIK from the SEC's list).
    op.create_table(
        'security_tickers',
        sa.Column('cusip', sa.String(length=9), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('ticker', sa.String(length=16), nullable=False),
        sa.Column('first_seen', sa.Date(), nullable=True),
        sa.Column('last_seen', sa.Date(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('cusip', 'source', 'ticker', name=op.f('pk_security_tickers')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sec_tickers',
        sa.Column('ticker', sa.String(length=16), nullable=False),
        sa.Column('cik', sa.String(length=10), nullable=False),
        sa.Column('exchange', sa.String(length=32), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('ticker', name=op.f('pk_sec_tickers')),
    )
    with op.batch_alter_table('sec_tickers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sec_tickers_cik'), ['cik'], unique=False)
    op.create_table(
        'cusip_master',
        sa.Column('cusip', sa.String(length=9), nullable=False),
        sa.Column('ticker', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('seen_on', sa.Date(), nullable=True),
        sa.Column('cik', sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint('cusip', name=op.f('pk_cusip_master')),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('cusip_master')
    with op.batch_alter_table('sec_tickers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sec_tickers_cik'))
    op.drop_table('sec_tickers')
    op.drop_table('security_tickers')
