"""Sync when EDGAR is slow, rate-limits, errs or hangs; the contact rule; exit codes."""

from __future__ import annotations

import datetime as dt
import json
import time

from tests.builders import Row
from tests.conftest import cli
from tests.core.sec_fixtures import fake, run_sync, sec_ctx  # noqa: F401
from tests.fake_sec import NEW_NVIDIA, NVIDIA_CIK, filing_text, serve_nvidia

INDEX = f"/submissions/CIK{NVIDIA_CIK}.json"


def other_filer(fake, cik="0000666001", name="STEADY CAPITAL LLC"):  # noqa: F811
    fake.add_filer(cik, name)
    acc = f"{cik}-26-000001"
    fake.add_filing(cik, acc, "13F-HR", dt.date(2026, 8, 14), dt.date(2026, 6, 30),
                    filing_text(cik, name, acc, dt.date(2026, 6, 30), dt.date(2026, 8, 14),
                                [Row()]))  # fmt: skip
    return cik, name, acc


def follow(ctx, cik, name):
    from core.services.following import Following

    Following(ctx.db, ctx.settings).follow(cik, name)


def test_429_is_retried_after_retry_after(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake)
    fake.faults[INDEX].append(("status", 429, {"Retry-After": "2"}))
    report = run_sync(sec_ctx)
    assert report.ok and [i.accession for i in report.filers[0].imported] == [NEW_NVIDIA]
    first, second = fake.requests_to(INDEX)[:2]
    assert second.at - first.at >= 2.0


def test_5xx_is_retried_with_backoff(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake)
    archive = f"/Archives/edgar/data/1045810/{NEW_NVIDIA.replace('-', '')}/{NEW_NVIDIA}.txt"
    fake.faults[archive] += [("status", 503, {}), ("status", 500, {})]
    report = run_sync(sec_ctx)
    assert report.ok and len(report.filers[0].imported) == 1
    assert len(fake.requests_to(archive)) == 3


def test_a_hung_filer_is_abandoned_at_the_deadline_and_the_others_synced(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake)
    fake.hang.add(f"/Archives/edgar/data/1045810/{NEW_NVIDIA.replace('-', '')}/{NEW_NVIDIA}.txt")
    cik, name, acc = other_filer(fake)
    follow(sec_ctx, cik, name)
    t = time.monotonic()
    report = run_sync(sec_ctx, deadline=3.0)
    elapsed = time.monotonic() - t
    assert elapsed < 3.0 + 3.0  # the deadline, plus mapping/facts skipped and one heartbeat
    by_cik = {f.cik: f for f in report.filers}
    assert [i.accession for i in by_cik[cik].imported] == [acc] and by_cik[cik].ok
    nvidia = by_cik[NVIDIA_CIK]
    assert not nvidia.ok and nvidia.failed[0].accession == NEW_NVIDIA
    assert "no answer" in nvidia.failed[0].reason or "deadline" in nvidia.failed[0].reason
    status = {f.cik: f for f in sec_ctx.sync.filers()}
    assert status[NVIDIA_CIK].last_synced is None  # the next sync tries again
    assert status[cik].last_synced is not None


def test_cli_sync_exit_codes_and_json(fake, sec_ctx, capsys):  # noqa: F811
    serve_nvidia(fake)
    db = sec_ctx.db.path
    rc, out = cli(db, "sync", "--json", "--since", "2024-01-01")
    assert rc == 0
    data = json.loads(out)
    (nvidia,) = data["filers"]
    assert nvidia["cik"] == NVIDIA_CIK and nvidia["failed"] == []
    assert [i["accession"] for i in nvidia["imported"]] == [NEW_NVIDIA]
    assert set(nvidia["imported"][0]) >= {"accession", "form", "period", "filed", "rows",
                                          "total_value"}  # fmt: skip
    assert data["requests"] >= 2 and "mapped" in data
    rc, out = cli(db, "sync")
    assert rc == 0 and "nothing new" in out
    # A filer whose index fails: exit 3, said which and why.
    fake.faults[INDEX] += [("status", 404, {})]
    rc, out = cli(db, "sync")
    err = capsys.readouterr().err
    assert rc == 3 and "NVIDIA" in err and "404" in err
    # Bad input: exit 2 before any request.
    before = len(fake.log)
    for argv in (["sync", "--portfolio", "No Such Fund"], ["sync", "--since", "2026-13-01"],
                 ["follow", "12ab"], ["unfollow", "No Such Fund"]):
        rc, _ = cli(db, *argv)
        assert rc == 2, argv
    assert len(fake.log) == before


def test_missing_contact_refused_before_any_request(fake, sec_ctx, monkeypatch, capsys):  # noqa: F811
    serve_nvidia(fake)
    monkeypatch.delenv("STAKEWATCH_SEC_CONTACT")
    for argv in (["sync"], ["follow", "1894188"]):
        rc, _ = cli(sec_ctx.db.path, *argv)
        err = capsys.readouterr().err.strip().splitlines()
        assert rc == 2 and len(err) == 1 and err[0].startswith("error:")
        assert "stakewatch settings sec_contact" in err[0]
    assert fake.log == []
    # With --name, follow sends nothing and needs no contact.
    rc, _ = cli(sec_ctx.db.path, "follow", "1894188", "--name", "LTS One")
    assert rc == 0 and fake.log == []


def test_the_server_refuses_undeclared_clients_like_edgar(fake):  # noqa: F811
    import urllib.error
    import urllib.request

    serve_nvidia(fake)
    try:
        urllib.request.urlopen(fake.url + INDEX, timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    else:
        raise AssertionError("an anonymous request was answered")


def test_follow_unfollow_and_portfolios_json(fake, sec_ctx):  # noqa: F811
    db = sec_ctx.db.path
    cik, _, _ = other_filer(fake, "0000666002", "STEADY TWO LLC")
    rc, out = cli(db, "follow", "666002")
    assert rc == 0 and "STEADY TWO LLC" in out  # the name came from EDGAR
    rc, out = cli(db, "follow", "999999")
    assert rc == 2  # EDGAR knows no such filer
    rc, out = cli(db, "sync", "--portfolio", "666002")
    assert rc == 0
    rc, out = cli(db, "portfolios", "--json")
    rows = {p["cik"]: p for p in json.loads(out)}
    assert rows[cik]["followed"] is True and rows[cik]["last_synced"]
    assert rows[NVIDIA_CIK]["followed"] is True and rows[NVIDIA_CIK]["last_synced"] is None
    rc, out = cli(db, "unfollow", "666002")
    assert rc == 0
    rc, out = cli(db, "portfolios", "--json")
    rows = {p["cik"]: p for p in json.loads(out)}
    assert rows[cik]["followed"] is False and rows[cik]["reports"] == 1  # data kept


def test_offline_sync_sends_nothing_and_says_what_is_due(fake, sec_ctx):  # noqa: F811
    rc, out = cli(sec_ctx.db.path, "sync", "--offline")
    assert rc == 0 and fake.log == []
    assert "NVIDIA Corp" in out and "2026-06-30" in out


def test_network_down_is_exit_3(fake, sec_ctx, capsys):  # noqa: F811
    fake.close()
    rc, _ = cli(sec_ctx.db.path, "sync", "--deadline", "5")
    assert rc == 3
    assert "cannot connect" in capsys.readouterr().err


def test_stake_from_shares_outstanding(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake, with_new=False)
    fake.tickers = [("1769628", "CRWV", "CoreWeave, Inc."), ("1045810", "NVDA", "NVIDIA CORP")]
    fake.add_shares_outstanding("1769628", "CoreWeave, Inc.", [
        ("2026-04-30", 480_000_000, "0001769628-26-000010"),
        ("2026-07-31", 490_000_000, "0001769628-26-000020"),
    ])  # fmt: skip
    rc, out = cli(sec_ctx.db.path, "sync")
    assert rc == 0
    rc, out = cli(sec_ctx.db.path, "holdings", "--json")
    positions = {p["ticker"]: p for p in json.loads(out)["positions"]}
    crwv = positions["CRWV"]
    assert crwv["shares_outstanding_date"] == "2026-07-31"
    assert crwv["stake"] == crwv["shares"] / 490_000_000
    unknown = [p for t, p in positions.items() if t != "CRWV"]
    assert unknown and all(p["stake"] is None and p["shares_outstanding_date"] is None
                           for p in unknown)  # fmt: skip
