"""The SEC's Form 13F data sets: every 13F of a quarter as one zip of tab-separated tables."""
