"""Distances: claimsmap against the peer (geopandas), speed and accuracy side by side.

    .venv/bin/python benchmarks/bench_distance.py

What a geopandas user does to get kilometres is project (here to the common
choice, Web Mercator EPSG:3857, and to a better one, a UTM zone) and take the
planar distance. claimsmap takes the minimum geodesic distance on WGS84. Both
are timed on the same pairs from the same lon/lat input (the peer's
projection is inside its timed call), and both are compared with GeographicLib.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from _timing import timed
from geographiclib.geodesic import Geodesic

import claimsmap as cm


def main() -> None:
    rng = np.random.default_rng(42)
    n = 2000
    lon = rng.uniform(118, 130, (n, 2))
    lat = rng.uniform(20, 32, (n, 2))
    pairs = [((lon[i, 0], lat[i, 0]), (lon[i, 1], lat[i, 1])) for i in range(n)]
    ref = np.array(
        [Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0])["s12"] for a, b in pairs]
    )

    t_cm, got = timed(lambda: np.array([cm.distance(a, b).metres for a, b in pairs]))
    a = gpd.GeoSeries(shapely.points(lon[:, 0], lat[:, 0]), crs=4326)
    b = gpd.GeoSeries(shapely.points(lon[:, 1], lat[:, 1]), crs=4326)
    t_merc, merc = timed(lambda: a.to_crs(3857).distance(b.to_crs(3857)).to_numpy())
    t_utm, utm = timed(lambda: a.to_crs(32651).distance(b.to_crs(32651)).to_numpy())

    print(f"point to point, {n} random pairs over 118-130E, 20-32N")
    print(f"{'method':<34}{'pairs/s':>12}{'max error':>14}{'mean error':>14}")
    for name, seconds, values in (
        ("claimsmap.distance (WGS84)", t_cm, got),
        ("geopandas, EPSG:3857 metres", t_merc, merc),
        ("geopandas, UTM 51N metres", t_utm, utm),
    ):
        err = np.abs(np.asarray(values) - ref)
        print(
            f"{name:<34}{n / seconds:>12,.0f}"
            f"{err.max():>12,.1f} m{err.mean():>12,.1f} m"
        )
    print(f"speed ratio claimsmap / geopandas 3857: {t_merc / t_cm:.3f}")

    # Point to polygon: Ishigaki Island's coast to each island, and the ADIZ line.
    japan = cm.find("Japan").geometry
    island = next(p for p in japan.geoms if p.contains(shapely.Point(124.16, 24.40)))
    targets = [
        f.geometry for f in cm.gazetteer.features() if f.layer != "basemap-ne10m"
    ]
    t_poly, _ = timed(lambda: [cm.distance(island, g) for g in targets])
    # Both start from lon/lat: the peer's projection is part of its timed call.
    isl = gpd.GeoSeries([island] * len(targets), crs=4326)
    tg = gpd.GeoSeries(targets, crs=4326)
    t_gp_poly, _ = timed(lambda: isl.to_crs(3857).distance(tg.to_crs(3857)))
    exact = cm.distance(island, "Kuba-jima").metres
    merc_kuba = (
        gpd.GeoSeries([island], crs=4326)
        .to_crs(3857)
        .distance(gpd.GeoSeries([cm.find("Kuba-jima").geometry], crs=4326).to_crs(3857))
        .iloc[0]
    )
    print()
    print(
        f"Ishigaki Island (polygon, {len(island.exterior.coords)} vertices) to "
        f"{len(targets)} atlas features"
    )
    print(
        f"  claimsmap: {t_poly * 1000:.1f} ms; "
        f"geopandas 3857: {t_gp_poly * 1000:.2f} ms; "
        f"ratio {t_gp_poly / t_poly:.4f}"
    )
    print(
        f"  to Kuba-jima: claimsmap {exact / 1000:.3f} km; EPSG:3857 "
        f"{merc_kuba / 1000:.3f} km ({(merc_kuba - exact) / exact:+.1%}); "
        "MOFA: about 160 km"
    )

    # Shore to shore between the atlas's islands, thousands of vertices each.
    print()
    print("island to island (shore to shore)")
    names = [
        ("island-hainan", "island-luzon"),
        ("island-palawan", "island-borneo"),
        ("island-luzon", "island-taiwan"),
        ("island-kyushu", "island-jeju"),
        ("island-yonaguni-jima", "island-taiwan"),
    ]
    for a, b in names:
        ga, gb = cm.find(a).geometry, cm.find(b).geometry
        vertices = len(shapely.get_coordinates(ga)) + len(shapely.get_coordinates(gb))
        t_cm, found = timed(lambda ga=ga, gb=gb: cm.distance(ga, gb))
        sa, sb = gpd.GeoSeries([ga], crs=4326), gpd.GeoSeries([gb], crs=4326)
        t_gp, merc = timed(
            lambda sa=sa, sb=sb: sa.to_crs(3857).distance(sb.to_crs(3857))
        )
        km, merc_km = found.metres / 1000, float(merc.iloc[0]) / 1000
        print(
            f"  {a[7:]}-{b[7:]} ({vertices:,} vertices): claimsmap {km:,.3f} km in "
            f"{t_cm * 1000:.1f} ms; geopandas 3857 {merc_km:,.3f} km "
            f"({(merc_km - km) / km:+.1%}) in {t_gp * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
