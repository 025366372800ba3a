"""Frozen dataclasses and pure functions: no I/O, no ORM."""
