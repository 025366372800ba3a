"""Every chart (value, concentration, prices) in every picture format (PNG, SVG), and the
PDF report, through `stakewatch export`: a real file, whole, of the right kind."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from tests.gui.test_visual_export import export


@pytest.mark.parametrize("chart", ["value", "concentration", "prices"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_chart_in_every_picture_format(tmp_path, db_file, chart, fmt):
    out = tmp_path / f"{chart}.{fmt}"
    proc = export(db_file, "--format", fmt, "--chart", chart, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    if fmt == "png":
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1200, 650)
        colours = {image.pixel(x, y) for x in range(0, 1200, 13) for y in range(0, 650, 13)}
        assert len(colours) > 3  # something was drawn, not a blank
    else:
        root = ET.parse(out).getroot()
        assert root.tag.endswith("svg")
        drawn = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("path", "polyline",
                                                                          "text", "image")]
        assert len(drawn) > 5, f"the {chart} SVG holds almost nothing"


def test_export_refuses_a_device_even_with_force(tmp_path, db_file):
    proc = export(db_file, "--format", "png", "--out", "/dev/null", "--force")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")
    assert "not a regular file" in proc.stderr
