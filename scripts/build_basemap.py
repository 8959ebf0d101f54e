"""Build the regional Natural Earth basemap extract shipped with claimsmap.

Reproducible: the npm package ``world-atlas@2.0.2`` (Natural Earth 1:10m admin-0
countries as TopoJSON, public domain) is fetched with ``npm pack`` from the npm
registry, its integrity checked against the pinned value, decoded, clipped to
the atlas extent and written to ``data/geojson/basemap-ne10m.geojson``. The
catalog entry records the package, its integrity, the sha256 of the source file
and of the output.

    python scripts/build_basemap.py            # fetch with npm, build
    python scripts/build_basemap.py --tarball world-atlas-2.0.2.tgz

Runtime never needs npm or the network: the output is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import (
    DATA,
    check_integrity,
    dump_geojson,
    load_catalog,
    npm_pack,
    save_catalog,
    sha256,
    write_atomic,
)

PACKAGE = "world-atlas"
VERSION = "2.0.2"
INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU"
    "5lFHcYa5ChG0LQ=="
)
MEMBER = "package/countries-10m.json"
MEMBER_SHA256 = "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79"
# West, south, east, north in degrees: all of China and its land borders
# (about 73-135 E, 18-54 N), the seas of the atlas and their shores.
EXTENT = (70.0, -12.0, 150.0, 55.0)
DECIMALS = 4  # 0.0001 deg ~ 11 m, finer than world-atlas's quantisation
OUTPUT = DATA / "basemap-ne10m.geojson"
LAYER_ID = "basemap-ne10m"

# Who holds each Natural Earth unit (ISO 3166-1 alpha-3 of the administering
# state; a dependency or SAR is held by its sovereign) and its own ISO code.
HELD_BY = {
    "Afghanistan": ("AFG", "AFG"),
    "Australia": ("AUS", "AUS"),
    "Bangladesh": ("BGD", "BGD"),
    "Bhutan": ("BTN", "BTN"),
    "Br. Indian Ocean Ter.": ("GBR", "IOT"),
    "Brunei": ("BRN", "BRN"),
    "Cambodia": ("KHM", "KHM"),
    "China": ("CHN", "CHN"),
    "Guam": ("USA", "GUM"),
    "Hong Kong": ("CHN", "HKG"),
    "India": ("IND", "IND"),
    "Indian Ocean Ter.": ("AUS", None),
    "Indonesia": ("IDN", "IDN"),
    "Japan": ("JPN", "JPN"),
    "Kazakhstan": ("KAZ", "KAZ"),
    "Kyrgyzstan": ("KGZ", "KGZ"),
    "Laos": ("LAO", "LAO"),
    "Macao": ("CHN", "MAC"),
    "Malaysia": ("MYS", "MYS"),
    "Maldives": ("MDV", "MDV"),
    "Micronesia": ("FSM", "FSM"),
    "Mongolia": ("MNG", "MNG"),
    "Myanmar": ("MMR", "MMR"),
    "N. Mariana Is.": ("USA", "MNP"),
    "Nepal": ("NPL", "NPL"),
    "North Korea": ("PRK", "PRK"),
    "Pakistan": ("PAK", "PAK"),
    "Palau": ("PLW", "PLW"),
    "Papua New Guinea": ("PNG", "PNG"),
    "Philippines": ("PHL", "PHL"),
    "Russia": ("RUS", "RUS"),
    "Scarborough Reef": ("CHN", None),
    "Siachen Glacier": ("IND", None),
    "Singapore": ("SGP", "SGP"),
    "South Korea": ("KOR", "KOR"),
    "Spratly Is.": (None, None),
    "Sri Lanka": ("LKA", "LKA"),
    "Taiwan": ("TWN", "TWN"),
    "Tajikistan": ("TJK", "TJK"),
    "Thailand": ("THA", "THA"),
    "Timor-Leste": ("TLS", "TLS"),
    "Uzbekistan": ("UZB", "UZB"),
    "Vietnam": ("VNM", "VNM"),
}
# Units that more than their holder claim, with the basis of the claims.
CLAIMED_BY = {
    "Taiwan": (
        ["CHN", "TWN"],
        "Governed by the Republic of China; claimed by the People's Republic of "
        "China as its province (PRC Anti-Secession Law, 2005, art. 2).",
    ),
    "Scarborough Reef": (
        ["CHN", "TWN", "PHL"],
        "Claimed by the PRC, the ROC and the Philippines; under PRC coast guard "
        "control since 2012 (see scs-scarborough-shoal).",
    ),
    "Spratly Is.": (
        ["CHN", "TWN", "VNM", "PHL", "MYS"],
        "Claimed in their entirety by China, Taiwan and Vietnam, in part by "
        "Malaysia and the Philippines (CIA World Factbook); held feature by feature "
        "by five parties (see scs-features).",
    ),
    "Siachen Glacier": (
        ["IND", "PAK"],
        "Held by India since 1984, claimed by Pakistan (Natural Earth notes).",
    ),
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Delta-decode and dequantise TopoJSON arcs into lon/lat lists."""
    (sx, sy), (tx, ty) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list:
    coords: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        coords.extend(arc[1:] if coords else arc)
    return coords


def geometry(arcs: list, geom: dict) -> MultiPolygon | Polygon | None:
    if geom["type"] == "Polygon":
        polys = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["arcs"]
    else:
        return None
    parts = []
    for poly in polys:
        rings = [ring(arcs, r) for r in poly]
        # Quantisation collapses the smallest islets to fewer than 4 points.
        if len(rings[0]) < 4:
            continue
        parts.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]))
    return shapely.make_valid(MultiPolygon(parts))


def polygons(geom) -> list[Polygon]:
    """The non-empty polygons of any geometry, collections flattened."""
    if isinstance(geom, Polygon):
        return [geom] if geom.area > 0 else []
    return [p for part in getattr(geom, "geoms", []) for p in polygons(part)]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build(tarball: Path) -> None:
    check_integrity(tarball, INTEGRITY)
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        raw = member.read()
    if hashlib.sha256(raw).hexdigest() != MEMBER_SHA256:
        raise SystemExit(f"{MEMBER}: sha256 differs from the pinned {MEMBER_SHA256}")
    topology = json.loads(raw)
    arcs = decode_arcs(topology)
    box = shapely.box(*EXTENT)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        shape = geometry(arcs, geom)
        if shape is None or not shape.intersects(box):
            continue
        clipped = shapely.set_precision(
            shapely.make_valid(shape.intersection(box)), 10**-DECIMALS
        )
        polys = [orient(p, 1.0) for p in polygons(clipped)]
        if not polys:
            continue
        clipped = polys[0] if len(polys) == 1 else MultiPolygon(polys)
        name = geom["properties"]["name"]
        iso_n3 = geom.get("id")
        holder, iso_a3 = HELD_BY[name]
        claimants, basis = CLAIMED_BY.get(name, ([holder] if holder else [], None))
        extra = {"claimants_basis": basis} if basis else {}
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"ne-{slug(name)}",
                    "name": name,
                    "names": {"en": name},
                    "kind": "land",
                    "claimants": claimants,
                    "controller": holder,
                    "since": None,
                    "until": None,
                    "status": None,
                    "status_basis": None,
                    "source": (
                        "Natural Earth 1:10m Cultural Vectors, Admin 0 - Countries "
                        f"(de facto view), as packaged in {PACKAGE}@{VERSION}"
                    ),
                    "source_url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
                    "precision_m": 1000,
                    "iso_n3": iso_n3,
                    "iso_a3": iso_a3,
                    **extra,
                },
                "geometry": mapping(clipped),
            }
        )
    features.sort(key=lambda f: f["properties"]["id"])
    text = dump_geojson(features, LAYER_ID)
    text = re.sub(r"-?\d+\.\d{5,}", lambda m: f"{float(m.group()):.{DECIMALS}f}", text)
    write_atomic(OUTPUT, text)

    catalog = load_catalog()
    entry = catalog["layers"].setdefault(LAYER_ID, {})
    entry.update(
        {
            "title": "Land and countries (Natural Earth 1:10m, regional extract)",
            "kind": "land",
            "theme": "basemap",
            "file": OUTPUT.name,
            "source": "Natural Earth 1:10m Admin 0 - Countries, via the npm package "
            f"{PACKAGE}@{VERSION} (countries-10m.json)",
            "source_url": "https://www.naturalearthdata.com/",
            "licence": "Public domain (Natural Earth); world-atlas ISC",
            "feature_count": len(features),
            "geometry_type": "MultiPolygon|Polygon",
            "sha256": sha256(OUTPUT),
            "provenance": {
                "script": "scripts/build_basemap.py",
                "package": f"{PACKAGE}@{VERSION}",
                "integrity": INTEGRITY,
                "member": MEMBER,
                "member_sha256": MEMBER_SHA256,
                "extent": list(EXTENT),
                "decimals": DECIMALS,
            },
        }
    )
    save_catalog(catalog)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, {len(features)} features)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="a local world-atlas tarball")
    args = parser.parse_args()
    if args.tarball:
        build(args.tarball)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(npm_pack(PACKAGE, VERSION, INTEGRITY, Path(tmp)))


if __name__ == "__main__":
    main()
