"""Write docs/maritime.md: zones, the South China Sea overlap table, median lines.

    python scripts/build_maritime_doc.py        # about two minutes

Every figure is computed by claimsmap from the shipped layers when the script
runs; the same computations, on smaller inputs, are asserted by
tests/test_maritime.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import claimsmap as cm
from claimsmap.maritime import equidistance_gap

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "maritime.md"
SCS = (99.0, -3.0, 125.0, 26.0)  # land that can reach the South China Sea
SCS_PARTIES = ("CHN", "TWN", "VNM", "PHL", "MYS", "BRN")


def km2(value: float) -> str:
    return f"{value:,.0f}"


def feature_table(names: list[str]) -> list[str]:
    out = [
        "| feature | view | status | zone | to (nmi) | area (km²) |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for name in names:
        for view in ("award", "as-claimed"):
            zones = cm.feature_zones(name, view=view)
            if zones.empty:
                status = cm.find(name).properties.get("status")
                out.append(f"| {name} | {view} | {status} | none | | |")
            for _, z in zones.iterrows():
                out.append(
                    f"| {name} | {view} | {z['status'] or 'undecided'} | {z['zone']} | "
                    f"{z['limit_nmi']:g} | {km2(z['area_km2'])} |"
                )
    return out


def senkaku_section() -> list[str]:
    jpn = cm.zones("JPN", land=False).set_index("zone")
    chn = cm.zones("CHN", "territorial-sea", land=False).geometry.iloc[0]
    jts = jpn.loc["territorial-sea", "geometry"]
    chn_only = shapely.difference(chn, jts)
    near = shapely.box(123.0, 25.5, 124.8, 26.2)  # around the islands
    added = cm.area(shapely.intersection(chn_only, near), "km2")
    return [
        "## The Senkaku / Diaoyu Islands",
        "",
        "Japan measures from the low-water line (normal baselines; it drew no "
        "straight baselines there), approximated here by the islands' centre "
        "points, so each limit is short by the island's own radius (up to about "
        "2 km for Uotsuri-jima). The PRC measures from its 2012 straight "
        "baselines (two closed loops, 17 base points).",
        "",
        "| zone | Japan, from the islands (km²) |",
        "| --- | ---: |",
        *(
            f"| {k} | {km2(jpn.loc[k, 'area_km2'])} |"
            for k in ("territorial-sea", "contiguous-zone", "eez")
        ),
        "",
        f"The PRC's territorial sea from its 2012 baselines (with the rest of the "
        f"features it claims, sea only) overlaps Japan's around the islands; the "
        f"part of the PRC's Senkaku territorial sea outside Japan's is "
        f"{km2(added)} km², the water its straight baselines add.",
        "",
    ]


def overlap_section() -> list[str]:
    frames = [
        cm.present(cm.load("prc-dashed-line-area")),
        cm.present(cm.load("phl-kalayaan-island-group")),
    ]
    timings = []
    for party in SCS_PARTIES:
        start = time.process_time()
        z = cm.zones(party, "eez", region=SCS, cache=False)
        timings.append((party, time.process_time() - start))
        frames.append(z)
    claims = gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True)[["id", "name", "claimants", "geometry"]],
        geometry="geometry",
        crs=4326,
    )
    table = cm.overlaps(claims)
    rows = [
        "## South China Sea: how the claims overlap",
        "",
        "The PRC's dashed-line area and the Philippines' Kalayaan Island Group "
        "(the two claim areas the atlas records), and each party's EEZ as it "
        "claims it: measured from its coast (land within 99–125°E, 3°S–26°N), its "
        "declared baselines and every feature it claims, each high-tide feature "
        "taken as a fully entitled island. Areas are geodesic; a share is of the "
        "first and of the second claim's own area.",
        "",
        "| claim | area (km²) |",
        "| --- | ---: |",
        *(
            f"| {r['name']} | {km2(cm.area(r.geometry, 'km2'))} |"
            for _, r in claims.iterrows()
        ),
        "",
        "| first | second | overlap (km²) | share of first | share of second |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for _, r in table.iterrows():
        rows.append(
            f"| {r['a_name']} | {r['b_name']} | {km2(r['area_km2'])} | "
            f"{r['share_of_a']:.0%} | {r['share_of_b']:.0%} |"
        )
    rows += [
        "",
        "Computed from scratch (`cache=False`) in "
        + ", ".join(f"{p} {t:.1f} s" for p, t in timings)
        + " of CPU time; from the cache, in milliseconds (see below).",
        "",
        "Per the 2016 award no Spratly feature generates an EEZ; the same table "
        'with `view="award"` shrinks every Spratly-based EEZ to the coasts\'.',
        "",
    ]
    return rows


def median_section() -> list[str]:
    land = cm.load("basemap-ne10m").set_index("id")
    china = shapely.intersection(
        land.loc["ne-china", "geometry"], shapely.box(115, 21, 124, 28)
    )
    taiwan = land.loc["ne-taiwan", "geometry"]
    start = time.perf_counter()
    line = cm.median_line(china, taiwan, limit_nmi=200, spacing_km=5)
    seconds = time.perf_counter() - start
    gap = np.abs(equidistance_gap(line, china, taiwan))
    mnd = cm.find("taiwan-strait-median-line-mnd-2019").geometry
    mnd_gap = equidistance_gap(mnd, china, taiwan)
    ends = [cm.distance(p, line).km for p in mnd.coords]
    return [
        "## Median lines",
        "",
        "`cm.median_line(a, b)` finds the equidistance line between two sides "
        "on the ellipsoid: Voronoi cells of points sampled along both sides "
        "give it roughly; each vertex is then moved across the line (along the "
        "geodesic in which the difference of its distances to the two sides "
        "changes fastest) until the two geodesic distances agree.",
        "",
        "### Taiwan Strait: equidistance against the ROC MND line",
        "",
        f"Between the PRC mainland coast (115–124°E, 21–28°N) and Taiwan (Natural "
        f"Earth 1:10m, Penghu included): {len(line.coords)} vertices, "
        f"{cm.length(line, 'km'):,.0f} km long, computed in {seconds:.0f} s; the "
        f"worst vertex is {gap.max() * 1000:.2f} mm from equidistance.",
        "",
        "The line the ROC Ministry of National Defense published in 2019 "
        "(27°N 122°E – 23°N 118°E) is not an equidistance line. At its ends "
        "it is nearer the mainland than Taiwan by "
        + " and ".join(f"{abs(g) / 1000:,.1f} km" for g in mnd_gap)
        + " (distance to the mainland minus distance to Taiwan), and its ends lie "
        + " and ".join(f"{d:,.1f} km" for d in ends)
        + " from the computed equidistance line.",
        "",
        "### Japan and China in the East China Sea",
        "",
        "Japan asserts a median line but has published no coordinates for it "
        "(its EEZ Act defines it by rule only), so the atlas records no line to "
        "compare a computed one with. The PRC, for its part, claims the "
        "continental shelf to the Okinawa Trough (CLCS submission of 14 December "
        "2012), whose outer-limit points were not found either.",
        "",
    ]


CACHE_SECTION = [
    "## Kept zones: the cache",
    "",
    "A zone takes seconds to build (a coastal EEZ: every vertex of the limit is "
    "moved onto it to a millimetre), so `cm.zones` keeps each answer, once "
    "built, on disk and for the rest of the process: a second call, in the same "
    "process or a new one, reads it in milliseconds. An entry is keyed by every "
    "argument that changes the answer (party, kind, view, the day, land, region, "
    "against) and by the versions of the shipped data and of the code, so a new "
    "release or a changed layer starts afresh. Each call returns a new frame: "
    "changing it changes nothing that is kept.",
    "",
    "- The folder is the user cache folder (`~/.cache/claimsmap` on Linux) "
    "unless the environment variable `CLAIMSMAP_CACHE_DIR` names another.",
    "- `cm.zones(..., cache=False)` and `claimsmap zones ... --no-cache` "
    "compute afresh and neither read nor write it.",
    "- `claimsmap cache` (or `cache info`) shows the folder, its entries and "
    "their size; `claimsmap cache clear` removes them and says how many files "
    "and bytes.",
    "- Files are written whole (to a temporary file, then renamed), so two "
    "processes building the same zone at once each leave a whole file; a file "
    "whose sha256 does not match (truncated, damaged) is removed and built "
    "again, never trusted. Entries are pickles: the folder must be the user's "
    "own.",
    "",
]


def main() -> None:
    start = time.perf_counter()
    text = [
        "# Maritime zones, overlaps and median lines",
        "",
        "Generated by `scripts/build_maritime_doc.py` from the shipped layers; "
        "figures are geodesic on WGS84. Zones are belts (territorial sea 0–12 "
        "nmi, contiguous zone 12–24, EEZ 12–200) built by `cm.zones` and "
        "`cm.feature_zones`; see `claimsmap.maritime` for the rules.",
        "",
        "## Zones of single features",
        "",
        "A feature's zones are measured from its recorded point, so each limit is "
        "short by the feature's own radius. `award`: the 2016 award's status; "
        "`as-claimed`: a high-tide feature as a fully entitled island.",
        "",
        *feature_table(
            [
                "Scarborough Shoal",
                "Itu Aba",
                "Thitu Island",
                "Mischief Reef",
                "Woody Island",
            ]
        ),
        "",
        *senkaku_section(),
        *overlap_section(),
        *median_section(),
        *CACHE_SECTION,
        "## Not built",
        "",
        "The Philippines' archipelagic baselines (Republic Act 9522, 2009): only "
        "basepoints 1–16 of 101 were found in a copy that could be checked, so "
        "the atlas has no PH baseline layer and no zones measured from it.",
        "",
    ]
    OUT.write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {OUT} in {time.perf_counter() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
