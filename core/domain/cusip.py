"""CUSIP identifiers: normalisation and the check-digit rule."""

from __future__ import annotations

_SPECIAL = {"*": 36, "@": 37, "#": 38}


def _char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    raise ValueError(f"character {ch!r} cannot appear in a CUSIP")


def check_digit(base: str) -> int:
    """The ninth character of a CUSIP whose first eight are `base`."""
    if len(base) != 8:
        raise ValueError("a CUSIP base has 8 characters")
    total = 0
    for i, ch in enumerate(base.upper()):
        v = _char_value(ch)
        if i % 2 == 1:
            v *= 2
        total += v // 10 + v % 10
    return (10 - total % 10) % 10


def normalize(cusip: str) -> str:
    return cusip.strip().upper()


def is_valid(cusip: str) -> bool:
    """True when `cusip` has 9 characters and its check digit is right."""
    c = normalize(cusip)
    if len(c) != 9 or not c[8].isdigit():
        return False
    try:
        return check_digit(c[:8]) == int(c[8])
    except ValueError:
        return False
