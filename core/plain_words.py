"""Failures in plain words for the window: no exception names, no errno text; the original
reason stays available as the detail."""

from __future__ import annotations

import re

NO_NETWORK = "no network"
NO_ANSWER = "no answer in time"
_NETWORK = ("name or service not known", "temporary failure in name resolution",
            "network is unreachable", "no route to host", "connection refused",
            "nodename nor servname", "getaddrinfo failed", "no network",
            "connection reset", "remote end closed", "offline")  # fmt: skip
_TIME = ("timed out", "timeout", "deadline")
_NOISE = re.compile(r"^(unexpected [A-Za-z_.]+: )|(\[Errno -?\d+\] )|(<urlopen error )|>$")


_TECHNICAL = re.compile(r"\[Errno|urlopen error|Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|"
                        r"^unexpected ")


def is_network(reason: str | None) -> bool:
    """The failure was the network's: the host could not be reached at all."""
    return bool(reason) and any(n in reason.lower() for n in _NETWORK)


def plain(reason: str | None) -> str:
    """A short phrase a person reads. A reason core already wrote for people is kept; one
    with exception class names or errno text becomes 'no network', 'no answer in time' or
    the message without them."""
    if not reason:
        return "unknown reason"
    if not _TECHNICAL.search(reason):
        return reason
    low = reason.lower()
    if is_network(reason):
        return NO_NETWORK
    if any(t in low for t in _TIME):
        return NO_ANSWER
    text = _NOISE.sub("", reason).strip()
    text = re.sub(r"\b[A-Z][A-Za-z]*(Error|Exception): ", "", text)
    return text or "unknown reason"


def all_offline(reasons: list[str]) -> bool:
    """Every failure was the network's (so nothing was checked at all)."""
    return bool(reasons) and all(is_network(r) for r in reasons)
