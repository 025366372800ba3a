"""CUSIP-to-ticker seed and the SEC company ticker list (see README.md)."""
