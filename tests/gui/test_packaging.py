"""The packaging inputs agree with the app: one id, one version, valid icons, a working
install.sh. (The full PyInstaller build and its frozen smoke run are `make package-check`.)"""

from __future__ import annotations

import configparser
import os
import struct
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from lxml import etree
from PySide6.QtGui import QGuiApplication, QImage

from gui import app as gui_app
from gui.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = gui_app.APP_ID
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"

sys.path.insert(0, str(PACKAGING))
import make_icons  # noqa: E402 (packaging/ is not a package: it holds build scripts)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_packaging_inputs_exist_and_the_spec_compiles():
    for name in ("stakewatch.spec", "stakewatch_entry.py", "build.py", "install.sh",
                 "smoke_check.py", "validators.sh", DESKTOP.name, METAINFO.name):
        assert (PACKAGING / name).is_file(), name
    assert (ROOT / "resources" / "stakewatch.svg").is_file()
    spec = (PACKAGING / "stakewatch.spec").read_text()
    compile(spec, "stakewatch.spec", "exec")  # a syntax error would only show in the build
    assert "copy_metadata(\"stakewatch\")" in spec  # --version needs the metadata when frozen
    assert os.access(PACKAGING / "install.sh", os.X_OK)


def test_version_comes_from_the_package_metadata(capsys):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("stakewatch") == pyproject
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"stakewatch {pyproject}"


def test_the_desktop_entry_names_the_app_as_the_window_does(qapp):
    entry = desktop_entry()
    application = gui_app.application()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "stakewatch"
    assert entry["Icon"] == APP_ID
    assert entry["Categories"] == "Office;Finance;"
    assert len(entry["Keywords"].rstrip(";").split(";")) >= 5
    # Wayland matches the window by the desktop file name, X11 docks by WM_CLASS.
    assert QGuiApplication.desktopFileName() == DESKTOP.stem
    assert entry["StartupWMClass"] == application.applicationName()
    assert not application.windowIcon().isNull()


def test_the_metainfo_describes_this_release():
    root = etree.parse(str(METAINFO)).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license")
    assert root.findtext("summary") and root.find("description/p") is not None
    assert root.find("content_rating").get("type").startswith("oars-")
    newest = root.find("releases/release")
    assert newest.get("version") == version("stakewatch")
    assert len(newest.get("date")) == 10
    images = [Path(e.text).name for e in root.iter("image")]
    assert images, "no screenshots"
    for name in images:  # each screenshot is one the repository keeps up to date
        assert (ROOT / "docs" / "screenshots" / name).is_file(), name


def test_icons_are_rendered_from_the_svg_at_every_size(qapp, tmp_path):
    written = make_icons.write_icons(tmp_path)
    for size in make_icons.SIZES:
        image = QImage(str(tmp_path / "png" / f"{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not empty
        assert image.pixelColor(0, 0).alpha() == 0  # rounded corner: transparent
    ico = (tmp_path / "stakewatch.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len([s for s in make_icons.SIZES if s <= 256]))
    icns = (tmp_path / "stakewatch.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert len(written) == len(make_icons.SIZES) + 2


def test_about_shows_the_version_and_the_data_provenance(qapp):
    from gui.about import about_html

    text = about_html()
    assert f"Stakewatch {version('stakewatch')}" in text
    assert "CIK 1045810" in text and "resources/nvidia_13f/README.md" in text


def unpacked_bundle(tmp_path: Path) -> Path:
    """A stand-in unpacked tarball: the same layout build.py writes."""
    unpacked = tmp_path / "stakewatch-0-linux-x86_64"
    (unpacked / "stakewatch" / "_internal").mkdir(parents=True)
    (unpacked / "stakewatch" / "_internal" / "libpython.so").write_text("stand-in\n")
    exe = unpacked / "stakewatch" / "stakewatch"
    exe.write_text("#!/bin/sh\necho stand-in\n")
    exe.chmod(0o755)
    for rel, src in ((f"share/applications/{DESKTOP.name}", DESKTOP),
                     (f"share/metainfo/{METAINFO.name}", METAINFO),
                     (f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                      ROOT / "resources" / "stakewatch.svg")):  # fmt: skip
        (unpacked / rel).parent.mkdir(parents=True, exist_ok=True)
        (unpacked / rel).write_bytes(src.read_bytes())
    (unpacked / "install.sh").write_bytes((PACKAGING / "install.sh").read_bytes())
    return unpacked


def run_install(unpacked: Path, prefix: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(unpacked.parent)}
    return subprocess.run(["sh", str(unpacked / "install.sh"), f"--prefix={prefix}", *args],
                          capture_output=True, text=True, env=env)  # fmt: skip


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*"))}  # fmt: skip


def exec_argument(value: str) -> str:
    """Read an Exec= value as the Desktop Entry spec says a launcher does: the string
    escapes first (\\\\ is one backslash), then one double-quoted argument (\\" \\` \\$
    \\\\ inside), then %% (a literal %)."""
    string, i = "", 0
    while i < len(value):  # the string type's escapes
        if value[i] == "\\" and i + 1 < len(value):
            string += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[value[i + 1]]
            i += 2
        else:
            string += value[i]
            i += 1
    assert string.startswith('"') and string.endswith('"'), string
    inner, arg, i = string[1:-1], "", 0
    while i < len(inner):
        if inner[i] == "\\":
            assert inner[i + 1] in '"`$\\', inner  # only these may be escaped
            arg += inner[i + 1]
            i += 2
        else:
            assert inner[i] not in '"`$', inner  # reserved: must have been escaped
            arg += inner[i]
            i += 1
    assert "%" not in arg.replace("%%", ""), arg
    return arg.replace("%%", "%")


@pytest.mark.parametrize("name", ["plain", 'a prefix "quoted" $HOME `id` 100% back\\slash'])
def test_exec_is_quoted_as_the_spec_says_and_validates(tmp_path, name):
    unpacked = unpacked_bundle(tmp_path)
    prefix = tmp_path / name
    assert run_install(unpacked, prefix).returncode == 0
    entry = prefix / "share" / "applications" / DESKTOP.name
    [line] = [ln for ln in entry.read_text().splitlines() if ln.startswith("Exec=")]
    assert exec_argument(line[len("Exec="):]) == str(prefix / "lib" / "stakewatch" / "stakewatch")
    validator = subprocess.run(["sh", "-c", "command -v desktop-file-validate"],
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
    if not validator:
        if os.environ.get("CI"):
            pytest.fail("desktop-file-validate is missing (packaging/validators.sh installs it)")
        pytest.skip("desktop-file-validate is not installed (packaging/validators.sh)")
    check = subprocess.run([validator, str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr


def test_install_sh_lists_what_it_writes_and_removes_exactly_that(tmp_path):
    unpacked = unpacked_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    # Someone else's files where Stakewatch would go: a folder of notes, a shared bin/.
    (prefix / "lib" / "stakewatch").mkdir(parents=True)
    (prefix / "lib" / "stakewatch" / "notes.txt").write_text("mine\n")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "other-tool").write_text("theirs\n")
    before = files_under(prefix)
    assert run_install(unpacked, prefix).returncode == 0
    manifest = (prefix / "lib" / "stakewatch" / ".install-manifest").read_text().splitlines()
    assert f"f {prefix}/bin/stakewatch" in manifest
    assert f"f {prefix}/lib/stakewatch/_internal/libpython.so" in manifest
    assert not any(line.endswith(("notes.txt", "other-tool")) for line in manifest)
    assert run_install(unpacked, prefix).returncode == 0  # a reinstall: its own files only
    assert run_install(unpacked, prefix, "--uninstall").returncode == 0
    assert files_under(prefix) == before  # the notes and the other tool stay, untouched
    again = run_install(unpacked, prefix, "--uninstall")  # nothing listed: nothing removed
    assert again.returncode == 0 and files_under(prefix) == before


def test_uninstall_removes_nothing_outside_its_prefix_whatever_the_manifest_says(tmp_path):
    unpacked = unpacked_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    outside = tmp_path / "precious.txt"
    outside.write_text("the user's\n")
    climb = prefix / "lib" / "climb.txt"  # reached from inside with '..'
    assert run_install(unpacked, prefix).returncode == 0
    climb.write_text("also the user's\n")
    manifest = prefix / "lib" / "stakewatch" / ".install-manifest"
    manifest.write_text(manifest.read_text() + f"f {outside}\n"
                        f"f {prefix}/lib/stakewatch/../climb.txt\nd {tmp_path}\n")  # fmt: skip
    assert run_install(unpacked, prefix, "--uninstall").returncode == 0
    assert outside.read_text() == "the user's\n" and climb.exists()
    assert not (prefix / "bin" / "stakewatch").exists()  # its own files did go


@pytest.mark.parametrize("theirs", ["bin/stakewatch", f"share/applications/{APP_ID}.desktop",
                                    "lib/stakewatch/stakewatch"])  # fmt: skip
def test_install_sh_refuses_to_overwrite_what_it_did_not_install(tmp_path, theirs):
    unpacked = unpacked_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    (prefix / theirs).parent.mkdir(parents=True)
    (prefix / theirs).write_text("someone else's\n")
    before = files_under(prefix)
    done = run_install(unpacked, prefix)
    assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
    assert str(prefix / theirs) in done.stderr  # named
    assert files_under(prefix) == before  # and nothing changed, not even a folder


def test_install_sh_installs_for_a_prefix_and_uninstalls_everything(tmp_path):
    """install.sh on a stand-in unpacked tarball: the same layout build.py writes."""
    unpacked = tmp_path / "stakewatch-0-linux-x86_64"
    (unpacked / "stakewatch").mkdir(parents=True)
    exe = unpacked / "stakewatch" / "stakewatch"
    exe.write_text("#!/bin/sh\necho stand-in\n")
    exe.chmod(0o755)
    for rel, src in ((f"share/applications/{DESKTOP.name}", DESKTOP),
                     (f"share/metainfo/{METAINFO.name}", METAINFO),
                     (f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                      ROOT / "resources" / "stakewatch.svg")):  # fmt: skip
        (unpacked / rel).parent.mkdir(parents=True, exist_ok=True)
        (unpacked / rel).write_bytes(src.read_bytes())
    (unpacked / "install.sh").write_bytes((PACKAGING / "install.sh").read_bytes())
    prefix = tmp_path / "a prefix"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}

    def install(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", str(unpacked / "install.sh"), f"--prefix={prefix}", *args],
                              capture_output=True, text=True, env=env)  # fmt: skip

    assert install().returncode == 0
    lib = prefix / "lib" / "stakewatch"
    assert subprocess.run([prefix / "bin" / "stakewatch"], capture_output=True,
                          text=True).stdout == "stand-in\n"  # fmt: skip
    entry = (prefix / "share" / "applications" / DESKTOP.name).read_text()
    assert f'Exec="{lib}/stakewatch"' in entry.splitlines()  # full path: PATH may lack bin/
    assert (prefix / "share/icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert install().returncode == 0  # again: a clean reinstall
    assert install("--uninstall").returncode == 0
    assert [p for p in prefix.rglob("*") if not p.is_dir()] == []
    bad = install("--bogus")
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
