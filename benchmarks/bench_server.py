"""Load test of the HTTP service on loopback: the stack's ceiling, then the mix.

    .venv/bin/python benchmarks/bench_server.py [--requests 10000]
        [--concurrency 50] [--workers 1] [--without-at]

Starts ``claimsmap serve`` on a free port and, in the same run, sends the same
load (``--requests`` requests, ``--concurrency`` at a time) three ways:
``/health`` alone (what the HTTP stack itself can do: the ceiling), the mix of
distance, point (``/at``), feature and layer requests, and the same mix without
``/at`` (``--without-at``, whose cost is the query's, not the service's). It
prints throughput, p50/p99 latency, statuses, 5xx and transport errors, the CPU
seconds the client and the server spent, the mix over the ceiling, and each
worker's peak resident memory.

The client is lean on purpose so that it is not what is measured: one asyncio
stream per connection (on uvloop when installed), HTTP/1.1 keep-alive, requests
encoded before the clock starts. It runs on the same cores as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote, urlencode, urlsplit

import numpy as np
import psutil

from claimsmap.server import running

NAMES = ["Ishigaki", "Uotsuri-jima", "Itu Aba", "黄岩岛", "Mischief Reef", "Pag-asa"]


def mix(n: int, *, with_at: bool = True, seed: int = 7) -> list[str]:
    """The request targets (path and query) of the mix, in order."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        kind = rng.random()
        if kind < 0.4:
            a = f"{rng.uniform(110, 130):.4f},{rng.uniform(5, 30):.4f}"
            out.append("/distance?" + urlencode({"a": a, "b": rng.choice(NAMES)}))
        elif kind < 0.7:
            lon, lat = round(rng.uniform(105, 130), 4), round(rng.uniform(3, 33), 4)
            if with_at:
                out.append(f"/at?lon={lon}&lat={lat}")
        elif kind < 0.9:
            out.append("/features/" + quote(rng.choice(NAMES)))
        else:
            out.append("/layers/bases?limit=10")
    return out


class Tally:
    """Latencies and outcomes of one load run."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.transport_errors = 0
        self.elapsed = 0.0
        # CPU seconds spent by this client and by the server's workers.
        self.client_cpu = self.server_cpu = 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server keeps alive."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    keep_alive = b"\r\nconnection: close\r\n" not in lower
    start = lower.find(b"\r\ncontent-length:")
    if start >= 0:
        end = lower.index(b"\r\n", start + 2)
        await reader.readexactly(int(lower[start + 17 : end]))
    elif b"\r\ntransfer-encoding: chunked\r\n" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def _connection(
    host: str, port: int, requests: Iterator[bytes], tally: Tally
) -> None:
    """Send requests one after the other on a keep-alive connection."""
    reader = writer = None
    for request in requests:
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            assert reader is not None
            status, keep_alive = await _read_response(reader)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.transport_errors += 1
            keep_alive = False
        tally.latencies.append(time.perf_counter() - start)
        if not keep_alive and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def load(url: str, targets: list[str], concurrency: int) -> Tally:
    """Send every target, ``concurrency`` connections at a time."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    encoded = [
        f"GET {t} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode() for t in targets
    ]
    shared = iter(encoded)
    tally = Tally()
    start = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, port, shared, tally) for _ in range(concurrency))
    )
    tally.elapsed = time.perf_counter() - start
    return tally


def run(url: str, targets: list[str], concurrency: int) -> Tally:
    """Run one load on a fresh event loop (uvloop when installed)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - depends on the install
        return asyncio.run(load(url, targets, concurrency))
    return uvloop.run(load(url, targets, concurrency))


class PeakMemory:
    """Each worker's peak resident memory, and its own memory (USS) at the end.

    On entering, waits until the workers have started and warmed up; the watch
    then reads only their memory, which is cheap, so that the client stays lean.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.workers: list[psutil.Process] = []
        self.peaks: dict[int, int] = {}
        self.uss: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _find_workers(self) -> list[psutil.Process]:
        """The children if uvicorn supervises several workers, else the root."""
        children = [
            p
            for p in self.root.children()
            if "resource_tracker" not in " ".join(p.cmdline())
        ]
        return children or [self.root]

    def _settle(self, timeout: float = 60) -> None:
        """Wait until every worker is idle: started, warmed up, waiting for work."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if max(p.cpu_percent(0.5) for p in self._find_workers()) < 10:
                return

    def _watch(self) -> None:
        while not self._done.is_set():
            with contextlib.suppress(psutil.Error):
                for proc in self.workers:
                    rss = proc.memory_info().rss
                    self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._settle()
        self.workers = self._find_workers()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.uss = {p.pid: p.memory_full_info().uss for p in self.workers}


def measured(
    workers: list[psutil.Process], url: str, targets: list[str], concurrency: int
) -> Tally:
    """Run one load; note the CPU time the client and the workers spent on it."""

    def server_cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in workers)

    client, server = time.process_time(), server_cpu()
    tally = run(url, targets, concurrency)
    tally.client_cpu = time.process_time() - client
    tally.server_cpu = server_cpu() - server
    return tally


def report(name: str, tally: Tally) -> float:
    """Print one run's figures; return its throughput."""
    lat = np.array(tally.latencies) * 1000
    n = len(lat)
    rate = n / tally.elapsed
    five_xx = sum(k for s, k in tally.statuses.items() if s >= 500)
    print(
        f"  {name:<18} {rate:>7,.0f} req/s   p50 {np.percentile(lat, 50):>7.1f} ms"
        f"   p99 {np.percentile(lat, 99):>7.1f} ms   5xx {five_xx}"
        f"   transport errs {tally.transport_errors}"
        f"   statuses {dict(sorted(tally.statuses.items()))}"
        f"   CPU s client {tally.client_cpu:.1f} server {tally.server_cpu:.1f}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--without-at",
        action="store_true",
        help="also run the mix without /at, whose cost is the query's",
    )
    args = parser.parse_args()

    with running(workers=args.workers) as (url, server), PeakMemory(server.pid) as mem:
        # Every worker answers each kind of request before the clock starts.
        run(url, mix(100 * args.workers), args.concurrency)
        runs = [("/health (ceiling)", ["/health"] * args.requests)]
        runs.append(("mix", mix(args.requests)))
        if args.without_at:
            runs.append(("mix without /at", mix(args.requests, with_at=False)))
        tallies = [
            (name, measured(mem.workers, url, targets, args.concurrency))
            for name, targets in runs
        ]

    print(
        f"{args.requests:,} requests each, {args.concurrency} at a time, to {url}, "
        f"{args.workers} worker(s), client on the same {psutil.cpu_count()} cores"
    )
    rates = [report(name, tally) for name, tally in tallies]
    for (name, _), rate in zip(tallies[1:], rates[1:], strict=True):
        print(f"  {name} / ceiling  {rate / rates[0]:.2f}")
    for pid, unique in sorted(mem.uss.items()):
        peak = mem.peaks.get(pid, 0)
        print(
            f"  worker {pid}  peak {peak / 2**20:,.0f} MiB resident, "
            f"{unique / 2**20:,.0f} MiB its own at the end (USS)"
        )


if __name__ == "__main__":
    main()
