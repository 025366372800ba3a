"""Many writers, one truth, with real processes on SQLite and on PostgreSQL: first starts at
once, two buys on one date, two sales of the same shares, a writer during a long import, a
writer behind a held lock (the waiting notice), undo after another process's edit."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.context import AppContext
from core.domain.own import HoldingInput, TxInput
from core.services.own import EditConflict
from tests.builders import Row, cover_page, info_table, submission

pytestmark = pytest.mark.backends
REPO_ROOT = Path(__file__).resolve().parents[2]
WAITING = "waiting for another Stakewatch to finish writing..."


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.pop("STAKEWATCH_DB", None)
    e.update(extra)
    return e


def stakewatch(db_url: str, *argv: str, **extra: str) -> subprocess.Popen:
    """`stakewatch --db URL ARGV...` in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "gui", "--db", db_url, *argv], cwd=REPO_ROOT,
                            env=env(**extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def python(script: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=REPO_ROOT,
                            env=env(**extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def finish(proc: subprocess.Popen, timeout: float = 120,
           stdin: str | None = None) -> tuple[int, str, str]:  # fmt: skip
    out, err = proc.communicate(stdin, timeout=timeout)
    return proc.returncode, out, err


def held(ctx: AppContext, day: dt.date) -> dict[str, int]:
    return {h.ticker: h.shares for h in ctx.own.holdings_at("Mine", day)}


class _ctx:
    """AppContext.open as a context manager."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> AppContext:
        self.ctx = AppContext.open(self.url, offline=True)
        return self.ctx

    def __exit__(self, *exc) -> None:
        self.ctx.close()


def test_six_first_starts_at_once_all_succeed(db_url):
    """A new, empty database: six processes start together; one migrates and seeds, the
    others wait for it and then answer from the finished database."""
    procs = [stakewatch(db_url, "filings", "--json") for _ in range(6)]
    results = [finish(p) for p in procs]
    for rc, out, err in results:
        assert rc == 0, err
        assert len(json.loads(out)) == 11  # NVIDIA's bundled filings, each exactly once
    ctx = AppContext.open(db_url)
    try:
        assert [p.name for p in ctx.queries.portfolios()] == ["NVIDIA Corp"]
    finally:
        ctx.close()


GATED_ADD = """
    import os, sys, time
    from core.context import AppContext
    from core.domain.own import HoldingInput
    ctx = AppContext.open(sys.argv[1], offline=True)
    gate = sys.argv[2]
    print("ready", flush=True)
    while not os.path.exists(gate):  # start the adds together: a real race
        time.sleep(0.001)
    ctx.own.add("Mine", HoldingInput(sys.argv[3], "5", sys.argv[4], None, None))
    ctx.close()
"""


def test_two_adds_on_one_new_date_both_land(db_url, tmp_path):
    """Each of several dates gets two buys at the same instant from two processes: every
    date ends with the position bought before plus both new ones."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        ctx.own.add("Mine", HoldingInput("NVDA", "10", "2025-01-02", None, None))
    days = ["2025-02-03", "2025-03-03", "2025-04-01"]
    for i, day in enumerate(days):
        gate = tmp_path / f"gate-{i}"
        procs = []
        for ticker in ("AAPL", "MSFT"):
            p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(GATED_ADD), db_url,
                                  str(gate), ticker, day], cwd=REPO_ROOT, env=env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert p.stdout.readline().strip() == "ready"
            procs.append(p)
        gate.touch()
        for p in procs:
            rc, _out, err = finish(p)
            assert rc == 0, err
    with _ctx(db_url) as ctx:
        for n, day in enumerate(days, 1):
            assert held(ctx, dt.date.fromisoformat(day)) == {
                "AAPL": 5 * n, "MSFT": 5 * n, "NVDA": 10}, day


GATED_SELL = """
    import os, sys, time
    from core.context import AppContext
    from core.domain.own import TxInput
    from core.services.own import HoldingError
    ctx = AppContext.open(sys.argv[1], offline=True)
    print("ready", flush=True)
    while not os.path.exists(sys.argv[2]):
        time.sleep(0.001)
    try:
        ctx.own.add_tx("Mine", TxInput("sell", "NVDA", "2025-03-03", shares="10", price="1"))
        print("sold", flush=True)
    except HoldingError as exc:
        print("refused:", exc, flush=True)
    ctx.close()
"""


def test_two_sales_of_the_same_shares_at_once_one_lands(db_url, tmp_path):
    """10 NVDA held; two processes sell all 10 at the same instant: the ledger is read and
    checked under the book's lock, so exactly one sale lands and the other is refused."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        ctx.own.add("Mine", HoldingInput("NVDA", "10", "2025-01-02", None, None))
    gate = tmp_path / "gate"
    procs = []
    for _ in range(2):
        p = python(GATED_SELL.replace("sys.argv[1]", repr(db_url))
                   .replace("sys.argv[2]", repr(str(gate))))  # fmt: skip
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
        procs.append(p)
    gate.touch()
    outs = sorted(finish(p)[1].strip() for p in procs)
    assert outs[1] == "sold" and outs[0].startswith("refused: ledger: sell of 10 NVDA"), outs
    with _ctx(db_url) as ctx:
        assert held(ctx, dt.date(2025, 3, 3)) == {}
        assert [t.type.value for t in ctx.own.transactions("Mine")] == ["buy", "sell"]


def big_filing(tmp_path: Path, rows: int = 50_000) -> Path:
    path = tmp_path / "0000999999-25-000050.txt"
    path.write_text(submission("0000999999-25-000050", cover_page(),
                               info_table([Row(value=i, shares=i + 1) for i in range(rows)])))
    return path


# A long import however fast or loaded the machine: at its first progress inside the
# transaction it says "writing" and waits (as a slow progress display would) until the test
# says go on (a line on its standard input), so the other writer surely arrives while the
# import holds the write lock, and no clock decides it.
LONG_IMPORT = """
    import sys, time
    from core.context import AppContext
    ctx = AppContext.open(sys.argv[1])
    said = False
    for progress in ctx.importer.import_path(sys.argv[2]):
        if progress.rows and not progress.fraction >= 1.0 and not said:
            print("writing", flush=True)  # inside the import's one transaction
            said = True
            sys.stdin.readline()
    print("done", time.monotonic(), flush=True)
    ctx.close()
"""


def test_a_writer_during_a_long_import_waits_and_succeeds(db_url, backend, tmp_path):
    """50,000 rows imported in one transaction; a `holding add` started meanwhile succeeds
    (SQLite: it queues behind the import and says so; PostgreSQL: rows apart, no wait)."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
    path = big_filing(tmp_path)
    importer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(LONG_IMPORT), db_url,
                                 str(path)], cwd=REPO_ROOT, env=env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # fmt: skip
    assert importer.stdout.readline().strip() == "writing", importer.stderr.read()
    # The import holds the lock until told to go on; the notice comes after 0.2 s of waiting.
    adder = stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "NVDA",
                       "--shares", "3", "--date", "2025-07-01", "--offline",
                       STAKEWATCH_WAIT_NOTICE="0.2")  # fmt: skip
    if backend == "sqlite":  # it queues behind the import, says so, and lands after it
        assert adder.stderr.readline().strip() == WAITING
        irc, _iout, ierr = finish(importer, stdin="go on\n")
        rc, _out, err = finish(adder)
    else:  # rows apart: it lands while the import still holds its transaction open
        rc, _out, err = finish(adder)
        irc, _iout, ierr = finish(importer, stdin="go on\n")
    assert rc == 0, err
    assert irc == 0, ierr
    assert "error" not in err
    with _ctx(db_url) as ctx:
        assert list(held(ctx, dt.date(2025, 7, 1))) == ["NVDA"]
        imported = [f for f in ctx.queries.filings() if f.accession == "0000999999-25-000050"]
        assert imported and imported[0].rows == 50_000


# Holds Mine's write lock until the test says let go (a line on its standard input): how
# long is decided by events, never by a clock a loaded machine could outrun.
HOLD_LOCK = """
    import sys
    from core.context import AppContext
    from core.storage.own_store import OwnStore
    ctx = AppContext.open(sys.argv[1], offline=True)
    portfolio = ctx.queries.portfolio("Mine")
    with ctx.db.session() as s:
        OwnStore(s).lock(portfolio)  # what an edit of Mine holds while it runs
        print("locked", flush=True)
        sys.stdin.readline()
    ctx.close()
"""


def hold_lock(db_url: str) -> subprocess.Popen:
    """A process holding Mine's write lock (see HOLD_LOCK) once this returns."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD_LOCK), db_url],
                              cwd=REPO_ROOT, env=env(), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
    return holder


def test_a_writer_behind_another_says_it_waits_then_lands(db_url):
    """Another process holds Mine's write lock: `holding add` prints the waiting notice
    after a second of waiting, on stderr, then lands when the lock is let go."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
    holder = hold_lock(db_url)
    t0 = time.monotonic()
    writer = stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "NVDA",
                        "--shares", "3", "--date", "2025-07-01", "--offline")  # fmt: skip
    assert writer.stderr.readline().strip() == WAITING
    assert time.monotonic() - t0 >= 1.0  # said after a second of waiting, not at once
    assert finish(holder, stdin="let go\n")[0] == 0
    rc, _out, err = finish(writer)
    assert rc == 0, err
    assert err.strip() == ""  # the notice was its one line, said once
    with _ctx(db_url) as ctx:
        assert list(held(ctx, dt.date(2025, 7, 1))) == ["NVDA"]


def test_a_writer_gives_up_at_the_timeout_with_one_line(db_url):
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
    holder = hold_lock(db_url)  # held until the writer has given up
    rc, _out, err = finish(stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker",
                                      "NVDA", "--shares", "3", "--date", "2025-07-01",
                                      "--offline", STAKEWATCH_BUSY_TIMEOUT="1.5"))  # fmt: skip
    assert finish(holder, stdin="let go\n")[0] == 0
    assert rc == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: another Stakewatch kept") and "busy" in lines[-1]
    assert "SELECT" not in err and "Traceback" not in err
    with _ctx(db_url) as ctx:
        assert ctx.own.transactions("Mine") == []  # nothing changed


def test_undo_after_another_process_edit_refuses_and_keeps_theirs(db_url):
    """This process buys AAPL; another process then removes that buy, buys 12 AAPL and 4
    MSFT. Undo refuses (the buy is no longer what this edit made) and changes nothing."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        day = dt.date(2025, 7, 1)
        tx, change = ctx.own.add("Mine", HoldingInput("AAPL", "10", day.isoformat()))
        rc, _out, err = finish(stakewatch(ctx.db._url, "tx", "remove", str(tx.id)))
        assert rc == 0, err
        for ticker, shares in (("AAPL", "12"), ("MSFT", "4")):
            rc, _out, err = finish(stakewatch(ctx.db._url, "holding", "add", "--portfolio",
                                              "Mine", "--ticker", ticker, "--shares", shares,
                                              "--date", day.isoformat(), "--offline"))
            assert rc == 0, err
        with pytest.raises(EditConflict, match="someone else changed buy of AAPL on 2025-07-01"):
            ctx.own.swap("Mine", change, back=True)
        assert held(ctx, day) == {"AAPL": 12, "MSFT": 4}


def test_undo_reverts_only_its_own_rows(db_url):
    """Another process bought MSFT after this edit bought AAPL: undo removes AAPL only."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        day = dt.date(2025, 7, 1)
        _tx, change = ctx.own.add_tx("Mine", TxInput("buy", "AAPL", day.isoformat(),
                                                     shares="10", price="200"))  # fmt: skip
        rc, _out, err = finish(stakewatch(ctx.db._url, "holding", "add", "--portfolio", "Mine",
                                          "--ticker", "MSFT", "--shares", "4", "--date",
                                          day.isoformat(), "--offline"))  # fmt: skip
        assert rc == 0, err
        ctx.own.swap("Mine", change, back=True)  # undo
        assert held(ctx, day) == {"MSFT": 4}
        ctx.own.swap("Mine", change, back=False)  # redo
        assert held(ctx, day) == {"AAPL": 10, "MSFT": 4}
