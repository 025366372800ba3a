"""Smoke check of the built tarball: unpack it and run the frozen app with no environment.

Usage: python packaging/smoke_check.py [dist/stakewatch-<version>-linux-<arch>.tar.gz]
(`make package-check` builds first, then runs this.) The frozen executable runs under
`env -i` (only HOME, pointing at a throwaway home, and QT_QPA_PLATFORM=offscreen), from a
folder whose name holds a space, with no --db: the data must land in the user data
directory and nothing may be written inside the bundle. Ends with "N passed, N failed".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
SAMPLE = ROOT.parent / "shared" / "data" / "edgar_13f_samples" / "0001894188-23-000007.txt"
BUDGET_MB = 300
APP_ID = next(PACKAGING.glob("*.desktop")).stem
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

results: list[tuple[str, bool, str]] = []


def check(name: str, test: Callable[[], str]) -> None:
    """Run one check; a failed assertion or error is recorded and the next check runs."""
    try:
        detail = test()
        results.append((name, True, detail))
        print(f"ok    {name}: {detail}", flush=True)
    except Exception as exc:  # every failure is reported, then the run goes on
        results.append((name, False, str(exc)))
        print(f"FAIL  {name}: {exc}", flush=True)


class Frozen:
    """The unpacked app, run with an empty environment and a throwaway HOME."""

    def __init__(self, exe: Path, home: Path) -> None:
        self.exe, self.home = exe, home

    def run(self, *args: str, timeout: float = 120, extra_env: tuple[str, ...] = (),
            expect: int = 0) -> subprocess.CompletedProcess:
        cmd = ["env", "-i", f"HOME={self.home}", "QT_QPA_PLATFORM=offscreen", *extra_env,
               str(self.exe), *args]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=self.home)  # fmt: skip
        if proc.returncode != expect:
            raise AssertionError(f"{' '.join(args)} exited {proc.returncode}: "
                                 f"{proc.stderr.strip()[-400:]}")  # fmt: skip
        return proc


def snapshot_tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}  # fmt: skip


def non_blank(png: Path) -> str:
    """A real picture: a PNG of the window's size with many distinct colours."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull(), f"{png} is not a readable PNG"
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}  # fmt: skip
    assert len(colours) > 50, f"only {len(colours)} colours: blank or nearly"
    return f"{image.width()}x{image.height()}, {len(colours)} colours sampled"


def validator(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        raise AssertionError(f"{tool} is missing (packaging/validators.sh installs it)")
    proc = subprocess.run([tool, *args], capture_output=True, text=True)
    out = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 0, out
    return out.splitlines()[-1] if out else "valid"


def du(folder: Path, top: int = 8) -> list[tuple[int, str]]:
    """The biggest items two levels down: what dominates the bundle."""
    sizes: dict[str, int] = {}
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            parts = p.relative_to(folder).parts
            key = "/".join(parts[: 3 if parts[0] == "_internal" and len(parts) > 2 else 2])
            sizes[key] = sizes.get(key, 0) + p.stat().st_size
    return sorted(((s, k) for k, s in sizes.items()), reverse=True)[:top]


def main(argv: list[str]) -> int:
    tarballs = [Path(argv[0])] if argv else sorted((ROOT / "dist").glob("stakewatch-*.tar.gz"))
    if not tarballs or not tarballs[-1].is_file():
        print("error: no tarball: run 'make package' first", file=sys.stderr)
        return 2
    tar_path = tarballs[-1]
    with tempfile.TemporaryDirectory(prefix="stakewatch check ") as tmp:
        tmp_dir = Path(tmp)
        home = tmp_dir / "home"
        home.mkdir()
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp_dir / "unpacked", filter="tar")
        top = next((tmp_dir / "unpacked").iterdir())
        bundle = top / "stakewatch"
        app = Frozen(bundle / "stakewatch", home)
        before = snapshot_tree(bundle)
        data_dir = home / ".local" / "share" / "Stakewatch"

        def size() -> str:
            total = sum(p.stat().st_size for p in bundle.rglob("*")
                        if p.is_file() and not p.is_symlink())  # fmt: skip
            big = ", ".join(f"{k} {s / 1e6:.0f}" for s, k in du(bundle, 6))
            assert total / 1e6 <= BUDGET_MB, f"{total / 1e6:.0f} MB is over {BUDGET_MB} MB"
            return f"{total / 1e6:.0f} MB unpacked (budget {BUDGET_MB}); largest MB: {big}"

        def version() -> str:
            out = app.run("--version").stdout.strip()
            assert out == f"stakewatch {VERSION}", f"{out!r} != 'stakewatch {VERSION}'"
            return out

        def init() -> str:
            began = time.perf_counter()
            app.run("init")
            db = data_dir / "stakewatch.sqlite3"
            assert db.is_file(), f"no database at {db}"
            return f"{db.relative_to(home)} created in {time.perf_counter() - began:.1f} s"

        def holdings() -> str:
            data = json.loads(app.run("holdings", "--period", "2025-06-30", "--json").stdout)
            crwv = next(p for p in data["positions"] if p["cusip"] == "21873S108")
            assert crwv["shares"] == 24_277_573, crwv
            assert f"{crwv['weight']:.2%}" == "91.36%", crwv
            return f"CoreWeave {crwv['shares']:,} shares, {crwv['weight']:.2%}"

        def import_13f() -> str:
            assert SAMPLE.is_file(), f"sample {SAMPLE} is missing"
            out = app.run("import-13f", str(SAMPLE)).stdout.strip()
            listing = app.run("portfolios").stdout
            assert len(listing.strip().splitlines()) >= 3, listing
            summary = [line.split(":", 1)[1].strip() for line in out.splitlines()
                       if line.strip().startswith(("rows:", "total:"))]  # fmt: skip
            assert summary, out
            return f"{summary[0]} rows, {summary[-1]}"

        def export_pdf() -> str:
            pdf = home / "book.pdf"
            app.run("export", "--format", "pdf", "--out", str(pdf))
            head = pdf.read_bytes()[:5]
            assert head == b"%PDF-", f"{pdf} starts with {head!r}"
            return f"{pdf.stat().st_size:,} bytes"

        def screenshot(page: str) -> Callable[[], str]:
            def take() -> str:
                png = home / f"{page}.png"
                app.run("screenshot", "--offline", "--page", page, "--out", str(png))
                return non_blank(png)

            return take

        def price_process() -> str:
            """The price provider's spawned child is this executable again: it must serve
            (freeze_support), not open a window. Its only way out is a proxy on a closed
            local port, so it fails fast, and nothing leaves the machine."""
            proxy = "http://127.0.0.1:9"
            began = time.perf_counter()
            proc = app.run("prices", "refresh", "NVDA", "--deadline", "30", expect=3,
                           extra_env=tuple(f"{k}={proxy}" for k in
                                           ("https_proxy", "HTTPS_PROXY", "http_proxy",
                                            "HTTP_PROXY", "ALL_PROXY")))  # fmt: skip
            took = time.perf_counter() - began
            assert "cannot connect" in proc.stdout, proc.stdout + proc.stderr
            assert took < 30, f"took {took:.0f} s: the child never answered"
            return f"exit 3 in {took:.1f} s: NVDA cannot connect (the child answered)"

        def nothing_written_in_bundle() -> str:
            after = snapshot_tree(bundle)
            changed = sorted(k for k in after.keys() | before.keys()
                             if after.get(k) != before.get(k))
            assert not changed, f"written inside the bundle: {changed[:5]}"
            made = {".local", "book.pdf", "dashboard.png", "charts.png"}
            others = [p.name for p in home.iterdir() if p.name not in made]
            assert not others, f"unexpected files in HOME: {others}"
            return f"{len(after)} bundle files unchanged; data only in {data_dir.relative_to(home)}"

        def desktop_entry() -> str:
            return validator("desktop-file-validate",
                             str(top / "share" / "applications" / f"{APP_ID}.desktop"))

        def metainfo() -> str:
            return validator("appstreamcli", "validate", "--no-net",
                             str(top / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"))

        def install_uninstall() -> str:
            prefix = tmp_dir / "prefix"
            subprocess.run(["sh", str(top / "install.sh"), f"--prefix={prefix}"], check=True,
                           capture_output=True)  # fmt: skip
            entry = prefix / "share" / "applications" / f"{APP_ID}.desktop"
            validator("desktop-file-validate", str(entry))
            installed = Frozen(prefix / "bin" / "stakewatch", home)
            assert installed.run("--version").stdout.strip() == f"stakewatch {VERSION}"
            assert (prefix / "share/icons/hicolor/512x512/apps" / f"{APP_ID}.png").is_file()
            subprocess.run(["sh", str(top / "install.sh"), f"--prefix={prefix}", "--uninstall"],
                           check=True, capture_output=True)  # fmt: skip
            left = [str(p.relative_to(prefix)) for p in prefix.rglob("*") if p.is_file()]
            assert not left, f"left after uninstall: {left[:5]}"
            return "installed, ran --version through bin/stakewatch, uninstalled, nothing left"

        check("bundle size", size)
        check("--version", version)
        check("init", init)
        check("holdings --period 2025-06-30 --json", holdings)
        check(f"import-13f {SAMPLE.name}", import_13f)
        check("export --format pdf", export_pdf)
        for page in ("dashboard", "charts"):  # charts: pyqtgraph's lazily imported parts
            check(f"screenshot --offline --page {page}", screenshot(page))
        check("prices refresh through the spawned price process", price_process)
        check("nothing written next to the bundle", nothing_written_in_bundle)
        check("desktop-file-validate", desktop_entry)
        check("appstreamcli validate", metainfo)
        check("install.sh and --uninstall", install_uninstall)
    passed = sum(ok for _, ok, _ in results)
    print(f"package-check: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
