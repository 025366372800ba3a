"""Build the desktop bundle: icons from the SVG, PyInstaller from the spec, then the tarball.

Usage: python packaging/build.py   (`make package` runs it in the venv)
Makes dist/stakewatch/ (the one-folder app) and, on Linux,
dist/stakewatch-<version>-linux-<arch>.tar.gz: that folder, the desktop entry, AppStream
metadata, icons and install.sh, laid out as they install under a prefix (share/...).
Prints how long each step took and the sizes.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
ICONS = BUILD / "icons"


def app_id() -> str:
    return next(PACKAGING.glob("*.desktop")).stem


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def tree_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def build_icons() -> None:
    sys.path.insert(0, str(PACKAGING))
    from make_icons import write_icons

    shutil.rmtree(ICONS, ignore_errors=True)
    write_icons(ICONS)


def run_pyinstaller() -> Path:
    env = {**os.environ, "STAKEWATCH_ICONS": str(ICONS)}
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"),
         str(PACKAGING / "stakewatch.spec")],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return DIST / "stakewatch"


def strip_libraries(bundle: Path) -> int:
    """Debug symbols out of the collected libraries (a third of the bundle), Linux only.

    Not PyInstaller's own strip=True: it also strips the libraries auditwheel patched into
    wheels' `*.libs` folders, and numpy's BLAS then fails to load. Not the executable
    either: its archive is appended to it."""
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return 0
    internal = bundle / "_internal"
    files = [p for p in internal.rglob("*.so*")
             if p.is_file() and not p.is_symlink()
             and not any(part.endswith(".libs") for part in p.relative_to(internal).parts)]
    before = sum(p.stat().st_size for p in files)
    for start in range(0, len(files), 100):  # one strip process per 100 files
        subprocess.run(["strip", "--strip-unneeded", *map(str, files[start:start + 100])],
                       check=True)  # fmt: skip
    return before - sum(p.stat().st_size for p in files)


def tarball(bundle: Path) -> Path:
    """The folder plus what a desktop needs, under one top folder named like the file."""
    arch = platform.machine().lower() or "unknown"
    top = f"stakewatch-{version()}-linux-{arch}"
    out = DIST / f"{top}.tar.gz"
    ident = app_id()
    extras = {
        "install.sh": PACKAGING / "install.sh",
        f"share/applications/{ident}.desktop": PACKAGING / f"{ident}.desktop",
        f"share/metainfo/{ident}.metainfo.xml": PACKAGING / f"{ident}.metainfo.xml",
        f"share/icons/hicolor/scalable/apps/{ident}.svg": ROOT / "resources" / "stakewatch.svg",
    }
    for png in sorted((ICONS / "png").glob("*.png")):
        size = png.stem
        extras[f"share/icons/hicolor/{size}x{size}/apps/{ident}.png"] = png
    partial = out.with_name(out.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"{top}/stakewatch")
        for name, source in extras.items():
            info = tar.gettarinfo(source, arcname=f"{top}/{name}")
            info.mode = 0o755 if name.endswith(".sh") else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(source, "rb") as f:
                tar.addfile(info, f)
    partial.replace(out)
    return out


def main() -> int:
    began = time.perf_counter()
    build_icons()
    t_icons = time.perf_counter()
    bundle = run_pyinstaller()
    saved = strip_libraries(bundle)
    t_freeze = time.perf_counter()
    print(f"icons {t_icons - began:.1f} s, PyInstaller and strip {t_freeze - t_icons:.1f} s "
          f"(strip saved {saved / 1e6:.0f} MB)")
    print(f"bundle: {bundle} ({tree_size(bundle) / 1e6:.0f} MB unpacked)")
    if sys.platform.startswith("linux"):
        out = tarball(bundle)
        print(f"tarball: {out} ({out.stat().st_size / 1e6:.0f} MB), "
              f"{time.perf_counter() - t_freeze:.1f} s")  # fmt: skip
    print(f"package built in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
