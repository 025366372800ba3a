"""AppContext: the composition root that builds the database, the price provider and the
services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core import paths
from core.prices.provider import OfflineProvider, PriceProvider
from core.services.seeding import SeedReport, seed
from core.services.settings import Settings, SettingsStore
from core.storage.database import Database, DatabaseError

if TYPE_CHECKING:
    from core.services.companies import CompanyService
    from core.services.prices import PriceRefresher
    from core.services.queries import PortfolioQueries

__all__ = ["AppContext", "DatabaseError"]


def network_provider(settings: Settings) -> PriceProvider:
    """Yahoo in a worker process under the deadline."""
    from core.prices.isolated import IsolatedProvider
    from core.prices.yahoo import YahooFactory

    cache = paths.data_dir() / "yfinance-cache"
    cache.mkdir(parents=True, exist_ok=True)
    timeout = max(1.0, min(10.0, settings.deadline / 2))
    return IsolatedProvider(YahooFactory(str(cache), timeout), deadline=settings.deadline)


@dataclass
class AppContext:
    """Services and the price provider are made on first use: a light command (list
    portfolios) loads neither the ORM nor the provider."""

    db: Database
    settings: Settings
    backup: Path | None = None
    seeded: SeedReport | None = None
    # Where live ticks stream from: Yahoo's streamer with the network provider; none with
    # a provider given (tests and demos set a local one) or offline.
    stream_url: str | None = None
    _stream_from_yahoo: bool = False
    _provider: PriceProvider | None = None
    _queries: PortfolioQueries | None = None
    _prices: PriceRefresher | None = None
    _importer: object = None
    _analytics: object = None

    @classmethod
    def open(
        cls,
        db_url: str | None = None,
        *,
        seed_data: bool = True,
        provider: PriceProvider | None = None,
        offline: bool | None = None,
        deadline: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> AppContext:
        """Open (creating if new), upgrade (after a backup) and seed the database.

        `offline` and `deadline` override the stored settings for this run; `provider`
        replaces the network provider (tests and demos). `on_wait` hears when this process
        waits for another Stakewatch's write. Upgrade and seeding run under one lock: many
        first starts at once do them once, the others wait and see the finished database.
        """
        db = Database(paths.database_url(db_url), on_wait=on_wait)
        try:
            with db.setup_lock():
                db.detect_read_only()
                backup = db.upgrade()
                seeded = seed(db) if seed_data and not db.read_only else None
            settings = SettingsStore(db).load()
        except DatabaseError:
            db.dispose()
            raise
        except Exception as exc:  # damaged, full, unreadable: the same line everywhere
            db.dispose()
            from core.storage.errors import explain

            why = explain(exc, db.path)
            if why is None:
                raise
            raise DatabaseError(why) from None
        if offline is not None:
            settings = replace(settings, offline=offline or settings.offline)
        if deadline is not None:
            settings = replace(settings, deadline=deadline)
        if settings.offline:
            provider = OfflineProvider()
        return cls(db=db, settings=settings, backup=backup, seeded=seeded,
                   _stream_from_yahoo=provider is None, _provider=provider)  # fmt: skip

    @property
    def provider(self) -> PriceProvider:
        """The price provider: the network's (Yahoo in a worker process) unless offline."""
        if self._provider is None:
            self._provider = network_provider(self.settings)
        return self._provider

    @provider.setter
    def provider(self, provider: PriceProvider) -> None:
        self._provider = provider

    @property
    def queries(self) -> PortfolioQueries:
        if self._queries is None:
            from core.services.queries import PortfolioQueries

            self._queries = PortfolioQueries(self.db.reading)  # never queue behind writers
        return self._queries

    @property
    def prices(self) -> PriceRefresher:
        if self._prices is None:
            from core.services.prices import PriceRefresher

            self._prices = PriceRefresher(self.db, self.provider)
        return self._prices

    @property
    def companies(self) -> CompanyService:
        from core.services.companies import CompanyService

        return CompanyService(self.db)

    @property
    def analytics(self):
        """Values over time (made on first use: numpy is not needed to list portfolios)."""
        if self._analytics is None:
            from core.services.analytics import Analytics

            self._analytics = Analytics(self.db.reading, self.queries, self.prices)
        return self._analytics

    def quote_stream(self, on_quote, on_state):
        """Live ticks for the window (None offline or without a stream): see QuoteStream."""
        from core.prices.stream import YAHOO_STREAM, QuoteStream

        url = self.stream_url or (YAHOO_STREAM if self._stream_from_yahoo else None)
        if self.settings.offline or not url:
            return None
        return QuoteStream(url, on_quote, on_state)

    @property
    def positions(self):
        """One position in depth (price, shares over time, rows behind it)."""
        from core.services.position_detail import PositionDetails

        return PositionDetails(self.db, self.queries, self.analytics)

    @property
    def own(self):
        from core.services.own import OwnPortfolios

        return OwnPortfolios(self.db, self.queries, self.prices,
                             online=lambda: not self.settings.offline,
                             cost_basis=self.settings.cost_basis)

    @property
    def performance(self):
        from core.services.performance import Performances

        return Performances(self.db, self.queries, self.settings.cost_basis,
                            self.settings.benchmark)

    @property
    def snapshots(self):
        from core.services.snapshots import Snapshots

        return Snapshots(self.db, self.queries, self.analytics, self.prices,
                         performance=self.performance, cost_basis=self.settings.cost_basis)

    @property
    def importer(self):
        """The 13F importer (made on first use: lxml is not needed to start)."""
        if self._importer is None:
            from core.services.importer import Importer

            self._importer = Importer(self.db)
        return self._importer

    @property
    def mapper(self):
        """CUSIP-to-ticker mapping (OpenFIGI with the key setting, if any)."""
        from core.services.mapping import CusipMapper

        def client():
            from core.openfigi import OpenFigiClient  # with the HTTP stack: only to ask

            return OpenFigiClient(self.settings.openfigi_key or None)

        return CusipMapper(self.db, client)

    @property
    def sync(self):
        """Sync of followed 13F filers from EDGAR, with the current settings."""
        from core.services.sync import Sync

        return Sync(self.db, self.importer, self.settings, mapper=self.mapper)

    def apply_settings(self, settings: Settings) -> None:
        """Take new settings at run time: offline on or off swaps the price provider."""
        if settings.offline != self.settings.offline or settings.deadline != self.settings.deadline:
            old = self._provider
            self._provider = OfflineProvider() if settings.offline else network_provider(settings)
            if self._prices is not None:
                self._prices.provider = self._provider
            if old is not None:
                old.close()
        self.settings = settings

    def close(self) -> None:
        if self._provider is not None:
            self._provider.close()
        self.db.dispose()
