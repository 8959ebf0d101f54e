"""Land one party holds and another claims: the layer, the seed map and the views."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import shapely
from shapely import Point
from shapely.geometry import shape

import claimsmap as cm
from claimsmap.catalog import BASEMAP, LAND_CLAIMS, WORLDVIEWS, catalog
from claimsmap.errors import ClaimsmapError, InvalidFeatureError
from claimsmap.schema import validate_feature

from .reference import IN_AKSAI_CHIN, ITANAGAR, LHASA, TAWANG
from .scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
#: What the seed map may leave along a seam, in km² (issue 14).
MAX_SLIVER_KM2 = 1.0
# The PRC claims these and does not hold them; it holds Aksai Chin and Shaksgam.
CLAIMED = [
    "land-arunachal-pradesh",
    "land-demchok",
    "land-samdu-valleys",
    "land-tirpani-valleys",
    "land-bara-hotii-valleys",
    "land-bhutan-northwest-valleys",
    "land-bhutan-chumbi-salient",
]
HELD = ["land-aksai-chin", "land-shaksgam-valley"]
ISLANDS = ["land-southern-kuril-islands", "land-dokdo-takeshima"]


@pytest.fixture(scope="module")
def script():
    return load_script("build_land_claims")


@pytest.fixture(scope="module")
def claims():
    return cm.load(LAND_CLAIMS).set_index("id")


@pytest.fixture(scope="module")
def land():
    return cm.load(BASEMAP).set_index("id")


def units_of(land, party):
    return shapely.union_all(list(land.geometry[land["controller"] == party]))


def seam_slivers(piece, holder, neighbours):
    """Geodesic areas (km²) of the slivers along ``piece``'s seams.

    A sliver is ``piece`` outside ``holder`` (colour on the wrong side of a
    border), or land of ``holder`` that touches both ``piece`` and
    ``neighbours`` and that ``piece`` leaves uncovered: a pocket cut off from
    the rest of the holder's land, or a strip narrower than about a kilometre
    (what an opening of 0.005° removes).
    """
    found = [cm.area(p, "km2") for p in shapely.get_parts(piece - holder)]
    window = shapely.box(*piece.buffer(0.3).bounds)
    rest = sorted(
        shapely.get_parts(shapely.intersection(holder, window) - piece),
        key=lambda p: -p.area,
    )

    def between(p):
        return p.distance(piece) < 1e-7 and p.distance(neighbours) < 1e-7

    found += [cm.area(p, "km2") for p in rest[1:] if between(p)]
    main = rest[0]
    thin = main - main.buffer(-0.005).buffer(0.005)
    found += [cm.area(p, "km2") for p in shapely.get_parts(thin) if between(p)]
    return sorted(found, reverse=True)


def test_layer_is_what_the_script_builds(script):
    shipped = json.loads(
        (ROOT / "src/claimsmap/data/geojson/land-claims.geojson").read_text("utf-8")
    )["features"]
    fresh = script.build_features()
    assert [f["properties"] for f in fresh] == [f["properties"] for f in shipped]
    for a, b in zip(fresh, shipped, strict=True):
        assert shape(a["geometry"]).equals(shape(b["geometry"])), a["properties"]["id"]
    prov = catalog()["layers"][LAND_CLAIMS]["provenance"]
    for path, digest in (
        (script.SOURCE, "input_sha256"),
        (script.NAMES, "names_sha256"),
    ):
        assert prov[digest] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_area_has_its_holder_claimants_and_views(claims):
    assert list(claims.index) == [*CLAIMED, *HELD, *ISLANDS]
    for fid in CLAIMED:
        row = claims.loc[fid]
        assert row["controller"] in ("IND", "BTN") and "CHN" in row["claimants"]
        assert row["views"]["CHN"] == "CHN"
        assert row["views"]["IND"] == row["controller"]
    for fid in HELD:
        row = claims.loc[fid]
        assert row["controller"] == "CHN" and "IND" in row["claimants"]
        assert row["views"]["IND"] == "IND"
    assert claims.loc["land-shaksgam-valley", "views"]["PAK"] == "CHN"
    kurils, dokdo = (
        claims.loc["land-southern-kuril-islands"],
        claims.loc["land-dokdo-takeshima"],
    )
    assert (kurils["controller"], kurils["claimants"]) == ("RUS", ["RUS", "JPN"])
    assert (dokdo["controller"], dokdo["claimants"]) == ("KOR", ["KOR", "JPN"])
    assert dokdo["names"]["ja"] == "竹島" and dokdo["names"]["zh"] == "独岛"
    # Each party's language where Natural Earth gives it: Hindi for India's,
    # traditional Chinese for the ROC's maps; the gazetteer finds them.
    for name in ("अरुणाचल प्रदेश", "阿魯納恰爾邦", "Arunachal Pradesh"):
        assert cm.find(name).id == "land-arunachal-pradesh", name
    assert cm.find("अक्साई चिन").id == "land-aksai-chin"
    # Natural Earth's own labels and the other party's name find them too.
    assert cm.find("Dokdo").id == cm.find("Takeshima").id == "land-dokdo-takeshima"
    assert cm.find("South Tibet").id == "land-arunachal-pradesh"
    # Natural Earth gives no dates; none is made up.
    assert claims["since"].isna().all()
    assert (claims["precision_m"] >= 1000).all()


def test_arunachal_pradesh_is_natural_earths_drawing(claims):
    """About 69,600 km² (Natural Earth's McMahon-line drawing) and round Itanagar."""
    row = claims.loc["land-arunachal-pradesh"]
    assert 69_000 < cm.area(row.geometry, "km2") < 70_000
    assert row.geometry.contains(Point(ITANAGAR)) and row.geometry.contains(
        Point(TAWANG)
    )
    assert claims.loc["land-aksai-chin"].geometry.contains(Point(IN_AKSAI_CHIN))


@pytest.mark.parametrize("fid", [*CLAIMED, *HELD])
def test_no_sliver_over_1_km2_along_the_seams(claims, land, fid):
    row = claims.loc[fid]
    holder = units_of(land, row["controller"])
    others = land.geometry[land["controller"] != row["controller"]]
    neighbours = shapely.union_all(
        [g for g in others if g.intersects(row.geometry.buffer(0.3))]
    )
    slivers = seam_slivers(row.geometry, holder, neighbours)
    assert max(slivers, default=0.0) <= MAX_SLIVER_KM2, (fid, slivers[:3])


def test_natural_earths_own_polygons_would_leave_slivers(land):
    """Unfitted, the 5.x polygons leave pockets of km² against the 4.1 borders."""
    raw = json.loads(
        (ROOT / "scripts/sources/ne-10m-disputed-areas-east-asia.geojson").read_text()
    )
    arunachal = next(
        shape(f["geometry"])
        for f in raw["features"]
        if f["properties"]["BRK_NAME"] == "Arunachal Pradesh"
    )
    slivers = seam_slivers(arunachal, units_of(land, "IND"), units_of(land, "CHN"))
    assert slivers[0] > 2 * MAX_SLIVER_KM2


def test_seed_map_on_land_has_no_slivers_between_its_colours(claims, land):
    """Orange meets yellow along the Himalaya; neither spills across a border."""
    held = cm.load("prc-controlled").geometry.iloc[0]
    claimed = cm.load("prc-claimed-not-controlled").geometry.iloc[0]
    largest = 0.0
    for fid in CLAIMED:
        row = claims.loc[fid]
        window = shapely.box(*row.geometry.buffer(0.3).bounds)
        orange = shapely.intersection(claimed, window)
        holder = units_of(land, row["controller"])
        slivers = seam_slivers(orange, holder, held)
        largest = max(largest, *slivers, 0.0)
    # Yellow in India, Pakistan or Bhutan: none larger than a sliver.
    for party in ("IND", "PAK", "BTN"):
        spill = shapely.intersection(held, units_of(land, party))
        largest = max(largest, *(cm.area(p, "km2") for p in shapely.get_parts(spill)))
    assert largest <= MAX_SLIVER_KM2


def test_seed_areas_on_land(claims):
    held = cm.load("prc-controlled").geometry.iloc[0]
    claimed = cm.load("prc-claimed-not-controlled").geometry.iloc[0]
    for place in (ITANAGAR, TAWANG):
        assert claimed.contains(Point(place)) and not held.contains(Point(place))
    for place in (LHASA, IN_AKSAI_CHIN):
        assert held.contains(Point(place)) and not claimed.contains(Point(place))
    for fid in CLAIMED:
        inside = shapely.intersection(claimed, claims.loc[fid].geometry)
        assert cm.area(inside) >= 0.999 * cm.area(claims.loc[fid].geometry), fid
    for fid in HELD:
        inside = shapely.intersection(held, claims.loc[fid].geometry)
        assert cm.area(inside) >= 0.999 * cm.area(claims.loc[fid].geometry), fid


def test_derived_areas_include_the_land_claims():
    from claimsmap import derive

    claimed = derive.prc_claimed_not_controlled("2026-11-26")
    assert claimed.contains(Point(ITANAGAR))
    held = derive.prc_controlled("2026-11-26")
    assert held.contains(Point(IN_AKSAI_CHIN))


def holder_of(place, worldview):
    land = cm.load(BASEMAP, worldview=worldview)
    return [
        i for i, g in zip(land["id"], land.geometry, strict=True) if g.covers(place)
    ]


# Where Itanagar, Aksai Chin, the southern Kurils and Dokdo are drawn.
@pytest.mark.parametrize(
    ("worldview", "expected"),
    [
        ("de-facto", ("ne-india", "ne-china", "ne-russia", "ne-south-korea")),
        ("CHN", ("ne-china", "ne-china", "ne-japan", "ne-south-korea")),
        ("IND", ("ne-india", "ne-india", "ne-russia", "ne-south-korea")),
        ("JPN", ("ne-india", "ne-china", "ne-japan", "ne-japan")),
        ("KOR", ("ne-india", "ne-china", "ne-russia", "ne-south-korea")),
    ],
)
def test_land_as_each_party_draws_it(claims, worldview, expected):
    kurils = claims.loc["land-southern-kuril-islands"].geometry
    dokdo = claims.loc["land-dokdo-takeshima"].geometry
    places = [
        Point(ITANAGAR),
        Point(IN_AKSAI_CHIN),
        kurils.representative_point(),
        dokdo.representative_point(),
    ]
    assert [holder_of(p, worldview) for p in places] == [[u] for u in expected]


def test_a_worldview_moves_whole_areas_and_nothing_else(claims, land):
    chn = cm.load(BASEMAP, worldview="CHN").set_index("id")
    china, india = land.loc["ne-china", "geometry"], land.loc["ne-india", "geometry"]
    moved = shapely.union_all([claims.loc[f].geometry for f in CLAIMED])
    gained = chn.loc["ne-china", "geometry"] - china
    assert cm.area(gained ^ moved, "km2") < MAX_SLIVER_KM2
    from_india = shapely.union_all([claims.loc[f].geometry for f in CLAIMED[:5]])
    lost = india - chn.loc["ne-india", "geometry"]
    assert cm.area(lost ^ from_india, "km2") < MAX_SLIVER_KM2
    # China's land in the PRC's view has no pocket along the new seams.
    grown = chn.loc["ne-china", "geometry"]
    holes = [
        cm.area(shapely.Polygon(r), "km2")
        for p in shapely.get_parts(grown)
        for r in p.interiors
        if shapely.Polygon(r).intersects(moved.buffer(0.05))
    ]
    assert max(holes, default=0.0) <= MAX_SLIVER_KM2


def test_land_claims_as_each_party_sees_them(claims):
    def controller(fid, party):
        frame = cm.load(LAND_CLAIMS, worldview=party).set_index("id")
        return frame.loc[fid, "controller"], frame.loc[fid, "de_facto_controller"]

    assert controller("land-arunachal-pradesh", "CHN") == ("CHN", "IND")
    assert controller("land-aksai-chin", "IND") == ("IND", "CHN")
    assert controller("land-southern-kuril-islands", "JPN") == ("JPN", "RUS")
    assert controller("land-dokdo-takeshima", "JPN") == ("JPN", "KOR")
    assert controller("land-dokdo-takeshima", "KOR") == ("KOR", "KOR")
    assert controller("land-arunachal-pradesh", "de-facto") == ("IND", "IND")


def test_worldviews_include_the_land_parties():
    assert {"IND", "JPN", "KOR"} <= set(WORLDVIEWS)
    with pytest.raises(ClaimsmapError, match=r"worldview='XYZ' is not known"):
        cm.load(LAND_CLAIMS, worldview="XYZ")


def test_maritime_zones_are_for_the_parties_at_sea():
    from claimsmap import maritime

    with pytest.raises(ClaimsmapError, match=r"party 'IND' is not known; use one of"):
        maritime.sources("IND")


def test_views_must_map_parties_to_parties():
    path = ROOT / "src/claimsmap/data/geojson/land-claims.geojson"
    feature = json.loads(path.read_text("utf-8"))["features"][0]
    props, geom = feature["properties"], shape(feature["geometry"])
    validate_feature(props, geom, file="x.geojson", index=0)
    props["views"] = {"CHN": "China"}
    with pytest.raises(InvalidFeatureError, match=r"'views' is \{'CHN': 'China'\}"):
        validate_feature(props, geom, file="x.geojson", index=0)


# Names in the parties' languages that Natural Earth's extract lacks, each read
# in a cited page (scripts/sources/ne-10m-disputed-areas-names.json).
PARTY_NAMES = {
    "land-arunachal-pradesh": ["藏南地区", "藏南", "Zangnan", "阿鲁纳恰尔邦"],
    "land-demchok": ["देमचोक", "डेमचोक", "巴里加斯", "Parigas"],
    "land-bara-hotii-valleys": ["बाड़ाहोती", "बाराहोती", "乌热"],
    "land-shaksgam-valley": [
        "शक्सगाम घाटी",
        "शक्सगाम वादी",
        "وادی شکسام",
        "沙克思干谷地",
    ],
    "land-southern-kuril-islands": [
        "Южные Курилы",
        "Южные Курильские острова",
        "北方領土",
        "北方四島",
        "千島列島",
    ],
    "land-dokdo-takeshima": ["독도", "獨島"],
}


@pytest.mark.parametrize("fid", [*CLAIMED, *HELD, *ISLANDS])
def test_every_name_is_sourced_and_finds_its_area(claims, fid):
    """Each name and alias, in every language, says where it was read and finds it."""
    row = claims.loc[fid]
    cited = row["names_sources"]
    assert set(cited) == {*row["names"].values(), *row["aliases"]}
    assert set(PARTY_NAMES.get(fid, [])) <= set(cited)
    for name, where in cited.items():
        assert "http" in where or "natural-earth-vector" in where, (name, where)
        assert cm.find(name).id == fid, name


def test_party_languages_where_a_source_gives_them(claims):
    """Each party's own name in its language; the extract's stays an alias."""
    names = claims["names"]
    assert names["land-dokdo-takeshima"]["ko"] == "독도"
    assert names["land-southern-kuril-islands"]["ru"] == "Южные Курилы"
    assert names["land-southern-kuril-islands"]["ja"] == "北方領土"
    assert names["land-arunachal-pradesh"]["zh"] == "藏南地区"
    assert names["land-demchok"]["hi"] == "देमचोक"
    assert names["land-shaksgam-valley"]["ur"] == "وادی شکسام"
    assert "阿鲁纳恰尔邦" in claims.loc["land-arunachal-pradesh", "aliases"]
    assert cm.find("zangnan").id == "land-arunachal-pradesh"
    assert cm.find("южные курилы").id == "land-southern-kuril-islands"


def test_a_name_without_a_source_is_refused():
    path = ROOT / "src/claimsmap/data/geojson/land-claims.geojson"
    feature = json.loads(path.read_text("utf-8"))["features"][-1]
    props, geom = feature["properties"], shape(feature["geometry"])
    validate_feature(props, geom, file="x.geojson", index=0)
    del props["names_sources"]["독도"]
    with pytest.raises(InvalidFeatureError, match=r"gives no source for \['독도'\]"):
        validate_feature(props, geom, file="x.geojson", index=0)
    props["names_sources"] = {"독도": ""}
    with pytest.raises(InvalidFeatureError, match=r"'names_sources' is"):
        validate_feature(props, geom, file="x.geojson", index=0)
