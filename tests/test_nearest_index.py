"""geodesy.NearestIndex and its edge solver against geodesy.distance."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

from claimsmap.errors import CoordinateError
from claimsmap.geodesy import (
    GEOD,
    NearestIndex,
    _nearest_along,
    _nearest_on_segments,
    _parts,
    distance,
    distance_matrix,
)


@pytest.mark.parametrize(
    ("edge_deg", "away_deg"),
    [(0.01, 0.1), (0.05, 3.0), (1.0, 5.0), (20.0, 30.0), (40.0, 80.0), (0.0, 1.0)],
)
def test_the_along_track_solver_agrees_with_golden_section(edge_deg, away_deg):
    rng = np.random.default_rng(int(edge_deg * 100 + away_deg))
    k = 400
    a = np.column_stack([rng.uniform(100, 135, k), rng.uniform(-60, 60, k)])
    b = a + rng.normal(0, edge_deg, (k, 2))
    p = a + rng.normal(0, away_deg, (k, 2))
    b[:, 1], p[:, 1] = np.clip(b[:, 1], -85, 85), np.clip(p[:, 1], -85, 85)
    golden, _ = _nearest_on_segments(p, a, b)
    along, q = _nearest_along(p, a, b)
    assert np.max(np.abs(along - golden)) < 1e-3
    # The point it returns is that far from p.
    assert np.allclose(GEOD.inv(p[:, 0], p[:, 1], q[:, 0], q[:, 1])[2], along)


def _geometries():
    ring = Polygon(
        [(120, 20), (124, 20), (124, 24), (120, 24)],
        [[(121, 21), (123, 21), (123, 23), (121, 23)]],
    )
    return [
        ring,  # a polygon with a hole
        LineString([(125, 20), (126, 25), (125.5, 30)]),
        Point(118.0, 22.0),
        MultiPoint([(119.0, 30.0), (121.0, 31.0)]),
        Polygon([(100, 40), (135, 40), (135, 45), (100, 45)]),  # 35° long edges
        box(124, 24, 125, 25),  # shares a corner with the first
    ]


def _points():
    rng = np.random.default_rng(3)
    random = np.column_stack([rng.uniform(110, 132, 150), rng.uniform(10, 42, 150)])
    special = [
        (122.0, 22.0),  # in the hole: not covered
        (121.0, 22.0),  # on the hole's edge: covered
        (118.0, 22.0),  # on the point
        (117.0, 39.9),  # just south of the long edge
        (124.5, 19.0),
        (126.0, 23.0),
    ]
    return [*map(tuple, random), *special]


def test_nearest_matches_distance_to_every_geometry():
    geoms = _geometries()
    index = NearestIndex(geoms)
    for lon, lat in _points():
        metres = np.array([distance((lon, lat), g).metres for g in geoms])
        first = int(np.flatnonzero(metres <= metres.min() + 1e-3)[0])
        i, d = index.nearest(lon, lat)
        assert i == first, (lon, lat)
        assert abs(d - metres[first]) < 1e-3, (lon, lat)


def test_within_matches_distance_to_every_geometry():
    geoms = _geometries()
    index = NearestIndex(geoms)
    for lon, lat in _points()[::5]:
        metres = np.array([distance((lon, lat), g).metres for g in geoms])
        for radius in (50_000.0, 400_000.0, 2_000_000.0):
            where, far = index.within(lon, lat, radius)
            assert where.tolist() == np.flatnonzero(metres <= radius).tolist()
            assert np.allclose(far, metres[where], atol=1e-3)


def test_a_tie_goes_to_the_first():
    # (124, 24) is a corner of both the first polygon and the last box.
    geoms = _geometries()
    assert NearestIndex(geoms).nearest(124.0, 24.0) == (0, 0.0)
    assert NearestIndex(geoms[::-1]).nearest(124.0, 24.0) == (0, 0.0)
    # Two places sharing their nearest point, out at sea.
    pair = [Point(118.0, 22.0), MultiPoint([(130.0, 30.0), (118.0, 22.0)])]
    want = distance((118.5, 22.3), (118.0, 22.0)).metres
    for order in (pair, pair[::-1]):
        i, d = NearestIndex(order).nearest(118.5, 22.3)
        assert i == 0 and abs(d - want) < 1e-3


def test_an_empty_index_has_no_nearest():
    index = NearestIndex([])
    assert index.nearest(120.0, 20.0) is None
    where, far = index.within(120.0, 20.0, 1000.0)
    assert len(where) == len(far) == 0


def test_a_bad_point_is_refused():
    with pytest.raises(CoordinateError, match="latitude 95 is outside"):
        NearestIndex(_geometries()).nearest(120.0, 95.0)


def test_distance_matrix_is_distance_pair_by_pair():
    geoms = _geometries()
    places = [*geoms, Point(122.0, 22.0), Point(130.0, 10.0)]
    matrix = distance_matrix(places, places)
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            assert abs(matrix[i, j] - distance(a, b).metres) < 1e-3, (i, j)


def _wiggly(rng, lon, lat, size_deg, n):
    """A star-shaped polygon of n vertices round (lon, lat), radius varying."""
    angle = np.sort(rng.uniform(0, 2 * np.pi, n))
    radius = size_deg * (0.6 + 0.4 * rng.random(n))
    return Polygon(
        np.column_stack(
            [lon + radius * np.cos(angle), lat + radius * np.sin(angle) * 0.8]
        )
    ).buffer(0)


def planar_screened(a, b):
    """Metres between two shapes by another way: every vertex-vertex and
    vertex-edge pair screened in an azimuthal equidistant projection (with 5 %
    and 1 km to spare), then golden-section search on the ellipsoid."""
    from pyproj import Transformer

    (x0, y0), (x1, y1) = shapely.get_coordinates(shapely.shortest_line(a, b))
    aeqd = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} +ellps=WGS84",
        always_xy=True,
    )
    va, sa = _parts(a)
    vb, sb = _parts(b)

    def project(xy):
        x, y = aeqd.transform(xy[..., 0].ravel(), xy[..., 1].ravel())
        return np.stack([x, y], axis=-1).reshape(xy.shape)

    def to_edges(p, s):  # planar point-to-segment distances, all pairs
        d = s[None, :, 1] - s[None, :, 0]
        rel = p[:, None] - s[None, :, 0]
        t = np.clip(np.sum(rel * d, -1) / np.maximum(np.sum(d * d, -1), 1e-9), 0, 1)
        return np.hypot(*(rel - t[..., None] * d).transpose(2, 0, 1))

    pva, pvb = project(va), project(vb)
    planar = [to_edges(pva, project(sb)), to_edges(pvb, project(sa))]
    limit = min(float(m.min()) for m in planar) * 1.05 + 1000.0
    best = np.inf
    for matrix, verts, segs in zip(planar, (va, vb), (sb, sa), strict=True):
        i, j = np.nonzero(matrix <= limit)
        metres, _ = _nearest_on_segments(verts[i], segs[j, 0], segs[j, 1])
        best = min(best, float(metres.min()))
    return best


def test_large_shapes_apart_as_another_way_finds_them():
    """Shapes of thousands of vertices (runs of vertices and edges bounded by
    balls, most pairs never measured) are as far apart as an all-pairs search
    in a projection finds, and distance_matrix agrees with distance."""
    import claimsmap as cm

    rng = np.random.default_rng(5)
    pairs = [
        (_wiggly(rng, 120, 20, 1.0, 900), _wiggly(rng, 123.2, 21, 1.5, 1200)),
        (_wiggly(rng, 100, -40, 2.0, 700), _wiggly(rng, 112, -35, 3.0, 800)),
        (
            _wiggly(rng, 130, 60, 0.3, 400),
            LineString(
                np.column_stack(
                    [rng.uniform(130.5, 131, 300), rng.uniform(60, 60.5, 300)]
                )
            ),
        ),
        (
            LineString(
                np.column_stack([np.linspace(110, 118, 500), np.full(500, 5.0)])
            ),
            LineString(
                np.column_stack([np.linspace(110, 118, 500), np.full(500, 5.02)])
            ),
        ),
    ]
    islands = [
        cm.find(n).geometry
        for n in ("island-palawan", "island-borneo", "island-luzon", "island-taiwan")
    ]
    pairs += [(islands[0], islands[1]), (islands[2], islands[3])]
    for a, b in pairs:
        n = len(shapely.get_coordinates(a)) * len(shapely.get_coordinates(b))
        assert n > 4 * 64 * 64  # the runs' path, not every pair
        found = distance(a, b)
        assert abs(found.metres - planar_screened(a, b)) < 1e-3
        assert distance_matrix([a], [b])[0, 0] == found.metres > 0
        # Its ends lie on the shapes (an edge's geodesic strays from the
        # straight line in degrees by far less than 1e-6), that far apart.
        assert shapely.distance(Point(found.a), a) < 1e-6
        assert shapely.distance(Point(found.b), b) < 1e-6
        assert abs(GEOD.inv(*found.a, *found.b)[2] - found.metres) < 1e-6
