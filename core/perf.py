"""Helpers for hot loops that allocate many short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (keep blocks short and yield-free).

    A 13F batch creates hundreds of thousands of short-lived element proxies and tuples,
    all freed by reference counting; letting the cycle collector walk the heap for each
    few hundred of them costs a third of an import's time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
