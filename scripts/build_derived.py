"""Write the layers that claimsmap derives from its curated ones.

    python scripts/build_derived.py

The seed map's two areas (held by the PRC; claimed by the PRC and not held)
and the area inside the dashed line are computed by ``claimsmap.derive`` for
the date in ``AS_OF`` and written as catalog layers marked ``derived``. A test
derives them again and compares, so the files cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping
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

import claimsmap as cm
from claimsmap import derive
from claimsmap.geodesy import area

#: The day the shipped derived layers describe.
AS_OF = "2026-11-26"
DECIMALS = 5  # 0.00001 deg ~ 1 m

SEED_NOTE = (
    "Derived by claimsmap.derive from the curated layers (see their sources); "
    "no coordinate of this layer was drawn by hand."
)
LAYERS = {
    "prc-dashed-line-area": {
        "build": derive.dashed_line_area,
        "kind": "claim-area",
        "title": "Sea inside the PRC dashed line (derived)",
        "name": "Sea inside the PRC dashed line",
        "names": {"en": "Sea inside the dashed line", "zh": "南海断续线内海域"},
        "claimants": ["CHN"],
        "controller": None,
        "disputed_by": ["PHL", "VNM", "MYS", "IDN"],
        "precision_m": 5000,
        "source": "Derived by claimsmap.derive.dashed_line_area from the digitised "
        "dashes (layer prc-dashed-line), closed along the Chinese coast of the "
        "Natural Earth basemap; land removed. The PRC publishes no closing line.",
        "source_url": "https://geo.datav.aliyun.com/areas_v3/bound/100000_full.json",
    },
    "prc-controlled": {
        "build": lambda: derive.prc_controlled(AS_OF),
        "kind": "control-area",
        "title": "Held by the PRC (derived)",
        "name": "Land held by the PRC, with 12-nmi belts around the features it holds",
        "names": {"en": "Controlled by the PRC", "zh": "中华人民共和国实际控制"},
        "claimants": ["CHN"],
        "controller": "CHN",
        "precision_m": 2000,
        "source": "Derived by claimsmap.derive.prc_controlled: Natural Earth land "
        "held by the PRC (with the disputed land it holds, layer land-claims: "
        "Aksai Chin, the Shaksgam valley), and a geodesic 12-nmi belt around each "
        "feature the PRC holds in the curated feature layers on the date given in "
        "'as_of'.",
        "source_url": "https://www.naturalearthdata.com/",
    },
    "prc-claimed-not-controlled": {
        "build": lambda: derive.prc_claimed_not_controlled(AS_OF),
        "kind": "claim-area",
        "title": "Claimed by the PRC, not held (derived)",
        "name": "Claimed by the PRC and not held by it",
        "names": {
            "en": "Claimed by the PRC, not controlled",
            "zh": "中华人民共和国主张但未控制",
        },
        "claimants": ["CHN"],
        "controller": None,
        "precision_m": 5000,
        "source": "Derived by claimsmap.derive.prc_claimed_not_controlled: the sea "
        "inside the dashed line, land the PRC claims and others hold (Taiwan, the "
        "Spratly Islands, and from layer land-claims Arunachal Pradesh, Demchok, "
        "the Samdu, Tirpani and Bara Hotii valleys and two areas of Bhutan), "
        "12-nmi belts around the features it claims and does not "
        "hold, and its 2012 Diaoyu Dao baselines with a 12-nmi belt; less what it "
        "holds, on the date given in 'as_of'.",
        "source_url": "https://www.mnr.gov.cn/dt/hy/201209/t20120912_2330256.html",
    },
}


def _senkaku_zone(kind: str):
    from claimsmap.maritime import zones

    def build():
        islands = cm.present(cm.load("senkaku-islands"))
        frame = zones("JPN", kind, land=False, at=AS_OF)
        # JPN claims only the Senkakus among the atlas's features: the zone is theirs.
        assert set(frame["sources"].iloc[0]) <= set(islands["id"])
        return frame.geometry.iloc[0]

    return build


LAYERS["prc-ecs-adiz-2013-area"] = {
    "build": derive.adiz_area,
    "kind": "adiz",
    "title": "PRC East China Sea ADIZ (2013) as an area (derived)",
    "name": "East China Sea Air Defense Identification Zone (PRC, 2013), area",
    "names": {"en": "East China Sea ADIZ (area)", "zh": "东海防空识别区范围"},
    "claimants": ["CHN"],
    "controller": None,
    "precision_m": 2000,
    "source": "Derived by claimsmap.derive.adiz_area from the six-point line of the "
    "PRC statement of 23 November 2013 (layer prc-ecs-adiz-2013), which bounds "
    "the zone by that line and the PRC territorial sea limit: 12 nmi from the "
    "PRC's 1996 mainland baselines (layer prc-baselines) and from the Natural "
    "Earth coast where the baselines do not reach.",
    "source_url": "https://megalodon.jp/ref/2013-1123-1956-39/news.xinhuanet.com/mil/2013-11/23/c_118262792.htm",
}
LAYERS["prc-diaoyu-territorial-sea"] = {
    "build": derive.diaoyu_territorial_sea,
    "kind": "zone",
    "title": "PRC territorial sea of Diaoyu Dao, from its 2012 baselines (derived)",
    "name": "Territorial sea of Diaoyu Dao and its affiliated islands (PRC, 12 nmi)",
    "names": {"en": "Diaoyu Dao territorial sea (PRC)", "zh": "钓鱼岛领海"},
    "claimants": ["CHN"],
    "controller": None,
    "disputed_by": ["JPN"],
    "precision_m": 100,
    "source": "Derived by claimsmap.derive.diaoyu_territorial_sea: a geodesic "
    "12-nmi belt around the two closed loops of the PRC's baselines of 10 "
    "September 2012 (layer prc-diaoyu-baselines-2012), waters inside included.",
    "source_url": "https://www.mnr.gov.cn/dt/hy/201209/t20120912_2330256.html",
}

for _kind, _nmi, _label in (
    ("territorial-sea", 12, "territorial sea"),
    ("contiguous-zone", 24, "contiguous zone"),
):
    LAYERS[f"jpn-senkaku-{_kind}"] = {
        "build": _senkaku_zone(_kind),
        "kind": "zone",
        "title": f"Japan's {_label} around the Senkaku Islands (derived)",
        "name": f"Japan's {_label} around the Senkaku Islands ({_nmi} nmi)",
        "names": {
            "en": f"Senkaku {_label}",
            "ja": "尖閣諸島周辺の" + ("領海" if _nmi == 12 else "接続水域"),
        },
        "claimants": ["JPN"],
        "controller": "JPN",
        "disputed_by": ["CHN", "TWN"],
        "precision_m": 2500,
        "source": f"Derived by claimsmap.maritime.zones('JPN', '{_kind}', land=False): "
        "a geodesic belt measured from the eight islands' points (layer "
        "senkaku-islands). Japan uses normal baselines there (the low-water line; "
        "Enforcement Order of the Territorial Sea Act, art. 2(2)); the islands' "
        "points stand in for their shores, so the limit is short by up to the "
        "largest island's radius (about 2 km); precision_m says so. Japan has "
        "published no limit coordinates.",
        "source_url": "https://www1.kaiho.mlit.go.jp/p1.html",
    }


def build(layer_id: str) -> dict:
    spec = LAYERS[layer_id]
    geom = shapely.set_precision(spec["build"](), 10**-DECIMALS)
    polys = [
        orient(p, 1.0) for p in shapely.get_parts(geom) if p.geom_type == "Polygon"
    ]
    geom = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    props = {
        "id": layer_id,
        "name": spec["name"],
        "names": spec["names"],
        "kind": spec["kind"],
        "claimants": spec["claimants"],
        "controller": spec["controller"],
        "since": None,
        "until": None,
        "status": None,
        "status_basis": None,
        "source": spec["source"] + " " + SEED_NOTE,
        "source_url": spec["source_url"],
        "precision_m": spec["precision_m"],
        "as_of": AS_OF,
        "area_km2": round(area(geom, "km2")),
    }
    if "disputed_by" in spec:
        props["disputed_by"] = spec["disputed_by"]
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def main() -> None:
    catalog = load_catalog()
    for layer_id, spec in LAYERS.items():
        feature = build(layer_id)
        path = DATA / f"{layer_id}.geojson"
        text = dump_geojson([feature], layer_id)
        write_atomic(path, text)
        catalog["layers"][layer_id] = {
            "title": spec["title"],
            "kind": spec["kind"],
            "theme": "seed"
            if spec["kind"] in ("control-area",)
            or layer_id
            in (
                "prc-dashed-line-area",
                "prc-claimed-not-controlled",
            )
            else "east-china-sea",
            "file": path.name,
            "source": "Derived by claimsmap.derive (scripts/build_derived.py)",
            "source_url": spec["source_url"],
            "licence": "CC0-1.0 (derived from the layers cited)",
            "feature_count": 1,
            "geometry_type": feature["geometry"]["type"],
            "sha256": sha256(path),
            "derived": True,
            "as_of": AS_OF,
        }
        print(f"{layer_id}: {feature['properties']['area_km2']:,} km2")
    save_catalog(catalog)


if __name__ == "__main__":
    main()
