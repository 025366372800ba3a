"""own books as ledgers: transactions (issue 22)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:45:00
"""

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by its issue's work


def downgrade() -> None:
    pass
