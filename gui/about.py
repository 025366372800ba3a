"""Help > About: the version (from the package metadata) and where the bundled data comes from."""

from __future__ import annotations

import html
from importlib import resources

from PySide6.QtWidgets import QMessageBox, QWidget

PROVENANCE = "resources/nvidia_13f/README.md"


def app_version() -> str:
    """The one version: the installed (or, frozen, the bundled) package metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "unknown"


def provenance_paragraphs(count: int = 2) -> list[str]:
    """The first paragraphs of the bundled data's README: what it holds, how it was compiled."""
    text = resources.files("resources.nvidia_13f").joinpath("README.md").read_text("utf-8")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    # The README's list of known limits follows; the box names the file for it.
    kept = [p.removesuffix("Known limits:").strip() for p in paragraphs]
    return [p for p in kept if p and not p.startswith("#")][:count]


def about_html() -> str:
    data = "".join(f"<p>{html.escape(p).replace('`', '')}</p>" for p in provenance_paragraphs())
    return (
        f"<h3>Stakewatch {html.escape(app_version())}</h3>"
        "<p>Follows where big companies put their money: 13F filings at live prices, value "
        "and concentration over time. Prices from Yahoo Finance through yfinance; filings "
        "from SEC EDGAR.</p>"
        f"<p><b>Bundled data</b> (from {PROVENANCE}):</p>{data}"
        f"<p>Known limits and checks anyone can redo: {PROVENANCE}.</p>"
    )


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Stakewatch", about_html())
