"""Timing shared by the benchmarks (each is run as a script from this folder)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``fn`` in seconds, and its result.

    The first run pays for page faults and caches; the best of a few is the
    figure that does not depend on what the machine did before.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result
