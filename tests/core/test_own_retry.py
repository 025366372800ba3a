"""Own-portfolio writes run again when PostgreSQL reports a serialization failure or a
deadlock (bounded), on a real server: a trigger makes the server refuse the next tries."""

from __future__ import annotations

import datetime as dt

import pytest

from core.context import AppContext
from core.domain.own import HoldingInput

pytestmark = pytest.mark.backends

# Each row written to own transactions or portfolios takes a number; numbers up to the limit
# are refused with SQLSTATE `state`. A sequence, because a refused transaction's rollback
# does not give its number back: the count of tries survives.
REFUSE = """
CREATE SEQUENCE tries;
CREATE TABLE refuse_limit (n bigint NOT NULL);
INSERT INTO refuse_limit VALUES (0);
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('tries') <= (SELECT n FROM refuse_limit) THEN
        RAISE EXCEPTION 'refused by the test' USING ERRCODE = '{state}';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON own_transactions
    FOR EACH ROW EXECUTE FUNCTION refuse();
CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON portfolios
    FOR EACH ROW EXECUTE FUNCTION refuse();
"""
DAY = dt.date(2025, 7, 1)


class Refusing:
    """A database whose server refuses the next `n` row writes, then lets them through."""

    def __init__(self, db_url: str, request, state: str) -> None:
        self.cluster = request.getfixturevalue("pg_cluster")
        self.name = db_url.split("@/", 1)[1].split("?")[0]
        self.ctx = AppContext.open(db_url, offline=True)
        self.cluster.admin(REFUSE.format(state=state), self.name)

    def refuse_next(self, n: int) -> int:
        """Refuse the next `n` row writes; returns the number the first of them takes."""
        with self.ctx.db.engine.begin() as conn:
            taken = conn.exec_driver_sql("SELECT nextval('tries')").scalar()
            conn.exec_driver_sql(f"UPDATE refuse_limit SET n = {taken + n}")
        return taken + 1

    def tries_since(self, first: int) -> int:
        with self.ctx.db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT last_value FROM tries").scalar() - first + 1


@pytest.fixture
def refusing(db_url, backend, request):
    def make(state: str = "40001") -> Refusing:
        if backend == "sqlite":
            pytest.skip("SQLite writers queue on BEGIN IMMEDIATE: no serialization failures")
        made.append(Refusing(db_url, request, state))
        return made[-1]

    made: list[Refusing] = []
    yield make
    for r in made:
        r.ctx.close()


@pytest.mark.parametrize("state", ["40001", "40P01"])  # serialization failure, deadlock
def test_add_runs_again_after_a_serialization_failure(refusing, state):
    r = refusing(state)
    own = r.ctx.own
    own.create("Mine")
    first = r.refuse_next(2)
    own.add("Mine", HoldingInput("NVDA", "3", DAY.isoformat(), None, None))
    assert [(h.ticker, h.shares) for h in own.holdings_at("Mine", DAY)] == [("NVDA", 3)]
    assert r.tries_since(first) == 3  # refused twice, landed on the third run


def test_the_retry_is_bounded_and_changes_nothing(refusing):
    from sqlalchemy.exc import DBAPIError

    r = refusing()
    r.ctx.own.create("Mine")
    first = r.refuse_next(100)
    with pytest.raises(DBAPIError):
        r.ctx.own.add("Mine", HoldingInput("NVDA", "3", DAY.isoformat(), None, None))
    assert r.tries_since(first) == 5  # db.transaction's bound
    assert r.ctx.own.transactions("Mine") == []


def test_every_own_write_runs_again_when_refused_once(refusing):
    from core.domain.own import TxInput

    r = refusing()
    own = r.ctx.own

    def once(write):
        first = r.refuse_next(1)
        out = write()
        assert r.tries_since(first) >= 2  # refused, then run again
        return out

    def tickers():
        return {h.ticker for h in own.holdings_at("Ours", DAY)}

    once(lambda: own.create("Mine"))
    once(lambda: own.rename("Mine", "Ours"))
    once(lambda: own.add("Ours", HoldingInput("NVDA", "3", DAY.isoformat(), None, None)))
    aapl = own.check(HoldingInput("AAPL", "5", DAY.isoformat(), None, None), use_network=False)
    change = once(lambda: own.add_transactions("Ours", [aapl]))
    assert tickers() == {"NVDA", "AAPL"}
    once(lambda: own.swap("Ours", change, back=True))
    assert tickers() == {"NVDA"}
    [nvda] = own.transactions("Ours")
    once(lambda: own.edit_tx(nvda.id, TxInput("buy", "NVDA", DAY.isoformat(), shares="4",
                                              price="1")))  # fmt: skip
    _portfolio, kept = once(lambda: own.delete("Ours"))
    assert [t.ticker for t in kept] == ["NVDA"]
    once(lambda: own.restore("Ours", kept))
    [(gone, _)] = once(lambda: own.remove([own.transactions("Ours")[0].id]))
    assert (gone.ticker, gone.shares) == ("NVDA", 4)
    assert own.transactions("Ours") == []
