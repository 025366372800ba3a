"""Data shipped with Stakewatch (NVIDIA's 13F filings, companies)."""
