"""Timing shared by the benchmarks (each is run as a script from this folder)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(
    fn: Callable[[], Any],
    repeat: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``fn`` in seconds, and its result.

    The first run pays for page faults and caches; the best of a few is the
    figure that does not depend on what the machine did before. ``clock``
    is wall time unless told; ``time.process_time`` counts only this
    process's CPU time, which other work on a shared machine does not swell.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        start = clock()
        result = fn()
        best = min(best, clock() - start)
    return best, result
