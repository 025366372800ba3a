"""Snapshots: a portfolio's state as of a date, faithful data for JSON, CSV and XLSX,
written atomically; read back (checked against the schema version) and compared."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.domain import analytics as an
from core.domain.issuer_names import filed_name
from core.domain.positions import PortfolioRef, PositionKey, position_key
from core.files import InputFileError, OutputFileError, read_input, write_verified
from core.services.analytics import Analytics, counts_unpriced
from core.services.prices import PriceRefresher, utc_now
from core.services.queries import InvalidRequestError, NotFoundError, PortfolioQueries
from core.storage.database import HEAD_REVISION, Database
from core.storage.price_store import PriceStore

# 2: own portfolios carry cost and unrealised gain; 3: every book its returns against the
# benchmark, own books their transactions and the realised gain and dividends.
SCHEMA_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)  # an older file reads as it is (without the newer fields)
MAX_SNAPSHOT_BYTES = 64 * 2**20  # far above any real book, far below memory trouble
KIND = "stakewatch-snapshot"


class SnapshotError(ValueError):
    """A snapshot file that cannot be read (malformed, or of an unknown schema version)."""


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "unknown"


# -- building ---------------------------------------------------------------------------------
class Snapshots:
    def __init__(self, db: Database, queries: PortfolioQueries, analytics: Analytics,
                 prices: PriceRefresher, performance=None,
                 cost_basis: str = "fifo") -> None:  # fmt: skip
        self.db = db
        self.queries = queries
        self.analytics = analytics
        self.prices = prices
        self.performance = performance  # Performances: the returns of each book
        self.cost_basis = cost_basis

    def build(
        self, portfolios: list[PortfolioRef], as_of: dt.date | None = None, live: bool = True
    ) -> dict:
        """The snapshot as plain JSON-ready data. With `as_of`, the report in force that day
        and the last cached close on or before it; without, today's best prices."""
        now = utc_now()
        if as_of is not None and as_of > now.date():
            raise InvalidRequestError(f"--as-of {as_of} is in the future")
        books = [self._portfolio(p, as_of, live and as_of is None) for p in portfolios]
        prices: dict[str, dict] = {}
        for book in books:
            for pos in book["positions"]:
                if pos["price"] is not None and pos["ticker"]:
                    prices[pos["ticker"]] = {
                        "ticker": pos["ticker"], "price": pos["price"],
                        "time": pos["price_time"], "source": pos["price_source"],
                        "detail": pos["price_detail"],
                    }  # fmt: skip
        return {
            "kind": KIND,
            "schema_version": SCHEMA_VERSION,
            "created_at": now.replace(microsecond=0).isoformat(),
            "app_version": app_version(),
            "database_schema": HEAD_REVISION,
            "as_of": (as_of or now.date()).isoformat(),
            "portfolios": books,
            "prices": sorted(prices.values(), key=lambda p: p["ticker"]),
        }

    def _portfolio(self, p: PortfolioRef, as_of: dt.date | None, live: bool) -> dict:
        reports = self.analytics.reports(p)
        day = as_of or utc_now().date()
        in_force = [r for r in reports if r.period <= day]
        if not in_force:
            raise NotFoundError(f"{p.name} has no report on or before {day}")
        report = in_force[-1]
        previous = in_force[-2] if len(in_force) > 1 else None
        positions = list(report.holdings.positions)
        keep = counts_unpriced(p)
        tickers = sorted({x.ticker for x in positions if x.ticker})
        priced = self._prices(tickers, as_of, live)
        with self.db.session() as s:
            splits = PriceStore(s).splits(tickers)
        rows = []
        for x in positions:
            price = priced.get(x.ticker) if x.ticker else None
            factor = an.split_factor(splits.get(x.ticker or "", []), report.period, day)
            use = price is not None and x.put_call is None
            # Without a price: as filed in a filer's book, left out of an own book's value
            # (core's one rule, counts_unpriced; None, never a $0 that reads as a value).
            left_out = not use and x.put_call is None and not keep
            value = x.shares * factor * price["price"] if use else float(x.value)
            rows.append({
                "cusip": x.cusip, "ticker": x.ticker, "issuer": x.issuer,
                "issuer_as_filed": filed_name(x), "title_of_class": x.title_of_class,
                "share_type": x.share_type,
                "put_call": x.put_call, "shares": x.shares, "shares_now": x.shares * factor,
                "value_reported": x.value, "weight_reported": x.weight,
                "price": price["price"] if use else None,
                "price_time": price["time"] if use else None,
                "price_source": price["source"] if use else (
                    "no price: left out" if left_out else "reported value"),
                "price_detail": price["detail"] if use else "",
                "value": None if left_out else round(value, 2), "priced": use,
            })  # fmt: skip
        equity = [r for r in rows if r["put_call"] is None and r["value"] is not None]
        total = sum(r["value"] for r in equity)
        for r in rows:
            r["weight"] = (r["value"] / total if total else 0.0) if r in equity else None
        rows.sort(key=lambda r: (r["put_call"] is not None, -(r["value"] or 0), r["cusip"]))
        pnl = self._own_costs(p, report.period, rows) if p.kind == "own" else None
        extra: dict = {}
        if self.performance is not None:
            extra["returns"] = self.performance.run(p, end=day).as_json()
        if p.kind == "own":
            extra.update(self._ledger(p, day, pnl))
        import numpy as np

        weights = [[r["weight"] for r in equity]]

        top1, top5, hhi, eff = (float(v[0]) for v in an.concentration(np.array(weights)))
        reported_w = np.array([[x.weight for x in positions if x.weight is not None]])
        r1, r5, rh, re_ = (float(v[0]) for v in an.concentration(reported_w))
        changes = an.changes(previous.holdings if previous else None, report.holdings, splits)
        filings = [f for f in self.queries.filings(p) if f.accession in report.holdings.accessions]
        return {
            "name": p.name, "kind": p.kind, "cik": p.cik,
            "report": {"period": report.period.isoformat(), "filed": report.filed.isoformat(),
                       "accessions": list(report.holdings.accessions)},
            "previous_period": previous.period.isoformat() if previous else None,
            **({"pnl": pnl} if pnl is not None else {}),
            **extra,
            "total_value_reported": report.holdings.total_value,
            "total_value": round(total, 2),
            "options_value_reported": report.holdings.options_value,
            "concentration": {"top1_weight": top1, "top5_weight": top5, "hhi": hhi,
                              "effective_n": eff},
            "concentration_reported": {"top1_weight": r1, "top5_weight": r5, "hhi": rh,
                                       "effective_n": re_},
            "positions": rows,
            "changes": [
                {"cusip": c.cusip, "ticker": c.ticker, "issuer": c.issuer,
                 "put_call": c.put_call, "status": c.status,
                 "shares_before": c.shares_before, "shares_after": c.shares_after,
                 "shares_change": c.shares_change, "value_before": c.value_before,
                 "value_after": c.value_after, "price_effect": round(c.price_effect, 2),
                 "quantity_effect": round(c.quantity_effect, 2)}
                for c in changes
            ],
            "filings": [
                {"accession": f.accession, "form_type": f.form_type,
                 "amendment_type": f.amendment_type, "period": f.period.isoformat(),
                 "filed": f.filed.isoformat(), "source": f.source}
                for f in filings
            ],
        }  # fmt: skip

    def _ledger(self, p: PortfolioRef, day: dt.date, pnl: dict | None) -> dict:
        """An own book's transactions up to `day`, and what they earned (into `pnl`)."""
        from core.domain.ledger import replay
        from core.storage.own_store import OwnStore

        with self.db.session() as s:
            txs = OwnStore(s).transactions(p, day)
        book = replay(txs, day, self.cost_basis)
        gain = book.realised_gain
        if pnl is not None:
            pnl.update({"realised_gain": float(gain) if gain is not None else None,
                        "dividends": float(book.dividends), "fees": float(book.fees)})
        return {"transactions": [t.as_json() for t in txs]}

    def _own_costs(self, p: PortfolioRef, statement: dt.date, rows: list[dict]) -> dict:
        """Cost and unrealised gain of an own book's positions (added to `rows`) and the
        book's totals, at the prices the snapshot uses; a position valued at its statement
        value (no price) has no gain."""
        from core.storage.own_store import OwnStore

        with self.db.session() as s:
            held = {h.ticker: h for h in OwnStore(s).holdings(p, statement)}
        cost_total = value_total = gain_total = 0.0
        gains = unpriced = no_cost = 0
        for r in rows:
            h = held.get(r["ticker"] or "")
            per = float(h.cost_per_share) if h and h.cost_per_share is not None else None
            cost = round(float(h.shares) * per, 2) if h and per is not None else None
            gain = round(r["value"] - cost, 2) if cost is not None and r["priced"] else None
            r.update({"cost_per_share": per, "cost": cost, "gain": gain,
                      "gain_pct": gain / cost * 100 if gain is not None and cost else None})
            if r["priced"]:
                value_total += r["value"]
            else:
                unpriced += 1
            if cost is None:
                no_cost += 1
            else:
                cost_total += cost
            if gain is not None:
                gains += 1
                gain_total += gain
        basis = sum(r["cost"] for r in rows if r["gain"] is not None)
        return {"cost": round(cost_total, 2), "value": round(value_total, 2),
                "gain": round(gain_total, 2) if gains else None,
                "gain_pct": gain_total / basis * 100 if gains and basis else None,
                "unpriced": unpriced, "no_cost": no_cost}  # fmt: skip

    def _prices(self, tickers: list[str], as_of: dt.date | None, live: bool) -> dict:
        out: dict[str, dict] = {}
        if as_of is not None:
            with self.db.session() as s:
                store = PriceStore(s)
                for t in tickers:
                    bar = store.close_on_or_before(t, as_of)
                    if bar is not None:
                        out[t] = {"price": bar.close, "time": bar.date.isoformat(),
                                  "source": "cache",
                                  "detail": f"close of {bar.date} ({bar.source})"}  # fmt: skip
            return out
        for pn in self.prices.prices_now(tickers, live=live):
            if pn.price is not None and pn.source in ("live", "cache"):
                out[pn.ticker] = {
                    "price": pn.price,
                    "time": pn.quote_time.isoformat() if pn.quote_time else None,
                    "source": pn.source, "detail": pn.detail,
                }  # fmt: skip
        return out

    def history(self, portfolio: PortfolioRef, as_of: dt.date | None) -> an.Series:
        return self.analytics.history(portfolio, end=as_of).series


# -- files --------------------------------------------------------------------------------------
def dumps(snapshot: dict) -> str:
    """The canonical JSON text: the same data always gives the same bytes."""
    return json.dumps(snapshot, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Write through a temporary file beside `path`, verified and synced, then rename: a
    crash or an error (a full disk) leaves the old file or the new one, never a part."""
    try:
        write_verified(path, write, force)
    except OutputFileError as exc:
        raise InvalidRequestError(str(exc)) from None


def _looks_like(path: Path) -> str:
    """What a binary file seems to be, in words, from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return "unreadable"
    for magic, what in ((b"%PDF", "a PDF report"), (b"\x89PNG", "a PNG picture"),
                        (b"PK\x03\x04", "a zip or Excel workbook")):  # fmt: skip
        if head.startswith(magic):
            return f"it looks like {what}"
    return "binary data"


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def load(path: Path) -> dict:
    """Read a JSON snapshot; one clear SnapshotError if it is not one we understand."""
    try:
        text = read_input(Path(path), MAX_SNAPSHOT_BYTES).decode("utf-8")
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except InputFileError as exc:
        raise SnapshotError(str(exc)) from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{Path(path).name} is not a Stakewatch snapshot: it is not text "
                            f"({_looks_like(Path(path))}); open a .json snapshot") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path} is not a JSON snapshot: {exc}") from None
    except RecursionError:
        raise SnapshotError(f"{path} is not a JSON snapshot: nested too deeply") from None
    except ValueError as exc:  # NaN, Infinity, 1e999, an integer of more than 4,300 digits
        raise SnapshotError(f"{path} is not a JSON snapshot: {str(exc).split(';')[0]}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise SnapshotError(f"{path} is not a Stakewatch snapshot")
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise SnapshotError(
            f"{path} has snapshot schema version {version!r}; this Stakewatch reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))} (a newer app may have written it)"
        )
    problems = validate(data)
    if problems:
        raise SnapshotError(f"{path} does not match the snapshot schema: {problems[0]}")
    return data


def schema() -> dict:
    from importlib import resources

    return json.loads(resources.files("resources").joinpath("snapshot.schema.json").read_text())


def validate(data: Any) -> list[str]:
    """Schema problems in `data` (empty: valid). A small checker for the schema's subset,
    so reading a snapshot needs no extra dependency."""
    return _check(data, schema(), "$")


def _check(value: Any, rule: dict, where: str) -> list[str]:
    types = rule.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        if not any(_is(value, t) for t in allowed):
            return [f"{where} should be {' or '.join(allowed)}"]
    if "enum" in rule and value not in rule["enum"]:
        return [f"{where} should be one of {rule['enum']}"]
    if isinstance(value, dict):
        missing = [k for k in rule.get("required", []) if k not in value]
        if missing:
            return [f"{where} lacks {', '.join(missing)}"]
        out: list[str] = []
        for key, sub in rule.get("properties", {}).items():
            if key in value:
                out += _check(value[key], sub, f"{where}.{key}")
        return out
    if isinstance(value, list) and "items" in rule:
        out = []
        for i, item in enumerate(value):
            out += _check(item, rule["items"], f"{where}[{i}]")
        return out
    return []


def _is(value: Any, t: str) -> bool:
    return {
        "object": isinstance(value, dict), "array": isinstance(value, list),
        "string": isinstance(value, str), "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
    }[t]  # fmt: skip


# -- comparing ------------------------------------------------------------------------------
def _key(position: dict) -> PositionKey:
    return position_key(position["cusip"], position.get("share_type"), position["put_call"])


def diff(a: dict, b: dict) -> dict:
    """What changed from snapshot a to snapshot b, per portfolio present in either."""
    by_a = {p["name"]: p for p in a["portfolios"]}
    by_b = {p["name"]: p for p in b["portfolios"]}
    books = []
    for name in list(by_a) + [n for n in by_b if n not in by_a]:
        pa, pb = by_a.get(name), by_b.get(name)
        pos_a = {_key(x): x for x in (pa or {}).get("positions", [])}
        pos_b = {_key(x): x for x in (pb or {}).get("positions", [])}
        changes = []
        for key in list(pos_b) + [k for k in pos_a if k not in pos_b]:
            x, y = pos_a.get(key), pos_b.get(key)
            status = "ADDED" if x is None else "REMOVED" if y is None else "CHANGED"
            if x is not None and y is not None and (x["shares"], x["value"]) == (
                    y["shares"], y["value"]):  # fmt: skip
                continue
            ref = y or x
            changes.append({
                "cusip": key.cusip, "ticker": ref["ticker"], "put_call": key.put_call,
                "status": status,
                "shares_before": x["shares"] if x else 0, "shares_after": y["shares"] if y else 0,
                "value_before": x["value"] if x else 0, "value_after": y["value"] if y else 0,
                "weight_before": x["weight"] if x else None,
                "weight_after": y["weight"] if y else None,
            })  # fmt: skip
        ca = (pa or {}).get("concentration", {})
        cb = (pb or {}).get("concentration", {})
        books.append({
            "portfolio": name,
            "in": "both" if pa and pb else ("before only" if pa else "after only"),
            "period_before": pa["report"]["period"] if pa else None,
            "period_after": pb["report"]["period"] if pb else None,
            "total_value_before": pa["total_value"] if pa else 0,
            "total_value_after": pb["total_value"] if pb else 0,
            "concentration_before": ca or None, "concentration_after": cb or None,
            "concentration_change": {k: cb[k] - ca[k] for k in ca if k in cb} if ca and cb
            else None,
            "positions": changes,
        })  # fmt: skip
    return {"before": {"created_at": a["created_at"], "as_of": a["as_of"]},
            "after": {"created_at": b["created_at"], "as_of": b["as_of"]},
            "portfolios": books}  # fmt: skip


def prices_used(snapshot: dict) -> str:
    """The dates of the prices a snapshot's values used, in the words every view uses:
    'at closes of Sep 25 - Oct 9' (its "as of" is the day it describes, not the prices')."""
    from core.domain.prices import price_when, prices_span

    def utc(text: str) -> dt.datetime:  # a time written without its zone is UTC
        t = dt.datetime.fromisoformat(text)
        return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)

    now = utc(snapshot["created_at"])
    return prices_span([price_when(p["price"], utc(p["time"]), p["source"], now)
                        for p in snapshot["prices"] if p.get("time")])  # fmt: skip
