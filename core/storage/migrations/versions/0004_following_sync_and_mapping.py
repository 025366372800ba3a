"""following filers, sync times, ticker mapping provenance, company CIK and shares outstanding

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('last_synced', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mapping_source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('mapped_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mapping_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sec_cik', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('shares_outstanding', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('shares_outstanding_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('facts_checked_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # NVIDIA is followed from the first start: a database seeded before this revision
    # follows it now (and seeding, which marks it followed only once, leaves it at that).
    portfolios = sa.table('portfolios', sa.column('cik', sa.String),
                          sa.column('followed', sa.Boolean))
    op.execute(portfolios.update().where(portfolios.c.cik == '0001045810')
               .values(followed=True))
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM portfolios WHERE cik = '0001045810'")).first():
        meta = sa.table('meta', sa.column('key', sa.String), sa.column('value', sa.Text))
        op.execute(meta.insert().values(key='seed.nvidia_followed', value='1'))


def downgrade() -> None:
    with op.batch_alter_table('companies', schema=None) as batch_op:
        for name in ('facts_checked_at', 'shares_outstanding_date', 'shares_outstanding',
                     'sec_cik', 'mapping_reason', 'mapped_at', 'mapping_source'):
            batch_op.drop_column(name)
    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.drop_column('last_synced')
        batch_op.drop_column('followed')
