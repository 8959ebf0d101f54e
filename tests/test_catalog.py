"""Every shipped layer and every feature, against the catalog and the sources."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import shapely
from geographiclib.geodesic import Geodesic

import claimsmap as cm
from claimsmap.catalog import BASEMAP, catalog, layer_ids
from claimsmap.schema import FIELDS

from . import reference

ROOT = Path(__file__).resolve().parent.parent
LAYERS = layer_ids()
CURATED = [lid for lid in LAYERS if lid != BASEMAP]
FEATURES = [(lid, fid) for lid in CURATED for fid in cm.load(lid)["id"]]
ANGLE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:°|º|度|도)\s*(?:(\d+(?:\.\d+)?)\s*(?:′|'|’|分|분))?"
    r"\s*(?:(\d+(?:\.\d+)?)\s*(?:″|′′|〃|〞|\"|”|秒|초))?"
)
# ICAO style, as in an AIP: 3000N 12525E (degrees and minutes run together).
ICAO = re.compile(r"\b(\d{2})(\d{2})N\s+(\d{3})(\d{2})E\b")
# Vertices in degrees as a GeoJSON pair: [122.007769,25.008286] (lon, lat).
PAIR = re.compile(r"\[(\d+\.\d+),\s*(\d+\.\d+)\]")
# A Wikipedia template: {{coord|10|24|37|N|114|35|14|E
WIKI = re.compile(r"\{\{coord\|(\d+)\|(\d+)\|(\d+)\|N\|(\d+)\|(\d+)\|(\d+)\|E")


def parse_published(text: str) -> list[tuple[float, float]]:
    """(lon, lat) pairs from a published text that gives latitude, then longitude."""
    found: list[tuple[int, tuple[float, float]]] = []
    for m in ICAO.finditer(text):
        lat = int(m[1]) + int(m[2]) / 60
        lon = int(m[3]) + int(m[4]) / 60
        found.append((m.start(), (lon, lat)))
    for m in WIKI.finditer(text):
        d = [int(x) for x in m.groups()]
        lat = d[0] + d[1] / 60 + d[2] / 3600
        lon = d[3] + d[4] / 60 + d[5] / 3600
        found.append((m.start(), (lon, lat)))
    for m in PAIR.finditer(text):
        found.append((m.start(), (float(m[1]), float(m[2]))))
    rest = PAIR.sub(lambda m: " " * len(m[0]), text)
    rest = WIKI.sub(lambda m: " " * len(m[0]), rest)
    rest = ICAO.sub(lambda m: " " * len(m[0]), rest)
    hits = list(ANGLE.finditer(rest))
    assert len(hits) % 2 == 0, text

    def value(hit: re.Match) -> float:
        angle = float(hit[1]) + float(hit[2] or 0) / 60 + float(hit[3] or 0) / 3600
        west_or_south = re.match(r"\s*[WS]\b", rest[hit.end() :])
        return -angle if west_or_south else angle

    for first, second in zip(hits[::2], hits[1::2], strict=True):
        found.append((first.start(), (value(second), value(first))))
    return [pair for _, pair in sorted(found)]


def metres(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0])["s12"]


def data_file(entry):
    return resources.files("claimsmap") / "data" / "geojson" / entry["file"]


@pytest.mark.parametrize("layer_id", LAYERS)
def test_catalog_entry_matches_its_file(layer_id):
    entry = catalog()["layers"][layer_id]
    raw = data_file(entry).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"], (
        "run scripts/update_catalog.py"
    )
    features = json.loads(raw)["features"]
    assert len(features) == entry["feature_count"]
    types = "|".join(sorted({f["geometry"]["type"] for f in features}))
    assert types == entry["geometry_type"]
    for field in ("title", "kind", "source", "source_url", "licence", "theme"):
        assert entry[field], field
    # What a layer knowingly lacks is named, with the reason and a source.
    for item in entry.get("missing", []):
        assert item["name"] and len(item["why"]) > 40, item
        assert item["sources"], item
        assert all(u.startswith(("http://", "https://")) for u in item["sources"])


@pytest.mark.parametrize("layer_id", LAYERS)
def test_layer_loads_valid_in_epsg4326(layer_id):
    frame = cm.load(layer_id)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns[: len(FIELDS)]) == list(FIELDS)
    assert frame.geometry.is_valid.all()
    assert frame["id"].is_unique
    assert (frame["kind"] == catalog()["layers"][layer_id]["kind"]).all()


def test_polygons_are_valid_and_oriented():
    """RFC 7946: exterior rings anticlockwise, holes clockwise."""
    for lid in LAYERS:
        for fid, geom in zip(cm.load(lid)["id"], cm.load(lid).geometry, strict=True):
            assert geom.is_valid, fid
            for part in shapely.get_parts(geom):
                if part.geom_type == "Polygon":
                    assert part.exterior.is_ccw, fid
                    assert not any(ring.is_ccw for ring in part.interiors), fid


def test_ids_are_unique_across_the_atlas():
    ids = [fid for lid in LAYERS for fid in cm.load(lid)["id"]]
    assert len(ids) == len(set(ids))


def test_load_returns_a_copy():
    a = cm.load("bases")
    a.loc[0, "name"] = "changed"
    assert cm.load("bases").loc[0, "name"] != "changed"


DIGITISED = {lid for lid in CURATED if catalog()["layers"][lid].get("digitised")}
DERIVED = {lid for lid in CURATED if catalog()["layers"][lid].get("derived")}
# Built by a script from a pinned input (land-claims); tests/test_land_claims.py
# builds it again and compares.
GENERATED = {lid for lid in CURATED if catalog()["layers"][lid].get("provenance")}
# Shapes taken from the basemap around a published point (checked in test_islands).
FROM_BASEMAP = {lid for lid in CURATED if catalog()["layers"][lid].get("shape_from")}


@pytest.mark.parametrize(
    ("layer_id", "feature_id"),
    [
        (lid, fid)
        for lid, fid in FEATURES
        if lid not in DIGITISED | DERIVED | GENERATED | FROM_BASEMAP
    ],
)
def test_feature_is_sourced_and_matches_its_published_coordinates(layer_id, feature_id):
    frame = cm.load(layer_id).set_index("id")
    props = frame.loc[feature_id]
    assert props["source"] and props["source_url"].startswith(("http://", "https://"))
    assert props["precision_m"] > 0
    published = parse_published(props["published_coords"])
    vertices = [tuple(c) for c in shapely.get_coordinates(props["geometry"])]
    if len(vertices) > 1 and vertices[0] == vertices[-1]:
        vertices = vertices[:-1]
    if len(published) > 1 and published[0] == published[-1]:
        published = published[:-1]  # a published list that closes its loop
    if not isinstance(props.get("densified"), str):
        assert len(vertices) == len(published)
    # Every published point is a vertex, in the published order (a densified
    # feature has vertices in between, and says why in 'densified'); a ring
    # turned anticlockwise runs the published points backwards from the first.
    if isinstance(props.get("vertex_order"), str):
        vertices = vertices[:1] + vertices[1:][::-1]
    rest = iter(vertices)
    for want in published:
        assert any(metres(got, want) <= props["precision_m"] for got in rest), (
            feature_id,
            want,
        )


@pytest.mark.parametrize(
    ("layer_id", "feature_id"),
    [(lid, fid) for lid, fid in FEATURES if lid in DIGITISED],
)
def test_digitised_feature_lies_on_what_it_was_digitised_from(layer_id, feature_id):
    """A line digitised from a drawing stays inside the drawn outline it records."""
    props = cm.load(layer_id).set_index("id").loc[feature_id]
    outline = shapely.Polygon(props["digitised_outline"])
    assert outline.is_valid
    assert outline.buffer(1e-6).contains(props["geometry"])
    assert props["precision_m"] >= 1000, "a digitised line is not precise"
    assert "no coordinates" in props["source"] or "digitis" in props["source"]


MISSING = [
    (lid, item)
    for lid in CURATED
    for item in catalog()["layers"][lid].get("missing", [])
]


@pytest.mark.parametrize(
    ("layer_id", "item"), MISSING, ids=[item["name"] for _, item in MISSING]
)
def test_what_is_not_drawn_says_why_and_where_it_was_looked_for(layer_id, item):
    """An item left out for want of published coordinates is sourced like a feature."""
    assert item["name"] and len(item["why"]) > 80, item["name"]
    assert item["sources"], item["name"]
    assert all(url.startswith(("http://", "https://")) for url in item["sources"])
    if "since" in item:  # an event, such as an exercise, with its days
        since = date.fromisoformat(item["since"])
        assert since < date.fromisoformat(item["until"]), item["name"]
    # Not drawn means not drawn: no feature of the layer goes by the same name
    # (the part before the dates), in its name or its exercise.
    frame = cm.load(layer_id)
    name = item["name"].split(",")[0].casefold()
    for column in {"name", "exercise"} & set(frame.columns):
        drawn = frame[column].dropna().str.casefold()
        assert not drawn.str.contains(name, regex=False).any(), item["name"]


@pytest.mark.parametrize(
    ("exercise", "day"), reference.PLA_EXERCISE_DAYS_SINCE_2022.items()
)
def test_every_pla_exercise_since_2022_is_drawn_or_listed_as_missing(exercise, day):
    entry = catalog()["layers"]["pla-exercise-zones"]
    drawn = cm.load("pla-exercise-zones", at=day)
    listed = [m for m in entry["missing"] if m["since"] <= day < m["until"]]
    assert len(drawn) > 0 or listed, exercise
    assert not (len(drawn) > 0 and listed), f"{exercise}: both drawn and missing"


def test_baselines_match_the_2012_statement():
    """The 17 base points and the two closed loops, point by point, in order."""
    loops: list[list[tuple[float, float]]] = []
    for line in reference.PRC_BASELINES_2012_TEXT.strip().splitlines():
        if line.startswith(("一", "二")):
            loops.append([])
        else:
            loops[-1].extend(parse_published(line))
    assert [len(loop) for loop in loops] == [13, 6]  # each closes on its first point
    points = cm.load("prc-diaoyu-basepoints-2012")
    assert len(points) == 17
    lines = cm.load("prc-diaoyu-baselines-2012").set_index("id")
    for loop, fid in zip(
        loops, ["prc-2012-baseline-diaoyu", "prc-2012-baseline-chiwei"], strict=True
    ):
        coords = shapely.get_coordinates(lines.loc[fid, "geometry"])
        assert len(coords) == len(loop)
        for got, want in zip(coords, loop, strict=True):
            # Published to 0.1 arc-minute: at most 0.05' (93 m) of rounding.
            assert metres(got, want) < 93
        for pid in lines.loc[fid, "base_points"]:
            point = points.set_index("id").loc[pid, "geometry"]
            assert min(metres((point.x, point.y), w) for w in loop) < 0.01  # 7 decimals


def test_adiz_matches_the_2013_statement():
    published = parse_published(reference.PRC_ADIZ_2013_TEXT)
    assert len(published) == 6
    adiz = cm.load("prc-ecs-adiz-2013").iloc[0]
    coords = shapely.get_coordinates(adiz.geometry)
    assert len(coords) == 6
    for got, want in zip(coords, published, strict=True):
        assert metres(got, want) < 0.01  # stored to 7 decimals


def test_median_line_matches_the_mnd_definition():
    line = cm.find("taiwan-strait-median-line-mnd-2019").geometry
    assert [
        tuple(c) for c in shapely.get_coordinates(line)
    ] == reference.TAIWAN_MEDIAN_LINE_2019


def test_senkaku_islands_have_every_partys_name():
    islands = cm.load("senkaku-islands")
    now = cm.present(islands)
    assert len(now) == 8 and len(islands) == 16  # and 8 rows of US administration
    for _, row in islands.iterrows():
        assert {"en", "ja", "zh", "zh-Hant"} <= set(row["names"])
        assert row["claimants"] == ["JPN", "CHN", "TWN"]
    assert set(now["controller"]) == {"JPN"}


# The features the 2016 South China Sea award (PCA Case 2013-19) classified, as
# the award lists them in its conclusions on Submissions 3, 4, 6 and 7 and as
# the UP-IMLOS guide to the award numbers the paragraphs. High-tide features
# are rocks under art. 121(3): the award found every high-tide Spratly feature
# a rock (quoted in the rows' award_text).
LTE = "low-tide-elevation"
AWARD_CLASSIFIED = {
    # high-tide features (rocks)
    "Scarborough Shoal": ("scs-scarborough-shoal", "rock"),  # ¶554, ¶556
    "Cuarteron Reef": ("scs-cuarteron-reef", "rock"),  # Submission 7
    "Fiery Cross Reef": ("scs-fiery-cross-reef", "rock"),  # Submission 7
    "Johnson Reef": ("scs-johnson-south-reef", "rock"),  # Submission 7
    "McKennan Reef": ("scs-mckennan-reef", "rock"),  # ¶353
    "Gaven Reef (North)": ("scs-gaven-reef-north", "rock"),  # ¶365
    # low-tide elevations
    "Hughes Reef": ("scs-hughes-reef", LTE),  # ¶358
    "Gaven Reef (South)": (None, LTE),  # ¶366; no position found
    "Subi Reef": ("scs-subi-reef", LTE),  # ¶368, ¶373
    "Mischief Reef": ("scs-mischief-reef", LTE),  # ¶377, ¶378
    "Second Thomas Shoal": ("scs-second-thomas-shoal", LTE),  # ¶380, ¶381
}


def test_award_classified_features_are_present_with_their_status():
    """Every feature the award classified is a row with the award's status,
    or is listed in the catalog as missing, with the reason, and is absent."""
    rows = cm.load("scs-features").set_index("id")
    missing = [m["name"] for m in catalog()["layers"]["scs-features"]["missing"]]
    for name, (fid, status) in AWARD_CLASSIFIED.items():
        if fid is None:
            assert any(m.startswith(name) for m in missing), name
            assert not (rows["name"] == name).any(), f"{name} is in: unlist it"
            continue
        assert rows.loc[fid, "status"] == status, name
        assert "2016 South China Sea arbitral award" in rows.loc[fid, "status_basis"]
        assert rows.loc[fid, "award_source_url"].startswith("http"), name
    # and nothing else claims one of the award's names without being that row
    named = {fid for fid, _ in AWARD_CLASSIFIED.values() if fid}
    for fid in named:
        assert cm.find(rows.loc[fid, "name"]).id.startswith(fid), fid


def test_bases_have_operators():
    bases = cm.load("bases").set_index("id")
    for name in ("Camp Ishigaki", "Camp Yonaguni", "Camp Miyako", "Naha", "Kadena"):
        feature = cm.find(name)
        assert feature.layer == "bases"
        assert bases.loc[feature.id, "operator"]


def test_layers_table():
    table = cm.layers()
    assert list(table.index) == LAYERS
    assert table.loc["senkaku-islands", "feature_count"] == 16


def test_unknown_layer_suggests():
    with pytest.raises(cm.UnknownLayerError, match=r"Unknown layer 'bsaes'.*'bases'"):
        cm.load("bsaes")


def test_layer_names_forgive_case_and_punctuation():
    assert cm.load("Senkaku Islands").attrs["layer"] == "senkaku-islands"
    assert cm.load("PRC_ECS_ADIZ_2013").attrs["layer"] == "prc-ecs-adiz-2013"


def test_generated_docs_are_up_to_date():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, str(root / "scripts" / "build_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_ids_are_stable():
    """No id that has shipped disappears; new ones are added to the list."""
    listed = {
        line.strip()
        for line in (ROOT / "tests" / "stable_ids.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    shipped = {fid for lid in LAYERS for fid in cm.load(lid)["id"]}
    assert listed - shipped == set(), "an id was removed or renamed"
    assert shipped - listed == set(), "new ids: add them to tests/stable_ids.txt"
