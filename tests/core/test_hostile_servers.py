"""Everything from a server is input: a local EDGAR/OpenFIGI/streamer that misbehaves on
purpose (tests/hostile_sec.py) gets nowhere. One test per behaviour; where something could
be stored, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.edgar.http import Deadline, HttpClient, HttpError, RateLimiter
from tests.builders import Row
from tests.conftest import cli
from tests.core.sec_fixtures import CONTACT, TODAY, reset_limiters, run_sync
from tests.fake_sec import (
    NEW_NVIDIA,
    NVIDIA_CIK,
    _submissions,
    filing_text,
    serve_nvidia,
)
from tests.hostile_sec import HostileSec

ROOT = Path(__file__).resolve().parents[2]
INDEX = f"/submissions/CIK{NVIDIA_CIK}.json"
OTHER = "0000666001"
OUTER = 45.0  # seconds past the deadline before a process counts as hung (and is killed)


def archive(cik: str, accession: str) -> str:
    return f"/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}.txt"


@pytest.fixture
def hostile(monkeypatch):
    server = HostileSec()
    for name in ("STAKEWATCH_SEC_DATA_URL", "STAKEWATCH_SEC_ARCHIVES_URL",
                 "STAKEWATCH_OPENFIGI_URL"):  # fmt: skip
        monkeypatch.setenv(name, server.url)
    monkeypatch.setenv("STAKEWATCH_SEC_CONTACT", CONTACT)
    monkeypatch.delenv("STAKEWATCH_OFFLINE", raising=False)
    reset_limiters()
    yield server
    server.close()


@pytest.fixture
def hctx(hostile, db_url):
    """A context on the test's backend whose hosts are the hostile server."""
    from core.context import AppContext

    c = AppContext.open(db_url)
    yield c
    c.close()


def accessions(ctx) -> set[str]:
    from core.storage.sync_store import SyncStore

    with ctx.db.session() as s:
        return set(SyncStore(s).all_accessions())


def follow_other(ctx, fake, accs: list[str], text: str | None = None, rows=None) -> None:
    """A second followed filer listing `accs`, each served `text` (default: its own)."""
    from core.services.following import Following

    fake.add_filer(OTHER, "STEADY CAPITAL LLC")
    for i, acc in enumerate(accs):
        body = text if text is not None else filing_text(
            OTHER, "STEADY CAPITAL LLC", acc, dt.date(2026, 6, 30), dt.date(2026, 8, 14),
            rows or [Row()])  # fmt: skip
        fake.add_filing(OTHER, acc, "13F-HR", dt.date(2026, 8, 14) + dt.timedelta(days=i),
                        dt.date(2026, 6, 30), body)  # fmt: skip
    Following(ctx.db, ctx.settings).follow(OTHER, "STEADY CAPITAL LLC")


def list_accession(fake, cik: str, accession: object) -> None:
    fake.filers[cik].entries.insert(0, {
        "accessionNumber": accession, "filingDate": "2026-11-20", "reportDate": "2026-09-30",
        "form": "13F-HR", "primaryDocument": "primary_doc.xml"})  # fmt: skip


def run_bounded(argv: list[str], deadline: float, tmpdir: Path) -> tuple[int, str, int]:
    """Run the real CLI; (exit code, stderr, peak memory in KiB). Fails the test if the
    process must be killed: it did not end by itself within its deadline plus OUTER."""
    tmpdir.mkdir(exist_ok=True)
    err_path = tmpdir.parent / "stderr.txt"
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    with open(err_path, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "gui", *argv], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
    end = time.monotonic() + deadline + OUTER
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > end:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            pytest.fail(f"{argv} did not end by itself: killed")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, err_path.read_text(), usage.ru_maxrss


# -- names and paths ----------------------------------------------------------------------
@pytest.mark.backends
@pytest.mark.parametrize("shape", ["relative", "absolute"])
def test_an_accession_that_is_a_path_builds_no_url_and_no_file(hostile, hctx, tmp_path, shape):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file\n")
    evil = str(victim) if shape == "absolute" else "../" * 12 + str(victim).lstrip("/")
    serve_nvidia(hostile, with_new=False)
    list_accession(hostile, NVIDIA_CIK, evil)
    before = accessions(hctx)
    report = run_sync(hctx)
    assert victim.read_text() == "the user's file\n"
    (nvidia,) = report.filers
    assert not nvidia.ok and nvidia.failed[0].accession is None
    assert "refused" in nvidia.failed[0].reason and "victim.txt" in nvidia.failed[0].reason
    assert hostile.requests_to("/Archives") == []  # nothing was fetched with it
    assert accessions(hctx) == before


def test_a_cik_must_be_ascii_digits(hostile, db_file, capsys):
    from core.edgar.client import cik10

    for bad in ("５", "12/../1", "-1", "12345678901", "0"):
        with pytest.raises(ValueError):
            cik10(bad)
    rc, _ = cli(db_file, "follow", "１２３")
    assert rc == 2 and capsys.readouterr().err.startswith("error: ")
    assert hostile.log == []


# -- the deadline is a wall -----------------------------------------------------------------
@pytest.mark.parametrize("behaviour", ["trickle", "endless", "hang"])
def test_the_cli_ends_by_its_deadline_whatever_the_index_does(hostile, db_file, tmp_path,
                                                              behaviour):  # fmt: skip
    serve_nvidia(hostile)
    if behaviour == "hang":
        hostile.hang.add(INDEX)
    else:
        getattr(hostile, behaviour)(INDEX)
    rc, err, peak_kib = run_bounded(["--db", str(db_file), "sync", "--deadline", "4"], 4,
                                    tmp_path / "tmp")  # fmt: skip
    assert rc == 3, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "NVIDIA" in lines[0], err
    assert "unexpected" not in err
    assert peak_kib < 1024 * 1024, peak_kib  # an endless answer is capped, not held
    assert list((tmp_path / "tmp").iterdir()) == []  # no download left behind


# Loaded at the CLI's start-up (sitecustomize): the name stuck.invalid never resolves, as a
# resolver that does not answer; a name lookup has no socket the deadline could shut.
STUCK_RESOLVER = """
import socket, threading
_real = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host == "stuck.invalid":
        threading.Event().wait()  # for ever
    return _real(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


def test_the_cli_ends_by_its_deadline_when_a_name_lookup_hangs(hostile, db_file, tmp_path,
                                                               monkeypatch):  # fmt: skip
    """A worker stuck resolving EDGAR's host name cannot hold the process open past its
    deadline (an executor's threads are joined at exit: this one never returned)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(STUCK_RESOLVER)
    monkeypatch.setenv("PYTHONPATH", str(site))
    for name in ("STAKEWATCH_SEC_DATA_URL", "STAKEWATCH_SEC_ARCHIVES_URL"):
        monkeypatch.setenv(name, "http://stuck.invalid:9")
    rc, err, _ = run_bounded(["--db", str(db_file), "sync", "--deadline", "4"], 4,
                             tmp_path / "tmp")  # fmt: skip
    assert rc == 3, err
    assert err.strip().splitlines()[-1].startswith("error: ") and "NVIDIA" in err, err


@pytest.mark.parametrize("behaviour", ["trickle", "endless"])
def test_the_cli_ends_by_its_deadline_whatever_a_download_does(hostile, db_file, tmp_path,
                                                               behaviour):  # fmt: skip
    serve_nvidia(hostile)
    getattr(hostile, behaviour)(archive(NVIDIA_CIK, NEW_NVIDIA))
    rc, err, peak_kib = run_bounded(["--db", str(db_file), "sync", "--deadline", "4"], 4,
                                    tmp_path / "tmp")  # fmt: skip
    assert rc == 3 and NEW_NVIDIA in err, err
    assert peak_kib < 1024 * 1024, peak_kib
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_hung_filer_costs_only_its_share(hostile, db_file, tmp_path):
    """NVIDIA's new filing hangs; the other filer syncs, and its stake (shares outstanding,
    after mapping) is still recorded within the same deadline."""
    from core.context import AppContext
    from core.services.stakes import issuer_facts

    serve_nvidia(hostile)
    hostile.hang.add(archive(NVIDIA_CIK, NEW_NVIDIA))
    hostile.tickers = [("1769628", "CRWV", "CoreWeave, Inc.")]
    hostile.add_shares_outstanding("1769628", "CoreWeave, Inc.",
                                   [("2026-07-31", 490_000_000, "0001769628-26-000020")])
    ctx = AppContext.open(str(db_file))
    try:
        follow_other(ctx, hostile, [f"{OTHER}-26-000001"])
        report = run_sync(ctx, deadline=8.0)
        by_cik = {f.cik: f for f in report.filers}
        assert by_cik[OTHER].ok and len(by_cik[OTHER].imported) == 1
        assert not by_cik[NVIDIA_CIK].ok
        assert report.skipped_steps == () and report.facts_error is None
        facts = issuer_facts(ctx.db, ["21873S108"])["21873S108"]
        assert facts[3] == 490_000_000  # CoreWeave's shares outstanding were recorded
    finally:
        ctx.close()


def test_cancel_shuts_a_socket_that_is_being_trickled(hostile):
    import threading

    hostile.trickle("/slow.json")
    client = HttpClient({"User-Agent": CONTACT}, RateLimiter(10, 1.0))
    deadline = Deadline(None)  # no deadline at all: only the cancel can end it
    threading.Timer(1.0, deadline.cancel).start()
    with pytest.raises(HttpError, match="cancelled"):
        client.get_json(hostile.url + "/slow.json", deadline)


def test_a_request_has_its_own_time_limit_within_the_deadline(hostile):
    """A trickle keeps every read short; the request's own limit still ends it."""
    hostile.trickle("/slow.json")
    client = HttpClient({"User-Agent": CONTACT}, RateLimiter(10, 1.0), request_limit=1.0)
    with pytest.raises(HttpError, match="a request's own time limit"):
        client.get_json(hostile.url + "/slow.json", Deadline(600))


# -- sizes --------------------------------------------------------------------------------
@pytest.mark.backends
def test_a_2_gib_content_length_is_refused_before_reading(hostile, hctx):
    serve_nvidia(hostile)
    hostile.huge_length(archive(NVIDIA_CIK, NEW_NVIDIA))
    before = accessions(hctx)
    report = run_sync(hctx)
    (failed,) = report.filers[0].failed
    assert failed.accession == NEW_NVIDIA
    assert "2,147,483,648 bytes, more than the 512 MiB limit" in failed.reason
    assert accessions(hctx) == before


def test_an_endless_download_stops_at_its_cap_and_leaves_no_file(hostile, tmp_path):
    hostile.endless("/big.txt")
    client = HttpClient({"User-Agent": CONTACT}, RateLimiter(10, 1.0), max_download=2**20)
    target = tmp_path / "big.txt"
    with pytest.raises(HttpError, match="larger than the 1 MiB limit"):
        client.download(hostile.url + "/big.txt", target, Deadline(60))
    assert not target.exists()


def test_an_endless_json_answer_stops_at_its_cap(hostile):
    hostile.endless("/big.json")
    client = HttpClient({"User-Agent": CONTACT}, RateLimiter(10, 1.0), max_json=2**20)
    with pytest.raises(HttpError, match="larger than the 1 MiB limit"):
        client.get_json(hostile.url + "/big.json", Deadline(60))


# -- redirects ----------------------------------------------------------------------------
def test_a_redirect_to_another_host_is_not_followed_and_the_contact_stays(hostile, sec_db):
    serve_nvidia(hostile)
    hostile.redirect(INDEX, hostile.elsewhere.url + INDEX)
    report = run_sync(sec_db)
    (failed,) = report.filers[0].failed
    assert failed.reason == ("submissions index: redirected (302) to another host "
                             "(localhost): not followed")  # fmt: skip
    assert hostile.elsewhere.seen == []


def test_the_openfigi_key_never_goes_to_another_host(hostile):
    from core.openfigi import OpenFigiClient

    hostile.redirect("/v3/mapping", hostile.elsewhere.url + "/v3/mapping", status=307)
    client = OpenFigiClient("the-secret-key", url=hostile.url)
    with pytest.raises(HttpError, match="another host"):
        client.map_cusips(["21873S108"], Deadline(30))
    assert hostile.elsewhere.seen == []
    assert hostile.requests_to("/v3/mapping")[0].api_key == "the-secret-key"


def test_same_host_redirects_up_to_three_each_counted(hostile, sec_db):
    serve_nvidia(hostile)
    hostile.raw_json("/moved/index.json", _submissions(hostile.filers[NVIDIA_CIK]))
    hostile.redirect(INDEX, "/hop1")
    hostile.redirect("/hop1", "/hop2", status=301)
    hostile.redirect("/hop2", hostile.url + "/moved/index.json", status=307)
    report = run_sync(sec_db)
    assert report.ok and [i.accession for i in report.filers[0].imported] == [NEW_NVIDIA]
    chain = [r for r in hostile.log if r.path in (INDEX, "/hop1", "/hop2", "/moved/index.json")]
    assert len(chain) == 4 and report.requests >= 4 + 1  # each hop a request, + the download


def test_a_fourth_redirect_is_not_followed(hostile, sec_db):
    serve_nvidia(hostile)
    hostile.redirect(INDEX, "/hop1")
    for i in range(1, 5):
        hostile.redirect(f"/hop{i}", f"/hop{i + 1}")
    report = run_sync(sec_db)
    assert report.filers[0].failed[0].reason == (
        "submissions index: more than 3 redirects: not followed")
    assert len([r for r in hostile.log if r.path.startswith("/hop")]) == 3


# -- identities ---------------------------------------------------------------------------
@pytest.mark.backends
def test_a_document_of_another_filer_is_refused_and_named(hostile, hctx):
    """The other filer's index lists an accession whose archive is NVIDIA's filing."""
    serve_nvidia(hostile, with_new=False)
    nvidia_text = filing_text(NVIDIA_CIK, "NVIDIA CORP", NEW_NVIDIA, dt.date(2026, 9, 30),
                              dt.date(2026, 11, 13), [Row()])  # fmt: skip
    acc = f"{OTHER}-26-000001"
    follow_other(hctx, hostile, [acc], text=nvidia_text.replace(NEW_NVIDIA, acc))
    before = accessions(hctx)
    report = run_sync(hctx, OTHER)
    (f,) = report.filers
    (failed,) = f.failed
    assert failed.accession == acc and failed.reason == (
        f"refused: {acc} says its filer is CIK 0001045810, not 666001")
    assert accessions(hctx) == before


@pytest.mark.backends
@pytest.mark.parametrize("forge, said", [
    (lambda text: text.replace("<cik>0000666001</cik>", "<cik>0001045810</cik>"),
     "refused: {acc} has a cover page of CIK 0001045810, not of CIK 666001"),
    (lambda text: text[:text.index("<SEC-HEADER>")] + text[text.index("</SEC-HEADER>") + 13:],
     "refused: the document fetched as {acc} does not say its accession number"),
], ids=["cover-page-of-nvidia", "no-sec-header"])  # fmt: skip
def test_a_document_whose_cover_or_header_disagrees_is_refused(hostile, hctx, forge, said):
    """The SEC header is right but the cover page is NVIDIA's; or there is no SEC header
    at all: refused, named, nothing stored."""
    serve_nvidia(hostile, with_new=False)
    acc = f"{OTHER}-26-000001"
    text = filing_text(OTHER, "STEADY CAPITAL LLC", acc, dt.date(2026, 6, 30),
                       dt.date(2026, 8, 14), [Row()])  # fmt: skip
    follow_other(hctx, hostile, [acc], text=forge(text))
    before = accessions(hctx)
    (f,) = run_sync(hctx, OTHER).filers
    (failed,) = f.failed
    assert failed.accession == acc and failed.reason.startswith(said.format(acc=acc))
    assert accessions(hctx) == before and not f.imported


@pytest.mark.backends
def test_one_document_goes_in_once_not_under_every_accession_listed(hostile, hctx):
    serve_nvidia(hostile, with_new=False)
    accs = [f"{OTHER}-26-00000{i}" for i in range(1, 6)]
    one = filing_text(OTHER, "STEADY CAPITAL LLC", accs[0], dt.date(2026, 6, 30),
                      dt.date(2026, 8, 14), [Row()])  # fmt: skip
    follow_other(hctx, hostile, accs, text=one)
    before = accessions(hctx)
    report = run_sync(hctx, OTHER)
    (f,) = report.filers
    assert [i.accession for i in f.imported] == [accs[0]]
    assert sorted(x.accession for x in f.failed) == accs[1:]
    assert all(f"says it is {accs[0]}" in x.reason for x in f.failed)
    assert accessions(hctx) == before | {accs[0]}


# -- malformed answers --------------------------------------------------------------------
DEEP = "[" * 100_000 + "]" * 100_000
SHAPES = {
    "not_an_object": ([], "submissions index: not a JSON object"),
    "filings_a_list": ({"filings": []}, "submissions index: 'filings' is not an object"),
    "files_not_a_list": ({"name": "X", "filings": {"recent": {}, "files": "x"}},
                         "submissions index: 'files' is not a list"),
    "column_not_a_list": ({"filings": {"recent": {"accessionNumber": "0001045810-26-000301"}}},
                          "submissions index: 'filings.recent.accessionNumber' is not a list"),
    "page_name_a_path": ({"filings": {"recent": {}, "files": [{"name": "../../x.json"}]}},
                         "submissions index: 'files' names '../../x.json', not a page of the "
                         "index"),
    "deep": (None, "submissions index: the answer is JSON nested too deeply"),
    "not_json": (None, "submissions index: the answer was not JSON"),
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES)
def test_a_malformed_index_says_what_was_wrong(hostile, sec_db, shape):
    data, reason = SHAPES[shape]
    serve_nvidia(hostile)
    if shape == "deep":
        hostile.raw(INDEX, DEEP)
    elif shape == "not_json":
        hostile.raw(INDEX, "<html>maintenance</html>")
    else:
        hostile.raw_json(INDEX, data)
    report = run_sync(sec_db, since=dt.date(2000, 1, 1))
    assert [x.reason for x in report.filers[0].failed] == [reason]


def test_a_malformed_index_is_one_plain_error_line_in_the_cli(hostile, db_file, capsys):
    serve_nvidia(hostile)
    hostile.raw_json(INDEX, {"filings": {"recent": {}, "files": {"a": 1}}})
    rc, _ = cli(db_file, "sync")
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 3 and len(err) == 1 and "'files' is not a list" in err[0]
    assert "unexpected" not in err[0] and "Recursion" not in err[0]


def test_company_facts_of_the_wrong_kind_are_no_count():
    from core.edgar.client import latest_shares_outstanding

    def facts(val):
        return {"facts": {"dei": {"EntityCommonStockSharesOutstanding": {"units": {
            "shares": [{"end": "2026-07-31", "val": val, "accn": "../x"}]}}}}}  # fmt: skip

    for bad in (True, 10**30, -5, "490000000", [1], 1.5):
        assert latest_shares_outstanding(facts(bad)) is None, bad
    good = latest_shares_outstanding(facts(490_000_000))
    assert good.shares == 490_000_000 and good.accession is None  # "../x" is not one
    assert latest_shares_outstanding({"facts": {"dei": {"EntityCommonStockSharesOutstanding": {
        "units": {"shares": "many"}}}}}) is None  # fmt: skip


# -- OpenFIGI -----------------------------------------------------------------------------
BAD_LISTINGS = {
    "escapes": {"ticker": "\x1b[2J\x1b[HEVIL"},
    "long": {"ticker": "A" * 10_000},
    "object": {"ticker": {"$gt": ""}},
    "name_escapes": {"name": "EVIL \x1b]0;owned\x07 CORP"},
    "long_name": {"name": "N" * 201},
    "data_not_a_list": None,
}


def listing(**over) -> dict:
    row = {"figi": "BBG000000001", "name": "COREWEAVE INC", "ticker": "CRWV",
           "exchCode": "US", "compositeFIGI": "BBG000000001", "securityType": "Common Stock",
           "marketSector": "Equity", "securityType2": "Common Stock"}  # fmt: skip
    return {**row, **over}


@pytest.mark.parametrize("case", BAD_LISTINGS)
def test_a_bad_openfigi_answer_is_unmapped_with_the_reason(hostile, case):
    from core.openfigi import BAD_ANSWER, OpenFigiClient

    over = BAD_LISTINGS[case]
    item = {"data": "CRWV"} if over is None else {"data": [listing(**over)]}
    hostile.figi_raw["21873S108"] = item
    (m,) = OpenFigiClient(url=hostile.url).map_cusips(["21873S108"], Deadline(30))
    assert (m.ticker, m.reason) == (None, BAD_ANSWER)


def test_a_good_openfigi_answer_still_maps(hostile):
    from core.openfigi import OpenFigiClient

    hostile.figi_raw["084670702"] = {"data": [listing(ticker="BRK/B", name="BERKSHIRE")]}
    (m,) = OpenFigiClient(url=hostile.url).map_cusips(["084670702"], Deadline(30))
    assert m.ticker == "BRK-B" and m.reason is None


@pytest.mark.backends
def test_a_bad_openfigi_answer_stores_no_ticker(hostile, hctx):
    """Through the mapper into the database: the CUSIP stays unmapped, with the reason."""
    from core.domain.cusip import check_digit
    from core.openfigi import BAD_ANSWER

    base = "Z9Z9Z910"
    cusip = base + str(check_digit(base))
    serve_nvidia(hostile, with_new=False)
    follow_other(hctx, hostile, [f"{OTHER}-26-000001"],
                 rows=[Row(cusip=cusip, issuer="EVIL CORP")])
    hostile.figi_raw[cusip] = {"data": [listing(ticker="\x1b[31mRED")]}
    report = run_sync(hctx, OTHER)
    assert report.filers[0].ok and report.mapping_error is None
    from core.storage.sync_store import SyncStore

    with hctx.db.session() as s:
        info = SyncStore(s).mapping_info()[cusip]
    assert info.ticker is None and info.reason == BAD_ANSWER


# -- prices -------------------------------------------------------------------------------
@pytest.mark.parametrize("price,when", [
    (float("nan"), None), (float("inf"), None), (-3.0, None), (0.0, None), ("abc", None),
    ({"$": 1}, None), (10.0, 1000), (10.0, 31_000_000_000_000),  # 1970, and the year 2952
])  # fmt: skip
def test_a_tick_that_is_not_a_price_is_dropped(price, when):
    from core.prices.stream import check_tick

    message = {"id": "NVDA", "price": price, "time": str(when) if when is not None else None}
    quote, why = check_tick(message)
    assert quote is None and why, (price, when)


def test_the_stream_drops_and_counts_ticks_that_are_not_prices():
    from core.prices.stream import QuoteStream
    from tests.stream_server import StreamServer

    got = []
    with StreamServer(rate=20, prices={"NVDA": float("nan"), "CRWV": -5.0, "AMD": 100.0}
                      ) as server:  # fmt: skip
        stream = QuoteStream(server.url, got.append, lambda *_: None)
        stream.start(["NVDA", "CRWV", "AMD"])
        try:
            end = time.monotonic() + 30
            while time.monotonic() < end and (stream.dropped < 4 or not got):
                time.sleep(0.05)
        finally:
            stream.stop()
    assert stream.dropped >= 4 and got
    assert {q.ticker for q in got} == {"AMD"}


def test_polled_quotes_that_are_not_prices_fail_with_the_reason():
    from core.prices.yahoo import quotes_from_json

    now = int(TODAY.timestamp())
    items = [{"symbol": "NAN", "regularMarketPrice": "nan", "regularMarketTime": now},
             {"symbol": "NEG", "regularMarketPrice": -1, "regularMarketTime": now},
             {"symbol": "OLD", "regularMarketPrice": 5, "regularMarketTime": 100},
             {"symbol": "FUT", "regularMarketPrice": 5, "regularMarketTime": 10**12},
             {"symbol": "INF", "regularMarketPrice": "inf", "regularMarketTime": now},
             {"symbol": "OK", "regularMarketPrice": 5, "regularMarketTime": now}]  # fmt: skip
    r = quotes_from_json({"quoteResponse": {"result": items}},
                         ["NAN", "NEG", "OLD", "FUT", "INF", "OK"])  # fmt: skip
    assert list(r.quotes) == ["OK"]
    assert len(r.failed) == 5


@pytest.mark.backends
def test_a_price_csv_with_a_date_before_1990_or_ahead_loads_nothing(ctx, tmp_path):
    from core.services.price_import import PriceFileError, import_csv

    f = tmp_path / "p.csv"
    f.write_text("date,close,ticker\n2026-01-02,10,NVDA\n1985-01-02,10,NVDA\n"
                 "2999-01-02,10,NVDA\n")  # fmt: skip
    with pytest.raises(PriceFileError) as exc:
        import_csv(ctx.db, f)
    assert "line 3" in str(exc.value) and "line 4" in str(exc.value)
    from core.storage.price_store import PriceStore

    with ctx.db.session() as s:
        assert PriceStore(s).bar_count("NVDA") == 0  # nothing loaded


@pytest.fixture
def sec_db(hostile, db_file):
    """An SQLite context for behaviours where nothing is stored either way."""
    from core.context import AppContext

    c = AppContext.open(str(db_file))
    yield c
    c.close()

