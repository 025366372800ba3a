"""Benchmark: import a generated 50,000-row 13F information table.

Prints rows/s and peak RSS for the full import (parse + validate + store in SQLite, one
transaction) and, as the baseline in the same run, for a bare lxml iterparse of the same file.
Each measurement runs in a fresh process (median of 3) so peak RSS is its own.
Targets: >= 50,000 rows/s, peak RSS < 200 MB, import within 2x of the bare parse.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NS = "http://www.sec.gov/edgar/document/thirteenf/informationtable"

IMPORT = """
import datetime as dt, json, resource, sys, time
from core.context import AppContext
from core.services.importer import ImportOptions, run
ctx = AppContext.open(sys.argv[2], seed_data=False)
opts = ImportOptions(cik="999", name="Bench", period=dt.date(2025, 6, 30),
                     filed=dt.date(2025, 8, 14))
t = time.perf_counter()
report = run(ctx.importer.import_path(sys.argv[1], opts))
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rows": report.rows, "rss_mb": rss}))
"""

BARE = """
import json, resource, sys, time
from lxml import etree
t = time.perf_counter()
n = 0
for _, el in etree.iterparse(sys.argv[1], tag="{*}infoTable"):
    n += 1
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rows": n, "rss_mb": rss}))
"""


def cusip(rng: random.Random) -> str:
    from core.domain.cusip import check_digit

    base = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(8))
    return base + str(check_digit(base))


def generate(path: Path, rows: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    securities = [(cusip(rng), f"ISSUER {i} INC") for i in range(4000)]
    with path.open("w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f'<ns1:informationTable xmlns:ns1="{NS}">\n')
        for _ in range(rows):
            c, name = rng.choice(securities)
            shares = rng.randint(1, 10**7)
            f.write(
                f"<ns1:infoTable><ns1:nameOfIssuer>{name}</ns1:nameOfIssuer>"
                f"<ns1:titleOfClass>COM</ns1:titleOfClass><ns1:cusip>{c}</ns1:cusip>"
                f"<ns1:value>{shares * rng.randint(1, 500)}</ns1:value><ns1:shrsOrPrnAmt>"
                f"<ns1:sshPrnamt>{shares}</ns1:sshPrnamt><ns1:sshPrnamtType>SH"
                "</ns1:sshPrnamtType></ns1:shrsOrPrnAmt>"
                "<ns1:investmentDiscretion>SOLE</ns1:investmentDiscretion>"
                f"<ns1:otherManager>{rng.randint(1, 9)}</ns1:otherManager>"
                f"<ns1:votingAuthority><ns1:Sole>{shares}</ns1:Sole><ns1:Shared>0</ns1:Shared>"
                "<ns1:None>0</ns1:None></ns1:votingAuthority></ns1:infoTable>\n"
            )
        f.write("</ns1:informationTable>\n")


def measure(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        table = Path(d) / "infotable.xml"
        generate(table, a.rows)
        size_mb = table.stat().st_size / 2**20
        imports, bares = [], []
        for i in range(a.repeat):
            bares.append(measure(BARE, str(table)))
            imports.append(measure(IMPORT, str(table), str(Path(d) / f"bench{i}.sqlite3")))
    assert all(m["rows"] == a.rows for m in imports + bares)
    imp_s = statistics.median(m["seconds"] for m in imports)
    bare_s = statistics.median(m["seconds"] for m in bares)
    imp_rss = max(m["rss_mb"] for m in imports)
    bare_rss = max(m["rss_mb"] for m in bares)
    print(f"13F import benchmark: {a.rows:,} rows, {size_mb:.1f} MB information table, "
          f"median of {a.repeat} runs, each in a fresh process")  # fmt: skip
    print(f"  stakewatch import (parse+validate+store): {imp_s * 1000:8.0f} ms  "
          f"{a.rows / imp_s:>10,.0f} rows/s  peak RSS {imp_rss:6.1f} MB")
    print(f"  baseline: bare lxml iterparse:            {bare_s * 1000:8.0f} ms  "
          f"{a.rows / bare_s:>10,.0f} rows/s  peak RSS {bare_rss:6.1f} MB")
    ratio = imp_s / bare_s
    print(f"  import / bare parse: {ratio:.2f}x   (targets: >= 50,000 rows/s, < 200 MB, <= 2x)")
    ok = a.rows / imp_s >= 50_000 and imp_rss < 200 and ratio <= 2
    print("  result: " + ("all targets met" if ok else "TARGET MISSED"))


if __name__ == "__main__":
    main()
