"""Numbers for people: $3.96B on screen, $3,958,701,053 on hover, percentages to 0.01."""

from __future__ import annotations


def money_short(v: float) -> str:
    a = abs(v)
    sign = "-" if v < 0 else ""
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= limit:
            return f"{sign}${a / limit:,.2f}{suffix}"
    return f"{sign}${a:,.0f}"


def money_long(v: float) -> str:
    return f"-${abs(v):,.0f}" if v < 0 else f"${v:,.0f}"


def percent(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


def signed_money(v: float) -> str:
    """A gain or a change: +$1.20K, -$350."""
    return ("+" if v >= 0 else "") + money_short(v)


def no_filings_yet(name: str) -> str:
    """The empty state of a followed filer before its first sync: when it will fill."""
    return (f"No filings of {name} here yet: they come with the next check for new filings "
            "(Portfolio > Check for new filings, Ctrl+Shift+F; the window also checks by "
            "itself at start when online).")
