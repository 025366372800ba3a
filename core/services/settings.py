"""User settings kept in the database: offline mode, the network deadline, quote interval,
the contact declared to EDGAR, an OpenFIGI key and how often to check for new filings."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from core.storage import quick_reads

if TYPE_CHECKING:
    from core.storage.database import Database

OFFLINE_ENV = "STAKEWATCH_OFFLINE"
SEC_CONTACT_ENV = "STAKEWATCH_SEC_CONTACT"
TEXT_SETTINGS = ("sec_contact", "openfigi_key")
CHOICES = {"cost_basis": ("fifo", "average")}
_PREFIX = "setting."


@dataclass(frozen=True, slots=True)
class Settings:
    offline: bool = False  # no network at all: every view works from the cache
    deadline: float = 20.0  # seconds a price request may take before it is abandoned
    quote_interval: int = 60  # seconds between live quote refreshes while markets are open
    sec_contact: str = ""  # "Name email" declared to EDGAR in every request's User-Agent
    openfigi_key: str = ""  # optional: larger and faster OpenFIGI batches
    sync_check_hours: int = 12  # the app checks for new filings at start when older than this
    cost_basis: str = "fifo"  # own books: which shares a sale takes (fifo, or average cost)
    benchmark: str = "SPY"  # the ticker returns are compared with


SETTING_HELP = {
    "offline": "true or false: turn the network off entirely",
    "deadline": "seconds a price request may take before it is abandoned (1-600)",
    "quote_interval": "seconds between live quote updates while US markets are open "
    "(10-3600)",
    "sec_contact": "your name and e-mail, sent to EDGAR with every request "
    f"(or ${SEC_CONTACT_ENV})",
    "openfigi_key": "optional OpenFIGI API key: bigger, faster CUSIP-to-ticker batches",
    "sync_check_hours": "the app checks for new filings at start if the last check is older "
    "(1-720 hours)",
    "cost_basis": "fifo (oldest shares sold first) or average (moving average cost)",
    "benchmark": "the ticker your returns are compared with (default SPY)",
}


class SettingsError(ValueError):
    """A setting name or value the user gave is not valid."""


def parse_value(name: str, text: str) -> bool | float | int | str:
    if name in CHOICES:
        low = text.strip().lower()
        if low not in CHOICES[name]:
            raise SettingsError(f"{name} must be {' or '.join(CHOICES[name])}, not {text!r}")
        return low
    if name == "benchmark":
        from core.services.companies import TICKER

        ticker = text.strip().upper()
        if not TICKER.match(ticker) or len(ticker) > 12:
            raise SettingsError(f"benchmark must be a ticker like SPY, not {text!r}")
        return ticker
    if name in TEXT_SETTINGS:
        return _parse_text(name, text)
    if name == "offline":
        low = text.strip().lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise SettingsError(f"offline must be true or false, not {text!r}")
    try:
        if not text.isascii():  # float() and int() take other scripts' digits ("５")
            raise ValueError(text)
        value = float(text) if name == "deadline" else int(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number (digits 0-9), not {text!r}") from None
    low, high = {"deadline": (1, 600), "sync_check_hours": (1, 720)}.get(name, (10, 3600))
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {text}")
    return value


def _parse_text(name: str, text: str) -> str:
    value = " ".join(text.split())
    if not value:
        return ""  # clears it
    if name == "sec_contact":
        from core.edgar.http import MissingContactError, check_contact

        try:
            return check_contact(value)
        except MissingContactError as exc:
            raise SettingsError(str(exc)) from None
    if not value.isascii() or " " in value or len(value) > 200:
        raise SettingsError(f"{name} must be one word of plain ASCII")
    return value


class SettingsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self) -> Settings:
        values = {}
        stored = quick_reads.meta(self.db)  # Core only: start-up never loads the ORM for it
        for f in fields(Settings):
            raw = stored.get(_PREFIX + f.name)
            if raw is not None:
                try:
                    values[f.name] = parse_value(f.name, raw)
                except SettingsError:
                    continue  # a damaged value falls back to the default
        settings = Settings(**values)
        contact = os.environ.get(SEC_CONTACT_ENV, "").strip()
        if contact:
            settings = replace(settings, sec_contact=contact)
        if os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
            settings = replace(settings, offline=True)
        return settings

    def set(self, name: str, text: str) -> Settings:
        return self.set_many({name: text})

    def set_many(self, texts: dict[str, str]) -> Settings:
        """Several settings saved as one user action: one transaction, all or none."""
        values = {}
        for name, text in texts.items():
            if name not in {f.name for f in fields(Settings)}:
                names = ", ".join(f.name for f in fields(Settings))
                raise SettingsError(f"no setting {name!r} (there are: {names})")
            value = parse_value(name, text)
            values[name] = str(value).lower() if name == "offline" else str(value)
        from core.storage.repositories import Repository

        with self.db.session() as s:
            repo = Repository(s)
            for name, value in values.items():
                repo.set_meta(_PREFIX + name, value)
        return self.load()
