"""Compiled loops for :class:`claimsmap.locate.ZoneIndex` (needs numba).

Each loop does in one pass over the points what the numpy code in
:mod:`claimsmap.locate` does in a dozen, with the same floating-point
operations in the same order, so both give the same answer bit for bit (the
test suite compares them). The functions are compiled on first use and kept
on disk by numba (``cache=True``), so a later process loads them instead.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["cells", "fill"]


@numba.njit(cache=True, nogil=True)
def cells(
    lon: np.ndarray,
    lat: np.ndarray,
    padded: np.ndarray,
    fine: np.ndarray,
    ny2: int,
    refine: int,
    inv: float,
    ax: float,
    ay: float,
    hx: float,
    hy: float,
    inside_count: np.ndarray,
    has_border: np.ndarray,
    sig: np.ndarray,
    near: np.ndarray,
) -> tuple[int, int]:
    """Each point's leaf signature; the points near a border; the inside total.

    ``ax, ay`` shift the scaled coordinates onto the padded grid and ``hx, hy``
    are its last cell; a NaN goes to cell 0, which is empty. Writes ``sig``
    and the first ``m`` entries of ``near``; returns ``m`` and the number of
    (point, inside zone) pairs.
    """
    m = 0
    total = 0
    per = refine * refine
    for p in range(lon.shape[0]):
        fx = lon[p] * inv
        fx += ax
        if not fx >= 0.0:  # NaN included, as np.fmax(fx, 0.0)
            fx = 0.0
        if fx > hx:
            fx = hx
        fy = lat[p] * inv
        fy += ay
        if not fy >= 0.0:
            fy = 0.0
        if fy > hy:
            fy = hy
        i = np.int32(fx)
        k = np.int32(fy)
        leaf = padded[np.int64(i) * ny2 + k]
        if leaf < 0:
            si = int((fx - i) * refine)  # at most refine - 1, as np.minimum
            if si > refine - 1:
                si = refine - 1
            sk = int((fy - k) * refine)
            if sk > refine - 1:
                sk = refine - 1
            leaf = fine[(np.int64(-leaf) - 1) * per + si * refine + sk]
        sig[p] = leaf
        total += inside_count[leaf]
        if has_border[leaf]:
            near[m] = p
            m += 1
    return m, total


@numba.njit(cache=True, nogil=True)
def fill(
    sig: np.ndarray,
    inside_count: np.ndarray,
    inside_table: np.ndarray,
    b_point: np.ndarray,
    b_zone: np.ndarray,
    ptr: np.ndarray,
    zone: np.ndarray,
    point: np.ndarray,
    first: int,
) -> None:
    """CSR memberships: each point's inside zones, then its exact-test hits.

    ``inside_table`` holds each signature's inside zones in a row of fixed
    width ``W``, a multiple of 8: all ``W`` are copied and the cursor moves
    on by the count, so the next point overwrites the spare ones. A loop of
    fixed length leaves the processor no branch to mispredict; ``zone`` (and
    ``point``) need ``W`` spare entries at the end. ``b_point`` is sorted (by point,
    then zone). ``ptr[0]`` holds the offset on entry; ``ptr[1:]`` is written.
    ``point`` (when not empty) gets each membership's point number plus
    ``first``.
    """
    width = inside_table.shape[1]
    w = 0
    b = 0
    nb = b_point.shape[0]
    base = ptr[0]
    with_point = point.shape[0] > 0
    for p in range(sig.shape[0]):
        s = sig[p]
        for t0 in range(0, width, 8):  # rows of 8: one vector load and store each
            for t in range(8):
                zone[w + t0 + t] = inside_table[s, t0 + t]
        if with_point:
            for t in range(width):
                point[w + t] = first + p
        w += inside_count[s]
        while b < nb and b_point[b] == p:
            zone[w] = b_zone[b]
            if with_point:
                point[w] = first + p
            w += 1
            b += 1
        ptr[p + 1] = base + w
