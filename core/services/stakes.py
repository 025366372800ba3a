"""A filer's stake in each company it holds: shares / the issuer's latest reported shares
outstanding (EDGAR XBRL company facts, recorded by sync), with the count's date and source;
when unknown, the reason, never a guess."""

from __future__ import annotations

from collections.abc import Iterable

from core.domain.following import PositionStake
from core.storage.database import Database
from core.storage.sync_store import SyncStore

FACT = "dei:EntityCommonStockSharesOutstanding"
OPTION = "an option: not shares of the company"
PRINCIPAL = "a principal amount (PRN), not shares"
NO_TICKER = "no ticker: shares outstanding are looked up by ticker (map the CUSIP first)"
NOT_LOOKED_UP = "shares outstanding not looked up yet (a sync with EDGAR records them)"
NOT_REGISTRANT = "the ticker is not in EDGAR's list of registrants (a foreign issuer or fund?)"
SOLD_OUT = "sold out"


def stake_of(shares: int | float, facts: tuple | None, *, put_call: str | None = None,
             share_type: str | None = "SH") -> PositionStake:  # fmt: skip
    """The stake of `shares` given the issuer's facts (SyncStore.issuer_facts)."""
    if put_call:
        return PositionStake(None, shares, reason=OPTION)
    if share_type and share_type != "SH":
        return PositionStake(None, shares, reason=PRINCIPAL)
    ticker, sec_cik, checked, outstanding, as_of = facts or (None, None, None, None, None)
    if outstanding and as_of and outstanding > 0:
        return PositionStake(float(shares) / outstanding, shares, outstanding, as_of,
                             source(sec_cik))  # fmt: skip
    if ticker is None:
        return PositionStake(None, shares, reason=NO_TICKER)
    if checked is None:
        return PositionStake(None, shares, reason=NOT_LOOKED_UP)
    if sec_cik is None:
        return PositionStake(None, shares, reason=NOT_REGISTRANT)
    return PositionStake(None, shares, reason=f"EDGAR's XBRL facts for CIK {int(sec_cik)} give "
                         "no single count of shares outstanding (none reported, or one per "
                         "share class)")  # fmt: skip


def source(sec_cik: str | None) -> str:
    cik = f" (CIK {int(sec_cik)})" if sec_cik and sec_cik.isdigit() else ""
    return f"EDGAR XBRL company facts, {FACT}{cik}"


def issuer_facts(db: Database, cusips: Iterable[str]) -> dict[str, tuple]:
    with db.session() as s:
        return SyncStore(s).issuer_facts(cusips)
