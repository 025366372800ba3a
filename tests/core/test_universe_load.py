"""Loading a Form 13F data set: the official format's quirks, one identity per filing with
the importer, all or nothing, and nothing new the second time. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from sqlalchemy import text

from core.filings import FilingFormatError
from core.services.importer import run
from core.services.universe import UniverseLoader
from core.storage.repositories import Repository
from tests.conftest import F13, cli
from tests.universe_sets import Filing, Holding, write_set

pytestmark = pytest.mark.backends

Q1, Q2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)
CRWV = "21873S108"
NVDA = "67066G104"
TABLES = ("portfolios", "filings", "filing_rows", "filing_totals", "universe_sets",
          "universe_filers", "companies")  # fmt: skip


def counts(ctx) -> dict[str, int]:
    with ctx.db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def cusip_index(ctx) -> list[str]:
    """The columns of the rows' CUSIP index (a load may drop it and build it again)."""
    from sqlalchemy import inspect

    with ctx.db.engine.connect() as conn:
        found = [i for i in inspect(conn).get_indexes("filing_rows")
                 if i["name"] == "ix_filing_rows_cusip"]  # fmt: skip
    return found[0]["column_names"] if found else []


INDEX_COLUMNS = ["cusip", "filing_id", "share_type", "put_call", "shares", "value_usd"]


def load(ctx, path, label=None):
    return run(UniverseLoader(ctx.db).load(path, label))


def rows_of(ctx, accession):
    with ctx.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT r.issuer, r.title_of_class, r.cusip, r.figi, r.value_as_filed, r.value_usd, "
            "r.shares, r.share_type, r.put_call, r.other_managers, r.voting_none "
            "FROM filing_rows r JOIN filings f ON f.id = r.filing_id "
            "WHERE f.accession = :a ORDER BY r.row_number"), {"a": accession})]


def test_a_set_loads_with_quotes_units_notices_and_amendments(empty_ctx, tmp_path):
    path = write_set(tmp_path / "01mar2026-31may2026_form13f.zip", [
        Filing("0000000001-26-000001", "1", 'THE "QUOTED" FUND, LLC', Q1, dt.date(2026, 5, 1),
               rows=[Holding(CRWV, 1500, 10, issuer='COREWEAVE "CLASS A"\tINC',
                             title='CL "A"', figi="BBG000000001", other_manager="1,2")]),
        Filing("0000000002-22-000009", "2", "OLD TIMER LP", dt.date(2022, 9, 30),
               dt.date(2022, 11, 14), rows=[Holding(NVDA, 5, 100)]),  # thousands
        Filing("0000000002-23-000001", "2", "OLD TIMER LP", dt.date(2022, 12, 31),
               dt.date(2023, 1, 3), rows=[Holding(NVDA, 5, 100)]),  # dollars from this day
        Filing("0000000003-26-000001", "3", "NOTICE ONLY LLC", Q1, dt.date(2026, 5, 2),
               form="13F-NT"),
        Filing("0000000001-26-000002", "1", 'THE "QUOTED" FUND, LLC', Q1, dt.date(2026, 5, 20),
               form="13F-HR/A", amendment_type="NEW HOLDINGS", rows=[Holding(NVDA, 70, 7)]),
    ])  # fmt: skip
    r = load(empty_ctx, path)
    assert (r.label, r.filings, r.notices, r.rows, r.new_filings, r.known_filings) == (
        "01mar2026-31may2026", 4, 1, 4, 4, 0)
    assert r.new_filers == 2 and r.warnings == ()
    assert cusip_index(empty_ctx) == INDEX_COLUMNS
    assert rows_of(empty_ctx, "0000000001-26-000001") == [
        ('COREWEAVE "CLASS A"\tINC', 'CL "A"', CRWV, "BBG000000001", 1500, 1500, 10, "SH",
         None, "1,2", 10)]
    assert rows_of(empty_ctx, "0000000002-22-000009")[0][4:6] == (5, 5000)
    assert rows_of(empty_ctx, "0000000002-23-000001")[0][4:6] == (5, 5)
    with empty_ctx.db.session() as s:
        filings = {f.accession: f for f in Repository(s).filings()}
    assert "0000000003-26-000001" not in filings  # a 13F-NT has no holdings
    amendment = filings["0000000001-26-000002"]
    assert (amendment.form_type, amendment.amendment_type) == ("13F-HR/A", "NEW HOLDINGS")
    assert filings["0000000001-26-000001"].portfolio == 'THE "QUOTED" FUND, LLC'
    assert filings["0000000002-22-000009"].value_unit.value == "USD_THOUSANDS"
    # The positions of the filer's book: the NEW HOLDINGS amendment adds to the original.
    h = empty_ctx.queries.holdings(empty_ctx.queries.portfolio("0000000001"), Q1)
    assert {(p.cusip, p.shares) for p in h.positions} == {(CRWV, 10), (NVDA, 7)}


def test_a_set_without_the_figi_column(empty_ctx, tmp_path):
    path = write_set(tmp_path / "2023q1_form13f.zip", [
        Filing("0000000001-23-000001", "1", "A", dt.date(2023, 3, 31), dt.date(2023, 5, 1),
               rows=[Holding(CRWV, 10, 1, figi="IGNORED")])], figi=False)  # fmt: skip
    with zipfile.ZipFile(path) as zf:
        assert "FIGI" not in zf.read("INFOTABLE.tsv").decode().splitlines()[0]
    r = load(empty_ctx, path)
    assert (r.label, r.rows) == ("2023q1", 1)
    assert rows_of(empty_ctx, "0000000001-23-000001")[0][3] is None


def test_loading_again_changes_nothing(empty_ctx, tmp_path):
    path = write_set(tmp_path / "01jun2026-31aug2026_form13f.zip", [
        Filing("0000000001-26-000001", "1", "A", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 10, 1), Holding(CRWV, 20, 2)])])  # fmt: skip
    load(empty_ctx, path)
    before = counts(empty_ctx)
    with empty_ctx.db.engine.connect() as conn:
        loaded_at = conn.execute(text("SELECT loaded_at FROM universe_sets")).scalar()
    again = load(empty_ctx, path)
    assert again.already_loaded and again.rows_stored == 0
    # A re-upload (the _2 file) of the same filings: same label, nothing new stored.
    copy = tmp_path / "01jun2026-31aug2026_form13f_2.zip"
    write_set(copy, [Filing("0000000001-26-000001", "1", "A", Q2, dt.date(2026, 8, 1),
                            rows=[Holding(CRWV, 10, 1), Holding(CRWV, 20, 2)])], level=9)
    third = load(empty_ctx, copy)
    assert (third.label, third.new_filings, third.known_filings, third.warnings) == (
        "01jun2026-31aug2026", 0, 1, ())
    assert counts(empty_ctx) == before
    with empty_ctx.db.engine.connect() as conn:
        assert conn.execute(text("SELECT loaded_at FROM universe_sets")).scalar() >= loaded_at


def test_new_filers_counts_only_the_portfolios_a_load_made(empty_ctx, tmp_path):
    """The next quarter of the same filers makes no portfolio: 0 new filers, not one per
    filing (one filer is new that quarter)."""
    first = write_set(tmp_path / "01mar2026-31may2026_form13f.zip", [
        Filing("0000000001-26-000001", "1", "ALPHA", Q1, dt.date(2026, 5, 1),
               rows=[Holding(CRWV, 10, 1)]),
        Filing("0000000002-26-000001", "2", "BETA", Q1, dt.date(2026, 5, 1),
               rows=[Holding(CRWV, 20, 2)])])  # fmt: skip
    assert load(empty_ctx, first).new_filers == 2
    second = write_set(tmp_path / "01jun2026-31aug2026_form13f.zip", [
        Filing("0000000001-26-000002", "1", "ALPHA", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 10, 1)]),
        Filing("0000000002-26-000002", "2", "BETA", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 20, 2)]),
        Filing("0000000003-26-000001", "3", "GAMMA", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 30, 3)])])  # fmt: skip
    r = load(empty_ctx, second)
    assert (r.new_filings, r.new_filers) == (3, 1)
    assert counts(empty_ctx)["portfolios"] == 3


def test_a_filing_imported_from_edgar_is_the_same_filing(empty_ctx, tmp_path):
    imported = run(empty_ctx.importer.import_path(F13 / "0001894188-23-000007.txt"))
    acc = imported.accession
    stored = rows_of(empty_ctx, acc)
    as_set = [Holding(c, v, sh, issuer=i, title=t, share_type=st, put_call=pc)
              for i, t, c, _f, v, _u, sh, st, pc, _o, _n in stored]
    same = Filing(acc, "1894188", "LTS ONE MANAGEMENT LP", dt.date(2023, 9, 30),
                  dt.date(2023, 11, 14), rows=as_set)
    other = Filing("0000000009-23-000001", "9", "SOMEONE ELSE", dt.date(2023, 9, 30),
                   dt.date(2023, 11, 14), rows=as_set[:2])
    before = counts(empty_ctx)
    r = load(empty_ctx, write_set(tmp_path / "01sep2023-30nov2023_form13f.zip", [same, other]))
    assert (r.new_filings, r.known_filings, r.rows, r.rows_stored, r.warnings) == (
        1, 1, len(stored) + 2, 2, ())
    after = counts(empty_ctx)
    assert after["filings"] == before["filings"] + 1
    assert after["filing_rows"] == before["filing_rows"] + 2
    assert rows_of(empty_ctx, acc) == stored  # the imported rows, untouched
    # A set whose rows for that filing differ says so, and keeps the stored rows.
    as_set[0].shares += 1
    r = load(empty_ctx, write_set(tmp_path / "x_form13f.zip", [same]), "different")
    assert len(r.warnings) == 1 and acc in r.warnings[0] and "differ" in r.warnings[0]
    assert rows_of(empty_ctx, acc) == stored


def test_a_bad_row_late_in_the_table_leaves_nothing(empty_ctx, tmp_path):
    good = [Filing(f"0000000001-26-{i:06d}", str(i + 1), f"FILER {i}", Q2, dt.date(2026, 8, 1),
                   rows=[Holding(CRWV, 10, 1)] * 30) for i in range(1500)]  # fmt: skip
    good[-1].rows = [Holding(CRWV, 10, 1), Holding(CRWV, 10, 1, share_type="XX")]  # row 44,972
    before = counts(empty_ctx)
    with pytest.raises(FilingFormatError, match=r"INFOTABLE line 44973: SSHPRNAMTTYPE 'XX'"):
        load(empty_ctx, write_set(tmp_path / "bad_form13f.zip", good))
    assert counts(empty_ctx) == before
    assert cusip_index(empty_ctx) == INDEX_COLUMNS  # dropped for the load, back with the rest


def test_cancel_midway_leaves_nothing(empty_ctx, tmp_path):
    big = [Filing(f"0000000001-26-{i:06d}", str(i + 1), f"FILER {i}", Q2, dt.date(2026, 8, 1),
                  rows=[Holding(CRWV, 10, 1)] * 30) for i in range(1500)]  # fmt: skip
    before = counts(empty_ctx)
    gen = UniverseLoader(empty_ctx.db).load(write_set(tmp_path / "big_form13f.zip", big))
    while (p := next(gen)).stage != "holdings":
        pass
    assert 0 < p.rows < 45_000  # a first piece of the table is stored
    gen.close()  # what Cancel does
    assert counts(empty_ctx) == before


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("not a zip"), "not a readable zip file"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("SUBMISSION.tsv", "ACCESSION_NUMBER\n"),
     "lacks COVERPAGE.tsv, SUMMARYPAGE.tsv, INFOTABLE.tsv"),
])  # fmt: skip
def test_not_a_data_set_is_one_error_line(ctx, db_url, tmp_path, capsys, make, message):
    path = tmp_path / "x.zip"
    make(path)
    before = counts(ctx)
    rc, _ = cli(db_url, "universe", "load", str(path))
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and err.startswith("error:") and message in err
    assert counts(ctx) == before


def test_universe_filers_stay_out_of_the_portfolio_list_until_followed(ctx, db_url, tmp_path):
    load(ctx, write_set(tmp_path / "s_form13f.zip", [
        Filing("0000000001-26-000001", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 10, 1)])]))  # fmt: skip
    assert [p.name for p in ctx.queries.portfolios()] == ["NVIDIA Corp"]
    rc, out = cli(db_url, "portfolios")
    assert rc == 0 and "ALPHA" not in out and "NVIDIA" in out
    p = ctx.queries.portfolio("1")  # opens by CIK (from search or a holders list)
    assert p.name == "ALPHA CAPITAL"
    assert cli(db_url, "follow", "1", "--name", "ALPHA CAPITAL")[0] == 0
    assert [p.name for p in ctx.queries.portfolios()] == ["ALPHA CAPITAL", "NVIDIA Corp"]
    rc, out = cli(db_url, "universe", "list", "--json")
    assert rc == 0 and '"label": "s"' in out and '"filings": 1' in out


@pytest.mark.parametrize("piece", [37, 2 * 2**20])
def test_quoted_fields_across_the_pieces_the_table_is_read_in(empty_ctx, tmp_path,
                                                               monkeypatch, piece):  # fmt: skip
    from core.universe import dataset

    monkeypatch.setattr(dataset, "_PIECE", piece)  # 37: every record crosses a piece's end
    odd = ['A "B" C', '"LEADING', 'TAB\tINSIDE', 'LINE\nBREAK', 'PLAIN', '""', "END"]
    path = write_set(tmp_path / "q_form13f.zip", [
        Filing("0000000001-26-000001", "1", "Q", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, k, k + 1, issuer=name) for k, name in enumerate(odd)])])
    with zipfile.ZipFile(path) as zf:
        assert '"A ""B"" C"' in zf.read("INFOTABLE.tsv").decode()  # the official quoting
    assert load(empty_ctx, path).rows_stored == len(odd)
    assert [r[0] for r in rows_of(empty_ctx, "0000000001-26-000001")] == odd


def test_the_universe_stays_out_of_the_security_master_and_price_refresh(ctx, tmp_path):
    with ctx.db.session() as s:
        Repository(s).set_ticker("037833100", "AAPL", "APPLE INC")
        companies = Repository(s).company_count()
        held = Repository(s).held_tickers()
    assert "AAPL" not in held
    load(ctx, write_set(tmp_path / "s_form13f.zip", [
        Filing("0000000001-26-000001", "1", "ALPHA CAPITAL", Q2, dt.date(2026, 8, 1),
               rows=[Holding("037833100", 10, 1), Holding("88160R101", 10, 1)])]))
    with ctx.db.session() as s:
        repo = Repository(s)
        assert repo.company_count() == companies  # no company per universe CUSIP
        assert repo.held_tickers() == held  # prices are not fetched for the universe
        counts = {c.cusip: c.reports for c in repo.companies()}
        assert counts["037833100"] == 0
    assert cli_follow(ctx, "1")
    with ctx.db.session() as s:
        assert "AAPL" in Repository(s).held_tickers()  # a followed filer's book counts


def cli_follow(ctx, cik: str) -> bool:
    from core.services.following import Following

    return Following(ctx.db, ctx.settings).follow(cik, "ALPHA CAPITAL").portfolio is not None


def test_a_short_row_is_named_by_its_line_and_leaves_nothing(empty_ctx, tmp_path):
    path = write_set(tmp_path / "s_form13f.zip", [
        Filing("0000000001-26-000001", "1", "A", Q2, dt.date(2026, 8, 1),
               rows=[Holding(CRWV, 10, 1)] * 3)])  # fmt: skip
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    lines = members["INFOTABLE.tsv"].decode().split("\n")
    lines[3] = "\t".join(lines[3].split("\t")[:5])  # the third holding, file line 4
    members["INFOTABLE.tsv"] = "\n".join(lines).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    before = counts(empty_ctx)
    with pytest.raises(FilingFormatError, match=r"INFOTABLE(\.tsv)? line 4"):
        load(empty_ctx, path)
    assert counts(empty_ctx) == before


def test_backslashes_and_nulls_are_stored_as_filed(empty_ctx, tmp_path):
    """COPY's text format gives backslashes and \\N a meaning of their own: a field holding
    them is stored as it was filed; empty fields are nulls."""
    odd = ["C:\\FUNDS\\A", "\\N", "ENDS WITH \\", "TAB\tAND\\t"]
    filings = [Filing("0000000011-26-000001", "11", "BACKSLASH LLC", dt.date(2026, 6, 30),
                      dt.date(2026, 8, 1), rows=[Holding(CRWV, 10 + i, 1, issuer=name,
                                                         other_manager=name if i else None)
                                                 for i, name in enumerate(odd)])]  # fmt: skip
    run(UniverseLoader(empty_ctx.db).load(write_set(tmp_path / "2026q2_form13f.zip", filings)))
    with empty_ctx.db.session() as s:
        got = s.execute(text("SELECT issuer, other_managers, figi FROM filing_rows "
                             "ORDER BY row_number")).all()  # fmt: skip
    assert [tuple(r) for r in got] == [(name, name if i else None, None)
                                       for i, name in enumerate(odd)]
