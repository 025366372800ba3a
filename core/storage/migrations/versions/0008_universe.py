"""13F universe: SEC data sets (issue 21)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:45:00
"""

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by its issue's work


def downgrade() -> None:
    pass
