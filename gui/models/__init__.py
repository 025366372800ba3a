"""Qt table models: small adapters over plain data with named columns."""
