"""What every check of an own-book entry shares: the error naming each bad field, exact
decimals as typed, what is known about tickers, and how a bad value is quoted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.services.queries import InvalidRequestError

# Shares, prices and cash are kept exactly as typed, NUMERIC(24, 8): 8 decimal places and up
# to 16 digits before the point. More places are refused, never rounded away.
PLACES = 8
INTEGER_DIGITS = 16
MAXIMUM = Decimal(10) ** INTEGER_DIGITS
QUANTUM = Decimal(1).scaleb(-PLACES)


class HoldingError(InvalidRequestError):
    """Bad input for an own book; `fields` maps each bad field to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True, slots=True)
class Known:
    """What many checks share: company tickers by CUSIP, CUSIPs by ticker, and the
    provider's answers so far (ticker -> (known, reason))."""

    by_cusip: dict[str, str | None]
    by_ticker: dict[str, str]
    asked: dict[str, tuple[bool, str]]


def check_decimal(text: str | None, field: str, errors: dict[str, str]) -> Decimal | None:
    """A number as typed (thousands commas allowed), exactly; None and errors[field] set
    when it is not one, not finite, too large or has more than 8 decimal places."""
    s = (text or "").strip().replace(",", "")
    if not s:
        errors[field] = "is required"
        return None
    if not s.isascii():  # int() and Decimal() take other scripts' digits ("５"): not here
        errors[field] = f"{shown(text)} is not a number (use the digits 0-9)"
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        errors[field] = f"{shown(text)} is not a number"
        return None
    if not value.is_finite():
        errors[field] = f"{shown(text)} is not a number"
        return None
    if value.copy_abs() >= MAXIMUM:  # copy_abs: abs() would round, and overflow
        errors[field] = (f"{shown(text)} is too large "
                         f"({INTEGER_DIGITS} digits before the point at most)")
        return None
    point = s.find(".")
    if "e" not in s and "E" not in s and (point < 0 or len(s) - point - 1 <= PLACES):
        return value  # at most 8 places as written: nothing to round (the common case)
    exact = value.quantize(QUANTUM)  # trailing zeros past the 8th place are harmless
    if exact != value:
        errors[field] = f"{shown(text)} has more than {PLACES} decimal places"
        return None
    return exact if value.as_tuple().exponent < -PLACES else value  # type: ignore[operator]


def shown(text: str | None, limit: int = 40) -> str:
    """A value quoted in a message, cut short: a megabyte pasted in stays out of errors."""
    r = repr(text or "")
    return r if len(r) <= limit else r[: limit - 4] + "...'"


def looks_like_cusip(symbol: str) -> bool:
    """Nine characters, digits among the first eight, a digit last: no ticker looks so."""
    return (len(symbol) == 9 and symbol.isalnum() and symbol[8].isdigit()
            and any(c.isdigit() for c in symbol[:8]))  # fmt: skip
