"""Zones, entitlements, median lines and overlaps against independent references."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geographiclib.geodesic import Geodesic
from geographiclib.polygonarea import PolygonArea
from shapely import LineString, Point

import claimsmap as cm
from claimsmap import maritime
from claimsmap.geodesy import NMI, distances_to
from claimsmap.maritime import entitlement, equidistance_gap, sources

from .geodesic_reference import to_geometry

G = Geodesic.WGS84


def circle_area_km2(centre, metres, n=20000):
    """GeographicLib's area of a geodesic circle, densely sampled."""
    ref = PolygonArea(G)
    for azimuth in np.linspace(0, 360, n, endpoint=False):
        q = G.Direct(centre.y, centre.x, azimuth, metres)
        ref.AddPoint(q["lat2"], q["lon2"])
    return abs(ref.Compute(False, True)[2]) / 1e6


def test_a_rock_has_a_territorial_sea_and_contiguous_zone_only():
    """Scarborough Shoal: rocks per the 2016 award; belts of 12 and 12-24 nmi."""
    zones = cm.feature_zones("Scarborough Shoal").set_index("zone")
    assert list(zones.index) == ["territorial-sea", "contiguous-zone"]
    centre = cm.find("Scarborough Shoal").geometry
    ts = circle_area_km2(centre, 12 * NMI)
    cz = circle_area_km2(centre, 24 * NMI) - ts
    # The polygon's chords lie inside the circle by at most the 10 m tolerance:
    # short by at most perimeter x 10 m.
    short = 2 * np.pi * 24 * NMI * 10 / 1e6
    got_ts = zones.loc["territorial-sea", "area_km2"]
    got_cz = zones.loc["contiguous-zone", "area_km2"]
    assert ts - short / 2 <= got_ts <= ts
    assert abs(got_cz - cz) <= short
    for x, y in zones.loc["territorial-sea", "geometry"].exterior.coords:
        assert abs(G.Inverse(centre.y, centre.x, y, x)["s12"] - 12 * NMI) < 1e-3


def test_itu_aba_per_the_award_and_as_claimed():
    """The award: every high-tide Spratly feature, Itu Aba included, is a rock."""
    award = cm.feature_zones("Itu Aba", view="award")
    claimed = cm.feature_zones("Itu Aba", view="as-claimed")
    assert list(award["zone"]) == ["territorial-sea", "contiguous-zone"]
    assert list(claimed["zone"]) == ["territorial-sea", "contiguous-zone", "eez"]
    eez = claimed.set_index("zone").loc["eez", "area_km2"]
    centre = cm.find("Itu Aba").geometry
    expected = circle_area_km2(centre, 200 * NMI) - circle_area_km2(centre, 12 * NMI)
    short = 2 * np.pi * 200 * NMI * 10 / 1e6  # perimeter x tolerance, km²
    assert abs(eez - expected) <= short


def test_a_low_tide_elevation_generates_nothing_by_itself():
    assert cm.feature_zones("Mischief Reef").empty
    assert entitlement("low-tide-elevation") == ()
    assert entitlement(None) == entitlement("island")
    with pytest.raises(cm.ClaimsmapError, match="status 'atoll'"):
        entitlement("atoll")


def test_low_tide_elevations_count_only_near_land_and_artificial_islands():
    """Hughes Reef lies within 12 nmi of Sin Cowe Island; Mischief Reef of nothing."""
    src = sources("CHN", view="award", land=False).set_index("id")
    hughes, mischief = src.loc["scs-hughes-reef"], src.loc["scs-mischief-reef"]
    assert hughes["status"] == mischief["status"] == "low-tide-elevation"
    assert cm.distance("Hughes Reef", "Sin Cowe Island").nmi < 12
    assert hughes["generates"] and hughes["base_point_only"]
    assert mischief["generates"] == [] and mischief["safety_zone"]
    # Only the holder of an artificial island has its safety zone.
    assert (
        not sources("TWN", view="award", land=False)
        .set_index("id")
        .loc["scs-mischief-reef", "safety_zone"]
    )
    zones = cm.zones("CHN", view="award", land=False).set_index("zone")
    safety = zones.loc["safety-zone"]
    assert "scs-mischief-reef" in safety["sources"]
    assert safety["geometry"].contains(cm.find("Mischief Reef").geometry)


def test_zones_are_belts_that_do_not_overlap():
    zones = cm.zones("JPN", land=False).set_index("zone")
    ts, cz, eez = (
        zones.loc[k, "geometry"] for k in ("territorial-sea", "contiguous-zone", "eez")
    )
    assert cm.area(shapely.intersection(ts, cz)) < 1e3  # m²: they only touch
    assert cm.area(shapely.intersection(ts, eez)) < 1e3
    uotsuri = cm.find("Uotsuri-jima").geometry
    assert ts.contains(uotsuri)
    # A point 18 nmi east of Uotsuri-jima is in the contiguous zone, not the sea.
    q = G.Direct(uotsuri.y, uotsuri.x, 90, 18 * NMI)
    p = Point(q["lon2"], q["lat2"])
    assert cz.contains(p) and not ts.contains(p)


def test_senkaku_territorial_seas_of_japan_and_china_coincide():
    """Japan's (normal baselines) and the PRC's (2012 straight baselines)."""
    jpn = cm.zones("JPN", "territorial-sea", land=False).geometry.iloc[0]
    chn = cm.zones("CHN", "territorial-sea", land=False).geometry.iloc[0]
    shared = shapely.intersection(jpn, chn)
    assert cm.area(shared) > 0.95 * cm.area(jpn)
    # The PRC's baselines enclose water that is internal in its view.
    enclosed = sources("CHN", land=False).query("role == 'enclosed-waters'")
    assert {i for i in enclosed["id"] if i.startswith("prc-2012-baseline")} == {
        "prc-2012-baseline-diaoyu-w",
        "prc-2012-baseline-chiwei-w",
    }


def test_zones_follow_the_date():
    """A safety zone only from the day the PRC held an artificial island.

    The PRC has held Subi Reef (a low-tide elevation it built on) since 1988
    and Mischief Reef since 1995; before 1988 it held none.
    """
    before = sources("PHL", view="award", at="2011-01-01", land=False)
    # Claimed all along; then the row of Philippine control is the one in force.
    assert "scs-scarborough-shoal-phl-1978" in set(before["id"])

    def safety(at):
        table = cm.zones("CHN", view="award", at=at, land=False).set_index("zone")
        assert {"territorial-sea", "contiguous-zone", "eez"} <= set(table.index)
        return (
            set(table.loc["safety-zone", "sources"])
            if "safety-zone" in table.index
            else set()
        )

    assert safety("1970-01-01") == set()
    in_1990 = safety("1990-01-01")
    assert "scs-subi-reef" in in_1990 and "scs-mischief-reef" not in in_1990
    assert {"scs-subi-reef", "scs-mischief-reef"} <= safety(None)


def test_no_sources_no_zones():
    """Before a party claims anything there is nothing to measure from: no rows."""
    empty = cm.zones("MYS", "eez", at="1970-01-01", land=False)
    assert empty.empty and empty.crs == "EPSG:4326"
    assert list(empty.columns) == list(cm.zones("MYS", "eez", land=False).columns)
    src = sources("MYS", at="1970-01-01", land=False)
    assert src.empty and "generates" in src.columns and src.crs == "EPSG:4326"


def test_median_line_of_two_points_is_their_equidistance_line():
    a, b = Point(120.0, 22.0), Point(121.5, 24.0)
    line = cm.median_line(a, b, limit_nmi=100, spacing_km=5)
    for x, y in line.coords:
        da = G.Inverse(y, x, a.y, a.x)["s12"]
        db = G.Inverse(y, x, b.y, b.x)["s12"]
        assert abs(da - db) < 1e-3
        assert da <= 100 * NMI * 1.05
    # It crosses the geodesic between them at its midpoint.
    path = G.InverseLine(a.y, a.x, b.y, b.x)
    mid = path.Position(path.s13 / 2)
    assert cm.distance((mid["lon2"], mid["lat2"]), line).metres < 1.0


def test_median_line_of_two_points_runs_along_their_bisector():
    """Each vertex moves across the line, not onto the midpoint of a and b."""
    a, b = Point(120.0, 22.0), Point(121.5, 24.0)
    line = cm.median_line(a, b, limit_nmi=100, spacing_km=5)
    # Vertices 5 km apart along a line over 100 km long, not one point.
    assert cm.length(line, "km") > 100
    assert len(np.unique(np.round(shapely.get_coordinates(line), 9), axis=0)) > 20


def test_median_line_between_two_coasts():
    west = LineString([(119.0, 22.0), (119.3, 23.0), (119.9, 24.0), (120.4, 25.0)])
    east = LineString([(121.0, 22.0), (121.1, 23.5), (121.8, 25.2)])
    line = cm.median_line(west, east, limit_nmi=60)
    # Equidistant by GeographicLib alone: each coast's nearest point found by a
    # golden-section search along its geodesic edges to 1 mm, sharing no code
    # with the nearest-edge search that built the line. Every vertex is as far
    # from one coast as from the other, to the millimetre median_line states.
    xy = shapely.get_coordinates(line)
    gap = np.array([to_geometry(p, west) - to_geometry(p, east) for p in xy])
    assert np.abs(gap).max() < 1e-3, xy[np.abs(gap).argmax()]
    # equidistance_gap, the same measure by claimsmap's own code, agrees.
    assert np.abs(equidistance_gap(line, west, east) - gap).max() < 1e-3
    assert line.length > 2.0  # it runs the length of the two coasts
    with pytest.raises(cm.ClaimsmapError, match="touch or overlap"):
        cm.median_line(west, west)
    with pytest.raises(cm.ClaimsmapError, match="apart"):
        cm.median_line(Point(100, 0), Point(140, 0), limit_nmi=100)


def _own_sources(party, other):
    """What ``party`` claims and ``other`` does not, as one geometry."""
    mine, theirs = sources(party, land=False), sources(other, land=False)
    only = mine[mine["generates"].map(bool) & ~mine["id"].isin(set(theirs["id"]))]
    return shapely.union_all(list(only.geometry))


@pytest.mark.parametrize(
    ("party", "kind", "other"),
    [("MYS", "contiguous-zone", "PHL"), ("PHL", "territorial-sea", "VNM")],
)
def test_against_keeps_the_partys_side_of_the_median_line(party, kind, other):
    """Swallow Reef (MYS) against the Philippines' own Spratly features: the line
    crosses Malaysia's contiguous zone; the Philippine territorial sea against
    Vietnam keeps or drops whole circles."""
    whole = cm.zones(party, kind, land=False).geometry.iloc[0]
    cut = cm.zones(party, kind, land=False, against=other).geometry.iloc[0]
    assert cm.area(shapely.difference(cut, whole)) < 1e3  # m²: nothing added
    mine, theirs = _own_sources(party, other), _own_sources(other, party)
    # Every vertex the cut made (on the median line, or where it meets the
    # original limit) is as far from one party's sources as from the other's.
    kept = {tuple(c) for c in shapely.get_coordinates(whole)}
    made = np.array([c for c in shapely.get_coordinates(cut) if tuple(c) not in kept])
    if len(made):
        gap = distances_to(made, mine) - distances_to(made, theirs)
        assert np.abs(gap).max() < 1.0
    # Water kept is nearer the party, water dropped nearer the other.
    x0, y0, x1, y1 = whole.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 60), np.linspace(y0, y1, 60))
    xy = np.column_stack([gx.ravel(), gy.ravel()])
    xy = xy[shapely.contains_xy(whole, xy[:, 0], xy[:, 1])]
    inside = shapely.contains_xy(cut, xy[:, 0], xy[:, 1])
    gap = distances_to(xy, mine) - distances_to(xy, theirs)
    assert inside.any() and (~inside).any()
    assert gap[inside].max() < 1.0 and gap[~inside].min() > -1.0


def test_against_cuts_at_the_median_line():
    whole = cm.zones("PHL", "territorial-sea", land=False)
    cut = cm.zones("PHL", "territorial-sea", land=False, against="VNM")
    assert cut.area_km2.iloc[0] < whole.area_km2.iloc[0]
    with pytest.raises(cm.ClaimsmapError, match="claim the same sources"):
        cm.zones("CHN", "territorial-sea", land=False, against="CHN")


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("XYZ",), {}, "party 'XYZ'"),
        (("PHL", "eez2"), {}, "zone kind 'eez2'"),
        (("PHL",), {"view": "mine"}, "view 'mine'"),
        (("JPN", "territorial-sea"), {"against": "XXX"}, "against='XXX' is not a"),
        (("JPN",), {"against": "JPN"}, "claim the same sources"),
        (("JPN",), {"at": "the 1970s"}, "at='the 1970s' is not a date"),
        (("PHL",), {"region": (99, -3, 125)}, r"region=\(99, -3, 125\): give four"),
        (("PHL",), {"region": (125, -3, 99, 26)}, "west < east"),
        (("PHL",), {"region": (99, -3, 125, 95)}, "latitude 95"),
        (("PHL",), {"land": "no"}, "land='no'"),
    ],
)
def test_bad_zone_requests_fail_before_any_work(monkeypatch, args, kwargs, match):
    """Every argument is checked before the sources are gathered or buffered."""

    def no_work(*a, **k):
        raise AssertionError("zones started work on a request it should refuse")

    monkeypatch.setattr(maritime, "sources", no_work)
    with pytest.raises(cm.ClaimsmapError, match=match):
        cm.zones(*args, cache=False, **kwargs)


def test_overlap_area_matches_geographiclib():
    table = cm.overlaps("prc-dashed-line-area", "phl-kalayaan-island-group")
    assert len(table) == 1
    row = table.iloc[0]
    assert row["a_claimants"] == ["CHN"] and row["b_claimants"] == ["PHL"]
    ref = 0.0
    for poly in shapely.get_parts(row.geometry):
        pa = PolygonArea(G)
        for x, y in poly.exterior.coords[:-1]:
            pa.AddPoint(y, x)
        ref += abs(pa.Compute(False, True)[2])
        for hole in poly.interiors:
            ph = PolygonArea(G)
            for x, y in hole.coords[:-1]:
                ph.AddPoint(y, x)
            ref -= abs(ph.Compute(False, True)[2])
    assert row["area_km2"] == pytest.approx(ref / 1e6, rel=1e-9)
    # Nearly all of the Kalayaan Island Group lies inside the dashed line.
    assert row["share_of_b"] > 0.9


def test_overlaps_within_one_layer_and_errors():
    squares = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name": ["A", "B", "C"], "claimants": [["X"]] * 3},
        geometry=[
            shapely.box(0, 0, 2, 2),
            shapely.box(1, 1, 3, 3),
            shapely.box(5, 5, 6, 6),
        ],
        crs=4326,
    )
    table = cm.overlaps(squares)
    assert list(zip(table.a_id, table.b_id, strict=True)) == [("a", "b")]
    assert table.area_km2.iloc[0] == pytest.approx(
        cm.area(shapely.box(1, 1, 2, 2), "km2")
    )
    with pytest.raises(cm.ClaimsmapError, match="EPSG:3857"):
        cm.overlaps(squares.to_crs(3857))
    with pytest.raises(
        cm.ClaimsmapError, match="layer 'prc-dashed-line' has no polygons"
    ):
        cm.overlaps("prc-dashed-line")


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "claimsmap", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_zones_and_overlaps():
    proc = run(
        "zones", "twn", "--no-land", "--kind", "territorial-sea", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["party"] == "TWN" and row["zone"] == "territorial-sea"
    assert "scs-itu-aba" in row["sources"]
    proc = run(
        "overlaps",
        "prc-dashed-line-area",
        "phl-kalayaan-island-group",
        "--format",
        "csv",
    )
    assert proc.returncode == 0, proc.stderr
    header, line = proc.stdout.strip().splitlines()
    assert header.startswith("a_id,a_name,a_claimants,b_id")
    assert line.startswith("prc-dashed-line-area,") and ",CHN," in line
    proc = run("overlaps", "pla-exercise-zones", "--format", "geojson")
    assert (
        proc.returncode == 0 and json.loads(proc.stdout)["type"] == "FeatureCollection"
    )
    proc = run("zones", "XYZ")
    assert proc.returncode == 2 and "party 'XYZ' is not known" in proc.stderr
    proc = run("zones", "JPN", "--kind", "territorial-sea", "--against", "XXX")
    assert proc.returncode == 2 and "against='XXX' is not a known party" in proc.stderr


def test_south_china_sea_overlap_table():
    """The claim areas and each party's EEZ from its features, overlapped."""
    frames = [cm.load("prc-dashed-line-area"), cm.load("phl-kalayaan-island-group")]
    frames += [cm.zones(p, "eez", land=False) for p in ("VNM", "PHL", "MYS")]
    claims = gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True)[["id", "name", "claimants", "geometry"]],
        geometry="geometry",
        crs=4326,
    )
    table = cm.overlaps(claims)
    pairs = {(r.a_id, r.b_id): r for r in table.itertuples()}
    kig = pairs[("prc-dashed-line-area", "phl-kalayaan-island-group")]
    assert kig.share_of_b > 0.95
    # Every party's feature-based EEZ meets every other's in the Spratlys.
    for a, b in [("vnm", "phl"), ("vnm", "mys"), ("phl", "mys")]:
        row = pairs[(f"{a}-eez-as-claimed", f"{b}-eez-as-claimed")]
        assert row.area_km2 > 10_000
        expected = shapely.intersection(
            claims.set_index("id").loc[f"{a}-eez-as-claimed", "geometry"],
            claims.set_index("id").loc[f"{b}-eez-as-claimed", "geometry"],
        )
        assert row.area_km2 == pytest.approx(cm.area(expected, "km2"), rel=1e-6)
    assert table.area_km2.is_monotonic_decreasing


def test_every_vertex_of_a_coastal_eez_limit_is_on_it():
    """The PHL EEZ's 200-nmi envelope from northern Luzon's coast and every
    feature it claims, as zones() builds it: each vertex within 1 mm of the
    limit by claimsmap's distances, and a spread of them by GeographicLib."""
    src = sources("PHL", region=(120.0, 17.5, 122.5, 19.0))
    assert "land" in set(src["role"])
    base = shapely.union_all(list(src.geometry[src["generates"].map(bool)]))
    limit = maritime._envelope([base], maritime.LIMITS_NMI["eez"])
    xy = shapely.get_coordinates(limit)
    assert np.abs(distances_to(xy, base) - 200 * NMI).max() < 1e-3
    for p in xy[:: max(1, len(xy) // 8)]:
        assert abs(to_geometry(p, base) - 200 * NMI) < 1e-3
