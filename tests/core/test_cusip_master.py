"""The CUSIP master (issue 20): the bundled seed's flaws handled, every real sample named
offline, the SEC's fails files read with their quirks from a local fake SEC, the sources'
precedence, and dated symbols (the one at a report's date beside today's)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from core.domain import ticker_map as tm
from tests.builders import Row
from tests.conftest import F13, cli
from tests.core.sec_fixtures import fake, sec_ctx  # noqa: F401
from tests.cusips import unknown_cusips
from tests.fake_sec import filing_text

D = dt.date
BRK_B, GOOG, GOOGL, TUSIMPLE = "084670702", "02079K107", "02079K305", "90089L108"
HEADER = "SETTLEMENT DATE|CUSIP|SYMBOL|QUANTITY (FAILS)|DESCRIPTION|PRICE\n"
RENAMED, = unknown_cusips(1, prefix="Q7")  # a security the seed does not know


def fails_zip(lines: list[str], name: str = "cnsfails.txt", trailer: bool = True) -> bytes:
    body = HEADER + "".join(line + "\n" for line in lines)
    if trailer:
        body += f"Trailer record count {len(lines)}\nTrailer total quantity of fails 1234\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, body)
    return buf.getvalue()


def _zip_text(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("cnsfails.txt", text)
    return buf.getvalue()


DEC_2023_B = [
    "20231214|90089L108|TSP|12000|TUSIMPLE HLDGS INC CL A|.39",
    "20231215|084670702|BRK/B|300|BERKSHIRE HATHAWAY INC DEL CL B NEW|362.1",
    f"20231218|{RENAMED}|OLDX|10|OLD NAME INC|.",  # `.`: no price
    "20231219|037833100||5|NO SYMBOL GIVEN|190.1",  # no symbol: skipped
]
MAR_2024_A = [
    "20240305|90089L108|TSPH|500|TUSIMPLE HLDGS|INC CL A|0.25",  # a `|` in the description
    f"20240307|{RENAMED}|NEWX|10|NEW NAME INC|2.5",
    f"20240311|{RENAMED}|NEWX|10|NEW NAME INC|2.5",
]
PAGE = """<html><body><h1>Fails-to-Deliver Data</h1><ul>
<li><a href="/files/data/fails-deliver-data/cnsfails202403a.zip">March 2024, first half</a></li>
<li><a href="/files/data/fails-deliver-data/cnsfails202312b.zip">December 2023, second half</a>
<li><a href='https://elsewhere.example/cnsfails202312a.zip'>a mirror (not followed)</a></li>
<li><a href="/files/data/fails-deliver-data/cnsfails202201a.zip">January 2022 (before --since)</a>
</ul></body></html>"""
ZIP_PATH = "/files/data/fails-deliver-data/{}.zip"


def serve_fails(fake) -> None:  # noqa: F811
    from core.edgar.fails import INDEX_PATH

    fake.archives[INDEX_PATH] = PAGE.encode()
    fake.archives[ZIP_PATH.format("cnsfails202312b")] = fails_zip(DEC_2023_B)
    fake.archives[ZIP_PATH.format("cnsfails202403a")] = fails_zip(MAR_2024_A)
    fake.archives[ZIP_PATH.format("cnsfails202201a")] = fails_zip([])


def holdings_json(db, *args) -> dict:
    rc, out = cli(db, "holdings", "--json", *args)
    assert rc == 0, out
    return {p["cusip"]: p for p in json.loads(out)["positions"]}


# -- the bundled seed and its flaws ----------------------------------------------------------
@pytest.mark.backends
def test_the_seed_loads_at_init_with_class_tickers_and_the_issuers_cik(db_url):
    rc, out = cli(db_url, "init")
    assert rc == 0, out
    for key, ticker, cik in ((BRK_B, "BRK-B", "0001067983"), (GOOG, "GOOG", "0001652044"),
                             (GOOGL, "GOOGL", "0001652044")):  # fmt: skip
        rc, out = cli(db_url, "companies", "show", key, "--json")
        assert rc == 0, out
        (info,) = json.loads(out)
        # The seed writes BRKB; the SEC's list (and Yahoo) BRK-B. Classes stay apart.
        assert (info["ticker"], info["source"], info["cik"]) == (ticker, "seed", cik)
    rc, out = cli(db_url, "companies", "show", "BRK-B")
    assert rc == 0 and f"{BRK_B}  BRK-B  (from bundled CUSIP seed)" in out
    rc, again = cli(db_url, "init")
    assert rc == 0 and "up to date" in again


def test_class_tickers_and_precedence_rules():
    classes = tm.ClassTickers(["BRK-B", "BRK-A", "GOOG", "GOOGL", "AB-C", "ABC"])
    assert classes.canonical("BRKB") == "BRK-B" and classes.canonical("BRK/B") == "BRK-B"
    assert classes.canonical("GOOGL") == "GOOGL" and classes.canonical("ABC") == "ABC"
    assert classes.canonical("ZZZZ") == "ZZZZ"
    rows = [("C1", "SEEDT", tm.SEED, None, None), ("C1", "FIGIT", tm.OPENFIGI, None, None),
            ("C2", "SEEDT", tm.SEED, None, None), ("C2", "FIGIT", tm.OPENFIGI, None, None),
            ("C2", "OLD", tm.FAILS, D(2023, 1, 2), D(2023, 5, 1)),
            ("C2", "NEW", tm.FAILS, D(2024, 1, 2), D(2024, 2, 1)),
            ("C3", "BRKB", tm.SEED, None, None), ("C3", "NVB", tm.BUNDLED, D(2024, 1, 1),
                                                   D(2024, 1, 1))]  # fmt: skip
    got = tm.resolve(rows, classes, {"BRK-B": "0001067983"})
    assert (got["C1"].ticker, got["C1"].source) == ("FIGIT", tm.OPENFIGI)  # OpenFIGI > seed
    assert (got["C2"].ticker, got["C2"].source) == ("NEW", tm.FAILS)  # fails > all; latest
    assert (got["C3"].ticker, got["C3"].cik) == ("BRK-B", "0001067983")  # seed > bundled
    dated = [tm.Sighting(*r) for r in rows if r[0] == "C2"]
    assert tm.symbol_at(dated, D(2023, 12, 31)).ticker == "OLD"
    assert tm.symbol_at(dated, D(2024, 1, 2)).ticker == "NEW"
    assert tm.symbol_at(dated, D(2022, 12, 31)) is None  # before any dated sighting


# -- every CUSIP of every real sample, offline ----------------------------------------------
@pytest.mark.parametrize("path, extra", [
    ("0001894188-23-000007.txt", []),  # LTS One: 14 CUSIPs
    ("0001951757-25-000093.nc", []),  # Acorn Creek: 77
    ("infotable_255_rows.xml", ["--cik", "12345", "--period", "2024-12-31",
                                "--filed", "2025-02-01"]),
    ("information_table.xml", ["--cik", "12346", "--period", "2024-12-31",
                               "--filed", "2025-02-01"]),  # the SEC's sample
])  # fmt: skip
def test_a_filing_imported_offline_gets_every_ticker(db_file, path, extra):
    rc, out = cli(db_file, "import-13f", str(F13 / path), "--offline", *extra)
    assert rc == 0, out
    assert "unmapped:" not in out and "map:" in out
    rc, out = cli(db_file, "portfolios", "--json")
    filer = next(f["cik"] for f in json.loads(out) if f["cik"] not in (None, "0001045810"))
    positions = holdings_json(db_file, "--portfolio", filer)
    assert positions and all(p["ticker"] for p in positions.values())


# -- the SEC's fails files ------------------------------------------------------------------
def test_a_fails_file_is_read_with_its_quirks(tmp_path):
    from core.edgar.fails import FailsFormatError, list_files, read_zip

    path = tmp_path / "cnsfails202403a.zip"
    path.write_bytes(fails_zip(MAR_2024_A + DEC_2023_B))
    got = read_zip(path)
    assert got.rows == 7 and got.skipped == 1  # the row without a symbol
    assert got.trailer == "Trailer record count 7"
    assert got.seen[(TUSIMPLE, "TSPH")] == (D(2024, 3, 5), D(2024, 3, 5))
    assert got.seen[(BRK_B, "BRK-B")] == (D(2023, 12, 15),) * 2  # BRK/B written as BRK-B
    assert got.seen[(RENAMED, "NEWX")] == (D(2024, 3, 7), D(2024, 3, 11))
    files = list_files(PAGE.encode(), "https://www.sec.gov/data-research/x")
    assert [f.name for f in files] == ["cnsfails202201a", "cnsfails202312b", "cnsfails202403a"]
    assert files[2].url == "https://www.sec.gov/files/data/fails-deliver-data/cnsfails202403a.zip"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(fails_zip(MAR_2024_A, trailer=False)[:-40])  # cut short
    with pytest.raises(FailsFormatError):
        read_zip(bad)
    cut = HEADER + MAR_2024_A[0] + "\nTrailer record count 3\n"  # rows lost before it
    bad.write_bytes(_zip_text(cut))
    with pytest.raises(FailsFormatError, match="1 rows, but its trailer says 3"):
        read_zip(bad)
    bad.write_bytes(b"not a zip")
    with pytest.raises(FailsFormatError, match="not a readable zip"):
        read_zip(bad)
    bad.write_bytes(_zip_text("DATE|ID|TICKER|QTY|NAME|PRICE\n" + MAR_2024_A[0] + "\n"))
    with pytest.raises(FailsFormatError, match="header"):
        read_zip(bad)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", HEADER)
        z.writestr("b.txt", HEADER)
    bad.write_bytes(buf.getvalue())
    with pytest.raises(FailsFormatError, match="holds 2 files"):
        read_zip(bad)


@pytest.mark.backends
def test_refresh_map_reads_new_files_once_and_dates_the_symbols(fake, db_url, tmp_path):  # noqa: F811
    serve_fails(fake)
    acc = "0000555003-24-000001"
    rows = [Row(cusip=RENAMED, issuer="OLD NAME INC", value=500, shares=5)]
    table = tmp_path / f"{acc}.txt"
    table.write_text(filing_text("0000555003", "DATED LLC", acc, D(2023, 12, 31),
                                 D(2024, 2, 10), rows))  # fmt: skip
    rc, out = cli(db_url, "import-13f", str(table), "--offline")
    assert rc == 0 and "unmapped:   1 CUSIP(s)" in out  # nothing knows it yet
    rc, out = cli(db_url, "companies", "refresh-map", "--since", "2023-12", "--json")
    assert rc == 0, out
    report = json.loads(out)
    assert report["read"] == ["cnsfails202312b", "cnsfails202403a"] and report["downloaded"] == 2
    assert fake.requests_to("/cnsfails202312a") == [] and not fake.requests_to(
        ZIP_PATH.format("cnsfails202201a"))  # another host's link; a month before --since
    # Today's symbol for prices; the report's own date keeps the one it traded under.
    mine = holdings_json(db_url, "--portfolio", "0000555003")[RENAMED]
    assert (mine["ticker"], mine["ticker_as_filed"]) == ("NEWX", "OLDX")
    tus = holdings_json(db_url, "--period", "2023-12-31")[TUSIMPLE]
    assert (tus["ticker"], tus["ticker_as_filed"]) == ("TSPH", "TSP")
    assert tus["ticker_as_filed_until"] == "2023-12-31"
    assert holdings_json(db_url, "--period", "2023-12-31")["042068205"]["ticker_as_filed"] == "ARM"
    rc, out = cli(db_url, "companies", "show", RENAMED, "--json")
    (info,) = json.loads(out)
    assert info["source"] == "sec-fails"
    assert [(t["ticker"], t["first_seen"], t["last_seen"]) for t in info["tickers"]] == [
        ("OLDX", "2023-12-18", "2023-12-18"), ("NEWX", "2024-03-07", "2024-03-11")]
    # Published files never change: a second refresh fetches nothing, offline reads none.
    zips = len([r for r in fake.sec_requests() if r.path.endswith(".zip")])
    rc, out = cli(db_url, "companies", "refresh-map", "--since", "2023-12", "--json")
    assert rc == 0 and json.loads(out)["read_before"] == 2 and json.loads(out)["read"] == []
    assert len([r for r in fake.sec_requests() if r.path.endswith(".zip")]) == zips
    assert all("tests@example.com" in (r.user_agent or "") for r in fake.sec_requests())


def test_the_users_ticker_wins_over_the_fails_data_and_stays_undoable(fake, db_file):  # noqa: F811
    from core.context import AppContext

    serve_fails(fake)
    c = AppContext.open(str(db_file))
    try:
        previous = c.companies.set_ticker(TUSIMPLE, "TUSI")
        assert previous == "TSPH"
        rc, out = cli(db_file, "companies", "refresh-map", "--since", "2023-12")
        assert rc == 0, out
        assert holdings_json(db_file, "--period", "2023-12-31")[TUSIMPLE]["ticker"] == "TUSI"
        c.companies.set_ticker(TUSIMPLE, previous)  # the undo puts the map's back
        assert holdings_json(db_file, "--period", "2023-12-31")[TUSIMPLE]["ticker"] == "TSPH"
    finally:
        c.close()


def test_fails_data_beats_openfigi_which_beats_the_seed(db_file):
    from core.context import AppContext
    from core.storage.cusip_store import CusipStore

    c = AppContext.open(str(db_file))
    when = dt.datetime.now(dt.UTC)
    try:
        from core.services.cusip_master import seed_sightings

        with c.db.session() as s:
            store = CusipStore(s)
            store.add_sighting(tm.Sighting(GOOG, "GOOG-FIGI", tm.OPENFIGI), when)
            store.rebuild_master(seed_sightings(), (tm.SEED,))
            assert store.master(GOOG).ticker == "GOOG-FIGI"
            store.merge_sightings({(GOOG, "GOOG-F"): (D(2025, 1, 2), D(2025, 1, 3))},
                                  tm.FAILS, when)  # fmt: skip
            store.rebuild_master(seed_sightings(), (tm.SEED,))
            assert (store.master(GOOG).ticker, store.master(GOOG).source) == ("GOOG-F", tm.FAILS)
            assert store.master(GOOGL).ticker == "GOOGL"  # untouched: the seed's
    finally:
        c.close()


def test_refresh_map_bad_input_is_one_line_and_changes_nothing(db_file, monkeypatch, capsys):
    monkeypatch.delenv("STAKEWATCH_SEC_CONTACT", raising=False)
    assert cli(db_file, "init")[0] == 0
    for args, said in ((["--since", "2026-13"], "not a month"),
                       (["--since", "2031-01"], "in the future"),
                       ([], "EDGAR needs to know who is asking")):  # fmt: skip
        capsys.readouterr()
        rc, out = cli(db_file, "companies", "refresh-map", *args)
        err = capsys.readouterr().err
        assert rc == 2 and out == "" and err.startswith("error:") and said in err
        assert err.count("\n") == 1
    rc, _ = cli(db_file, "companies", "show", "NOSUCH")
    assert rc == 2


def test_openfigi_is_asked_only_about_unknown_cusips_and_the_fails_data_wins_later(
        fake, db_file, tmp_path):  # noqa: F811
    serve_fails(fake)
    fake.add_figi(RENAMED, "FIGIX", "Renamed Inc")
    fake.add_figi(GOOG, "WRONG", "Should not be asked")
    acc = "0000555004-24-000001"
    rows = [Row(cusip=RENAMED, issuer="OLD NAME INC"), Row(cusip=GOOG, issuer="ALPHABET INC")]
    path = tmp_path / f"{acc}.txt"
    path.write_text(filing_text("0000555004", "FIGI LLC", acc, D(2023, 12, 31),
                                D(2024, 2, 10), rows))  # fmt: skip
    rc, out = cli(db_file, "import-13f", str(path))
    assert rc == 0, out
    assert "tickers: 1 of 1 CUSIP(s) mapped (OpenFIGI)" in out  # GOOG came from the map
    jobs = [r for r in fake.log if r.path == "/v3/mapping"]
    assert sum(r.jobs for r in jobs) == 1
    got = holdings_json(db_file, "--portfolio", "0000555004")
    assert (got[RENAMED]["ticker"], got[GOOG]["ticker"]) == ("FIGIX", "GOOG")
    rc, out = cli(db_file, "companies", "refresh-map", "--since", "2023-12")
    assert rc == 0, out
    got = holdings_json(db_file, "--portfolio", "0000555004")
    assert got[RENAMED]["ticker"] == "NEWX"  # the SEC's fails data outranks OpenFIGI
    rc, out = cli(db_file, "companies", "show", RENAMED, "--json")
    assert {(t["ticker"], t["source"]) for t in json.loads(out)[0]["tickers"]} == {
        ("FIGIX", "openfigi"), ("OLDX", "sec-fails"), ("NEWX", "sec-fails")}


def test_sync_refreshes_the_map_once_it_is_over_30_days_old(fake, sec_ctx):  # noqa: F811
    from tests.core.sec_fixtures import TODAY, run_sync
    from tests.fake_sec import serve_nvidia

    serve_nvidia(fake)
    serve_fails(fake)
    recent = ZIP_PATH.format("cnsfails202611a")
    fake.archives[recent] = fails_zip([f"20261103|{GOOG}|GOOG|10|ALPHABET INC CL C|170.2"])
    from core.edgar.fails import INDEX_PATH

    fake.archives[INDEX_PATH] = PAGE.replace("</ul>", f'<li><a href="{recent}">Nov</a></ul>'
                                             ).encode()  # fmt: skip
    first = run_sync(sec_ctx)
    assert first.map_refresh.startswith("CUSIP map: 1 fails file(s) read (1 downloaded)")
    assert run_sync(sec_ctx).map_refresh is None  # fresh: not asked again
    later = run_sync(sec_ctx, clock=lambda: TODAY + dt.timedelta(days=31))
    assert later.map_refresh.startswith("CUSIP map: 0 fails file(s) read (0 downloaded), 1 read")
    assert len(fake.requests_to(recent)) == 1


def test_a_corrupt_fails_zip_is_named_and_sync_still_reports(fake, sec_ctx):  # noqa: F811
    """A fails zip whose deflate stream is corrupt: that file is named as failed, its copy
    is not kept (fetched again next time) and sync reports the filings it imported (it
    used to end in 'unexpected error', on every sync)."""
    from core.edgar.fails import INDEX_PATH
    from core.services.map_refresh import cache_dir
    from tests.core.sec_fixtures import TODAY, run_sync
    from tests.fake_sec import serve_nvidia

    serve_nvidia(fake)
    serve_fails(fake)
    bad = bytearray(fails_zip([f"202611{d:02d}|{GOOG}|GOOG|10|ALPHABET INC CL C|170.2"
                               for d in range(1, 29)] * 100))  # fmt: skip
    start = bad.find(b"cnsfails.txt") + len("cnsfails.txt") + 50
    bad[start : start + 40] = bytes(b ^ 0xFF for b in bad[start : start + 40])
    recent = ZIP_PATH.format("cnsfails202611a")
    fake.archives[recent] = bytes(bad)
    fake.archives[INDEX_PATH] = PAGE.replace("</ul>", f'<li><a href="{recent}">Nov</a></ul>'
                                             ).encode()  # fmt: skip
    report = run_sync(sec_ctx)
    assert report.filers and all(f.ok for f in report.filers)
    assert "cnsfails202611a: " in report.map_refresh and "not a readable zip" in report.map_refresh
    assert report.map_refresh.startswith("CUSIP map: 0 fails file(s) read (1 downloaded)")
    assert not (cache_dir() / "cnsfails202611a.zip").exists()
    assert run_sync(sec_ctx).map_refresh is None  # a failed refresh waits a day
    again = run_sync(sec_ctx, clock=lambda: TODAY + dt.timedelta(days=2))
    assert "cnsfails202611a: " in again.map_refresh  # fetched again, named again
    assert len(fake.requests_to(recent)) == 2


def test_a_map_refresh_that_breaks_leaves_the_sync_report(fake, sec_ctx, monkeypatch):  # noqa: F811
    """Whatever goes wrong in the map's refresh, the filings imported before it are
    reported, and the step is named as failed."""
    from core.services import map_refresh
    from tests.core.sec_fixtures import run_sync
    from tests.fake_sec import serve_nvidia

    def broken(*args, **kwargs):
        raise ValueError("the fails page changed its layout")
        yield  # a generator, as the real one

    monkeypatch.setattr(map_refresh.MapRefresher, "refresh", broken)
    serve_nvidia(fake)
    report = run_sync(sec_ctx)
    assert report.filers and all(f.ok for f in report.filers)
    assert report.filers[0].imported  # NVIDIA's filings are in
    assert report.skipped_steps == (
        "refreshing the CUSIP map: failed (the fails page changed its layout)",)


def test_an_older_database_gets_the_map_on_upgrade(db_file):
    """A database from before the map (revision 0006) with a company no one named: the
    upgrade adds the tables and the first start names it, with the issuer's CIK."""
    from core.context import AppContext
    from tests.migrations import database_at

    with database_at("sqlite:///" + str(db_file), "0006") as (db, conn):
        conn.exec_driver_sql("INSERT INTO companies (cusip, name, origin, updated_at) VALUES "
                             f"('{GOOGL}', 'ALPHABET INC', 'filing', '2025-01-01')")
    db.dispose()
    c = AppContext.open(str(db_file))
    try:
        assert c.backup is not None  # the upgrade backed the file up first
        (got,) = [x for x in c.companies.companies() if x.cusip == GOOGL]
        assert (got.ticker, got.origin) == ("GOOGL", "seed")
    finally:
        c.close()
    rc, out = cli(db_file, "companies", "show", GOOGL, "--json")
    assert rc == 0 and json.loads(out)[0]["cik"] == "0001652044"
