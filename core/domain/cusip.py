"""CUSIP identifiers: normalisation and the check-digit rule."""

from __future__ import annotations

from collections.abc import Iterable

_SPECIAL = {"*": 36, "@": 37, "#": 38}


def _char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    raise ValueError(f"character {ch!r} cannot appear in a CUSIP")


def _digit_sum(v: int) -> int:
    return v // 10 + v % 10


# Each character's contribution at an even and at an odd position, computed once: the
# import checks tens of thousands of CUSIPs and this keeps it to a table look-up each.
_EVEN = {ch: _digit_sum(_char_value(ch)) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*@#"}
_ODD = {ch: _digit_sum(_char_value(ch) * 2) for ch in _EVEN}


def check_digit(base: str) -> int:
    """The ninth character of a CUSIP whose first eight are `base`."""
    if len(base) != 8:
        raise ValueError("a CUSIP base has 8 characters")
    b = base.upper()
    try:
        total = (_EVEN[b[0]] + _ODD[b[1]] + _EVEN[b[2]] + _ODD[b[3]] + _EVEN[b[4]] + _ODD[b[5]]
                 + _EVEN[b[6]] + _ODD[b[7]])  # fmt: skip
    except KeyError:
        bad = next(ch for ch in b if ch not in _EVEN)
        raise ValueError(f"character {bad!r} cannot appear in a CUSIP") from None
    return (10 - total % 10) % 10


def valid_only(cusips: Iterable[str]) -> list[str]:
    """Those of `cusips` (normalised already) that `is_valid` accepts, in one loop: an
    import checks tens of thousands, and a call per CUSIP would cost more than the sums."""
    even, odd, digits = _EVEN, _ODD, "0123456789"
    out = []
    for c in cusips:
        if len(c) != 9:
            continue
        try:
            total = (even[c[0]] + odd[c[1]] + even[c[2]] + odd[c[3]] + even[c[4]] + odd[c[5]]
                     + even[c[6]] + odd[c[7]])  # fmt: skip
        except KeyError:  # a character no CUSIP has (lower case: not normalised)
            continue
        if c[8] == digits[(10 - total % 10) % 10]:
            out.append(c)
    return out


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
