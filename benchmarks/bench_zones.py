"""200-nmi zones: claimsmap's geodesic buffer against the naive buffers, in one run.

    .venv/bin/python benchmarks/bench_zones.py [--before SRC]

Then a whole zone, the Philippines' EEZ from its coast (99-125°E, 3°S-26°N)
and the features it claims: built from scratch (``cache=False``), read from
the cache by a new process (import and call), and the same envelope by
geopandas in a projected CRS. ``--before SRC`` also times the from-scratch
build with the package in SRC (another checkout's ``src``) in a subprocess,
for the ratio. Times are wall clock and CPU seconds of the process (on a
shared machine the CPU time is the steadier figure).

A geopandas user builds an EEZ envelope by buffering in Web Mercator metres
(EPSG:3857) or, worse, in degrees (200 nmi = 10/3 degrees of latitude). Each
method buffers the same three sources (a point, the PRC's 2012 Diaoyu Dao
baselines, Taiwan's coast); the error is the geodesic distance from every
vertex of the result to the source, minus 200 nmi (claimsmap's exact
distances, themselves tested against GeographicLib to a millimetre).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
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


PHL = ("PHL", "eez")
REGION = (99, -3, 125, 26)
CALL = (
    "import time; t, c = time.perf_counter(), time.process_time(); "
    "import claimsmap as cm; "
    f"z = cm.zones({PHL[0]!r}, {PHL[1]!r}, region={REGION!r}{{extra}}); "
    "print(time.perf_counter() - t, time.process_time() - c, z.area_km2.iloc[0])"
)


IMPORT = (
    "import time; t, c = time.perf_counter(), time.process_time(); "
    "import claimsmap; print(time.perf_counter() - t, time.process_time() - c, 0)"
)


def in_process(
    src: str | None, folder: str, extra: str = "", code: str = CALL
) -> tuple[float, ...]:
    """Wall and CPU seconds, and the area, of import + zones() in a new process."""
    env = {**os.environ, "CLAIMSMAP_CACHE_DIR": folder}
    if src:
        env["PYTHONPATH"] = src
    out = subprocess.run(
        [sys.executable, "-c", code.format(extra=extra)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return tuple(float(v) for v in out)


def whole_zone(before: str | None) -> None:
    """The PHL EEZ: from scratch, from the cache in a new process, and the peer."""
    print()
    print(f"cm.zones{(*PHL,)} region={REGION}: seconds (wall / CPU), area km²")
    with tempfile.TemporaryDirectory() as folder:
        start, cpu = time.perf_counter(), time.process_time()
        zone = cm.zones(*PHL, region=REGION, cache=False)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        area = zone.area_km2.iloc[0]
        label = "from scratch (cache=False)"
        print(f"{label:<44}{wall:>8.1f} / {cpu:>5.1f}{area:>14,.0f}")
        if before:
            # The code before kept nothing: it has no cache= to pass.
            b_wall, b_cpu, b_area = in_process(before, folder)
            print(
                f"{'from scratch, before (' + before + ')':<44}{b_wall:>8.1f} / "
                f"{b_cpu:>5.1f}{b_area:>14,.0f}"
            )
            print(
                f"{'ratio before / now':<44}{b_wall / wall:>7.1f}x / "
                f"{b_cpu / cpu:>4.1f}x"
            )
        in_process(None, folder)  # fills the cache
        n_wall, n_cpu, _ = in_process(None, folder)
        print(
            f"{'new process: import + cached call':<44}{n_wall:>8.2f} / {n_cpu:>5.2f}"
        )
        i_wall, i_cpu, _ = in_process(None, folder, code=IMPORT)
        print(f"{'  of which import claimsmap':<44}{i_wall:>8.2f} / {i_cpu:>5.2f}")
        # The peer: geopandas, the same sources and belts, one projected CRS.
        start, cpu = time.perf_counter(), time.process_time()
        peer, outer = peer_belt()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        label = "geopandas, same belts in UTM 51N (32651)"
        print(f"{label:<44}{wall:>8.1f} / {cpu:>5.1f}{cm.area(peer, 'km2'):>14,.0f}")
        err = vertex_errors(outer, base_of("eez"))
        worst = err[np.argmax(np.abs(err))]
        print(f"{'  its 200-nmi limit: worst vertex (m)':<44}{worst:>+16,.1f}")


def base_of(kind: str) -> shapely.Geometry:
    """The PHL sources that generate ``kind``, as one geometry."""
    from claimsmap.maritime import sources

    src = sources(PHL[0], region=REGION)
    return shapely.union_all(
        list(src.geometry[src["generates"].map(lambda g: kind in g)])
    )


def peer_belt() -> tuple[shapely.Geometry, shapely.Geometry]:
    """The EEZ belt as a geopandas user builds it: buffers in UTM zone 51N."""
    from claimsmap.maritime import sources

    src = sources(PHL[0], region=REGION)

    def utm(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
        return frame.geometry.to_crs(32651)

    def envelope(kind: str, nmi: float) -> shapely.Geometry:
        gen = src[src["generates"].map(lambda g: kind in g)]
        return utm(gen).buffer(nmi * NMI, quad_segs=64).union_all()

    inner = utm(src[src["role"].isin(["land", "enclosed-waters"])]).union_all()
    outer = envelope("eez", 200)
    belt = outer.difference(shapely.union_all([envelope("territorial-sea", 12), inner]))
    back = gpd.GeoSeries([belt, outer], crs=32651).to_crs(4326)
    return back.iloc[0], back.iloc[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="SRC", help="time this src too")
    args = parser.parse_args()
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
    whole_zone(args.before)


if __name__ == "__main__":
    main()
