"""OpenFIGI's mapping API: the only code that maps CUSIPs to tickers over the network."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.edgar.http import Deadline, HttpClient, HttpError, RateLimiter, stakewatch_version

OPENFIGI_URL_ENV = "STAKEWATCH_OPENFIGI_URL"
DEFAULT_OPENFIGI_URL = "https://api.openfigi.com"
# OpenFIGI's published limits: without a key 25 requests a minute of up to 10 jobs each;
# with a key 25 requests every 6 seconds of up to 100 jobs each.
ANONYMOUS = (10, RateLimiter(25, 61.0))
WITH_KEY = (100, RateLimiter(25, 6.1))
EQUITY_TYPES = ("Common Stock", "Depositary Receipt", "REIT", "MLP", "Closed-End Fund", "ETP")
BAD_ANSWER = "bad answer from OpenFIGI"
TICKER = re.compile(r"[A-Za-z0-9./-]{1,12}")
MAX_NAME = 200
MAX_FIELD = 40  # exchCode, marketSector, figi, securityType2: short codes


@dataclass(frozen=True, slots=True)
class Mapping:
    """What OpenFIGI says about one CUSIP: a ticker, or why there is none."""

    cusip: str
    ticker: str | None
    name: str | None = None
    figi: str | None = None
    reason: str | None = None


def openfigi_url() -> str:
    return (os.environ.get(OPENFIGI_URL_ENV, "").strip() or DEFAULT_OPENFIGI_URL).rstrip("/")


def pick_listing(cusip: str, data: Sequence[dict]) -> Mapping:
    """The US composite listing of the equity among OpenFIGI's answers for one CUSIP."""
    equity = [d for d in data if d.get("exchCode") == "US" and d.get("marketSector") == "Equity"
              and d.get("ticker")]  # fmt: skip
    if not equity:
        return Mapping(cusip, None, reason="no US equity listing")
    composite = [d for d in equity if not d.get("compositeFIGI")
                 or d.get("figi") == d.get("compositeFIGI")] or equity  # fmt: skip
    tickers = {str(d["ticker"]) for d in composite}
    if len(tickers) > 1:
        common = [d for d in composite if d.get("securityType2") in EQUITY_TYPES]
        if len({str(d["ticker"]) for d in common}) == 1:
            composite = common
        else:
            listed = ", ".join(sorted(tickers))
            return Mapping(cusip, None, reason=f"several US listings ({listed})")
    best = composite[0]
    # OpenFIGI writes share classes with a slash (BRK/B); quote providers use a dash.
    ticker = str(best["ticker"]).replace("/", "-").upper()
    return Mapping(cusip, ticker, name=best.get("name"), figi=best.get("figi"))


class OpenFigiClient:
    """POST /v3/mapping in batches that respect the key's limits; answers per CUSIP."""

    def __init__(self, api_key: str | None = None, *, url: str | None = None,
                 timeout: float = 30.0, retries: int = 4) -> None:  # fmt: skip
        self.url = (url or openfigi_url()).rstrip("/")
        self.api_key = (api_key or "").strip() or None
        self.batch_size, limiter = WITH_KEY if self.api_key else ANONYMOUS
        headers = {"User-Agent": f"Stakewatch/{stakewatch_version()}"}
        if self.api_key:
            headers["X-OPENFIGI-APIKEY"] = self.api_key
        self.http = HttpClient(headers, limiter, timeout=timeout, retries=retries)

    @property
    def requests(self) -> int:
        return self.http.requests

    @property
    def retries(self) -> int:
        return self.http.retries

    @retries.setter
    def retries(self, value: int) -> None:
        self.http.retries = value

    def map_cusips(
        self, cusips: Iterable[str], deadline: Deadline,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Mapping]:  # fmt: skip
        """Every CUSIP's Mapping; HttpError if a batch cannot be had (nothing partial)."""
        wanted = list(dict.fromkeys(cusips))
        out: list[Mapping] = []
        for i in range(0, len(wanted), self.batch_size):
            batch = wanted[i : i + self.batch_size]
            jobs = [{"idType": "ID_CUSIP", "idValue": c, "exchCode": "US"} for c in batch]
            answer = self.http.post_json(f"{self.url}/v3/mapping", jobs, deadline)
            if not isinstance(answer, list) or len(answer) != len(batch):
                raise HttpError("OpenFIGI's answer does not match the request")
            for cusip, item in zip(batch, answer, strict=True):
                out.append(_one(cusip, item))
            if progress:
                progress(len(out), len(wanted))
        return out


def well_formed(d: object) -> bool:
    """Whether one listing of OpenFIGI's answer holds what a listing holds: a ticker of
    letters, digits, '.', '-' or '/' (at most 12), a printable name of at most 200
    characters, short printable codes. Anything else (terminal escapes, a 10,000-character
    ticker, an object where a string belongs) is not stored or shown."""
    if not isinstance(d, dict):
        return False
    ticker = d.get("ticker")
    if ticker is not None and not (isinstance(ticker, str) and TICKER.fullmatch(ticker)):
        return False
    if not _text(d.get("name"), MAX_NAME):
        return False
    return all(_text(d.get(k), MAX_FIELD) for k in ("exchCode", "marketSector", "figi",
                                                     "compositeFIGI", "securityType2"))


def _text(value: object, limit: int) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= limit
                             and value.isprintable())  # fmt: skip


def _one(cusip: str, item: object) -> Mapping:
    if not isinstance(item, dict):
        return Mapping(cusip, None, reason=BAD_ANSWER)
    if "data" in item:
        data = item["data"]
        if not isinstance(data, list) or not all(well_formed(d) for d in data):
            return Mapping(cusip, None, reason=BAD_ANSWER)
        return pick_listing(cusip, data)
    why = item.get("warning") or item.get("error") or "no answer"
    if not _text(why, 500):
        return Mapping(cusip, None, reason=BAD_ANSWER)
    return Mapping(cusip, None, reason=f"OpenFIGI: {str(why).strip()[:120]}")
