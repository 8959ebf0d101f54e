"""Build the ``land-claims`` layer from Natural Earth's disputed areas.

    python scripts/build_land_claims.py

Input: ``scripts/sources/ne-10m-disputed-areas-east-asia.geojson`` (Natural
Earth 1:10m "Admin-0 breakaway and disputed areas", public domain; its
provenance is in the ``.md`` beside it). The polygons are Natural Earth 5.x,
the basemap (world-atlas 2.0.2) is Natural Earth 4.1, and their borders do
not meet exactly. So that the seed map shows no sliver of either colour along
the seams, each area is fitted to the basemap here:

* land: its vertices and edges within ``SNAP_M`` of the border between its
  holder and a neighbour are snapped onto that border, then it is clipped to
  the basemap land of the party that holds it, so that the edge that is an
  international border is the basemap's border;
* islands: the basemap's own islands that the area touches, and the area's
  islands that the basemap does not draw.

The sea features of the file (Paracel, Spratly, Pinnacle Is., Scarborough
Reef) are left out: the atlas's own feature layers hold them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import (
    DATA,
    ROOT,
    dump_geojson,
    load_catalog,
    save_catalog,
    sha256,
    write_atomic,
)

import claimsmap as cm
from claimsmap.catalog import BASEMAP
from claimsmap.geodesy import area
from claimsmap.schema import PARTIES

LAYER_ID = "land-claims"
SOURCE = (
    Path(__file__).resolve().parent
    / "sources"
    / "ne-10m-disputed-areas-east-asia.geojson"
)
# Names the extract lacks (Hindi, Korean, traditional Chinese, ...), each with
# where it was read: Natural Earth's attribute file or a cited page; see its
# "note".
NAMES = SOURCE.with_name("ne-10m-disputed-areas-names.json")
OUTPUT = DATA / f"{LAYER_ID}.geojson"
DECIMALS = 6  # as the input: 0.000001 deg ~ 0.1 m
#: How far an edge may be moved onto the basemap's border, in metres: the two
#: Natural Earth releases' borders lie within about a kilometre of each other
#: (tests/test_land_claims.py shows what is left along the seams).
SNAP_M = 1000.0
_M_PER_DEG = 111_320.0  # a degree of latitude; a tolerance, never a measure

GEOMETRY_REPO = "kmmabv/arcgispro"
GEOMETRY_COMMIT = "094a759bc850cf0cf6ac37f022cf2662784989f9"
GEOMETRY_PATH = "ne_10m_admin_0_disputed_areas.geojson"
ATTRIBUTE_REPO = "nvkelso/natural-earth-vector"
ATTRIBUTE_COMMIT = "117488dc884bad03366ff727eca013e434615127"
ATTRIBUTE_PATH = "geojson/ne_10m_admin_0_disputed_areas.geojson"
ATTRIBUTE_URL = (
    f"https://github.com/{ATTRIBUTE_REPO}/blob/{ATTRIBUTE_COMMIT}/{ATTRIBUTE_PATH}"
)
GEOMETRY_URL = (
    f"https://github.com/{GEOMETRY_REPO}/blob/{GEOMETRY_COMMIT}/{GEOMETRY_PATH}"
)

# Natural Earth's worldview columns (ADM0_A3_xx): whose the area is as each
# party's official maps draw it. Codes that are not a party's (KOD, PGA, PFA:
# Natural Earth's own units for an undecided area) are left out.
VIEW_COLUMNS = {
    "ADM0_A3_CN": "CHN",
    "ADM0_A3_TW": "TWN",
    "ADM0_A3_IN": "IND",
    "ADM0_A3_JP": "JPN",
    "ADM0_A3_VN": "VNM",
}

# The areas kept, by Natural Earth's BRK_NAME: the layer's id, its English
# name, the basemap unit of the holder, and whether it is land or islands.
AREAS = {
    "Arunachal Pradesh": ("arunachal-pradesh", "Arunachal Pradesh", "land"),
    "Demchok": ("demchok", "Demchok", "land"),
    "Samdu Valleys": ("samdu-valleys", "Samdu Valleys", "land"),
    "Tirpani Valleys": ("tirpani-valleys", "Tirpani Valleys", "land"),
    "Bara Hotii Valleys": ("bara-hotii-valleys", "Bara Hotii Valleys", "land"),
    "Bhutan (northwest valleys)": (
        "bhutan-northwest-valleys",
        "Bhutan (northwest valleys)",
        "land",
    ),
    "Bhutan (Chumbi salient)": (
        "bhutan-chumbi-salient",
        "Bhutan (Chumbi salient)",
        "land",
    ),
    "Aksai Chin": ("aksai-chin", "Aksai Chin", "land"),
    "Shaksam Valley": ("shaksgam-valley", "Shaksgam Valley", "land"),
    "Kuril Is.": ("southern-kuril-islands", "Southern Kuril Islands", "islands"),
    "Dokdo": ("dokdo-takeshima", "Dokdo / Takeshima (Liancourt Rocks)", "islands"),
}
# Names a reader may look for beyond Natural Earth's BRK_NAME and NAME_xx:
# Takeshima is the Hepburn romanisation of NAME_JA 竹島, the name Japan's
# Ministry of Foreign Affairs uses in English.
ALIASES = {"Dokdo": ["Takeshima"]}
#: Where the names that come with the extract and the aliases above are read.
_NE_COLUMNS = {"en": "NAME_EN", "zh": "NAME_ZH", "ja": "NAME_JA"}
_TAKESHIMA = (
    "Hepburn romanisation of Natural Earth's NAME_JA 竹島, the name Japan's "
    "Ministry of Foreign Affairs uses in English"
)
# Parties whose view the file's columns do not give, where Natural Earth's own
# note says it: Pakistan ceded the Shaksgam valley to China.
EXTRA_VIEWS = {"Shaksam Valley": {"PAK": "CHN"}}


def _land(geom: BaseGeometry) -> BaseGeometry:
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.union_all(polys) if polys else Polygon()


def fit_land(
    area_geom: BaseGeometry, holder: BaseGeometry, neighbours: BaseGeometry
) -> BaseGeometry:
    """Snap an area's edges onto its holder's borders, then clip it to the holder.

    Parameters
    ----------
    area_geom, holder, neighbours : shapely geometry
        Lon/lat degrees: the disputed area, the basemap land of the party that
        holds it and the basemap land of the countries around it.

    Returns
    -------
    shapely geometry
        Inside ``holder``. Every vertex of the area within ``SNAP_M`` of the
        border between ``holder`` and ``neighbours`` is moved onto that
        border's nearest vertex, and the border's vertices are threaded into
        the area's edges that pass within ``SNAP_M`` (GEOS snapping), so the
        edge that is an international border is the basemap's border.
    """
    tolerance = SNAP_M / _M_PER_DEG
    border = shapely.intersection(holder.boundary, neighbours.boundary)
    snapped = shapely.make_valid(shapely.snap(area_geom, border, tolerance))
    return _land(shapely.intersection(snapped, holder))


def fit_islands(area_geom: BaseGeometry, holder: BaseGeometry) -> BaseGeometry:
    """The basemap's islands the area touches, and its islands the basemap lacks."""
    drawn = [p for p in shapely.get_parts(holder) if p.intersects(area_geom)]
    missing = [
        p
        for p in shapely.get_parts(area_geom)
        if not any(p.intersects(d) for d in drawn)
    ]
    return shapely.union_all(drawn + missing)


def _views(props: dict, claimants: list[str], brk: str) -> dict[str, str]:
    views = {}
    for column, party in VIEW_COLUMNS.items():
        code = props.get(column)
        if code in PARTIES:
            views[party] = code
    for party in claimants:
        views.setdefault(party, party)
    views.update(EXTRA_VIEWS.get(brk, {}))
    return dict(sorted(views.items()))


def _names(props: dict, extra: dict[str, str]) -> dict[str, str]:
    names = {lang: props[column] for lang, column in _NE_COLUMNS.items()}
    names.update(extra)
    return {k: v for k, v in sorted(names.items()) if v}


def _names_sources(
    props: dict, names: dict[str, str], aliases: list[str], cited: dict[str, list]
) -> dict[str, str]:
    """Where each of an area's names and aliases was read: ``{name: citation}``.

    The extract's own columns and ``BRK_NAME`` cite Natural Earth's attribute
    file; every other name must be cited in the names file (``cited``: name to
    ``[citation, url]``), or the build stops rather than ship an unsourced name.
    """
    where = f"{ATTRIBUTE_REPO}, {ATTRIBUTE_PATH} at commit {ATTRIBUTE_COMMIT[:12]}"
    out = {}
    for column in _NE_COLUMNS.values():
        if props.get(column):
            out[props[column]] = f"Natural Earth, column {column} ({where})"
    out.setdefault(props["BRK_NAME"], f"Natural Earth, column BRK_NAME ({where})")
    if props["NAME_JA"] == "竹島":
        out["Takeshima"] = f"{_TAKESHIMA} ({where})"
    for name, (citation, url) in cited.items():
        out[name] = f"{citation} ({where if url == ATTRIBUTE_URL else url})"
    missing = [n for n in [*names.values(), *aliases] if n not in out]
    if missing:
        raise SystemExit(
            f"{NAMES.name}: no source for {missing} of {props['BRK_NAME']!r}; "
            "cite each name under 'sources' or leave it out"
        )
    return {n: out[n] for n in sorted({*names.values(), *aliases})}


def build_features() -> list[dict]:
    raw = json.loads(SOURCE.read_text(encoding="utf-8"))
    supplement = json.loads(NAMES.read_text(encoding="utf-8"))
    extra_names, extra_aliases = supplement["names"], supplement["aliases"]
    cited = supplement["sources"]
    land = cm.load(BASEMAP)
    units = dict(zip(land["id"], land.geometry, strict=True))
    holders = dict(zip(land["id"], land["controller"], strict=True))
    features = []
    for feature in raw["features"]:
        props = feature["properties"]
        brk = props["BRK_NAME"]
        if brk not in AREAS:
            continue
        slug, name, how = AREAS[brk]
        geom = shape(feature["geometry"])
        holder_code = props["ADM0_A3"]
        holder_ids = [i for i in units if holders[i] == holder_code]
        holder = shapely.union_all([units[i] for i in holder_ids])
        if how == "land":
            near = geom.buffer(0.5)
            around = [i for i in units if i not in holder_ids]
            neighbours = shapely.union_all(
                [units[i] for i in around if units[i].intersects(near)]
            )
            fitted = fit_land(geom, holder, neighbours)
        else:
            fitted = fit_islands(geom, holder)
        fitted = shapely.set_precision(fitted, 10**-DECIMALS)
        polys = [orient(p, 1.0) for p in shapely.get_parts(_land(fitted))]
        fitted = polys[0] if len(polys) == 1 else MultiPolygon(polys)
        claimants = [holder_code] + [
            p
            for p in VIEW_COLUMNS.values()
            if props.get(_column(p)) == p and p != holder_code
        ]
        views = _views(props, claimants, brk)
        bbox_note = (
            ""
            if props["geometry_bbox_match"] >= 0.99
            else f" Natural Earth redrew this area after the release of the "
            f"geometry (bounding boxes overlap {props['geometry_bbox_match']:.3f}); "
            "the older drawing is kept."
        )
        names = _names(props, extra_names.get(brk, {}))
        # A party's own name may replace the extract's in its language; the
        # extract's stays an alias.
        replaced = set(_names(props, {}).values()) - set(names.values())
        aliases = sorted(
            {brk, *ALIASES.get(brk, []), *extra_aliases.get(brk, []), *replaced}
            - {name, *names.values()}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"land-{slug}",
                    "name": name,
                    "names": names,
                    "kind": "claim-area",
                    "claimants": claimants,
                    "controller": holder_code,
                    "since": None,
                    "until": None,
                    "status": None,
                    "status_basis": None,
                    "source": (
                        "Natural Earth 1:10m Admin-0 breakaway and disputed areas "
                        f"(public domain), feature '{brk}' ({props['NOTE_BRK']}). "
                        f"Geometry: the copy in {GEOMETRY_REPO}, {GEOMETRY_PATH} at "
                        f"commit {GEOMETRY_COMMIT[:12]} ({GEOMETRY_URL}); names, "
                        f"note and views: {ATTRIBUTE_REPO}, {ATTRIBUTE_PATH} at "
                        f"commit {ATTRIBUTE_COMMIT[:12]}, matched by bounding box."
                        f"{bbox_note} Fitted to the basemap's borders (Natural "
                        "Earth 4.1) by scripts/build_land_claims.py: edges within "
                        f"{SNAP_M / 1000:g} km of a border snapped onto it, then "
                        "clipped to the holder's land."
                    ),
                    "source_url": ATTRIBUTE_URL,
                    "precision_m": 5000 if how == "land" else 1000,
                    "views": views,
                    "aliases": aliases,
                    "names_sources": _names_sources(
                        props, names, aliases, cited.get(brk, {})
                    ),
                    "note": props["NOTE_BRK"],
                    "wikidata": props["WIKIDATAID"],
                    "area_km2": round(area(fitted, "km2"), 2),
                },
                "geometry": mapping(fitted),
            }
        )
    order = {v[0]: i for i, v in enumerate(AREAS.values())}
    features.sort(key=lambda f: order[f["properties"]["id"][5:]])
    return features


def _column(party: str) -> str:
    return next(c for c, p in VIEW_COLUMNS.items() if p == party)


def main() -> None:
    features = build_features()
    write_atomic(OUTPUT, dump_geojson(features, LAYER_ID))
    catalog = load_catalog()
    catalog["layers"][LAYER_ID] = {
        "title": "Land claimed by one party and held by another (Natural Earth)",
        "kind": "claim-area",
        "theme": "land",
        "file": OUTPUT.name,
        "source": "Natural Earth 1:10m Admin-0 breakaway and disputed areas, "
        "fitted to the basemap's borders",
        "source_url": ATTRIBUTE_URL,
        "licence": "Public domain (Natural Earth)",
        "feature_count": len(features),
        "geometry_type": "|".join(sorted({f["geometry"]["type"] for f in features})),
        "sha256": sha256(OUTPUT),
        "provenance": {
            "script": "scripts/build_land_claims.py",
            "input": str(SOURCE.relative_to(ROOT)),
            "input_sha256": sha256(SOURCE),
            "names": str(NAMES.relative_to(ROOT)),
            "names_sha256": sha256(NAMES),
            "geometry": {
                "repo": GEOMETRY_REPO,
                "path": GEOMETRY_PATH,
                "commit": GEOMETRY_COMMIT,
            },
            "attributes": {
                "repo": ATTRIBUTE_REPO,
                "path": ATTRIBUTE_PATH,
                "commit": ATTRIBUTE_COMMIT,
            },
            "snap_m": SNAP_M,
        },
    }
    save_catalog(catalog)
    for f in features:
        p = f["properties"]
        print(f"{p['id']}: {p['area_km2']:,} km2, held by {p['controller']}")


if __name__ == "__main__":
    main()
