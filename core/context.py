"""AppContext: the composition root that builds the database and the services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import paths
from core.services.importer import Importer
from core.services.queries import PortfolioQueries
from core.services.seeding import SeedReport, seed
from core.storage.database import Database, DatabaseError

__all__ = ["AppContext", "DatabaseError"]


@dataclass
class AppContext:
    db: Database
    queries: PortfolioQueries
    importer: Importer
    backup: Path | None = None
    seeded: SeedReport | None = None

    @classmethod
    def open(cls, db_url: str | None = None, *, seed_data: bool = True) -> AppContext:
        """Open (creating if new), upgrade (after a backup) and seed the database."""
        db = Database(paths.database_url(db_url))
        backup = db.upgrade()
        seeded = seed(db) if seed_data else None
        return cls(
            db=db,
            queries=PortfolioQueries(db),
            importer=Importer(db),
            backup=backup,
            seeded=seeded,
        )

    def close(self) -> None:
        self.db.dispose()
