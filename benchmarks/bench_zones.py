"""200-nmi zones: claimsmap's geodesic buffer against the naive buffers, in one run.

    .venv/bin/python benchmarks/bench_zones.py

A geopandas user builds an EEZ envelope by buffering in Web Mercator metres
(EPSG:3857) or, worse, in degrees (200 nmi = 10/3 degrees of latitude). Each
method buffers the same three sources (a point, the PRC's 2012 Diaoyu Dao
baselines, Taiwan's coast); the error is the geodesic distance from every
vertex of the result to the source, minus 200 nmi (claimsmap's exact
distances, themselves tested against GeographicLib to a millimetre).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely
from _timing import timed

import claimsmap as cm
from claimsmap.geodesy import NMI, distances_to

LIMIT = 200 * NMI


def vertex_errors(result, source) -> np.ndarray:
    """Metres from each vertex of ``result`` to ``source``, minus 200 nmi."""
    rings = []
    for poly in shapely.get_parts(result):
        rings += [poly.exterior, *poly.interiors]
    xy = np.concatenate([np.asarray(r.coords) for r in rings])
    return distances_to(xy, source) - LIMIT


def main() -> None:
    # geopandas rightly warns about buffering in degrees; that is the point here.
    warnings.filterwarnings("ignore", "Geometry is in a geographic CRS")
    land = cm.load("basemap-ne10m").set_index("id")
    sources = {
        "point (Itu Aba)": cm.find("Itu Aba").geometry,
        "baselines (PRC 2012, Diaoyu Dao)": shapely.union_all(
            list(cm.load("prc-diaoyu-baselines-2012").geometry)
        ),
        "coast (Taiwan, NE 1:10m, simplified)": max(
            shapely.get_parts(land.loc["ne-taiwan", "geometry"]), key=lambda p: p.area
        ).simplify(0.005),
    }
    print("200 nmi envelope: time, and the error of its vertices (metres)")
    print(f"{'source':<40}{'method':<24}{'time':>10}{'worst':>14}{'mean |err|':>13}")
    for label, source in sources.items():
        series = gpd.GeoSeries([source], crs=4326)
        methods = {
            "claimsmap (WGS84)": lambda s=source: cm.buffer(s, 200, "nmi"),
            "geopandas EPSG:3857": lambda s=series: (
                s.to_crs(3857).buffer(LIMIT, quad_segs=64).to_crs(4326).iloc[0]
            ),
            "geopandas degrees": lambda s=series: s.buffer(200 / 60, quad_segs=64).iloc[
                0
            ],
        }
        times = {}
        for name, build in methods.items():
            seconds, result = timed(build)
            times[name] = seconds
            err = vertex_errors(result, source)
            worst = err[np.argmax(np.abs(err))]
            print(
                f"{label:<40}{name:<24}{seconds * 1000:>8.1f} ms"
                f"{worst:>+14,.1f}{np.abs(err).mean():>13,.1f}"
            )
        ratio = times["claimsmap (WGS84)"] / times["geopandas EPSG:3857"]
        print(f"{'':<40}{'time ratio claimsmap / 3857':<24}{ratio:>10.1f}x")


if __name__ == "__main__":
    main()
