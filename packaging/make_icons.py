"""Render the icon's SVG source to PNGs (16 to 512 px) and the .ico / .icns the build needs.

Usage: python packaging/make_icons.py OUT_DIR [SVG]
Writes OUT_DIR/png/<size>.png, OUT_DIR/stakewatch.ico and OUT_DIR/stakewatch.icns. Qt renders
(offscreen, no display needed); the .ico and .icns containers hold PNG images and are
written here byte by byte, so no image plugin or Pillow is needed on any platform.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "stakewatch.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# ICNS chunk types that hold a PNG of the given size (Apple's names, "ic10" is 512@2x).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render_pngs(svg: Path, sizes=SIZES) -> dict[int, bytes]:
    """Each size rendered from the vector source (never scaled from another bitmap)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not a valid SVG")
    pngs = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        pngs[size] = bytes(data.data())
    return pngs


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon: ICONDIR, one ICONDIRENTRY per size <= 256, PNG payloads."""
    sizes = [s for s in sorted(pngs) if s <= 256]
    offset = 6 + 16 * len(sizes)
    head, body = [struct.pack("<HHH", 0, 1, len(sizes))], []
    for s in sizes:
        data = pngs[s]
        dim = 0 if s == 256 else s  # 0 means 256 in an ICONDIRENTRY
        head.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        body.append(data)
        offset += len(data)
    return b"".join(head + body)


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon: 'icns', total length, then (type, length, PNG) chunks."""
    chunks = [t + struct.pack(">I", 8 + len(pngs[s])) + pngs[s]
              for s, t in ICNS_TYPES.items() if s in pngs]  # fmt: skip
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out: Path, svg: Path = SOURCE) -> list[Path]:
    pngs = render_pngs(svg)
    (out / "png").mkdir(parents=True, exist_ok=True)
    written = []
    for size, data in pngs.items():
        path = out / "png" / f"{size}.png"
        path.write_bytes(data)
        written.append(path)
    for name, data in (("stakewatch.ico", ico(pngs)), ("stakewatch.icns", icns(pngs))):
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    files = write_icons(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else SOURCE)
    print(f"icons: {len(files)} files in {sys.argv[1]}")
