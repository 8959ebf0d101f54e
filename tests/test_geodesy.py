"""Geodesy against GeographicLib and published figures."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely
from geographiclib.geodesic import Geodesic
from geographiclib.polygonarea import PolygonArea
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, Point, Polygon

import claimsmap as cm
from claimsmap.geodesy import check_lonlat, to_metres

from . import reference

G = Geodesic.WGS84
lon = st.floats(min_value=-180, max_value=180, allow_nan=False)
lat = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
region_lon = st.floats(min_value=100, max_value=150)
region_lat = st.floats(min_value=-10, max_value=45)


def inverse(a, b):
    return G.Inverse(a[1], a[0], b[1], b[0])


@settings(max_examples=300, deadline=None)
@given(lon, lat, lon, lat)
def test_point_distance_matches_geographiclib_to_1mm(lon1, lat1, lon2, lat2):
    ref = inverse((lon1, lat1), (lon2, lat2))
    got = cm.distance((lon1, lat1), (lon2, lat2))
    assert abs(got.metres - ref["s12"]) < 1e-3
    if ref["s12"] > 1:
        assert abs((got.azimuth_deg - ref["azi1"] + 180) % 360 - 180) < 1e-6


@settings(max_examples=100, deadline=None)
@given(region_lon, region_lat, region_lon, region_lat)
def test_distance_is_symmetric(lon1, lat1, lon2, lat2):
    line = LineString([(lon1, lat1), (lon2, lat2)])
    p = (lon1 + 1.3, lat1 - 0.7)
    assert math.isclose(
        cm.distance(p, line).metres,
        cm.distance(line, p).metres,
        rel_tol=0,
        abs_tol=1e-3,
    )


def test_ishigaki_to_uotsuri_agrees_with_mofa():
    """MOFA: Uotsuri-jima is about 170 km (to the nearest 10 km) from Ishigaki."""
    town = cm.distance(reference.ISHIGAKI_CITY_HALL, "Uotsuri-jima").km
    assert abs(town - reference.MOFA_ISHIGAKI_UOTSURI_KM) <= 5
    # Camp Ishigaki is located only to 10 km (see its precision_m).
    camp = cm.distance("JGSDF Camp Ishigaki", "Uotsuri-jima").km
    assert abs(camp - reference.MOFA_ISHIGAKI_UOTSURI_KM) <= 5 + 10


@pytest.mark.parametrize(
    ("island", "km"), reference.MOFA_FROM_ISHIGAKI_ISLAND_KM.items()
)
def test_from_ishigaki_island_coast_agrees_with_mofa(island, km):
    """Polygon-to-point distances from Ishigaki Island's coast (Natural Earth)."""
    japan = cm.find("Japan").geometry
    ishigaki = next(
        p for p in japan.geoms if p.contains(Point(reference.ON_ISHIGAKI_ISLAND))
    )
    # +-5 km of MOFA's rounding, +-1 km for the 1:10m coastline.
    assert abs(cm.distance(ishigaki, island).km - km) <= 6


def test_nearest_point_inside_a_segment():
    """The nearest point lies inside the segment, where the geodesic meets it at 90°."""
    segment = LineString([(123.0, 24.0), (125.0, 26.5)])
    p = (125.0, 24.0)
    d = cm.distance(p, segment)
    q = d.b
    assert q not in segment.coords
    a, b = segment.coords
    # q is on the geodesic a-b ...
    assert (
        abs(inverse(a, q)["s12"] + inverse(q, b)["s12"] - inverse(a, b)["s12"]) < 1e-3
    )
    # ... and the geodesic from q to p leaves it at a right angle.
    along = inverse(q, b)["azi1"]
    to_p = inverse(q, p)["azi1"]
    assert abs(abs((to_p - along + 180) % 360 - 180) - 90) < 1e-4
    assert abs(d.metres - inverse(p, q)["s12"]) < 1e-3
    # and no vertex is nearer than the segment's interior point
    assert d.metres < min(inverse(p, v)["s12"] for v in segment.coords)


@settings(max_examples=40, deadline=None)
@given(region_lon, region_lat, st.floats(0.1, 3), st.floats(0.1, 3), st.floats(0, 1))
def test_point_to_segment_is_never_beaten_by_a_dense_sample(lon0, lat0, dlon, dlat, t):
    a, b = (lon0, lat0), (lon0 + dlon, min(lat0 + dlat, 60))
    segment = LineString([a, b])
    line = G.InverseLine(a[1], a[0], b[1], b[0])
    p_pos = line.Position(t * line.s13)
    p = (p_pos["lon2"] + 0.8, p_pos["lat2"] - 0.5)
    got = cm.distance(p, segment).metres
    samples = [line.Position(line.s13 * i / 2000) for i in range(2001)]
    brute = min(G.Inverse(p[1], p[0], s["lat2"], s["lon2"])["s12"] for s in samples)
    assert got <= brute + 1e-3
    assert got > brute - line.s13 / 2000


def test_polygon_to_polygon_nearest_points_are_on_both():
    a = Polygon([(120, 20), (121, 20), (121, 21), (120, 21)])
    b = Polygon([(122, 20.5), (123, 20.5), (123, 22), (122, 22)])
    d = cm.distance(a, b)
    assert a.exterior.distance(Point(d.a)) < 1e-9
    assert b.exterior.distance(Point(d.b)) < 1e-9
    assert abs(d.metres - inverse(d.a, d.b)["s12"]) < 1e-3


def test_overlapping_geometries_are_zero_apart():
    d = cm.distance(Point(123.47, 25.74).buffer(0.1), (123.47, 25.74))
    assert d.metres == 0 and math.isnan(d.azimuth_deg)
    assert d.to_dict()["azimuth_deg"] is None


@pytest.mark.parametrize(
    ("radius", "unit"), [(12, "nmi"), (200, "nmi"), (100, "km"), (5e5, "m")]
)
def test_range_ring_vertices_lie_at_the_radius(radius, unit):
    center = (124.16, 24.34)
    ring = cm.range_ring(center, radius, unit)
    want = to_metres(radius, unit)
    for x, y in ring.exterior.coords:
        assert abs(inverse(center, (x, y))["s12"] - want) < 1e-3
    assert ring.is_valid and ring.exterior.is_ccw


def test_range_ring_edges_stay_within_tolerance():
    """The middle of each edge is no more than tolerance_m inside the true circle."""
    center = (124.16, 24.34)
    ring = cm.range_ring(center, 300, "km", tolerance_m=10)
    coords = list(ring.exterior.coords)
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        line = G.InverseLine(y1, x1, y2, x2)
        mid = line.Position(line.s13 / 2)
        assert 300_000 - inverse(center, (mid["lon2"], mid["lat2"]))["s12"] < 10.5


@pytest.mark.parametrize("ccw", [True, False])
def test_area_matches_geographiclib_whatever_the_orientation(ccw):
    coords = [(123.0, 24.0), (125.0, 24.2), (125.5, 26.0), (123.2, 26.4)]
    polygon = Polygon(coords if ccw else coords[::-1])
    ref = PolygonArea(G)
    for x, y in coords:
        ref.AddPoint(y, x)
    _, _, ref_area = ref.Compute(False, True)
    assert abs(cm.area(polygon) - abs(ref_area)) < 1.0  # m², on ~50 000 km²


def test_length_matches_geographiclib():
    line = LineString(reference.TAIWAN_MEDIAN_LINE_2019)
    (a, b) = reference.TAIWAN_MEDIAN_LINE_2019
    assert abs(cm.length(line) - inverse(a, b)["s12"]) < 1e-3


def test_swapped_pair_is_named():
    with pytest.raises(
        cm.CoordinateError, match=r"looks like \(lat, lon\).*\(123\.47, 25\.74\)"
    ):
        cm.distance((25.74, 123.47), "Uotsuri-jima")


@pytest.mark.parametrize("pair", [(200, 10), (10, float("nan")), ("a", 1)])
def test_bad_pairs(pair):
    with pytest.raises(cm.CoordinateError):
        check_lonlat(*pair)


def test_bad_inputs_to_distance():
    with pytest.raises(cm.ClaimsmapError, match="cannot measure"):
        cm.distance(42, (1, 2))
    with pytest.raises(cm.ClaimsmapError, match="empty geometry"):
        cm.distance(Point(), (1, 2))
    with pytest.raises(cm.ClaimsmapError, match="positive"):
        cm.range_ring((1, 2), -5)
    with pytest.raises(cm.ClaimsmapError, match="unit 'mi'"):
        cm.range_ring((1, 2), 5, "mi")


def test_distance_from_feature_to_line_uses_the_real_geometry():
    d = cm.distance("Uotsuri-jima", "taiwan-strait-median-line-mnd-2019")
    line = cm.find("taiwan-strait-median-line-mnd-2019").geometry
    assert shapely.distance(Point(d.b), line) < 1e-9
    assert d.km > 150
