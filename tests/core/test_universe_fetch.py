"""`universe load --latest | LABEL` from a local stand-in for the SEC: the zips' links read
from the index page (a re-upload wins, other hosts ignored), the declared client, one
download, one error line when the set is unknown or no contact is set."""

from __future__ import annotations

import datetime as dt
import json

from core.services.universe_fetch import data_sets, label_end
from tests.conftest import cli
from tests.core.sec_fixtures import fake  # noqa: F401 (fixture)
from tests.universe_sets import Filing, Holding, write_set

CW = "21873S108"
JUN = "/files/structureddata/data/form-13f-data-sets/01jun2026-31aug2026_form13f_2.zip"
MAR = "/files/node/add/data_distribution/01mar2026-31may2026_form13f.zip"
PAGE = f"""<html><body><h1>Form 13F Data Sets</h1><table>
<tr><td><a href="/files/structureddata/data/form-13f-data-sets/01jun2026-31aug2026_form13f.zip">
June - August 2026</a></td></tr>
<tr><td><a href='{JUN}'>June - August 2026 (re-uploaded)</a></td></tr>
<tr><td><a href="{MAR}">March - May</a></td></tr>
<tr><td><a href="https://elsewhere.example/files/01sep2026-30nov2026_form13f.zip">mirror</a>
</td></tr>
<tr><td><a href="/files/dera/data/form-13f/2023q4_form13f.zip">2023 Q4</a></td></tr>
</table></body></html>"""


def serve(fake, tmp_path):  # noqa: F811
    for url, period, shares in ((JUN, dt.date(2026, 6, 30), 20), (MAR, dt.date(2026, 3, 31), 10)):
        path = write_set(tmp_path / url.rsplit("/", 1)[-1], [
            Filing(f"0000000001-26-0000{shares:02d}", "1", "ALPHA CAPITAL", period,
                   period + dt.timedelta(days=40), rows=[Holding(CW, shares * 10, shares)])])
        fake.archives[url] = path.read_bytes()
    fake.archives["/data-research/sec-markets-data/form-13f-data-sets"] = PAGE.encode()


def test_the_index_page_names_the_sets():
    found = data_sets(PAGE, "https://www.sec.gov")
    assert found == {
        "01jun2026-31aug2026": "https://www.sec.gov" + JUN,  # the re-upload, not the first
        "01mar2026-31may2026": "https://www.sec.gov" + MAR,
        "2023q4": "https://www.sec.gov/files/dera/data/form-13f/2023q4_form13f.zip",
    }  # another host's link is not followed
    assert max(found, key=label_end) == "01jun2026-31aug2026"
    assert label_end("2023q4") == dt.date(2023, 12, 31)


def test_latest_and_a_label_are_fetched_and_loaded_once(fake, tmp_path, db_file):  # noqa: F811
    serve(fake, tmp_path)
    rc, out = cli(db_file, "universe", "load", "--latest", "--json")
    assert rc == 0
    report = json.loads(out)
    assert (report["label"], report["rows_stored"]) == ("01jun2026-31aug2026", 1)
    rc, out = cli(db_file, "universe", "load", "01mar2026-31may2026")
    assert rc == 0 and "01mar2026-31may2026: 1 filings (1 new" in out
    rc, out = cli(db_file, "universe", "load", "--latest")
    assert rc == 0 and "already loaded" in out
    assert [r.path for r in fake.log if r.path.endswith(".zip")] == [JUN, MAR]  # once each
    assert all("tests@example.com" in (r.user_agent or "") for r in fake.log)
    rc, out = cli(db_file, "holders", CW, "--json")
    alpha = [h for h in json.loads(out)["holders"] if h["cik"] == "0000000001"]
    assert [(h["shares"], h["change"], h["shares_before"]) for h in alpha] == [(20, "ADDED", 10)]


def test_an_unknown_label_or_no_contact_is_one_error_line(fake, tmp_path, db_file,  # noqa: F811
                                                          capsys, monkeypatch):
    serve(fake, tmp_path)
    rc, _ = cli(db_file, "universe", "load", "01jan1999-31mar1999")
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert "no data set '01jan1999-31mar1999'; the newest are: 01jun2026-31aug2026" in err
    monkeypatch.delenv("STAKEWATCH_SEC_CONTACT")
    rc, _ = cli(db_file, "universe", "load", "--latest")
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and "contact" in err


def test_a_server_that_fails_is_exit_3_and_changes_nothing(fake, tmp_path,  # noqa: F811
                                                           db_file, capsys):
    serve(fake, tmp_path)
    fake.fail_from[JUN] = (1, 404)
    rc, _ = cli(db_file, "universe", "load", "--latest")
    err = capsys.readouterr().err
    assert rc == 3 and "cannot fetch the data set from the SEC: not found (404)" in err
    rc, out = cli(db_file, "universe", "list", "--json")
    assert rc == 0 and json.loads(out) == []
