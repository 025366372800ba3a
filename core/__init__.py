"""Stakewatch without a window: domain, storage, 13F parsing, prices and services."""
