"""A stand-in for Yahoo's streamer on 127.0.0.1 (random port): a WebSocket server that
takes {"subscribe": [...]} like the real one and sends what it sends, JSON text
{"type": "pricing", "message": <base64 of a PricingData protobuf>}, encoded with yfinance's
own pricing_pb2. It can tick at a rate, drop the link after N messages, or refuse."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field

from websockets.sync.server import serve
from yfinance.pricing_pb2 import PricingData


def pricing_message(ticker: str, price: float, previous_close: float | None = None,
                    millis: int | None = None, market_hours: int = 1) -> str:  # fmt: skip
    """One message exactly as Yahoo's streamer sends it."""
    data = PricingData()
    data.id = ticker
    data.price = price
    data.time = millis if millis is not None else int(time.time() * 1000)
    data.currency = "USD"
    data.exchange = "NMS"
    data.quote_type = 8
    data.market_hours = market_hours
    if previous_close is not None:
        data.previous_close = previous_close
        data.change = price - previous_close
        data.change_percent = (price / previous_close - 1) * 100
    encoded = base64.b64encode(data.SerializeToString()).decode("ascii")
    return json.dumps({"type": "pricing", "message": encoded})


@dataclass
class StreamServer:
    """`rate` ticks per second per subscribed ticker for `seconds`; `drop_after` messages
    then close (each connection); `refuse` closes at once without a word."""

    rate: float = 10.0
    seconds: float = 30.0
    drop_after: int | None = None
    refuse: bool = False
    prices: dict[str, float] = field(default_factory=dict)
    connections: int = 0
    subscribed: list[list[str]] = field(default_factory=list)
    sent: int = 0

    def __enter__(self) -> StreamServer:
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/?version=2"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._server.shutdown()
        self._thread.join(5)

    def _handle(self, ws) -> None:
        self.connections += 1
        if self.refuse:
            ws.close()
            return
        tickers: list[str] = []
        try:
            first = json.loads(ws.recv(timeout=5))
            tickers = list(first.get("subscribe", []))
            self.subscribed.append(tickers)
            sent_here = 0
            end = time.monotonic() + self.seconds
            step = 1.0 / self.rate if self.rate else 1.0
            next_at = time.monotonic()
            while not self._stop.is_set() and time.monotonic() < end:
                # Later subscriptions on the same link add tickers (non-blocking read).
                try:
                    more = json.loads(ws.recv(timeout=0))
                    tickers += [t for t in more.get("subscribe", []) if t not in tickers]
                except TimeoutError:
                    pass
                for t in tickers:
                    base = self.prices.get(t, 100.0)
                    price = base * (1 + 0.001 * ((self.sent % 21) - 10))
                    ws.send(pricing_message(t, price, base))
                    self.sent += 1
                    sent_here += 1
                    if self.drop_after is not None and sent_here >= self.drop_after:
                        ws.close()
                        return
                next_at += step
                delay = next_at - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
        except Exception:  # the client went away: this connection is over
            pass
