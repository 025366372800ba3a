"""Each input format, namespaces, units and the cover-page checks, through the real importer."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest

from core.domain.filings import ValueUnit
from core.filings import FilingFormatError
from core.services.importer import ImportOptions, run
from tests.builders import Row, cover_page, info_table, submission
from tests.conftest import F13

pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL

LONE = ImportOptions(cik="123", name="LONE TABLE LLC", period=dt.date(2024, 3, 31),
                     filed=dt.date(2024, 5, 1))  # fmt: skip


def imp(ctx, path, options=None):
    return run(ctx.importer.import_path(path, options))


def test_full_submission_text_file(empty_ctx):
    r = imp(empty_ctx, F13 / "0001894188-23-000007.txt")
    assert (r.accession, r.filer, r.cik) == (
        "0001894188-23-000007", "LTS One Management LP", "0001894188")
    assert (r.period, r.filed) == (dt.date(2023, 9, 30), dt.date(2023, 11, 14))
    assert r.rows == 14
    assert r.total_value_usd == 454_926_000
    assert r.value_unit is ValueUnit.DOLLARS
    assert r.warnings == ()
    assert len(r.unmapped_cusips) == 14  # no tickers known for this filer's names


def test_sgml_dissemination_file_on_one_line(empty_ctx):
    r = imp(empty_ctx, F13 / "0001951757-25-000093.nc")
    assert r.accession == "0001951757-25-000093"
    assert r.filer == "ACORN CREEK CAPITAL LLC"
    assert r.rows == 77
    assert r.total_value_usd == 194_611_845
    assert r.warnings == ()


def test_lone_table_with_a_newline_before_the_declaration(empty_ctx):
    r = imp(empty_ctx, F13 / "infotable_255_rows.xml", LONE)
    assert r.rows == 255
    assert r.total_value_usd == 350_153_407
    assert r.filer == "LONE TABLE LLC"
    assert r.accession.startswith("local-")


def test_lone_table_needs_its_filing_facts(empty_ctx):
    with pytest.raises(FilingFormatError, match="--cik, --period, --filed"):
        imp(empty_ctx, F13 / "infotable_255_rows.xml")


def test_lone_table_accepts_a_given_accession(empty_ctx):
    opts = ImportOptions(cik="123", period=dt.date(2024, 3, 31), filed=dt.date(2024, 5, 1),
                         accession="000000012324000001")  # fmt: skip
    r = imp(empty_ctx, F13 / "infotable_255_rows.xml", opts)
    assert r.accession == "0000000123-24-000001"


def test_a_bad_accession_is_refused(empty_ctx):
    opts = ImportOptions(cik="123", period=dt.date(2024, 3, 31), filed=dt.date(2024, 5, 1),
                         accession="12-34")  # fmt: skip
    with pytest.raises(FilingFormatError, match="accession"):
        imp(empty_ctx, F13 / "infotable_255_rows.xml", opts)


def _holdings(ctx, cik):
    q = ctx.queries
    return q.holdings(q.portfolio(cik))


@pytest.mark.parametrize(
    ("prefix", "default_ns"), [("ns1", False), ("n1", False), ("abc", False), (None, True),
                               (None, False)],
)  # fmt: skip
def test_namespaces_prefixes_or_none(ctx, tmp_path, prefix, default_ns):
    rows = [Row(cusip="21873S108", value=500, shares=5), Row(cusip="67066G104",
            issuer="NVIDIA CORP", title="COM", value=1500, shares=15)]  # fmt: skip
    path = tmp_path / "table.xml"
    path.write_text(info_table(rows, prefix, default_ns=default_ns))
    r = imp(ctx, path, LONE)
    assert r.rows == 2 and r.total_value_usd == 2000
    h = _holdings(ctx, "123")
    assert [(p.ticker, p.shares, p.value) for p in h.positions] == [
        ("NVDA", 15, 1500), ("CRWV", 5, 500)]


def test_values_before_2023_are_thousands(empty_ctx, tmp_path):
    path = tmp_path / "0000999999-22-000001.txt"
    table = info_table([Row(value=1234, shares=10)])
    path.write_text(submission("0000999999-22-000001", cover_page(period="09-30-2022",
                    signed="11-14-2022", entries=1, total=1234), table,
                    period="20220930", filed="20221114"))  # fmt: skip
    r = imp(empty_ctx, path)
    assert r.value_unit is ValueUnit.THOUSANDS
    assert r.total_value_usd == 1_234_000
    assert r.warnings == ()
    [f] = empty_ctx.queries.filings(empty_ctx.queries.portfolio("999999"))
    assert f.value_total_usd == 1_234_000 and f.rows_value_usd == 1_234_000


def test_the_filing_date_decides_the_unit_not_the_period(empty_ctx, tmp_path):
    """A late filing for 2021 made in 2023 reports dollars (the MetLife cover page case)."""
    folder = tmp_path / "late"
    folder.mkdir()
    shutil.copy(F13 / "metlife_primary_doc_2021q4_filed_2023.xml", folder / "primary_doc.xml")
    (folder / "table.xml").write_text(info_table([Row(value=v) for v in (
        11_000_000, 19_796)]))  # fmt: skip
    r = imp(empty_ctx, folder)
    assert r.period == dt.date(2021, 12, 31)
    assert r.filed == dt.date(2023, 3, 22)  # from the signature date, and said so
    assert r.value_unit is ValueUnit.DOLLARS
    assert r.total_value_usd == 11_019_796
    assert any("signature date" in w for w in r.warnings)
    assert any("lists 6 entries" in w for w in r.warnings)  # 2 rows against 6 on the cover


def test_the_cutover_day_is_dollars(empty_ctx, tmp_path):
    for filed, unit in (("20230102", ValueUnit.THOUSANDS), ("20230103", ValueUnit.DOLLARS)):
        acc = f"0000999999-23-00000{filed[-1]}"
        path = tmp_path / f"{acc}.txt"
        path.write_text(submission(acc, cover_page(period="12-31-2022"), info_table([Row()]),
                                   period="20221231", filed=filed))  # fmt: skip
        assert imp(empty_ctx, path).value_unit is unit


def test_folder_and_zip(empty_ctx, tmp_path):
    folder = tmp_path / "0000999999-25-000001"
    folder.mkdir()
    (folder / "primary_doc.xml").write_text(cover_page(entries=2, total=3000))
    (folder / "infotable.xml").write_text(info_table([Row(value=1000), Row(
        cusip="67066G104", value=2000)]))  # fmt: skip
    r = imp(empty_ctx, folder)
    assert (r.accession, r.rows, r.total_value_usd) == ("0000999999-25-000001", 2, 3000)
    # No SEC header in a folder: the signature date stands in for the filing date, said so.
    assert r.filed == dt.date(2025, 8, 14)
    assert [w for w in r.warnings if "signature date" not in w] == []
    zpath = tmp_path / "0000999999-25-000002.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(folder / "primary_doc.xml", "primary_doc.xml")
        z.write(folder / "infotable.xml", "form13fInfoTable.xml")
    r2 = imp(empty_ctx, zpath)
    assert (r2.accession, r2.rows, r2.total_value_usd) == ("0000999999-25-000002", 2, 3000)


def test_cover_page_totals_are_checked(empty_ctx, tmp_path):
    path = tmp_path / "0000999999-25-000003.txt"
    path.write_text(submission("0000999999-25-000003", cover_page(entries=3, total=9999),
                               info_table([Row(value=1000), Row(value=2000)])))  # fmt: skip
    r = imp(empty_ctx, path)
    assert r.rows == 2
    assert any("lists 3 entries; the table has 2 rows" in w for w in r.warnings)
    assert any("total 9,999 differs from the rows' sum 3,000" in w for w in r.warnings)


def test_every_field_of_a_row_is_kept(empty_ctx, tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(info_table([Row(cusip="21873s108", issuer="COREWEAVE INC", title="COM CL A",
        value=123, shares=45, share_type="PRN", put_call="Call", discretion="DFND",
        other_manager="1,3", sole=1, shared=2, none=42)]))  # fmt: skip
    imp(empty_ctx, path, LONE)
    from sqlalchemy import text  # the test reads the stored row back as stored

    with empty_ctx.db.engine.connect() as c:
        row = c.execute(text("SELECT issuer, title_of_class, cusip, value_as_filed, value_usd, "
            "shares, share_type, put_call, investment_discretion, other_managers, voting_sole, "
            "voting_shared, voting_none FROM filing_rows")).one()  # fmt: skip
    assert tuple(row) == ("COREWEAVE INC", "COM CL A", "21873S108", 123, 123, 45, "PRN", "CALL",
                          "DFND", "1,3", 1, 2, 42)  # fmt: skip


def test_unknown_and_invalid_cusips_are_kept_and_listed(empty_ctx, tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(info_table([Row(cusip="037833100", issuer="APPLE INC", value=10),
                                Row(cusip="123456789", issuer="BAD CHECK DIGIT", value=20)]))
    r = imp(empty_ctx, path, LONE)
    assert r.rows == 2 and r.total_value_usd == 30
    assert set(r.unmapped_cusips) == {"037833100", "123456789"}
    assert any("check digit" in w and "123456789" in w for w in r.warnings)
    h = _holdings(empty_ctx, "123")
    assert {p.cusip for p in h.positions} == {"037833100", "123456789"}


def test_importing_twice_changes_nothing(ctx):
    first = imp(ctx, F13 / "0001894188-23-000007.txt")
    before = ctx.queries.filings()
    again = imp(ctx, F13 / "0001894188-23-000007.txt")
    assert not first.already_present and again.already_present
    assert ctx.queries.filings() == before


def test_progress_is_reported_and_ends_at_one(empty_ctx):
    gen = empty_ctx.importer.import_path(F13 / "0001951757-25-000093.nc")
    fractions = []
    try:
        while True:
            fractions.append(next(gen).fraction)
    except StopIteration as stop:
        report = stop.value
    assert report.rows == 77
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_an_existing_filers_name_is_kept(ctx, tmp_path):
    """A lone table for NVIDIA's CIK lands in the existing NVIDIA Corp portfolio."""
    path = tmp_path / "t.xml"
    path.write_text(info_table([Row()]))
    opts = ImportOptions(cik="1045810", name="Some other spelling", period=dt.date(2026, 9, 30),
                         filed=dt.date(2026, 11, 14))  # fmt: skip
    imp(ctx, path, opts)
    names = [p.name for p in ctx.queries.portfolios()]
    assert names == ["NVIDIA Corp"]
    assert ctx.queries.periods(ctx.queries.portfolio())[-1] == dt.date(2026, 9, 30)


def test_cover_page_alone_is_refused_with_advice(empty_ctx):
    with pytest.raises(FilingFormatError, match="cover page alone"):
        imp(empty_ctx, F13 / "Sample_13F-HR.xml")


def test_notice_is_refused(empty_ctx, tmp_path):
    with pytest.raises(FilingFormatError, match="13F-NT notice"):
        imp(empty_ctx, F13 / "Sample_13F-NT.xml")
    path = tmp_path / "0000999999-25-000009.txt"
    path.write_text(submission("0000999999-25-000009", cover_page(
        form="13F-NT", report_type="13F NOTICE"), None, form="13F-NT"))  # fmt: skip
    with pytest.raises(FilingFormatError, match="13F-NT notice"):
        imp(empty_ctx, path)


def test_missing_path(empty_ctx, tmp_path: Path):
    with pytest.raises(FilingFormatError, match="no such file"):
        imp(empty_ctx, tmp_path / "nope.txt")
