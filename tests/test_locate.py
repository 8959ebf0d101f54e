"""locate: every membership, the same as shapely.covers point by point."""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
import shapely.affinity
from hypothesis import given, settings
from hypothesis import strategies as st

import claimsmap as cm
from claimsmap import _cache
from claimsmap.locate import ZoneIndex, atlas_index, atlas_zones, locate

HAVE_NUMBA = importlib.util.find_spec("numba") is not None


@pytest.fixture(scope="module")
def zones():
    return atlas_zones()


@pytest.fixture(scope="module")
def index(zones):
    return ZoneIndex.build(zones, cell=0.1)


def truth(zones, lon, lat):
    pts = shapely.points(lon, lat)
    pairs = set()
    for zone_id, geom in zip(zones["id"], zones.geometry, strict=True):
        for i in np.nonzero(shapely.covers(geom, pts))[0]:
            pairs.add((int(i), zone_id))
    return pairs


def got(table):
    return {(int(p), str(z)) for p, z in zip(table.point, table.zone, strict=True)}


def test_random_points_match_covers(zones, index):
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(100, 130, 30_000), rng.uniform(0, 35, 30_000)
    assert got(index.locate(lon, lat)) == truth(zones, lon, lat)


def test_points_on_boundaries_and_vertices_match_covers(zones, index):
    """Vertices and edge midpoints of every zone: the hardest points there are."""
    xy = []
    for geom in zones.geometry:
        coords = shapely.get_coordinates(geom.boundary)
        xy.append(coords[:: max(1, len(coords) // 200)])
        xy.append((coords[:-1] + coords[1:])[:: max(1, len(coords) // 200)] / 2)
    xy = np.concatenate(xy)
    lon, lat = xy[:, 0], xy[:, 1]
    assert got(index.locate(lon, lat)) == truth(zones, lon, lat)


def test_points_on_grid_lines_and_corners_match_covers(zones, index):
    """Points on cell edges, where floor() could put them in either cell."""
    west, south = index.origin
    nx, ny = index.shape
    fine = index.cell / index.refine
    rng = np.random.default_rng(3)
    cols = rng.integers(0, nx * index.refine + 1, 20_000)
    rows = rng.integers(0, ny * index.refine + 1, 20_000)
    lon, lat = west + cols * fine, south + rows * fine
    assert got(index.locate(lon, lat)) == truth(zones, lon, lat)


def table_of(index, found):
    """A (ptr, zone, point) triple from ZoneIndex._blocks as a membership table."""
    _, zone, point = found
    return pd.DataFrame({"point": point, "zone": np.asarray(index.ids)[zone]})


@functools.cache
def grid_index(cell: float, refine: int) -> ZoneIndex:
    """The atlas's zones on one grid, built once for all the examples drawn."""
    return ZoneIndex.build(atlas_zones(), cell=cell, refine=refine)


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.tuples(st.floats(95, 135), st.floats(-5, 40)), min_size=1, max_size=50),
    st.sampled_from([(0.05, 4), (0.1, 8), (0.5, 1), (1.0, 16)]),
)
def test_any_points_any_grid(points, grid):
    zones = atlas_zones()
    xy = np.array(points)
    index = grid_index(*grid)
    expected = truth(zones, xy[:, 0], xy[:, 1])
    assert got(index.locate(xy[:, 0], xy[:, 1])) == expected
    if HAVE_NUMBA:
        found = index._blocks(xy[:, 0], xy[:, 1], points=True, compiled=True)
        assert got(table_of(index, found)) == expected


def hard_points(zones, index):
    """Random points, vertices, edge midpoints, grid lines, NaN and far away."""
    rng = np.random.default_rng(13)
    west, south = index.origin
    nx, ny = index.shape
    fine = index.cell / index.refine
    cols = rng.integers(0, nx * index.refine + 1, 5_000)
    rows = rng.integers(0, ny * index.refine + 1, 5_000)
    xy = [
        np.column_stack([rng.uniform(100, 130, 20_000), rng.uniform(0, 35, 20_000)]),
        np.column_stack([west + cols * fine, south + rows * fine]),
        edge_points(zones.geometry)[::7],
        [[np.nan, 10.0], [120.0, np.nan], [np.inf, 20.0], [-np.inf, -90.0]],
        [[-170.0, 0.0], [179.9, 89.0], [west, south]],
    ]
    xy = np.concatenate([np.asarray(part, dtype=float) for part in xy])
    return xy[:, 0].copy(), xy[:, 1].copy()


@pytest.mark.skipif(not HAVE_NUMBA, reason="the compiled loops need numba")
def test_compiled_loops_give_the_numpy_arrays_and_covers(zones, index):
    lon, lat = hard_points(zones, index)
    for points in (False, True):
        fast = index._blocks(lon, lat, points=points, compiled=True)
        slow = index._blocks(lon, lat, points=points, compiled=False)
        for a, b in zip(fast, slow, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert got(table_of(index, fast)) == truth(zones, lon, lat)
    assert len(fast[1]) > 10_000  # the comparison had memberships to compare


def edge_points(geoms):
    """Each geometry's vertices and edge midpoints."""
    xy = []
    for geom in geoms:
        coords = shapely.get_coordinates(geom.boundary)
        xy += [coords, (coords[:-1] + coords[1:]) / 2]
    return np.concatenate(xy)


@pytest.mark.parametrize(
    ("cell", "refine"), [(0.1, 8), (0.3, 3), (1.0, 1)], ids=["0.1", "0.3", "1.0"]
)
def test_points_on_the_zones_outer_bounds_match_covers(cell, refine):
    """The zones' own extent: grid lines, odd origins and the antimeridian."""
    rng = np.random.default_rng(5)
    snapped = rng.integers(-800, 800, (60, 2)) / 80  # on 0.1/8 degree lines
    odd = rng.uniform(-170, 170, (60, 2)) * [1, 0.5]  # any origin at all
    sizes = rng.integers(1, 40, (120, 2)) / 80
    corners = np.concatenate([snapped, odd])
    boxes = [
        shapely.box(x, y, x + w, y + h)
        for (x, y), (w, h) in zip(corners, sizes, strict=True)
    ]
    boxes += [shapely.box(0, 0, 0.3, 0.3), shapely.box(179.5, -0.5, 180, 0.5)]
    boxes += [shapely.box(-51.17977918, 10, -50.17977918, 11)]
    for box in boxes:
        zones = gpd.GeoDataFrame({"id": ["z"]}, geometry=[box], crs=4326)
        xy = edge_points([box])
        index = ZoneIndex.build(zones, cell=cell, refine=refine)
        assert got(index.locate(xy[:, 0], xy[:, 1])) == truth(zones, xy[:, 0], xy[:, 1])


def test_memberships_are_csr_by_point(index):
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(118, 126, 5_000), rng.uniform(20, 28, 5_000)
    ptr, zone = index.memberships(lon, lat)
    assert ptr[0] == 0 and ptr[-1] == len(zone) and len(ptr) == len(lon) + 1
    assert np.all(np.diff(ptr) >= 0)
    table = index.locate(lon, lat)
    assert np.array_equal(table.point, np.repeat(np.arange(len(lon)), np.diff(ptr)))
    assert np.array_equal(table.zone.cat.codes, zone)
    for p in range(0, len(lon), 97):  # no zone twice for a point
        mine = zone[ptr[p] : ptr[p + 1]]
        assert len(set(mine.tolist())) == len(mine)


def test_overlapping_claims_give_several_memberships():
    table = locate([(123.47, 25.74)])
    ids = set(table.zone.astype(str))
    assert {"jpn-senkaku-territorial-sea", "prc-diaoyu-territorial-sea"} <= ids


def test_inputs_of_every_kind(zones, index):
    xy = [(123.47, 25.74), (114.0, 13.0), (170.0, 0.0), (float("nan"), 1.0)]
    frame = pd.DataFrame(xy, columns=["lon", "lat"])
    geo = gpd.GeoDataFrame(geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326)
    a, b = locate(xy, zones), locate(frame, zones)
    c = locate(geo.iloc[:3], zones)
    d = locate(pa.Table.from_pandas(frame), index)
    e = locate(
        frame.rename(columns={"lon": "LON", "lat": "LAT"}), columns=("LON", "LAT")
    )
    assert got(a) == got(b) == got(c) == got(d) == got(e)
    lon, lat = np.array(xy).T
    assert got(a) == truth(zones, lon, lat)
    # Both first points are in several zones; far away and NaN are in nothing.
    counts = a.point.value_counts().to_dict()
    assert set(counts) == {0, 1} and min(counts.values()) >= 2


def test_bad_points_say_what_to_do():
    with pytest.raises(cm.ClaimsmapError, match=r"latitude 123.47 .* swapped"):
        locate([(25.74, 123.47)])
    # AIS's "not available" position is named as such, with the cleaning.
    with pytest.raises(
        cm.ClaimsmapError,
        match=r"point 1: \(181.0, 91.0\) holds AIS's 'not available' .*vessels.clean.*swapped",
    ):
        locate([(123.5, 25.7), (181.0, 91.0)])
    with pytest.raises(
        cm.ClaimsmapError, match=r"no column .lon. .*columns=\(LON, LAT\)"
    ):
        locate(pd.DataFrame({"x": [1.0], "y": [2.0]}))
    with pytest.raises(cm.ClaimsmapError, match="to_crs\\(4326\\)"):
        locate(gpd.GeoDataFrame(geometry=gpd.points_from_xy([0], [0]), crs=3857))
    with pytest.raises(cm.ClaimsmapError, match="shape \\(3,\\)"):
        locate([1.0, 2.0, 3.0])


def test_bad_zones():
    with pytest.raises(cm.ClaimsmapError, match="EPSG:4326"):
        ZoneIndex.build(atlas_zones().to_crs(3857))
    with pytest.raises(cm.ClaimsmapError, match="positive"):
        ZoneIndex.build(atlas_zones(), cell=0)
    with pytest.raises(cm.ClaimsmapError, match="refine"):
        ZoneIndex.build(atlas_zones(), refine=0)
    with pytest.raises(cm.ClaimsmapError, match="'id' column"):
        ZoneIndex.build(atlas_zones().drop(columns="id"))
    twice = pd.concat([atlas_zones().iloc[:2], atlas_zones().iloc[:1]])
    with pytest.raises(cm.ClaimsmapError, match="names more than one zone"):
        ZoneIndex.build(twice)
    with pytest.raises(cm.ClaimsmapError, match="a Point is not an area"):
        ZoneIndex.build(cm.load("bases"))
    hollow = atlas_zones().iloc[:2].copy()
    hollow.loc[hollow.index[1], "geometry"] = shapely.Polygon()
    with pytest.raises(cm.ClaimsmapError, match="empty geometry; drop it"):
        ZoneIndex.build(hollow)


def test_mismatched_coordinates(index):
    with pytest.raises(cm.ClaimsmapError, match="3 longitudes but 2 latitudes"):
        index.memberships([1.0, 2.0, 3.0], [1.0, 2.0])


def test_a_saved_index_loads_and_gives_the_same_answers(tmp_path, zones, index):
    path = index.save(tmp_path / "atlas.index")
    loaded = ZoneIndex.load(path)
    assert loaded.ids == index.ids and loaded.origin == index.origin
    assert all(
        g.equals_exact(h, 0) for g, h in zip(loaded.geoms, index.geoms, strict=True)
    )
    lon, lat = hard_points(zones, index)
    for a, b in zip(
        loaded.memberships(lon, lat), index.memberships(lon, lat), strict=True
    ):
        assert np.array_equal(a, b)
    # Plain arrays, readable without pickles; the format's version inside.
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(npz["meta"].tobytes())
    assert meta["format"] == "claimsmap-zone-index" and meta["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["atlas.index"]  # no temp file


def _npz(path, **arrays):
    with open(path, "wb") as out:
        np.savez(out, **arrays)


def test_a_damaged_or_foreign_file_names_itself(tmp_path, index):
    good = index.to_bytes()
    with np.load(io.BytesIO(good), allow_pickle=False) as npz:
        parts = {name: npz[name] for name in npz.files}
    meta = json.loads(parts["meta"].tobytes())

    def with_meta(**changes):
        text = json.dumps({**meta, **changes}).encode()
        return {**parts, "meta": np.frombuffer(text, dtype=np.uint8)}

    cases = {
        "truncated.npz": good[: len(good) // 2],
        "text.npz": b"lon,lat\n1,2\n",
        "empty.npz": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    _npz(tmp_path / "other.npz", x=np.arange(3))
    _npz(tmp_path / "version.npz", **with_meta(version=99))
    _npz(tmp_path / "stranger.npz", **with_meta(format="something-else"))
    _npz(tmp_path / "pickled.npz", **{**parts, "meta": np.array([{}], dtype=object)})
    coarse = parts["coarse"].copy()
    coarse[0] = 10_000  # a signature that does not exist
    _npz(tmp_path / "range.npz", **{**parts, "coarse": coarse})
    _npz(tmp_path / "shape.npz", **with_meta(shape=[3, 3]))
    expected = {
        "truncated.npz": "damaged",
        "text.npz": "damaged",
        "empty.npz": "damaged",
        "other.npz": "damaged",
        "version.npz": "format version 99, this claimsmap reads version 1",
        "stranger.npz": "not a zone index saved by claimsmap",
        "pickled.npz": "damaged",
        "range.npz": "damaged .*do not fit together",
        "shape.npz": "damaged .*do not fit together",
        "missing.npz": "cannot read it",
    }
    for name, message in expected.items():
        with pytest.raises(cm.ClaimsmapError, match=f"{name}'?: .*{message}"):
            ZoneIndex.load(tmp_path / name)


def test_locate_builds_an_index_once_for_the_same_zones(zones):
    first = ZoneIndex.of(zones)
    assert ZoneIndex.of(zones.copy()) is first  # equal zones, another frame
    assert ZoneIndex.of(zones, cell=0.5) is not first
    fewer = ZoneIndex.of(zones.iloc[1:])
    assert fewer is not first and fewer.ids == list(zones["id"].iloc[1:])
    moved = zones.copy()
    moved.loc[moved.index[0], "geometry"] = shapely.affinity.translate(
        moved.geometry.iloc[0], 0.001
    )
    assert ZoneIndex.of(moved) is not first
    with pytest.raises(cm.ClaimsmapError, match="EPSG:4326"):
        ZoneIndex.of(zones.to_crs(3857))


def test_the_atlas_index_is_kept_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.ENV_DIR, str(tmp_path))
    atlas_index.cache_clear()
    try:
        built = atlas_index()
        assert [p.name.split("-")[:2] for p in _cache.entries()] == [["zone", "index"]]
        atlas_index.cache_clear()

        def refuse(*args, **kwargs):
            raise AssertionError("the index was built, not loaded")

        monkeypatch.setattr(ZoneIndex, "build", refuse)
        loaded = atlas_index()
        assert loaded is not built
        rng = np.random.default_rng(17)
        lon, lat = rng.uniform(100, 130, 20_000), rng.uniform(0, 35, 20_000)
        for a, b in zip(
            loaded.memberships(lon, lat), built.memberships(lon, lat), strict=True
        ):
            assert np.array_equal(a, b)
    finally:
        atlas_index.cache_clear()


def test_an_index_sent_to_a_worker_keeps_its_geometries_prepared(index):
    """Dask pickles the index; the exact test needs prepared geometries."""
    sent = pickle.loads(pickle.dumps(index))
    assert all(shapely.is_prepared(g) for g in sent.geoms)
    rng = np.random.default_rng(19)
    lon, lat = rng.uniform(118, 126, 5_000), rng.uniform(20, 28, 5_000)
    for a, b in zip(
        sent.memberships(lon, lat), index.memberships(lon, lat), strict=True
    ):
        assert np.array_equal(a, b)
