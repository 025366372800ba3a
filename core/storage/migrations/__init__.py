"""Alembic migrations (render_as_batch for SQLite)."""
