"""Fixtures for the sync and mapping tests: the fake EDGAR/OpenFIGI server and a context
whose hosts point at it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fake_sec import FakeSec

CONTACT = "Test Runner tests@example.com"
TODAY = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def reset_limiters() -> None:
    """Each test starts with no requests counted against the process-wide limiters."""
    from core import openfigi
    from core.edgar.http import SEC_LIMITER

    SEC_LIMITER.reset()
    openfigi.ANONYMOUS[1].reset()
    openfigi.WITH_KEY[1].reset()


@pytest.fixture
def fake(monkeypatch):
    server = FakeSec()
    for name in ("STAKEWATCH_SEC_DATA_URL", "STAKEWATCH_SEC_ARCHIVES_URL",
                 "STAKEWATCH_SEC_SEARCH_URL", "STAKEWATCH_OPENFIGI_URL"):
        monkeypatch.setenv(name, server.url)
    monkeypatch.setenv("STAKEWATCH_SEC_CONTACT", CONTACT)
    monkeypatch.delenv("STAKEWATCH_OFFLINE", raising=False)
    reset_limiters()
    yield server
    server.close()


@pytest.fixture
def sec_ctx(fake, db_file):
    from core.context import AppContext

    c = AppContext.open(str(db_file))
    yield c
    c.close()


def make_sync(ctx, clock=lambda: TODAY):
    from core.services.sync import Sync

    return Sync(ctx.db, ctx.importer, ctx.settings, mapper=ctx.mapper, clock=clock)


def run_sync(ctx, *keys, since=None, deadline=30.0, clock=lambda: TODAY):
    from core.services.importer import run

    return run(make_sync(ctx, clock).run(list(keys) or None, since=since, deadline=deadline))
