"""Benchmark: the window under a live stream. 20 tickers tick 10 times a second each from a
local streamer (a separate process on 127.0.0.1, sending Yahoo's message format) for 30 s;
the event loop's worst lateness (a 10 ms timer: how late it fires) and the process's CPU
share, against the same window idle (no stream) in the same run.
Target: worst lateness under 16 ms (one frame at 60 Hz).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ticks.py [--seconds 30] [--idle 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICKERS = ["NVDA", "CRWV", "INTC", "ARM", "NBIS", "APLD", "SOUN", "SERV", "RXRX", "NNOX",
           "WRD", "NOK", "SNPS", "COHR", "GENB", "TSM", "AMD", "AVGO", "MSFT", "AAPL"]
TARGET_MS = 16.0

SERVER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.stream_server import StreamServer
with StreamServer(rate=float(sys.argv[2]), seconds=float(sys.argv[3]) + 30) as s:
    print(s.url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
"""


def measure(app, seconds: float) -> tuple[list[float], float]:
    """Lateness samples (ms) of a 10 ms timer over `seconds`, and the CPU share (%)."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    samples: list[float] = []
    clock = QElapsedTimer()
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if last[0]:
            samples.append((now - last[0]) / 1e6 - 10.0)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    cpu0, wall0 = time.process_time(), time.monotonic()
    clock.start()
    timer.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    share = (time.process_time() - cpu0) / (time.monotonic() - wall0) * 100
    return samples, share


def child_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def describe(name: str, samples: list[float], share: float) -> str:
    worst = max(samples) if samples else float("nan")
    at = samples.index(worst) * 0.01 if samples else 0.0
    p99 = statistics.quantiles(samples, n=100)[98] if len(samples) > 100 else worst
    return (f"{name:<22} worst lateness {worst:6.1f} ms (at ~{at:.1f} s)   p99 {p99:5.1f} ms"
            f"   CPU {share:5.1f}%   ({len(samples)} timer ticks)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10.0, help="ticks/s per ticker")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings

    from core.context import AppContext
    from core.prices.provider import MemoryProvider
    from gui.app import application
    from gui.main_window import MainWindow

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(str(Path(tmp) / "bench.sqlite3"), provider=MemoryProvider())
        window = MainWindow(ctx, QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat))
        window.resize(1280, 800)
        window.show()
        measure(app, 2.0)  # the start-up loads settle first
        idle = measure(app, args.idle)

        server = subprocess.Popen([sys.executable, "-c", SERVER, str(ROOT), str(args.rate),
                                   str(args.seconds)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        try:
            url = server.stdout.readline().strip()
            ctx.stream_url = url
            window.live.follow_settings()
            window.live.stream.subscribe(TICKERS)
            streamed = measure(app, args.seconds)
            stream = window.live.stream
            ticks = stream.ticks
            child = child_cpu_seconds(stream._proc.pid if stream._proc else None)
        finally:
            window.close()
            server.stdin.close()
            server.wait(10)
        ctx.close()
    print(f"bench/ticks.py: {len(TICKERS)} tickers x {args.rate:g} ticks/s for "
          f"{args.seconds:g} s from a local streamer ({ticks:,} ticks received)")
    print(describe("baseline: window idle", *idle))
    print(describe("streaming", *streamed))
    if child is not None:
        print(f"{'stream child process':<22} CPU {child / args.seconds * 100:5.1f}% "
              "(decoding yfinance's messages, apart from the window's interpreter)")
    worst = max(streamed[0]) if streamed[0] else float("inf")
    verdict = "meets" if worst < TARGET_MS else "misses"
    print(f"target: worst lateness under {TARGET_MS:g} ms while streaming: {verdict} it "
          f"({worst:.1f} ms; idle worst {max(idle[0]):.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
