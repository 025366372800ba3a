"""Many writers, one truth, with real processes on SQLite and on PostgreSQL: first starts at
once, two adds on one new statement date, a writer during a long import, a writer behind a
held lock (the waiting notice), undo after another process's edit."""

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
from core.domain.own import HoldingInput
from core.services.own_undo import EditConflict, OwnEdits
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


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


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
    """Each of several new dates gets two adds at the same instant from two processes:
    every date ends with the position carried forward plus both new ones."""
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
        for day in days:
            held = ctx.own.statement("Mine", dt.date.fromisoformat(day))
            assert held is not None
            assert sorted(h.ticker for h in held) == ["AAPL", "MSFT", "NVDA"], day


def big_filing(tmp_path: Path, rows: int = 50_000) -> Path:
    path = tmp_path / "0000999999-25-000050.txt"
    path.write_text(submission("0000999999-25-000050", cover_page(),
                               info_table([Row(value=i, shares=i + 1) for i in range(rows)])))
    return path


# A long import however fast the machine: at its first progress inside the transaction it
# says "writing" and dawdles for argv[3] seconds (as a slow progress display would), so the
# other writer surely arrives while the import holds the write lock.
LONG_IMPORT = """
    import sys, time
    from core.context import AppContext
    ctx = AppContext.open(sys.argv[1])
    said = False
    for progress in ctx.importer.import_path(sys.argv[2]):
        if progress.rows and not progress.fraction >= 1.0 and not said:
            print("writing", flush=True)  # inside the import's one transaction
            said = True
            time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 0)
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
                                 str(path), "3"], cwd=REPO_ROOT, env=env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # fmt: skip
    assert importer.stdout.readline().strip() == "writing", importer.stderr.read()
    # The import holds the lock 3 s more; the notice comes after 0.2 s of waiting.
    adder = stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker", "NVDA",
                       "--shares", "3", "--date", "2025-07-01", "--offline",
                       STAKEWATCH_WAIT_NOTICE="0.2")  # fmt: skip
    rc, _out, err = finish(adder)
    assert rc == 0, err
    irc, _iout, ierr = finish(importer)
    assert irc == 0, ierr
    if backend == "sqlite":
        assert WAITING in err
    assert "error" not in err
    with _ctx(db_url) as ctx:
        assert [h.ticker for h in ctx.own.statement("Mine", dt.date(2025, 7, 1))] == ["NVDA"]
        imported = [f for f in ctx.queries.filings() if f.accession == "0000999999-25-000050"]
        assert imported and imported[0].rows == 50_000


HOLD_LOCK = """
    import sys, time
    from core.context import AppContext
    from core.storage.own_store import OwnStore
    ctx = AppContext.open(sys.argv[1], offline=True)
    portfolio = ctx.queries.portfolio("Mine")
    with ctx.db.session() as s:
        OwnStore(s).lock(portfolio)  # what an edit of Mine holds while it runs
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    ctx.close()
"""


def test_a_writer_behind_another_says_it_waits_then_lands(db_url):
    """Another process holds Mine's write lock for 5 s (the writer's own start-up takes
    some of it): `holding add` prints the waiting notice after a second of waiting, on
    stderr, then lands when the lock is let go."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD_LOCK), db_url, "5"],
                              cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
    t0 = time.monotonic()
    rc, _out, err = finish(stakewatch(db_url, "holding", "add", "--portfolio", "Mine",
                                      "--ticker", "NVDA", "--shares", "3", "--date",
                                      "2025-07-01", "--offline"))  # fmt: skip
    waited = time.monotonic() - t0
    assert finish(holder)[0] == 0
    assert rc == 0, err
    assert err.strip().splitlines() == [WAITING]  # one line, said once
    assert waited >= 1.0
    with _ctx(db_url) as ctx:
        assert [h.ticker for h in ctx.own.statement("Mine", dt.date(2025, 7, 1))] == ["NVDA"]


def test_a_writer_gives_up_at_the_timeout_with_one_line(db_url):
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD_LOCK), db_url, "8"],
                              cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
    rc, _out, err = finish(stakewatch(db_url, "holding", "add", "--portfolio", "Mine", "--ticker",
                                      "NVDA", "--shares", "3", "--date", "2025-07-01",
                                      "--offline", STAKEWATCH_BUSY_TIMEOUT="1.5"))  # fmt: skip
    finish(holder)
    assert rc == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: another Stakewatch kept") and "busy" in lines[-1]
    assert "SELECT" not in err and "Traceback" not in err
    with _ctx(db_url) as ctx:
        assert ctx.own.statement("Mine", dt.date(2025, 7, 1)) is None  # nothing changed


def test_undo_after_another_process_edit_refuses_and_keeps_theirs(db_url):
    """This process adds AAPL; another process then changes AAPL on the same statement and
    adds MSFT. Undo refuses (AAPL is no longer what this edit made) and changes nothing."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        day = dt.date(2025, 7, 1)
        edits = OwnEdits(ctx.own)
        before = edits.snapshot("Mine", [day])
        ctx.own.add("Mine", HoldingInput("AAPL", "10", day.isoformat(), None, None))
        after = edits.snapshot("Mine", [day])
        for ticker, shares in (("AAPL", "12"), ("MSFT", "4")):
            rc, _out, err = finish(stakewatch(ctx.db._url, "holding", "add", "--portfolio",
                                              "Mine", "--ticker", ticker, "--shares", shares,
                                              "--date", day.isoformat(), "--offline"))
            assert rc == 0, err
        with pytest.raises(EditConflict, match="someone else changed AAPL as of 2025-07-01"):
            edits.swap("Mine", after, before)
        held = {h.ticker: h.shares for h in ctx.own.statement("Mine", day)}
        assert held == {"AAPL": 12, "MSFT": 4}


def test_undo_reverts_only_its_own_rows(db_url):
    """Another process added MSFT to the statement this edit made: undo removes AAPL only."""
    with _ctx(db_url) as ctx:
        ctx.own.create("Mine")
        day = dt.date(2025, 7, 1)
        edits = OwnEdits(ctx.own)
        before = edits.snapshot("Mine", [day])
        ctx.own.add("Mine", HoldingInput("AAPL", "10", day.isoformat(), None, None))
        after = edits.snapshot("Mine", [day])
        rc, _out, err = finish(stakewatch(ctx.db._url, "holding", "add", "--portfolio", "Mine",
                                          "--ticker", "MSFT", "--shares", "4", "--date",
                                          day.isoformat(), "--offline"))  # fmt: skip
        assert rc == 0, err
        edits.swap("Mine", after, before)  # undo
        assert [h.ticker for h in ctx.own.statement("Mine", day)] == ["MSFT"]
        edits.swap("Mine", before, after)  # redo
        assert sorted(h.ticker for h in ctx.own.statement("Mine", day)) == ["AAPL", "MSFT"]
