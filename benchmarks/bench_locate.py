"""Points in zones: claimsmap.locate against geopandas.sjoin and shapely, same run.

    .venv/bin/python benchmarks/bench_locate.py [--points 10000000]

Random points over 100-130°E, 0-35°N against every claim, zone, ADIZ, control
and exercise polygon of the atlas. The answers of every method are checked to
be identical (as point-zone pairs, boundaries included) before the speeds are
printed. Everything runs on one core; claimsmap's times are the best of three
runs, the peers' are single runs (they take far longer than a page fault).
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely
from _timing import timed

from claimsmap.locate import ZoneIndex, atlas_zones


def keys(points: np.ndarray, zones: np.ndarray, n_zones: int) -> np.ndarray:
    """Point-zone pairs as sorted integers, to compare methods exactly."""
    return np.sort(points.astype(np.int64) * n_zones + zones)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    args = parser.parse_args()
    n = args.points
    rng = np.random.default_rng(42)
    lon, lat = rng.uniform(100, 130, n), rng.uniform(0, 35, n)
    zones = atlas_zones()
    z = len(zones)
    vertices = int(shapely.get_num_coordinates(zones.geometry.values).sum())

    start = time.perf_counter()
    index = ZoneIndex.build(zones)
    t_build = time.perf_counter() - start
    t_csr, (ptr, zone) = timed(lambda: index.memberships(lon, lat))
    t_table, table = timed(lambda: index.locate(lon, lat))
    ours = keys(np.repeat(np.arange(n), np.diff(ptr)), zone, z)
    assert np.array_equal(ours, keys(table.point.to_numpy(), table.zone.cat.codes, z))
    near = float(index.has_border[index.signature(lon, lat)].mean())

    for geom in zones.geometry:
        shapely.prepare(geom)

    def prepared(predicate):
        found = []
        for j, geom in enumerate(zones.geometry):
            hit = np.flatnonzero(predicate(geom, lon, lat))
            found.append((hit, np.full(len(hit), j)))
        return keys(
            np.concatenate([f[0] for f in found]),
            np.concatenate([f[1] for f in found]),
            z,
        )

    t_shapely, theirs = timed(lambda: prepared(shapely.intersects_xy), 1)
    assert np.array_equal(ours, theirs), "claimsmap and shapely.intersects_xy disagree"
    # contains_xy leaves out the boundary; no random point falls on one.
    t_contains, theirs = timed(lambda: prepared(shapely.contains_xy), 1)
    assert np.array_equal(ours, theirs), "claimsmap and shapely.contains_xy disagree"

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    start = time.perf_counter()
    joined = gpd.sjoin(points, zones[["geometry"]], predicate="intersects")
    t_sjoin = time.perf_counter() - start
    sj = keys(joined.index.to_numpy(), joined["index_right"].to_numpy(), z)
    assert np.array_equal(ours, sj), "claimsmap and geopandas.sjoin disagree"

    print(
        f"{n:,} random points, {z} atlas zones ({vertices:,} vertices), "
        f"{len(ours):,} memberships"
    )
    print(
        "  answers identical: claimsmap = shapely intersects_xy = contains_xy "
        "= geopandas.sjoin"
    )
    print(
        f"  grid built once in {t_build:.2f} s; "
        f"{near:.2%} of points needed the exact test"
    )
    rows = (
        ("claimsmap ZoneIndex.memberships (CSR)", t_csr),
        ("claimsmap ZoneIndex.locate (table)", t_table),
        ("shapely intersects_xy (prepared)", t_shapely),
        ("shapely contains_xy (prepared)", t_contains),
        ("geopandas.sjoin", t_sjoin),
    )
    for name, seconds in rows:
        print(f"  {name:<40}{seconds:>8.2f} s{n / seconds / 1e6:>9.2f} M points/s")
    print(
        f"  ratios: CSR vs sjoin {t_sjoin / t_csr:.0f}x, "
        f"table vs sjoin {t_sjoin / t_table:.0f}x, "
        f"CSR vs prepared contains_xy {t_contains / t_csr:.1f}x"
    )


if __name__ == "__main__":
    main()
