"""CUSIP master with dated tickers (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:45:00
"""

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by its issue's work


def downgrade() -> None:
    pass
