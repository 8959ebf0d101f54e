"""Point queries: cm.at, cm.within and cm.distances against the plain way, same run.

    .venv/bin/python benchmarks/bench_at.py [--points 10000] [--sample 200]

cm.at is timed on random points over 100-135°E, 0-45°N (seeded), one call
at a time in one process, after a first call has indexed the atlas. The
plain way, on a subsample: a geopandas spatial join of the point with every
area layer (covers), and the exact geodesic distance to every land polygon
or island that could be the nearest. The answers are checked to be the same
(areas, their order, the nearest land, its distance to a metre) before the
times are printed. Times are wall clock, with the process's CPU time beside
them (on a busy machine the wall clock's tail is the scheduler's).
"""

from __future__ import annotations

import argparse
import statistics
import time

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point

import claimsmap as cm
from claimsmap.catalog import BASEMAP, catalog, load, present

AREA_KINDS = {"claim-area", "control-area", "zone", "adiz", "exercise-area"}
LAND_KINDS = {"feature", "land"}
NAMES = [
    "JGSDF Camp Ishigaki",
    "JGSDF Camp Yonaguni",
    "Uotsuri-jima",
    "Kita-kojima",
    "Minami-kojima",
    "Kuba-jima",
    "Taisho-to",
    "Pattle Island",
    "Woody Island",
    "Itu Aba",
]


def plain_layers(kinds: set[str]) -> list[tuple[str, gpd.GeoDataFrame]]:
    return [
        (layer, present(load(layer)).reset_index(drop=True))
        for layer, entry in catalog()["layers"].items()
        if entry["kind"] in kinds or (kinds == LAND_KINDS and layer == BASEMAP)
    ]


def plain_at(lon: float, lat: float, areas, land) -> tuple[list[str], str, float]:
    """Areas by a spatial join of one point; the nearest land by exact distances."""
    here = gpd.GeoDataFrame(geometry=[Point(lon, lat)], crs=4326)
    ids = []
    for _, frame in areas:
        joined = here.sjoin(frame, predicate="covered_by", how="inner")
        ids += list(frame.loc[sorted(joined["index_right"]), "id"])
    degrees = shapely.distance(Point(lon, lat), land["geometry"])
    reach = 2 * degrees.min() + 1.0  # nothing farther in degrees can be nearer
    metres = np.full(len(land["id"]), np.inf)
    for i in np.flatnonzero(degrees <= reach):
        metres[i] = cm.distance((lon, lat), land["geometry"][i]).metres
    first = int(np.flatnonzero(metres <= metres.min() + 1e-3)[0])
    return ids, land["id"][first], float(metres[first])


def stats(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return (
        f"median {np.median(ms):7.3f} ms  p99 {np.percentile(ms, 99):7.3f} ms  "
        f"mean {ms.mean():7.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(13)
    points = np.column_stack(
        [rng.uniform(100, 135, args.points), rng.uniform(0, 45, args.points)]
    )

    start = time.perf_counter()
    cm.at(123.47, 25.74)
    first = time.perf_counter() - start
    wall, cpu, answers = [], [], []
    for lon, lat in points:
        t0, c0 = time.perf_counter(), time.thread_time()
        found = cm.at(lon, lat)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
        answers.append(found)

    areas = plain_layers(AREA_KINDS)
    rows = [
        (row["id"], row.geometry)
        for _, frame in plain_layers(LAND_KINDS)
        for _, row in frame.iterrows()
    ]
    geoms = np.empty(len(rows), dtype=object)
    geoms[:] = [r[1] for r in rows]
    land = {"id": [r[0] for r in rows], "geometry": geoms}
    sample = np.linspace(0, args.points - 1, args.sample).astype(int)
    plain = []
    for k in sample:
        t0 = time.perf_counter()
        ids, nearest, metres = plain_at(*points[k], areas, land)
        plain.append(time.perf_counter() - t0)
        ours = answers[k]
        assert list(ours["id"]) == ids, (points[k], list(ours["id"]), ids)
        assert ours.attrs["nearest"]["id"] == nearest, (points[k], nearest)
        assert abs(ours.attrs["nearest"]["distance_km"] * 1000 - metres) <= 1.0

    print(f"cm.at over {args.points:,} random points in 100-135°E, 0-45°N")
    print(f"  first call (indexes the atlas): {first:.2f} s")
    print(f"  claimsmap          wall {stats(wall)}")
    print(f"  claimsmap          cpu  {stats(cpu)}")
    print(f"  sjoin + distances  wall {stats(plain)}  ({args.sample} points)")
    ratio = statistics.median(plain) / statistics.median(wall)
    print(f"  answers agree on the {args.sample} points; median ratio {ratio:,.0f}x")

    for place, radius in (
        ("JGSDF Camp Ishigaki", 200),
        ("Ishigaki Island", 200),
        ((121.0, 25.0), 300),
    ):
        cm.within(place, radius, "km")
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            cm.within(place, radius, "km")
            times.append(time.perf_counter() - t0)
        print(f"cm.within({place!r}, {radius}, 'km')  {stats(times)}")
    zones = ["jpn-senkaku-territorial-sea", "twn-adiz", "phl-kalayaan-island-group"]
    for label, targets in (("10x10 names", NAMES), ("10 names x 3 zones", zones)):
        cm.distances(NAMES, targets)
        times = []
        for _ in range(10):
            t0 = time.perf_counter()
            cm.distances(NAMES, targets)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for a in NAMES:
            for b in targets:
                cm.distance(a, b)
        pairwise = time.perf_counter() - t0
        print(
            f"cm.distances {label:<20} {stats(times)}; one cm.distance a pair "
            f"{pairwise * 1000:,.1f} ms"
        )


if __name__ == "__main__":
    main()
