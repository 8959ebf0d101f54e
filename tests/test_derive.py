"""The derived layers: made by code from the curated ones, and it shows."""

from __future__ import annotations

import pytest
import shapely
from shapely import Point

import claimsmap as cm
from claimsmap import derive
from claimsmap.catalog import catalog

from .geodesic_reference import G
from .scripts import load_script


@pytest.fixture(scope="module")
def script():
    return load_script("build_derived")


@pytest.mark.parametrize(
    "layer_id", [lid for lid, e in catalog()["layers"].items() if e.get("derived")]
)
def test_shipped_layer_is_what_the_code_derives(script, layer_id):
    entry = catalog()["layers"][layer_id]
    assert entry["derived"] and entry["as_of"] == script.AS_OF
    shipped = cm.load(layer_id).geometry.iloc[0]
    fresh = shapely.geometry.shape(script.build(layer_id)["geometry"])
    # Equal up to the 1e-5° grid the file is written on.
    changed = shapely.symmetric_difference(shipped, fresh)
    assert cm.area(changed) < 1e-6 * cm.area(fresh)


def point(name):
    return cm.find(name).geometry


def test_held_area_holds_what_the_prc_holds():
    held = cm.load("prc-controlled").geometry.iloc[0]
    for name in (
        "Woody Island",
        "Fiery Cross Reef",
        "Mischief Reef",
        "Scarborough Shoal",
    ):
        assert held.contains(point(name)), name
    for place in ((116.4, 39.9), (114.17, 22.3), (110.3, 20.0)):  # Beijing, HK, Hainan
        assert held.contains(Point(place)), place
    for name in ("Itu Aba", "Thitu Island", "Uotsuri-jima", "Pratas Island"):
        assert not held.contains(point(name)), name
    assert not held.contains(Point(121.5, 25.0))  # Taipei


def test_claimed_area_is_what_the_prc_claims_and_does_not_hold():
    claimed = cm.load("prc-claimed-not-controlled").geometry.iloc[0]
    for name in (
        "Itu Aba",
        "Thitu Island",
        "Swallow Reef",
        "Uotsuri-jima",
        "Taisho-jima",
        "Pratas Island",
        "Spratly Island",
    ):
        assert claimed.contains(point(name)), name
    assert claimed.contains(Point(121.5, 25.0))  # Taiwan
    assert claimed.contains(Point(114.0, 13.0))  # the middle of the sea
    for name in ("Woody Island", "Fiery Cross Reef", "Scarborough Shoal"):
        assert not claimed.contains(point(name)), name  # held, so yellow
    for place in ((121.0, 14.6), (105.8, 21.0), (128.0, 18.0), (116.4, 39.9)):
        assert not claimed.contains(Point(place)), place  # Manila, Hanoi, ...
    held = cm.load("prc-controlled").geometry.iloc[0]
    # Disjoint, but for slivers of the 1e-5° grid the files are written on.
    assert cm.area(shapely.intersection(claimed, held)) < 1e4


def test_the_seed_areas_follow_the_date():
    """Before the 2012 standoff, Scarborough Shoal was claimed, not held."""
    shoal = point("Scarborough Shoal")
    assert not derive.prc_controlled("2011-01-01").contains(shoal)
    assert derive.prc_claimed_not_controlled("2011-01-01").contains(shoal)
    assert derive.prc_controlled("2013-01-01").contains(shoal)


def test_the_dashed_line_area_is_inside_its_dashes():
    sea = cm.load("prc-dashed-line-area").geometry.iloc[0]
    dashes = cm.load("prc-dashed-line").geometry
    hull = shapely.convex_hull(shapely.union_all([*dashes, sea]))
    assert sea.within(hull.buffer(1e-9))
    # It is sea: no basemap land but the small islands inside.
    land = cm.load("basemap-ne10m").geometry.union_all()
    assert cm.area(shapely.intersection(sea, land)) < 1e4  # m², grid slivers
    # About two-thirds of the South China Sea's 3.5 million km²: a sanity range.
    assert 1.5e6 < cm.area(sea, "km2") < 2.5e6


def test_japans_senkaku_zones():
    ts = cm.load("jpn-senkaku-territorial-sea").geometry.iloc[0]
    cz = cm.load("jpn-senkaku-contiguous-zone").geometry.iloc[0]
    for _, island in cm.present(cm.load("senkaku-islands")).iterrows():
        assert ts.contains(island.geometry), island["id"]
        assert not cz.contains(island.geometry)


@pytest.mark.parametrize(
    ("layer_id", "rings"),
    [
        ("jpn-senkaku-territorial-sea", {"exterior": 12}),
        ("jpn-senkaku-contiguous-zone", {"exterior": 24, "interior": 12}),
    ],
)
def test_japans_senkaku_limits_lie_at_12_and_24_nmi(layer_id, rings):
    """Every vertex of the limits is 12 (24) nmi from the nearest island, to 1 m.

    Japan's Act on the Territorial Sea and the Contiguous Zone (1977), arts. 1
    and 4: the territorial sea reaches 12 nmi and the contiguous zone 24 nmi
    from the baselines; 1 nmi = 1852 m. Measured by GeographicLib from the
    islands' points (the layers' stated sources), so a belt too narrow fails
    as surely as one too wide; 1 m allows for the 1e-5 degree grid the files
    are written on.
    """
    zone = cm.load(layer_id).geometry.iloc[0]
    islands = [g.coords[0] for g in cm.present(cm.load("senkaku-islands")).geometry]
    for poly in shapely.get_parts(zone):
        found = {"exterior": [poly.exterior], "interior": list(poly.interiors)}
        assert {k for k, v in found.items() if v} == set(rings)
        for kind, nmi in rings.items():
            for ring in found[kind]:
                for x, y in ring.coords:
                    metres = min(
                        G.Inverse(y, x, lat, lon)["s12"] for lon, lat in islands
                    )
                    assert abs(metres - nmi * 1852) < 1.0, (x, y, metres)
