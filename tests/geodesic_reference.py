"""Reference distances by GeographicLib alone, for checking claimsmap's own.

The distance from a point to a line is found here with nothing but
GeographicLib's direct and inverse problems (a golden-section search along
each geodesic edge), so a mistake in claimsmap's nearest-point code cannot
hide in both the answer and its check.
"""

from __future__ import annotations

import itertools
import math

import shapely
from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84
INVERSE_PHI = (math.sqrt(5) - 1) / 2


def to_edge(p, a, b):
    """Metres from p to the geodesic edge a-b, by GeographicLib alone."""
    line = G.InverseLine(a[1], a[0], b[1], b[0])

    def f(s):
        q = line.Position(s)
        return G.Inverse(p[1], p[0], q["lat2"], q["lon2"])["s12"]

    # Bracket on a coarse sample, then golden-section to a millimetre.
    n = 32
    samples = [line.s13 * i / n for i in range(n + 1)]
    values = [f(s) for s in samples]
    i = min(range(n + 1), key=values.__getitem__)
    lo, hi = samples[max(i - 1, 0)], samples[min(i + 1, n)]
    while hi - lo > 1e-3:
        x1, x2 = hi - INVERSE_PHI * (hi - lo), lo + INVERSE_PHI * (hi - lo)
        if f(x1) <= f(x2):
            hi = x2
        else:
            lo = x1
    return min(f((lo + hi) / 2), values[0], values[-1])


def to_geometry(p, geom):
    """Metres from p to the edges and points of geom, by GeographicLib alone."""
    best = math.inf
    for part in shapely.get_parts(geom):
        if part.geom_type == "Point":
            best = min(best, G.Inverse(p[1], p[0], part.y, part.x)["s12"])
            continue
        rings = (
            [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        )
        for ring in rings:
            for a, b in itertools.pairwise(ring.coords):
                best = min(best, to_edge(p, a, b))
    return best
