"""own books as ledgers: dated statements become transactions (issue 22)

Every own statement turns into transactions, nothing lost: the first statement's holdings
become buys on its date at the cost entered; each later statement's differences with the one
before become buys and sells on its date. All are marked origin "statement", with the note
"from statement YYYY-MM-DD" (and the holding's own note). Holdings derived at every former
statement date are the statements' holdings, share for share. Then the statement tables go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:45:00
"""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _exact(dialect: str):
    # As ExactDecimal stores it: text on SQLite (no decimal type there), NUMERIC elsewhere.
    return sa.String(40) if dialect == "sqlite" else sa.Numeric(24, 8)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _text(value: Decimal | None, dialect: str):
    if value is None or dialect != "sqlite":
        return value
    return format(value, "f")


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    exact = _exact(dialect)
    table = op.create_table(
        'own_transactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('portfolio_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('ticker', sa.String(length=16), nullable=False),
        sa.Column('cusip', sa.String(length=9), nullable=True),
        sa.Column('shares', exact, nullable=True),
        sa.Column('price', exact, nullable=True),
        sa.Column('fees', exact, nullable=False),
        sa.Column('amount', exact, nullable=True),
        sa.Column('ratio', exact, nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('verified', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "type IN ('buy', 'sell', 'dividend', 'split', 'transfer-in', 'transfer-out', "
            "'fee')", name=op.f('ck_own_transactions_type')),
        sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'],
                                name=op.f('fk_own_transactions_portfolio_id_portfolios'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_own_transactions')),
    )
    op.create_index('ix_own_transactions_portfolio_date', 'own_transactions',
                    ['portfolio_id', 'date'], unique=False)
    rows = bind.execute(sa.text(
        "SELECT s.portfolio_id, s.as_of, h.ticker, h.cusip, h.shares, h.cost_per_share, "
        "h.note, h.verified FROM own_statements s LEFT JOIN own_holdings h "
        "ON h.statement_id = s.id ORDER BY s.portfolio_id, s.as_of, h.ticker")).all()
    out = []
    now = dt.datetime.now(dt.UTC)
    statements: dict[int, dict] = {}
    for pid, day, ticker, cusip, shares, cost, note, verified in rows:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        held = statements.setdefault(pid, {}).setdefault(day, {})
        if ticker is not None:
            held[ticker] = (cusip, _dec(shares), _dec(cost), note, bool(verified))
    for pid, by_day in statements.items():
        before: dict = {}
        for day in sorted(by_day):
            now_held = by_day[day]
            mark = f"from statement {day}"
            for ticker in sorted(before.keys() | now_held.keys()):
                old, new = before.get(ticker), now_held.get(ticker)
                had = old[1] if old else Decimal(0)
                has = new[1] if new else Decimal(0)
                if has == had:
                    continue
                cusip, _, cost, note, verified = new or old
                if has > had:
                    price = cost
                    old_cost = old[2] if old else Decimal(0)
                    if old and cost is not None and old_cost is not None:
                        # The price of the added shares that makes the average the new cost.
                        implied = (has * cost - had * old_cost) / (has - had)
                        price = implied.quantize(Decimal("0.00000001")) if implied >= 0 else cost
                    kind, shares, price = "buy", has - had, price
                else:
                    kind, shares, price = "sell", had - has, None
                out.append({
                    "portfolio_id": pid, "date": day, "type": kind, "ticker": ticker,
                    "cusip": cusip, "shares": _text(shares, dialect),
                    "price": _text(price, dialect), "fees": _text(Decimal(0), dialect),
                    "amount": None, "ratio": None, "currency": "USD",
                    "note": f"{mark}; {note}" if note else mark, "origin": "statement",
                    "verified": verified, "created_at": now, "modified_at": now,
                })
            before = now_held
    if out:
        op.bulk_insert(table, out)
    op.drop_table('own_holdings')
    op.drop_table('own_statements')


def downgrade() -> None:
    raise NotImplementedError("the ledger cannot be turned back into statements")
