"""NVIDIA Corp's 13F filings and the companies they name, with provenance."""
