"""Build the layer of named islands from published points and the shipped basemap.

Each island in ``scripts/islands.json`` has a point published by a source it
cites (latitude and longitude as the source prints them) and its names, each
from a cited page. The island's shape is the Natural Earth polygon of the
shipped basemap (``basemap-ne10m``) that holds the point, joined with the
polygons of other units that share a border with it (Borneo is Indonesia's,
Malaysia's and Brunei's). Where no basemap polygon holds the point (an island
too small for the 1:10m scale) the point itself is kept. The result is written
to ``data/geojson/islands.geojson`` and the catalog entry is updated.

    python scripts/build_islands.py

Runtime never runs this: the output is committed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import (
    DATA,
    dump_geojson,
    load_catalog,
    save_catalog,
    sha256,
    write_atomic,
)

INPUT = Path(__file__).resolve().parent / "islands.json"
BASEMAP = DATA / "basemap-ne10m.geojson"
OUTPUT = DATA / "islands.geojson"
LAYER_ID = "islands"
# An angle as sources print it: 24°27′20″, 24° 29′, 1°, 19.0°.
_ANGLE = re.compile(
    r"(\d+(?:\.\d+)?)\s*°\s*(?:(\d+(?:\.\d+)?)\s*[′'])?\s*(?:(\d+(?:\.\d+)?)\s*[″\"])?"
    r"\s*,?\s*([NSEW])"
)
# A point published to the arc-minute or coarser is known to about a nautical
# mile; the polygon's precision is the basemap's own.
_POINT_PRECISION_M = 2000


def parse_point(text: str) -> tuple[float, float]:
    """(lon, lat) degrees from a published 'lat N lon E' string."""
    values = {}
    for deg, minutes, seconds, hemi in _ANGLE.findall(text):
        angle = float(deg) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
        values[hemi] = angle
    if not ({"N", "S"} & values.keys() and {"E", "W"} & values.keys()):
        raise SystemExit(f"cannot read a latitude and a longitude in {text!r}")
    lat = values.get("N", -values.get("S", 0.0))
    lon = values.get("E", -values.get("W", 0.0))
    return lon, lat


def _parts(geom) -> list[Polygon]:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]


def island_shape(
    point: Point, land: list[dict]
) -> tuple[Polygon | MultiPolygon | None, list[dict]]:
    """The basemap polygon holding ``point``, and other units' polygons bordering it."""
    polygons = [(unit, part) for unit in land for part in _parts(unit["geometry"])]
    seed = [(u, p) for u, p in polygons if p.contains(point)]
    if not seed:
        return None, []
    found = list(seed)
    grew = True
    while grew:
        grew = False
        current = shapely.union_all([p for _, p in found])
        for unit, part in polygons:
            if any(part is p for _, p in found):
                continue
            if part.intersects(current) and unit is not found[0][0]:
                found.append((unit, part))
                grew = True
    merged = shapely.union_all([p for _, p in found])
    units = []
    for unit, _ in found:
        if unit not in units:
            units.append(unit)
    return merged, units


def build() -> None:
    table = json.loads(INPUT.read_text(encoding="utf-8"))["islands"]
    basemap = json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]
    base_precision = max(f["properties"]["precision_m"] for f in basemap)
    land = [
        {"props": f["properties"], "geometry": shape(f["geometry"])} for f in basemap
    ]
    features = []
    for row in table:
        lon, lat = parse_point(row["published_coords"])
        point = Point(lon, lat)
        geom, units = island_shape(point, land)
        if geom is None:
            geometry, precision, held = point, _POINT_PRECISION_M, None
            print(f"{row['id']}: no basemap polygon holds {row['published_coords']}")
        else:
            polys = [orient(p, 1.0) for p in _parts(geom)]
            geometry = polys[0] if len(polys) == 1 else MultiPolygon(polys)
            precision = base_precision
            held = [u["props"] for u in units]
        controllers = sorted({p["controller"] for p in held or [] if p["controller"]})
        claimants: list[str] = []
        for p in held or []:
            claimants += [c for c in p["claimants"] if c not in claimants]
        source = f"Point: {row['point_source']}. Names: {row['names_source']}. " + (
            "Shape: the Natural Earth 1:10m polygon that holds the point "
            f"({', '.join(p['id'] for p in held)} in basemap-ne10m)."
            if held
            else "Shape: none; the 1:10m basemap has no polygon at this point."
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": row["id"],
                    "name": row["name"],
                    "names": row["names"],
                    "kind": "land",
                    "claimants": claimants,
                    "controller": controllers[0] if len(controllers) == 1 else None,
                    "since": None,
                    "until": None,
                    "status": "island",
                    "status_basis": None,
                    "source": source,
                    "source_url": row["point_url"],
                    "precision_m": precision,
                    "aliases": row["aliases"],
                    "names_url": row["names_url"],
                    "published_coords": row["published_coords"],
                    "published_point": [round(lon, 7), round(lat, 7)],
                    "held_by": controllers,
                    "basemap_units": [p["id"] for p in held] if held else [],
                },
                "geometry": mapping(geometry),
            }
        )
    text = dump_geojson(features, LAYER_ID)
    write_atomic(OUTPUT, text)

    catalog = load_catalog()
    entry = catalog["layers"].setdefault(LAYER_ID, {})
    entry.update(
        {
            "title": "Named islands (Natural Earth 1:10m shapes, published points)",
            "kind": "land",
            "theme": "basemap",
            "file": OUTPUT.name,
            "source": "Per feature: a published point (Wikipedia infoboxes and others, "
            "cited) and the Natural Earth 1:10m polygon of basemap-ne10m that holds it",
            "source_url": "https://www.naturalearthdata.com/",
            "licence": "Public domain (Natural Earth shapes); CC0-1.0 (compilation)",
            "feature_count": len(features),
            "geometry_type": "|".join(
                sorted({f["geometry"]["type"] for f in features})
            ),
            "sha256": sha256(OUTPUT),
            # The shapes are the basemap's; tests/test_islands.py checks each
            # feature's published point against its polygon.
            "shape_from": "basemap-ne10m",
            "provenance": {
                "script": "scripts/build_islands.py",
                "input": "scripts/islands.json",
                "basemap": "basemap-ne10m.geojson",
            },
        }
    )
    save_catalog(catalog)
    print(f"wrote {OUTPUT} ({len(features)} islands)")


if __name__ == "__main__":
    build()
