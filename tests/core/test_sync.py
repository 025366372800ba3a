"""Sync from a local fake EDGAR: what is imported, what is ignored, what is not asked twice."""

from __future__ import annotations

import datetime as dt

from tests.builders import Row
from tests.core.sec_fixtures import CONTACT, fake, run_sync, sec_ctx  # noqa: F401
from tests.fake_sec import NEW_NVIDIA, NVIDIA_CIK, filing_text, serve_nvidia, serve_samples


def archive_requests(fake):  # noqa: F811
    return fake.requests_to("/Archives/")


def test_new_filing_imported_and_other_forms_ignored(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake)
    report = run_sync(sec_ctx)
    (nvidia,) = report.filers
    assert nvidia.cik == NVIDIA_CIK and nvidia.ok
    assert [i.accession for i in nvidia.imported] == [NEW_NVIDIA]
    got = nvidia.imported[0]
    assert (got.form, got.period, got.filed) == ("13F-HR", dt.date(2026, 9, 30),
                                                  dt.date(2026, 11, 13))  # fmt: skip
    # Only the new 13F-HR was downloaded: not the bundled ones, not 10-Q, 4, SC 13G, 13F-NT.
    assert [r.path.rsplit("/", 1)[1] for r in archive_requests(fake)] == [f"{NEW_NVIDIA}.txt"]
    h = sec_ctx.queries.holdings(sec_ctx.queries.portfolio(), dt.date(2026, 9, 30))
    assert h.accessions == (NEW_NVIDIA,)
    assert got.rows == len(h.positions)
    assert got.total_value == h.total_value
    assert {"67066G104", "594918104"} <= {p.cusip for p in h.positions}


def test_second_sync_downloads_nothing(fake, sec_ctx):  # noqa: F811
    serve_nvidia(fake)
    first = run_sync(sec_ctx)
    assert len(first.imported) == 1
    before = len(fake.log)
    second = run_sync(sec_ctx)
    assert second.imported == [] and second.ok
    new = fake.log[before:]
    assert [r.path for r in new] == [f"/submissions/CIK{NVIDIA_CIK}.json"]
    status = {f.cik: f for f in sec_ctx.sync.filers()}
    assert status[NVIDIA_CIK].last_synced is not None


def test_real_filings_imported_as_filed(fake, sec_ctx):  # noqa: F811
    """Two real EDGAR submissions (text and SGML dissemination formats) via sync."""
    serve_samples(fake)
    sec_ctx.sync  # noqa: B018 (the property builds; following is what we test next)
    from core.services.following import Following

    following = Following(sec_ctx.db, sec_ctx.settings)
    following.follow("1894188", "LTS One Management LP")
    following.follow("1994827", "Acorn Creek Capital LLC")
    report = run_sync(sec_ctx, "1894188", "1994827", since=dt.date(2023, 1, 1))
    got = {f.cik: f.imported for f in report.filers}
    (lts,) = got["0001894188"]
    (acorn,) = got["0001994827"]
    assert (lts.rows, lts.total_value, lts.period) == (14, 454_926_000, dt.date(2023, 9, 30))
    assert (acorn.rows, acorn.total_value) == (77, 194_611_845)


def test_amendments_applied(fake, sec_ctx):  # noqa: F811
    cik, name = "0000777001", "AMEND CAPITAL LLC"
    fake.add_filer(cik, name)
    period = dt.date(2026, 6, 30)
    original = [Row(cusip="21873S108", value=1000, shares=10),
                Row(cusip="594918104", issuer="MICROSOFT CORP", value=500, shares=5)]
    restated = [Row(cusip="21873S108", value=3000, shares=30)]
    added = [Row(cusip="67066G104", issuer="NVIDIA CORP", value=700, shares=7)]
    docs = [("0000777001-26-000001", "13F-HR", dt.date(2026, 8, 10), original, None),
            ("0000777001-26-000002", "13F-HR/A", dt.date(2026, 8, 20), restated, "RESTATEMENT"),
            ("0000777001-26-000003", "13F-HR/A", dt.date(2026, 9, 1), added, "NEW HOLDINGS")]
    for acc, form, filed, rows, amendment in docs:
        fake.add_filing(cik, acc, form, filed, period,
                        filing_text(cik, name, acc, period, filed, rows, form, amendment))
    from core.services.following import Following

    Following(sec_ctx.db, sec_ctx.settings).follow(cik, name)
    report = run_sync(sec_ctx, cik)
    (f,) = report.filers
    assert [(i.form, i.amendment_type) for i in f.imported] == [
        ("13F-HR", None), ("13F-HR/A", "RESTATEMENT"), ("13F-HR/A", "NEW HOLDINGS")]
    h = sec_ctx.queries.holdings(sec_ctx.queries.portfolio(cik), period)
    assert {p.cusip: p.shares for p in h.positions} == {"21873S108": 30, "67066G104": 7}


def test_a_bad_filing_is_reported_skipped_and_not_fetched_again(fake, sec_ctx):  # noqa: F811
    cik, name = "0000777002", "MIXED CAPITAL LLC"
    fake.add_filer(cik, name)
    good = filing_text(cik, name, "0000777002-26-000002", dt.date(2026, 6, 30),
                       dt.date(2026, 8, 14), [Row()])
    fake.add_filing(cik, "0000777002-26-000001", "13F-HR", dt.date(2026, 5, 15),
                    dt.date(2026, 3, 31), "<SEC-DOCUMENT>broken, no cover page</SEC-DOCUMENT>")
    fake.add_filing(cik, "0000777002-26-000002", "13F-HR", dt.date(2026, 8, 14),
                    dt.date(2026, 6, 30), good)
    from core.services.following import Following

    Following(sec_ctx.db, sec_ctx.settings).follow(cik, name)
    report = run_sync(sec_ctx, cik)
    (f,) = report.filers
    assert [i.accession for i in f.imported] == ["0000777002-26-000002"]
    assert [x.accession for x in f.failed] == ["0000777002-26-000001"]
    assert f.failed[0].reason and not report.ok
    before = len(archive_requests(fake))
    again = run_sync(sec_ctx, cik, since=dt.date(2026, 1, 1))  # reaches back to it
    assert again.ok and [x.accession for x in again.filers[0].skipped] == [
        "0000777002-26-000001"]
    assert len(archive_requests(fake)) == before


def test_older_index_pages_only_when_since_reaches_them(fake, sec_ctx):  # noqa: F811
    cik, name = "0000777003", "OLD HAND LLC"
    f = fake.add_filer(cik, name)
    f.older.append([])
    new_acc, old_acc = "0000777003-26-000001", "0000777003-22-000001"
    fake.add_filing(cik, new_acc, "13F-HR", dt.date(2026, 8, 14), dt.date(2026, 6, 30),
                    filing_text(cik, name, new_acc, dt.date(2026, 6, 30), dt.date(2026, 8, 14),
                                [Row()]))  # fmt: skip
    fake.add_filing(cik, old_acc, "13F-HR", dt.date(2022, 2, 14), dt.date(2021, 12, 31),
                    filing_text(cik, name, old_acc, dt.date(2021, 12, 31), dt.date(2022, 2, 14),
                                [Row(value=7, shares=7)]), page=0)  # fmt: skip
    from core.services.following import Following

    Following(sec_ctx.db, sec_ctx.settings).follow(cik, name)
    run_sync(sec_ctx, cik, since=dt.date(2026, 1, 1))
    assert fake.requests_to(f"/submissions/CIK{cik}-submissions-") == []
    report = run_sync(sec_ctx, cik, since=dt.date(2022, 1, 1))
    assert len(fake.requests_to(f"/submissions/CIK{cik}-submissions-001.json")) == 1
    assert [i.accession for i in report.filers[0].imported] == [old_acc]
    # Old filings are in thousands: the units rule applied by the importer.
    assert report.filers[0].imported[0].total_value == 7_000


def test_user_agent_declares_the_contact_on_every_request(fake, sec_ctx):  # noqa: F811
    from core.edgar.http import stakewatch_version

    serve_nvidia(fake)
    fake.add_figi("594918104", "MSFT", "Microsoft Corp")
    run_sync(sec_ctx)
    sec = fake.sec_requests()
    assert len(sec) >= 2
    assert {r.user_agent for r in sec} == {f"Stakewatch/{stakewatch_version()} {CONTACT}"}


def test_never_more_than_ten_requests_in_any_second(fake, sec_ctx):  # noqa: F811
    from core.services.following import Following

    following = Following(sec_ctx.db, sec_ctx.settings)
    for n in range(3):
        cik, name = f"00008880{n:02d}", f"BUSY FILER {n}"
        fake.add_filer(cik, name)
        for q in range(9):
            period = dt.date(2024 + q // 4, 3 * (q % 4) + 1, 1) - dt.timedelta(days=1)
            filed = period + dt.timedelta(days=40)
            acc = f"{cik}-{filed:%y}-{q:06d}"
            fake.add_filing(cik, acc, "13F-HR", filed, period,
                            filing_text(cik, name, acc, period, filed, [Row()]))
        following.follow(cik, name)
    sec_ctx.sync  # noqa: B018
    report = run_sync(sec_ctx, *[f"00008880{n:02d}" for n in range(3)])
    assert sum(len(f.imported) for f in report.filers) == 27
    assert len(fake.sec_requests()) >= 30
    assert fake.max_in_any_second() <= 10
