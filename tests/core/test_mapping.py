"""CUSIP-to-ticker mapping against a local fake OpenFIGI: batches, provenance, the user's
own tickers, all-or-nothing; and the user's own mapping file."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import Row
from tests.conftest import cli
from tests.core.sec_fixtures import fake, sec_ctx  # noqa: F401
from tests.cusips import unknown_cusips
from tests.fake_sec import filing_text

# 25 CUSIPs (valid check digits) the bundled CUSIP map does not know: OpenFIGI is asked
# only about those (real ones are named by the map at import).
CUSIPS = unknown_cusips(25)


def import_book(ctx, tmp_path, cusips, cik="0000555001"):
    """A filer's filing holding these CUSIPs, imported from a file (no network)."""
    from core.services.importer import run

    rows = [Row(cusip=c, issuer=f"ISSUER {i}", value=100 + i, shares=10 + i)
            for i, c in enumerate(cusips)]  # fmt: skip
    acc = f"{cik}-26-000001"
    path = tmp_path / f"{acc}.txt"
    path.write_text(filing_text(cik, "MAPPING TEST LLC", acc, dt.date(2026, 6, 30),
                                dt.date(2026, 8, 14), rows))  # fmt: skip
    run(ctx.importer.import_path(path))
    return ctx.queries.portfolio(cik)


def mapping(ctx):
    from core.storage.sync_store import SyncStore

    with ctx.db.session() as s:
        return SyncStore(s).mapping_info()


def drive(gen):
    from core.services.importer import run

    return run(gen)


def test_batches_of_at_most_ten_without_a_key(fake, sec_ctx, tmp_path):  # noqa: F811
    p = import_book(sec_ctx, tmp_path, CUSIPS)
    for i, c in enumerate(CUSIPS):
        fake.add_figi(c, f"TK{i}", f"Company {i}")
    report = drive(sec_ctx.mapper.map_unmapped([p.id]))
    calls = fake.requests_to("/v3/mapping")
    assert [r.jobs for r in calls] == [10, 10, 5]
    assert all(r.api_key is None for r in calls)
    assert len(report.mapped) == 25 and report.error is None
    info = mapping(sec_ctx)
    assert info[CUSIPS[0]].ticker == "TK0" and info[CUSIPS[0]].source == "openfigi"
    assert info[CUSIPS[0]].mapped_at is not None


def test_a_key_sends_bigger_batches_with_its_header(fake, db_file, tmp_path, monkeypatch):  # noqa: F811
    from core.context import AppContext
    from core.services.settings import SettingsStore

    fake.figi_key = "k3y-for-tests"
    ctx = AppContext.open(str(db_file))
    try:
        SettingsStore(ctx.db).set("openfigi_key", fake.figi_key)
        ctx.settings = SettingsStore(ctx.db).load()
        p = import_book(ctx, tmp_path, CUSIPS)
        drive(ctx.mapper.map_unmapped([p.id]))
    finally:
        ctx.close()
    calls = fake.requests_to("/v3/mapping")
    assert [(r.jobs, r.api_key) for r in calls] == [(25, "k3y-for-tests")]


def test_a_users_ticker_is_never_overwritten(fake, sec_ctx, tmp_path):  # noqa: F811
    mine, cleared, other, unknown = CUSIPS[:4]
    p = import_book(sec_ctx, tmp_path, [mine, cleared, other, unknown])
    sec_ctx.companies.set_ticker(mine, "MINE")
    sec_ctx.companies.set_ticker(cleared, "TEMP")
    sec_ctx.companies.set_ticker(cleared, None)  # the user unmapped it on purpose
    for c in (mine, cleared, other):
        fake.add_figi(c, "FIGI" + c[:2], "Some Co")
    report = drive(sec_ctx.mapper.map_unmapped([p.id]))
    info = mapping(sec_ctx)
    assert info[mine].ticker == "MINE"
    assert info[cleared].ticker is None
    assert info[other].ticker == "FIGI" + other[:2] and info[other].source == "openfigi"
    assert info[unknown].ticker is None
    assert "No identifier found" in info[unknown].reason
    assert report.unmapped == {unknown: info[unknown].reason}
    # Only the two no user has touched were asked about.
    assert sum(r.jobs for r in fake.requests_to("/v3/mapping")) == 2


def test_all_or_nothing_when_openfigi_fails(fake, sec_ctx, tmp_path):  # noqa: F811
    p = import_book(sec_ctx, tmp_path, CUSIPS[:15])
    for i, c in enumerate(CUSIPS[:15]):
        fake.add_figi(c, f"TK{i}", f"Company {i}")
    fake.fail_from["/v3/mapping"] = (2, 500)  # the second batch fails on every try
    rc, _ = cli(sec_ctx.db.path, "companies", "map", "--portfolio", p.cik, "--deadline", "3")
    assert rc == 3
    assert all(i.ticker is None for c, i in mapping(sec_ctx).items() if c in CUSIPS[:15])


def test_listing_choice():
    from core.openfigi import pick_listing

    def listing(ticker, exch="US", sector="Equity", figi="F1", composite="F1", t2="Common Stock"):
        return {"ticker": ticker, "exchCode": exch, "marketSector": sector, "figi": figi,
                "compositeFIGI": composite, "securityType2": t2, "name": "X"}

    assert pick_listing("c", [listing("BRK/B")]).ticker == "BRK-B"
    assert pick_listing("c", [listing("A", figi="F2"), listing("B")]).ticker == "B"
    assert pick_listing("c", [listing("A", exch="UW")]).ticker is None
    assert pick_listing("c", [listing("A", sector="Corp")]).reason == "no US equity listing"
    two = pick_listing("c", [listing("A", t2="Warrant"), listing("B", figi="F3",
                                                                 composite="F3")])
    assert two.ticker == "B"
    both = pick_listing("c", [listing("A"), listing("B", figi="F3", composite="F3")])
    assert both.ticker is None and "several" in both.reason


def test_import_map_all_or_nothing(sec_ctx, tmp_path, capsys):  # noqa: F811
    good = tmp_path / "map.csv"
    good.write_text("cusip,ticker,name\n00287Y109,ABBV,AbbVie Inc\n037833100,AAPL\n")
    rc, out = cli(sec_ctx.db.path, "companies", "import-map", str(good))
    assert rc == 0 and "2 CUSIP(s) mapped" in out
    info = mapping(sec_ctx)
    assert (info["00287Y109"].ticker, info["00287Y109"].source) == ("ABBV", "import-map")
    bad = tmp_path / "bad.csv"
    bad.write_text("023135106,AMZN\n123456789,XX\n060505104,not a ticker!\n")
    rc, out = cli(sec_ctx.db.path, "companies", "import-map", str(bad))
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error:")
    assert "line 2" in err[0] and "line 3" in err[0]
    assert "023135106" not in mapping(sec_ctx)  # the good line was not loaded either


@pytest.mark.parametrize("text", ["", "nobody", "Jane Doe jane@", "Jäne jane@example.com"])
def test_a_contact_needs_a_name_and_an_email(sec_ctx, text, capsys):  # noqa: F811
    rc, _ = cli(sec_ctx.db.path, "settings", "sec_contact", text)
    if text == "":
        assert rc == 0  # clears it
    else:
        assert rc == 2
        assert "sec_contact" in capsys.readouterr().err
