"""Map sizes: each preset's single-file HTML against geopandas.explore().

    .venv/bin/python benchmarks/bench_maps.py [preset ...]

For each preset, explore() is given what claimsmap's page holds: the
basemap, the same rows of the same layers with every property (in its
popups; lists and mappings as JSON text), and the range rings. Two explore()
pages are written: one with the geometry claimsmap draws (each feature
rounded to its precision, the basemap simplified to ~500 m), which compares
the pages alone, and one with the geometry as loaded, which is what
explore() gives a user who passes the layers as they are. explore() pages
load Leaflet and its plugins from CDNs (not counted here), so they do not
open offline; claimsmap's pages inline Leaflet.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import folium
import geopandas as gpd
from shapely import LineString

import claimsmap as cm
from claimsmap.catalog import BASEMAP, as_of
from claimsmap.maps._map import _for_display, _land_for_display
from claimsmap.maps.presets import PRESETS
from claimsmap.maps.presets import preset as find_preset


def contents(name: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    """What the preset's page draws, as frames: basemap, layers, rings."""
    preset = find_preset(name)
    out = [("basemap", cm.load(BASEMAP)[["name", "geometry"]])]
    for layer in preset.layers:
        frame = cm.load(layer)
        if not preset.time_slider:  # as Map.add_layer picks the rows
            frame = cm.present(frame) if preset.at is None else as_of(frame, preset.at)
        out.append((layer, frame))
    if preset.rings:
        rings = [cm.range_ring(c, r, u) for c, r, u in preset.rings]
        out.append(
            (
                "rings",
                gpd.GeoDataFrame(
                    {"name": [f"{r:g} {u} from {c}" for c, r, u in preset.rings]},
                    geometry=[LineString(g.exterior.coords) for g in rings],
                    crs=4326,
                ),
            )
        )
    return out


def as_drawn(layer: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with the geometry claimsmap's page draws."""
    frame = frame.copy()
    if layer == "basemap":
        frame.geometry = _land_for_display(frame.geometry.values)
    elif "precision_m" in frame:
        frame.geometry = [
            _for_display(g, p)
            for g, p in zip(frame.geometry, frame["precision_m"], strict=True)
        ]
    return frame[~frame.geometry.is_empty]


def explore_size(layers: list[tuple[str, gpd.GeoDataFrame]], path: Path) -> int:
    m = folium.Map(tiles=None)
    for layer, frame in layers:
        frame = frame.copy()
        for column in frame.columns.drop("geometry"):
            frame[column] = [
                json.dumps(v, ensure_ascii=False)
                if isinstance(v, Mapping | list | tuple)
                else v
                for v in frame[column]
            ]
        popup = layer not in ("basemap", "rings")  # claimsmap: tooltips only
        frame.explore(m=m, name=layer, tooltip=["name"], popup=popup)
    m.save(path)
    return path.stat().st_size


def main(names: list[str]) -> None:
    print(
        f"{'preset':<18}{'claimsmap':>12}{'explore()':>12}{'ratio':>8}"
        f"{'explore(), as loaded':>22}{'ratio':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            start = time.perf_counter()
            ours = cm.Map.preset(name).save(Path(tmp) / f"{name}.html").stat().st_size
            seconds = time.perf_counter() - start
            layers = contents(name)
            drawn = [(lid, as_drawn(lid, f)) for lid, f in layers]
            same = explore_size(drawn, Path(tmp) / f"{name}-explore.html")
            raw = explore_size(layers, Path(tmp) / f"{name}-explore-raw.html")
            print(
                f"{name:<18}{ours / 1e6:>10.2f} MB{same / 1e6:>10.2f} MB"
                f"{ours / same:>8.2f}{raw / 1e6:>20.2f} MB{ours / raw:>8.2f}"
                f"   ({seconds:.1f} s)"
            )
    print(
        "Same basemap, rows, properties and rings in both; explore() pages load "
        "Leaflet from CDNs (not counted) and do not open offline."
    )


if __name__ == "__main__":
    main(sys.argv[1:] or ["atlas", *PRESETS])
