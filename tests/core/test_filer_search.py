"""Filers found by name online: EDGAR's company search (a local fake answering like
efts.sec.gov) merged by CIK with the stored filers; failures and offline leave the stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.services.filer_search import FilerSearcher, merge
from core.services.importer import run
from core.services.settings import Settings
from core.services.universe import UniverseLoader
from tests.conftest import cli
from tests.core.sec_fixtures import CONTACT, fake  # noqa: F401 (fixture)
from tests.universe_sets import Filing, Holding, write_set

Q2 = dt.date(2026, 6, 30)
SEARCH = "/LATEST/search-index?keysTyped="


@pytest.fixture
def stored(fake, empty_ctx, tmp_path):  # noqa: F811
    """GAMMA FUND (CIK 3) and GAMMA RAY PARTNERS (CIK 8) from a data set; EDGAR lists GAMMA
    FUND too, and two companies nothing stored knows."""
    filings = [Filing(f"000000000{c}-26-000002", c, name, Q2, dt.date(2026, 8, 1),
                      rows=[Holding("21873S108", 1000, 10)])
               for c, name in (("3", "GAMMA FUND"), ("8", "GAMMA RAY PARTNERS"))]  # fmt: skip
    run(UniverseLoader(empty_ctx.db).load(write_set(tmp_path / "01jun2026-31aug2026.zip",
                                                    filings)))  # fmt: skip
    fake.companies = [("3", "GAMMA FUND"), ("1900001", "GAMMA ASSET MANAGEMENT LLC"),
                      ("1900002", "GAMMA ROAD CAPITAL"), ("1900003", "DELTA FUND")]
    return empty_ctx


def searcher(ctx, **settings) -> FilerSearcher:
    return FilerSearcher(ctx.db, Settings(sec_contact=CONTACT, **settings))


@pytest.mark.backends
def test_edgar_matches_are_merged_by_cik_after_the_stored(stored, fake, db_url):  # noqa: F811
    result = searcher(stored).search("gamma")
    assert result.edgar_missing is None
    got = [(m.cik, m.name, m.portfolio_id is not None, m.on_edgar) for m in result.matches]
    assert got == [
        ("0000000003", "GAMMA FUND", True, True),  # stored and on EDGAR: once
        ("0000000008", "GAMMA RAY PARTNERS", True, False),
        ("0001900001", "GAMMA ASSET MANAGEMENT LLC", False, True),
        ("0001900002", "GAMMA ROAD CAPITAL", False, True),
    ]
    gamma = result.matches[0]
    assert gamma.latest_period == Q2 and gamma.size == 1000  # the stored facts kept
    (asked,) = fake.requests_to("/LATEST/")
    assert asked.path == SEARCH + "gamma" and CONTACT in (asked.user_agent or "")
    rc, out = cli(db_url, "filers", "search", "GAMMA", "--json")
    rows = json.loads(out)
    assert rc == 0 and [(r["cik"], r["stored"]) for r in rows] == [
        ("0000000003", True), ("0000000008", True), ("0001900001", False),
        ("0001900002", False)]  # fmt: skip
    assert rows[2] == {"cik": "0001900001", "name": "GAMMA ASSET MANAGEMENT LLC",
                       "followed": False, "latest_period": None, "size": None,
                       "stored": False}  # fmt: skip


def test_the_typed_words_are_sent_encoded(stored, fake):  # noqa: F811
    searcher(stored).search("gamma  road&x=1")
    (asked,) = fake.requests_to("/LATEST/")
    assert asked.path == SEARCH + "gamma%20road%26x%3D1"


def test_a_hung_edgar_leaves_the_stored_and_says_so(stored, fake, db_file, capsys):  # noqa: F811
    fake.hang.add(SEARCH + "gamma")
    result = searcher(stored).search("gamma", deadline=1.0)
    assert [m.name for m in result.matches] == ["GAMMA FUND", "GAMMA RAY PARTNERS"]
    assert result.edgar_missing and "1s" in result.edgar_missing
    rc, out = cli(db_file, "filers", "search", "gamma", "--deadline", "1")
    err = capsys.readouterr().err
    assert rc == 3 and "GAMMA FUND" in out and "GAMMA RAY PARTNERS" in out
    assert err.count("\n") == 1 and err.startswith("note: EDGAR's company list was not "
                                                   "searched")  # fmt: skip


@pytest.mark.parametrize("answer", [
    ("status", 200, {}),  # JSON, but not EDGAR's envelope
    ("status", 500, {}),  # an error after every retry
])  # fmt: skip
def test_a_bad_answer_leaves_the_stored_and_says_so(stored, fake, answer):  # noqa: F811
    fake.faults[SEARCH + "gamma"] = [answer] * 6
    result = searcher(stored).search("gamma")
    assert [m.name for m in result.matches] == ["GAMMA FUND", "GAMMA RAY PARTNERS"]
    assert result.edgar_missing


def test_malformed_hits_are_left_out(stored, fake):  # noqa: F811
    """Hits without a CIK or a printable name are dropped; the rest still count."""
    fake.canned[SEARCH + "gamma"] = json.dumps({"hits": {"hits": [
        {"_id": "../../etc", "_source": {"entity": "GAMMA BAD"}},
        {"_id": "1900004", "_source": {"entity": "GAMMA\u0000NUL"}},
        {"_id": "1900005"},
        "not a hit",
        {"_id": 1900006, "_source": {"entity": "GAMMA NUMBER ID"}},
    ]}}).encode()  # fmt: skip
    result = searcher(stored).search("gamma")
    assert result.edgar_missing is None
    assert [(m.cik, m.name) for m in result.matches if m.portfolio_id is None] == [
        ("0001900006", "GAMMA NUMBER ID")]


def test_offline_sends_nothing(stored, fake, db_file, capsys):  # noqa: F811
    result = searcher(stored, offline=True).search("gamma")
    assert [m.name for m in result.matches] == ["GAMMA FUND", "GAMMA RAY PARTNERS"]
    assert result.edgar_missing == "offline"
    rc, out = cli(db_file, "filers", "search", "gamma", "--offline")
    err = capsys.readouterr().err
    assert rc == 0 and "GAMMA FUND" in out and "offline" in err and err.count("\n") == 1
    assert fake.requests_to("/LATEST/") == []


def test_merge_keeps_one_entry_per_cik():
    from core.edgar.search import EdgarCompany
    from core.services.holders import FilerMatch

    local = [FilerMatch(1, "0000000003", "GAMMA FUND", True, False, Q2, 5)]
    edgar = [EdgarCompany("0000000009", "GAMMA NINE"), EdgarCompany("0000000003", "GAMMA"),
             EdgarCompany("0000000009", "GAMMA NINE AGAIN")]
    got = merge(local, edgar)
    assert [(m.cik, m.name, m.on_edgar) for m in got] == [
        ("0000000003", "GAMMA FUND", True), ("0000000009", "GAMMA NINE", True)]
