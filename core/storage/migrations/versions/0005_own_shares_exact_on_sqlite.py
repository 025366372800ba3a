"""own holdings: shares and cost stored exactly on SQLite (as text, not a float)

SQLite has no decimal type: a NUMERIC column converts '1234567890123.12345678' to a REAL
and keeps 15 to 17 digits. On SQLite the two columns become text holding the decimal as
typed (up to 8 places); PostgreSQL keeps its exact NUMERIC(24, 8), unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_COLUMNS = ("shares", "cost_per_share")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("own_holdings", recreate="always") as batch_op:
        for name in _COLUMNS:
            batch_op.alter_column(name, type_=sa.String(40),
                                  existing_type=sa.Numeric(precision=24, scale=8))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("own_holdings", recreate="always") as batch_op:
        for name in _COLUMNS:
            batch_op.alter_column(name, type_=sa.Numeric(precision=24, scale=8),
                                  existing_type=sa.String(40))
