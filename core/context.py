"""AppContext: the composition root that builds the database, the price provider and the
services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from core import paths
from core.prices.provider import OfflineProvider, PriceProvider
from core.services.companies import CompanyService
from core.services.prices import PriceRefresher
from core.services.queries import PortfolioQueries
from core.services.seeding import SeedReport, seed
from core.services.settings import Settings, SettingsStore
from core.storage.database import Database, DatabaseError

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
    db: Database
    settings: Settings
    queries: PortfolioQueries
    prices: PriceRefresher
    companies: CompanyService
    provider: PriceProvider
    backup: Path | None = None
    seeded: SeedReport | None = None
    # Where live ticks stream from: Yahoo's streamer with the network provider; none with
    # a provider given (tests and demos set a local one) or offline.
    stream_url: str | None = None
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
        except Exception:
            db.dispose()
            raise
        settings = SettingsStore(db).load()
        if offline is not None:
            settings = replace(settings, offline=offline or settings.offline)
        if deadline is not None:
            settings = replace(settings, deadline=deadline)
        stream_url = None
        if settings.offline:
            provider = OfflineProvider()
        elif provider is None:
            provider = network_provider(settings)
            from core.prices.stream import YAHOO_STREAM

            stream_url = YAHOO_STREAM
        queries = PortfolioQueries(db.reading)  # readers never queue behind writers
        prices = PriceRefresher(db, provider)
        return cls(
            db=db,
            settings=settings,
            queries=queries,
            prices=prices,
            companies=CompanyService(db),
            provider=provider,
            backup=backup,
            seeded=seeded,
            stream_url=stream_url,
        )

    @property
    def analytics(self):
        """Values over time (made on first use: numpy is not needed to list portfolios)."""
        if self._analytics is None:
            from core.services.analytics import Analytics

            self._analytics = Analytics(self.db.reading, self.queries, self.prices)
        return self._analytics

    def quote_stream(self, on_quote, on_state):
        """Live ticks for the window (None offline or without a stream): see QuoteStream."""
        if self.settings.offline or not self.stream_url:
            return None
        from core.prices.stream import QuoteStream

        return QuoteStream(self.stream_url, on_quote, on_state)

    @property
    def positions(self):
        """One position in depth (price, shares over time, rows behind it)."""
        from core.services.position_detail import PositionDetails

        return PositionDetails(self.db, self.queries, self.analytics)

    @property
    def own(self):
        from core.services.own import OwnPortfolios

        return OwnPortfolios(self.db, self.queries, self.prices,
                             online=lambda: not self.settings.offline)

    @property
    def snapshots(self):
        from core.services.snapshots import Snapshots

        return Snapshots(self.db, self.queries, self.analytics, self.prices)

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
        from core.openfigi import OpenFigiClient
        from core.services.mapping import CusipMapper

        return CusipMapper(self.db, lambda: OpenFigiClient(self.settings.openfigi_key or None))

    @property
    def sync(self):
        """Sync of followed 13F filers from EDGAR, with the current settings."""
        from core.services.sync import Sync

        return Sync(self.db, self.importer, self.settings, mapper=self.mapper)

    def apply_settings(self, settings: Settings) -> None:
        """Take new settings at run time: offline on or off swaps the price provider."""
        if settings.offline != self.settings.offline or settings.deadline != self.settings.deadline:
            old = self.provider
            self.provider = OfflineProvider() if settings.offline else network_provider(settings)
            self.prices.provider = self.provider
            old.close()
        self.settings = settings

    def close(self) -> None:
        self.provider.close()
        self.db.dispose()
