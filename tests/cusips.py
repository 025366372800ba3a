"""CUSIPs with valid check digits that the bundled CUSIP map does not know: what OpenFIGI
is still asked about (the map names every real CUSIP of the samples without a network)."""

from __future__ import annotations

import functools

from core.domain.cusip import check_digit


@functools.cache
def _known() -> frozenset[str]:
    from core.services.cusip_master import seed_sightings

    return frozenset(s[0] for s in seed_sightings())


def unknown_cusips(n: int, prefix: str = "Q9") -> list[str]:
    """`n` valid CUSIPs, none in the bundled map (checked, not assumed)."""
    out = []
    i = 0
    while len(out) < n:
        base = f"{prefix}{i:05d}1"
        c = base + str(check_digit(base))
        if c not in _known():
            out.append(c)
        i += 1
    return out
