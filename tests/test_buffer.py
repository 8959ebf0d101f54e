"""Geodesic buffers, areas and lengths against GeographicLib.

The reference distance from a point to a line is GeographicLib's alone
(:mod:`tests.geodesic_reference`), so a mistake in claimsmap's own
nearest-point code cannot hide in both.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from geographiclib.polygonarea import PolygonArea
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiPoint, Point, Polygon

import claimsmap as cm
from claimsmap.geodesy import NMI, distances_to

from .geodesic_reference import G, to_geometry


def vertices(geom):
    return shapely.get_coordinates(geom)


def edge_midpoints(geom):
    """The geodesic midpoint of every edge of a polygonal result."""
    mids = []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring.coords):
                line = G.InverseLine(y1, x1, y2, x2)
                mid = line.Position(line.s13 / 2)
                mids.append((mid["lon2"], mid["lat2"]))
    return mids


def spread(items, k):
    """About k items spread evenly through a sequence."""
    step = max(1, len(items) // k)
    return items[::step]


SOURCES = {
    "point": Point(123.476, 25.746),
    "line": LineString([(120.0, 20.0), (122.0, 21.0), (121.0, 23.0)]),
    "polygon": Polygon([(123.0, 24.0), (124.5, 24.2), (124.0, 25.5), (123.4, 24.9)]),
    "points": MultiPoint([(123.476, 25.746), (123.681, 25.923), (124.557, 25.885)]),
}


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize(("distance", "unit"), [(12, "nmi"), (200, "nmi")])
def test_every_vertex_lies_at_the_distance(name, distance, unit):
    source = SOURCES[name]
    zone = cm.buffer(source, distance, unit)
    want = distance * NMI
    assert zone.is_valid
    for p in spread(vertices(zone).tolist(), 40):
        assert abs(to_geometry(p, source) - want) < 1.0


@pytest.mark.parametrize("name", ["line", "polygon"])
def test_edges_stay_within_the_tolerance(name):
    source = SOURCES[name]
    zone = cm.buffer(source, 200, "nmi", tolerance_m=10)
    want = 200 * NMI
    for p in spread(edge_midpoints(zone), 60):
        assert abs(to_geometry(p, source) - want) <= 10.0


def test_a_polygon_buffer_contains_the_polygon():
    source = SOURCES["polygon"]
    zone = cm.buffer(source, 12, "nmi")
    assert zone.contains(source)
    assert zone.geom_type == "Polygon" and not zone.interiors


def test_a_ring_line_keeps_its_hole():
    """A closed baseline far larger than the buffer leaves the middle unbuffered."""
    loop = LineString([(120, 20), (124, 20), (124, 24), (120, 24), (120, 20)])
    zone = cm.buffer(loop, 12, "nmi")
    assert len(zone.interiors) == 1
    assert not zone.contains(Point(122, 22))
    assert zone.contains(Point(120, 22))


def test_across_the_antimeridian_the_area_is_unchanged():
    """A circle cut at 180° has the same area as the same circle elsewhere."""
    cut = cm.buffer((179.9, -17.0), 100, "km")
    whole = cm.buffer((10.0, -17.0), 100, "km")
    assert cut.geom_type == "MultiPolygon" and whole.geom_type == "Polygon"
    assert cut.bounds[0] == -180 and cut.bounds[2] == 180
    assert cm.area(cut) == pytest.approx(cm.area(whole), rel=1e-6)
    for p in spread(vertices(cut).tolist(), 30):
        if abs(p[0]) != 180:
            assert abs(G.Inverse(-17.0, 179.9, p[1], p[0])["s12"] - 100_000) < 1e-3


def test_a_200_nmi_circle_has_the_area_of_a_geodesic_circle():
    """Against GeographicLib's area of the same circle, densely sampled."""
    centre = (114.0, 10.0)
    zone = cm.buffer(centre, 200, "nmi", tolerance_m=1)
    ref = PolygonArea(G)
    for azimuth in np.linspace(0, 360, 20000, endpoint=False):
        q = G.Direct(centre[1], centre[0], azimuth, 200 * NMI)
        ref.AddPoint(q["lat2"], q["lon2"])
    _, _, ref_area = ref.Compute(False, True)
    assert cm.area(zone) == pytest.approx(abs(ref_area), rel=1e-5)


def test_buffer_is_not_web_mercator_short():
    """At 25°N a 200 nmi buffer in EPSG:3857 metres is about 10 % short; ours isn't."""
    import geopandas as gpd

    centre = Point(124.16, 24.34)
    merc = gpd.GeoSeries([centre], crs=4326).to_crs(3857).buffer(200 * NMI)
    naive = merc.to_crs(4326).iloc[0]
    reach = max(
        G.Inverse(centre.y, centre.x, y, x)["s12"] for x, y in naive.exterior.coords
    )
    assert reach < 0.92 * 200 * NMI
    zone = cm.buffer(centre, 200, "nmi")
    assert cm.area(zone) > 1.15 * cm.area(naive)


def test_buffer_of_a_feature_name():
    zone = cm.buffer("Uotsuri-jima", 12, "nmi")
    assert zone.contains(cm.find("Uotsuri-jima").geometry)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (((1, 2), -1), "positive"),
        (((1, 2), 5000, "km"), "over 4,000 km"),
        (((1, 2), 10, "mi"), "unit 'mi'"),
        (((0, 88.5), 100, "km"), "pole"),
    ],
)
def test_bad_buffers(args, match):
    with pytest.raises(cm.ClaimsmapError, match=match):
        cm.buffer(*args)


region_lon = st.floats(min_value=100, max_value=150)
region_lat = st.floats(min_value=-10, max_value=45)


@settings(max_examples=25, deadline=None)
@given(region_lon, region_lat, st.floats(1, 300), st.floats(1, 100))
def test_buffer_grows_with_the_distance(lon0, lat0, d1, extra):
    line = LineString([(lon0, lat0), (lon0 + 0.7, lat0 + 0.4), (lon0 + 0.2, lat0 + 1)])
    small = cm.buffer(line, d1, "km")
    large = cm.buffer(line, d1 + extra, "km")
    assert cm.area(small) < cm.area(large)
    # Every vertex of the small one is inside the large one.
    assert large.contains(MultiPoint(vertices(small)))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
        min_size=3,
        max_size=8,
        unique=True,
    ),
    st.integers(0, 7),
    region_lon,
    region_lat,
)
def test_area_ignores_orientation_and_start_vertex(points, start, lon0, lat0):
    hull = shapely.convex_hull(MultiPoint(points))
    if hull.geom_type != "Polygon" or hull.area < 1e-4:
        return
    ring = [(lon0 + x, lat0 + y) for x, y in hull.exterior.coords[:-1]]
    k = start % len(ring)
    rolled = ring[k:] + ring[:k]
    a = cm.area(Polygon(ring))
    assert cm.area(Polygon(rolled)) == pytest.approx(a, rel=1e-9)
    assert cm.area(Polygon(rolled[::-1])) == pytest.approx(a, rel=1e-9)
    ref = PolygonArea(G)
    for x, y in ring:
        ref.AddPoint(y, x)
    assert a == pytest.approx(abs(ref.Compute(False, True)[2]), rel=1e-9, abs=1e-3)


def test_area_and_length_units():
    box = shapely.box(120, 20, 121, 21)
    assert cm.area(box, "km2") == pytest.approx(cm.area(box) / 1e6)
    assert cm.area(box, "nmi2") == pytest.approx(cm.area(box) / NMI**2)
    assert cm.length(box, "nmi") == pytest.approx(cm.length(box) / NMI)
    with pytest.raises(cm.ClaimsmapError, match="unit 'ha'"):
        cm.area(box, "ha")
    # A hole is subtracted.
    holed = Polygon(box.exterior, [shapely.box(120.2, 20.2, 120.8, 20.8).exterior])
    inner = shapely.box(120.2, 20.2, 120.8, 20.8)
    assert cm.area(holed) == pytest.approx(cm.area(box) - cm.area(inner), rel=1e-9)


def test_distances_match_the_reference():
    line = SOURCES["line"]
    points = [(119.0, 19.0), (123.0, 22.0), (121.0, 21.0), (121.5, 22.0)]
    got = distances_to(points, line)
    for p, metres in zip(points, got, strict=True):
        assert abs(metres - to_geometry(p, line)) < 1e-3
