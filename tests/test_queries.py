"""cm.at, cm.within and cm.distances against straightforward references.

The references below measure everything the plain way: every area layer's
geometries asked ``covers`` of the point, and an exact :func:`cm.distance`
from the point to every land or island that could be the nearest. The fast
queries must give the same answers: the same areas in the same order, the
same nearest land, distances to a metre.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

import claimsmap as cm
from claimsmap.catalog import BASEMAP, as_of, catalog, load, present
from claimsmap.errors import ClaimsmapError, CoordinateError, UnknownNameError
from claimsmap.geodesy import NMI
from claimsmap.queries import AT_COLUMNS, WITHIN_COLUMNS, at, distances, within

AREA_KINDS = {"claim-area", "control-area", "zone", "adiz", "exercise-area"}
LAND_KINDS = {"feature", "land"}


def _state(layer: str, date: str | None):
    frame = load(layer)
    return (present(frame) if date is None else as_of(frame, date)).reset_index(
        drop=True
    )


def _layers(kinds: set[str], date: str | None):
    return [
        (layer, _state(layer, date))
        for layer, entry in catalog()["layers"].items()
        if entry["kind"] in kinds or (kinds == LAND_KINDS and layer == BASEMAP)
    ]


def reference_areas(lon: float, lat: float, date: str | None = None) -> list[str]:
    """Ids of the areas covering a point: a spatial join of the point, layer by layer."""
    here = gpd.GeoDataFrame(geometry=[Point(lon, lat)], crs=4326)
    ids = []
    for _, frame in _layers(AREA_KINDS, date):
        joined = here.sjoin(frame, predicate="covered_by", how="inner")
        ids += list(frame.loc[sorted(joined["index_right"]), "id"])
    return ids


def reference_nearest(lon: float, lat: float, date: str | None = None):
    """The nearest land: exact distances to every candidate, ties to the first.

    Candidates are the geometries within twice the nearest one's distance in
    degrees plus a degree: in 0-45°N a degree of longitude is at least 0.7 of
    one of latitude, so nothing outside can be nearer.
    """
    rows = [
        (layer, row["id"], row["name"], row.geometry)
        for layer, frame in _layers(LAND_KINDS, date)
        for _, row in frame.iterrows()
    ]
    here = Point(lon, lat)
    degrees = np.array([shapely.distance(here, r[3]) for r in rows])
    reach = 2 * degrees.min() + 1.0
    metres = np.full(len(rows), np.inf)
    for i in np.flatnonzero(degrees <= reach):
        metres[i] = cm.distance((lon, lat), rows[i][3]).metres
    first = int(np.flatnonzero(metres <= metres.min() + 1e-3)[0])
    layer, id_, name, _ = rows[first]
    return {"layer": layer, "id": id_, "name": name, "metres": metres[first]}


def _boundary_points() -> list[tuple[str, tuple[float, float]]]:
    ts = cm.load("jpn-senkaku-territorial-sea").geometry.iloc[0]
    cz = cm.load("jpn-senkaku-contiguous-zone").geometry.iloc[0]
    vertex = shapely.get_coordinates(ts)[5]
    holes = [Polygon(r).representative_point() for r in cz.interiors]
    out = [
        ("vertex of jpn-senkaku-territorial-sea", (vertex[0], vertex[1])),
        # twn-adiz runs along 117.5°E and 29°N: these lie exactly on its edges.
        ("on the west edge of twn-adiz", (117.5, 25.0)),
        ("on the north edge of twn-adiz", (120.0, 29.0)),
        ("corner of twn-adiz", (123.0, 29.0)),
    ]
    out += [
        (f"in hole {k} of the contiguous zone", (p.x, p.y)) for k, p in enumerate(holes)
    ]
    return out


def _land_points() -> list[tuple[float, float]]:
    basemap = cm.load(BASEMAP)
    inland = [basemap.geometry.iloc[i].representative_point() for i in range(0, 40, 8)]
    features = cm.load("senkaku-islands").geometry.iloc[:2]
    return [(p.x, p.y) for p in [*inland, *features]]


def _points() -> list[tuple[float, float]]:
    rng = np.random.default_rng(2024)
    random = np.column_stack([rng.uniform(100, 135, 180), rng.uniform(0, 45, 180)])
    special = [
        (135.0, 0.0),  # far out at sea
        (100.0, 45.0),
        (123.47, 25.74),
        (124.16, 24.34),
        (116.0, 10.0),
        *[p for _, p in _boundary_points()],
        *_land_points(),
    ]
    return [tuple(map(float, p)) for p in [*random, *special]]


def test_at_matches_the_straightforward_way():
    wrong = []
    for lon, lat in _points():
        found = at(lon, lat)
        want = reference_areas(lon, lat)
        if list(found["id"]) != want:
            wrong.append(((lon, lat), "areas", list(found["id"]), want))
        nearest, ref = found.attrs["nearest"], reference_nearest(lon, lat)
        same = (
            (nearest["id"], nearest["layer"], nearest["name"])
            == (ref["id"], ref["layer"], ref["name"])
            and abs(nearest["distance_km"] * 1000 - ref["metres"]) <= 1.0
            and abs(nearest["distance_nmi"] * NMI - ref["metres"]) <= 1.0
        )
        if not same:
            wrong.append(((lon, lat), "nearest", nearest, ref))
    assert not wrong, wrong[:5]


def test_at_a_past_day_matches_the_reference():
    # The Paracels in 1973: Pattle was held by South Vietnam, not China.
    for lon, lat in [(111.6, 16.5), (112.3, 16.8), (123.47, 25.74), (120.0, 22.0)]:
        for date in ("1960-01-01", "1973-06-01"):
            found = at(lon, lat, date=date)
            assert list(found["id"]) == reference_areas(lon, lat, date)
            ref = reference_nearest(lon, lat, date)
            assert found.attrs["nearest"]["id"] == ref["id"]
            assert (
                abs(found.attrs["nearest"]["distance_km"] * 1000 - ref["metres"]) <= 1
            )


def test_at_on_land_is_0_m_from_it():
    for lon, lat in _land_points():
        nearest = at(lon, lat).attrs["nearest"]
        assert nearest["distance_km"] == 0.0
    uotsuri = cm.find("senkaku-uotsuri-jima").geometry
    assert at(uotsuri.x, uotsuri.y).attrs["nearest"]["id"] == "senkaku-uotsuri-jima"


@pytest.mark.parametrize(("what", "point"), _boundary_points())
def test_a_boundary_point_is_in_the_zone_for_at_and_locate(what, point):
    found = set(at(*point)["id"])
    located = cm.locate([point])
    assert found >= set(located["zone"].astype(str)), what
    want = set(reference_areas(*point))
    assert found == want, what


def test_a_vertex_of_the_territorial_sea_is_in_it():
    vertex = shapely.get_coordinates(
        cm.load("jpn-senkaku-territorial-sea").geometry.iloc[0]
    )[5]
    assert "jpn-senkaku-territorial-sea" in set(at(*vertex)["id"])
    hits = cm.locate([tuple(vertex)])
    assert "jpn-senkaku-territorial-sea" in set(hits["zone"].astype(str))


def test_at_columns_and_attrs():
    found = at(123.47, 25.74)
    assert list(found.columns) == [*AT_COLUMNS, "geometry"]
    assert found.crs.to_epsg() == 4326
    assert set(found.attrs) == {"nearest", "schema_version"}
    assert set(found.attrs["nearest"]) == {
        "layer",
        "id",
        "name",
        "distance_km",
        "distance_nmi",
    }
    # Each answer is its own: changing one leaves the next alone.
    found.loc[0, "name"] = "changed"
    found.attrs["nearest"]["id"] = "changed"
    again = at(123.47, 25.74)
    assert "changed" not in set(again["name"])
    assert again.attrs["nearest"]["id"] == "senkaku-uotsuri-jima"
    empty = at(135.0, 0.0)
    assert empty.empty and list(empty.columns) == [*AT_COLUMNS, "geometry"]


@pytest.mark.parametrize(
    ("lon", "lat", "match"),
    [
        (200.0, 0.0, "longitude 200 is outside"),
        (25.74, 123.47, r"looks like \(lat, lon\)"),
        (float("nan"), 0.0, "not finite"),
        ("east", 0.0, "is not two numbers"),
    ],
)
def test_at_rejects_bad_points(lon, lat, match):
    with pytest.raises(CoordinateError, match=match):
        at(lon, lat)


def test_at_rejects_a_bad_date():
    with pytest.raises(ClaimsmapError, match="is not a date"):
        at(123.47, 25.74, date="last tuesday")


def reference_within(place, radius_m, kinds=None, date=None):
    """Exact distance from the place to every feature, the plain way."""
    geom = cm.find(place).geometry if isinstance(place, str) else Point(place)
    found = []
    for layer, entry in catalog()["layers"].items():
        if layer == BASEMAP or (kinds is not None and entry["kind"] not in kinds):
            continue
        for _, row in _state(layer, date).iterrows():
            if row.geometry.equals(geom):
                continue
            d = cm.distance(geom, row.geometry).metres
            if d <= radius_m:
                found.append((d, row["id"]))
    found.sort(key=lambda f: f[0])
    return found


@pytest.mark.parametrize(
    ("place", "radius_km", "kinds", "date"),
    [
        ("Ishigaki Island", 200, None, None),
        ((121.0, 25.0), 150, None, None),
        ("Woody Island", 300, ["feature"], "1973-06-01"),
        ((135.0, 0.0), 500, None, None),
    ],
)
def test_within_matches_the_straightforward_way(place, radius_km, kinds, date):
    found = within(place, radius_km, "km", kinds=kinds, date=date)
    want = reference_within(place, radius_km * 1000, kinds, date)
    assert list(found.columns) == [*WITHIN_COLUMNS, "geometry"]
    assert sorted(found["id"]) == sorted(i for _, i in want)
    assert list(found["distance_km"]) == sorted(found["distance_km"])
    by_id = dict(zip(found["id"], found["distance_km"], strict=True))
    for metres, id_ in want:
        assert abs(by_id[id_] * 1000 - metres) <= 1.0, id_


def test_within_from_an_area():
    found = within("jpn-senkaku-territorial-sea", 30, "km", kinds=["feature"])
    ids = set(found["id"])
    assert "senkaku-uotsuri-jima" in ids
    assert "jpn-senkaku-territorial-sea" not in ids
    assert (found["distance_km"] == 0).any()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("Ishigaki Island", -5), {}, ClaimsmapError, "give a positive distance"),
        (("Ishigaki Island", 6000), {}, ClaimsmapError, "over 5,000 km"),
        (
            ("Ishigaki Island", 10, "mile"),
            {},
            ClaimsmapError,
            "unit 'mile' is not known",
        ),
        (
            ("Ishigaki Island", 10),
            {"kinds": ["volcano"]},
            ClaimsmapError,
            "no layer has",
        ),
        (("Atlantis", 10), {}, UnknownNameError, "Atlantis"),
        (((200.0, 0.0), 10), {}, CoordinateError, "longitude 200"),
    ],
)
def test_within_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        within(*args, **kwargs)


def test_distances_match_pairwise_distance():
    places = [
        "Ishigaki Island",
        "Yonaguni-jima",
        "Uotsuri-jima",
        (121.0, 25.0),
        "jpn-senkaku-territorial-sea",
        "twn-adiz",
    ]
    matrix = distances(places, places, "nmi")
    assert list(matrix.columns) == [
        "Ishigaki Island",
        "Yonaguni-jima",
        "Uotsuri-jima",
        "121,25",
        "jpn-senkaku-territorial-sea",
        "twn-adiz",
    ]
    assert matrix.attrs == {"unit": "nmi", "schema_version": "1"}
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            want = cm.distance(a, b).metres / NMI
            assert abs(matrix.iloc[i, j] - want) * NMI <= 1e-3, (a, b)


@pytest.mark.parametrize(
    ("sources", "targets", "match"),
    [
        ([], ["Ishigaki Island"], "at least one source and one target"),
        (["Ishigaki Island"] * 101, ["Yonaguni-jima"] * 100, "more than 10,000"),
        (["Ishigaki Island"], [(0.0, 100.0)], "latitude 100 is outside"),
    ],
)
def test_distances_errors(sources, targets, match):
    with pytest.raises(ClaimsmapError, match=match):
        distances(sources, targets)


def test_the_indexed_atlas_is_kept_on_disk_to_the_bit():
    """A new process reads the present's areas and land from the cache: the
    rows and geometries of the layers as loaded, exactly, in the atlas's
    order. Past days are not written to disk."""
    import shapely

    from claimsmap import _cache, queries

    queries.at_records(123.47, 25.74)  # keeps them, if this session has not
    layers = cm.layers()
    for namespace, kinds in (
        ("at-areas", {"claim-area", "control-area", "zone", "adiz", "exercise-area"}),
        ("at-land", {"feature", "land"}),
    ):
        kept = _cache.get(namespace, "present")
        assert kept is not None, namespace
        frames = [
            cm.present(cm.load(layer))
            for layer in layers.index
            if layers.loc[layer, "kind"] in kinds
        ]
        ids = [i for frame in frames for i in frame["id"]]
        geoms = [g for frame in frames for g in frame.geometry]
        assert [row["id"] for row in kept[0]] == ids
        assert shapely.equals_exact(shapely.from_wkb(kept[1]), geoms, 0).all()
    before = set(_cache.entries())
    queries.at_records(123.47, 25.74, date="2016-07-12")
    assert set(_cache.entries()) == before
    with pytest.raises(cm.ClaimsmapError, match="present"):
        cm.at(123.47, 25.74, date="present")
