"""Load test of the HTTP service on loopback: 10,000 requests, 50 at a time.

    .venv/bin/python benchmarks/bench_server.py [--requests 10000] [--concurrency 50]

Starts ``claimsmap serve`` on a free port, sends a mix of distance, point
(``/at``), feature and layer requests, and prints throughput, latency
percentiles, the error count (5xx and transport errors separately) and the
server process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import threading
import time

import httpx
import numpy as np
import psutil

from claimsmap.server import running


def requests(n: int, seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    names = [
        "Ishigaki",
        "Uotsuri-jima",
        "Itu Aba",
        "黄岩岛",
        "Mischief Reef",
        "Pag-asa",
    ]
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.4:
            a = f"{rng.uniform(110, 130):.4f},{rng.uniform(5, 30):.4f}"
            out.append(("/distance", {"a": a, "b": rng.choice(names)}))
        elif kind < 0.7:
            out.append(
                (
                    "/at",
                    {
                        "lon": round(rng.uniform(105, 130), 4),
                        "lat": round(rng.uniform(3, 33), 4),
                    },
                )
            )
        elif kind < 0.9:
            out.append((f"/features/{rng.choice(names)}", {}))
        else:
            out.append(("/layers/bases", {"limit": 10}))
    return out


async def run(url: str, plan: list[tuple[str, dict]], concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    transport_errors = 0
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency
    )
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(path: str, params: dict) -> None:
            nonlocal transport_errors
            async with gate:
                start = time.perf_counter()
                try:
                    r = await client.get(path, params=params)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                except httpx.TransportError:
                    transport_errors += 1
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(one(p, q) for p, q in plan))
        elapsed = time.perf_counter() - start
    return {
        "elapsed": elapsed,
        "latencies": np.array(latencies),
        "statuses": statuses,
        "transport_errors": transport_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()

    with running() as (url, server):
        proc = psutil.Process(server.pid)
        peak = [proc.memory_info().rss]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                try:
                    peak[0] = max(peak[0], proc.memory_info().rss)
                except psutil.Error:
                    return
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        result = asyncio.run(run(url, requests(args.requests), args.concurrency))
        done.set()
        watcher.join()

    lat = result["latencies"] * 1000
    five_xx = sum(n for s, n in result["statuses"].items() if s >= 500)
    print(f"{args.requests:,} requests, {args.concurrency} at a time, to {url}")
    print(f"  throughput     {args.requests / result['elapsed']:,.0f} requests/s")
    print(f"  latency p50    {np.percentile(lat, 50):,.1f} ms")
    print(f"  latency p99    {np.percentile(lat, 99):,.1f} ms")
    print(f"  statuses       {dict(sorted(result['statuses'].items()))}")
    print(f"  5xx            {five_xx}")
    print(f"  transport errs {result['transport_errors']}")
    print(f"  server peak    {peak[0] / 2**20:,.0f} MiB resident")


if __name__ == "__main__":
    main()
