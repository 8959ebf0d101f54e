"""Points in zones: claimsmap.locate against geopandas.sjoin and shapely, same run.

    .venv/bin/python benchmarks/bench_locate.py [--points 10000000] [--sample 200000]

Random points over 100-130°E, 0-35°N against every claim, zone, ADIZ, control
and exercise polygon of the atlas. claimsmap locates every point; the peers
(geopandas.sjoin, prepared shapely intersects_xy and contains_xy, one pass per
zone) would take up to a quarter of an hour on ten million points, so they
locate the first ``--sample`` points and their time is scaled to the full
count (their cost is linear in the points: no set-up is left out). On that
sample every method's answer is checked to be identical to claimsmap's (as
point-zone pairs, boundaries included). Everything runs on one core and is
timed in CPU seconds of this process (``time.process_time``), which other
work on a shared machine does not swell: on an idle one they are the wall
times. claimsmap's and shapely's are the best of three runs, sjoin's one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from _timing import timed as _timed

from claimsmap.locate import ZoneIndex, atlas_zones


def timed(fn, repeat=3):
    """:func:`_timing.timed` in CPU seconds of this process."""
    return _timed(fn, repeat, clock=time.process_time)


def keys(points: np.ndarray, zones: np.ndarray, n_zones: int) -> np.ndarray:
    """Point-zone pairs as sorted integers, to compare methods exactly."""
    return np.sort(points.astype(np.int64) * n_zones + zones)


def csr_keys(ptr: np.ndarray, zone: np.ndarray, n_zones: int) -> np.ndarray:
    """The pairs of CSR memberships, as :func:`keys`."""
    return keys(np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)), zone, n_zones)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    args = parser.parse_args()
    wall = time.perf_counter()
    n, m = args.points, min(args.sample, args.points)
    rng = np.random.default_rng(42)
    lon, lat = rng.uniform(100, 130, n), rng.uniform(0, 35, n)
    slon, slat = lon[:m], lat[:m]
    zones = atlas_zones()
    z = len(zones)
    vertices = int(shapely.get_num_coordinates(zones.geometry.values).sum())

    t_build, index = timed(lambda: ZoneIndex.build(zones), 1)
    with tempfile.TemporaryDirectory() as folder:
        path = index.save(Path(folder) / "atlas.npz")
        size = path.stat().st_size
        t_load, _ = timed(lambda: ZoneIndex.load(path))

    # claimsmap on every point: the compiled loops (numba), the table, numpy alone.
    t_csr, (ptr, zone) = timed(lambda: index.memberships(lon, lat))
    t_table, table = timed(lambda: index.locate(lon, lat))
    t_numpy, (ptr_np, zone_np, _) = timed(
        lambda: index._blocks(lon, lat, points=False, compiled=False)
    )
    ours = csr_keys(ptr, zone, z)
    assert np.array_equal(ours, keys(table.point.to_numpy(), table.zone.cat.codes, z))
    assert np.array_equal(ptr, ptr_np) and np.array_equal(zone, zone_np)
    near = float(index.has_border[index.signature(lon, lat)].mean())
    compiled = importlib.util.find_spec("numba") is not None

    # The peers on the sample; claimsmap's answer for the same points.
    ours_sample = csr_keys(*index.memberships(slon, slat), z)
    for geom in zones.geometry:
        shapely.prepare(geom)

    def prepared(predicate):
        found = []
        for j, geom in enumerate(zones.geometry):
            hit = np.flatnonzero(predicate(geom, slon, slat))
            found.append((hit, np.full(len(hit), j)))
        return keys(
            np.concatenate([f[0] for f in found]),
            np.concatenate([f[1] for f in found]),
            z,
        )

    t_shapely, theirs = timed(lambda: prepared(shapely.intersects_xy))
    assert np.array_equal(ours_sample, theirs), "shapely.intersects_xy disagrees"
    # contains_xy leaves out the boundary; no random point falls on one.
    t_contains, theirs = timed(lambda: prepared(shapely.contains_xy))
    assert np.array_equal(ours_sample, theirs), "shapely.contains_xy disagrees"
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(slon, slat), crs=4326)
    t_sjoin, joined = timed(
        lambda: gpd.sjoin(points, zones[["geometry"]], predicate="intersects"), 1
    )
    sj = keys(joined.index.to_numpy(), joined["index_right"].to_numpy(), z)
    assert np.array_equal(ours_sample, sj), "geopandas.sjoin disagrees"
    scale = n / m
    t_shapely, t_contains, t_sjoin = (
        t * scale for t in (t_shapely, t_contains, t_sjoin)
    )

    print(
        f"{n:,} random points, {z} atlas zones ({vertices:,} vertices), "
        f"{len(ours):,} memberships"
    )
    print(
        f"  answers identical on the first {m:,} points: claimsmap = shapely "
        "intersects_xy = contains_xy = geopandas.sjoin; on all points: claimsmap "
        "compiled = numpy"
    )
    print(
        f"  grid built in {t_build:.2f} s, saved in {size / 1e6:.1f} MB, "
        f"loaded in {t_load:.3f} s; {near:.2%} of points needed the exact test"
    )
    loops = "numba" if compiled else "numba missing: numpy"
    rows = (
        (f"claimsmap ZoneIndex.memberships (CSR, {loops})", t_csr, ""),
        ("claimsmap ZoneIndex.locate (table)", t_table, ""),
        ("claimsmap memberships, numpy alone", t_numpy, ""),
        ("shapely intersects_xy (prepared)", t_shapely, "*"),
        ("shapely contains_xy (prepared)", t_contains, "*"),
        ("geopandas.sjoin", t_sjoin, "*"),
    )
    for name, seconds, mark in rows:
        print(
            f"  {name:<46}{seconds:>9.2f} s{mark:1}{n / seconds / 1e6:>9.2f} M points/s"
        )
    print(f"  * timed on {m:,} points and scaled by {scale:,.0f} to {n:,}")
    print(
        f"  ratios: CSR vs prepared contains_xy {t_contains / t_csr:.1f}x, "
        f"table vs contains_xy {t_contains / t_table:.1f}x, "
        f"numpy alone vs contains_xy {t_contains / t_numpy:.1f}x, "
        f"CSR vs sjoin {t_sjoin / t_csr:.0f}x"
    )
    elapsed = time.perf_counter() - wall
    print(f"  times in CPU seconds; benchmark wall time {elapsed:.0f} s")


if __name__ == "__main__":
    main()
