"""How long a user waits for the command line, beside ``import geopandas``.

    .venv/bin/python benchmarks/bench_cli.py [--runs 10]

Each command runs in a fresh process, as a user runs it: first once with an
empty cache folder (the first run builds the name index and the other
caches), then ``--runs`` times warm. The rounds interleave the commands and
the peer, ``python -c "import geopandas"`` (what a geopandas user waits before
anything happens), so that a busy machine slows them alike. Prints the median
and the slowest wall time of each, and the median's ratio to the peer's.
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

COMMANDS = {
    "claimsmap --version": ["--version"],
    "claimsmap distance Ishigaki Uotsuri-jima": [
        "distance",
        "Ishigaki",
        "Uotsuri-jima",
    ],
    "claimsmap show Uotsuri-jima": ["show", "Uotsuri-jima"],
    "claimsmap at 123.47 25.74": ["at", "123.47", "25.74"],
}
PEER = 'python -c "import geopandas"'


def _claimsmap() -> list[str]:
    """The installed ``claimsmap`` script beside this Python, else ``-m``."""
    script = Path(sys.executable).with_name("claimsmap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "claimsmap"]


def wall(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``argv`` to its exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="warm runs of each")
    args = parser.parse_args()

    base = _claimsmap()
    argvs = {label: [*base, *rest] for label, rest in COMMANDS.items()}
    argvs[PEER] = [sys.executable, "-c", "import geopandas"]
    with tempfile.TemporaryDirectory(prefix="bench-cli-cache-") as folder:
        env = {**os.environ, "CLAIMSMAP_CACHE_DIR": folder}
        # Cold: an empty cache folder, each command once, in this order.
        cold = {label: wall(argv, env) for label, argv in argvs.items()}
        warm: dict[str, list[float]] = {label: [] for label in argvs}
        for _ in range(args.runs):
            for label, argv in argvs.items():
                warm[label].append(wall(argv, env))

    peer = statistics.median(warm[PEER])
    width = max(len(label) for label in argvs)
    print(f"wall seconds, fresh process each; {args.runs} warm runs after one cold")
    print(f"{'':<{width}}  {'cold':>6}  {'median':>6}  {'max':>6}  median/peer")
    for label, times in warm.items():
        median = statistics.median(times)
        print(
            f"{label:<{width}}  {cold[label]:6.3f}  {median:6.3f}  "
            f"{max(times):6.3f}  {median / peer:6.2f}"
        )


if __name__ == "__main__":
    main()
