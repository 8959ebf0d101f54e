"""Map sizes: each preset's single-file HTML against geopandas.explore().

    .venv/bin/python benchmarks/bench_maps.py

For each preset, the same layers are drawn with ``GeoDataFrame.explore()``
(one call per layer on one folium map, tiles off) and saved; explore() pages
load Leaflet and its plugins from CDNs, so they are smaller on disk but do
not open offline. claimsmap's pages inline Leaflet and the basemap, and draw
each feature to its own precision.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import folium

import claimsmap as cm
from claimsmap.maps.presets import PRESETS, _all_layers


def explore_size(layers: tuple[str, ...], path: Path) -> int:
    m = folium.Map(tiles=None)
    for layer in layers:
        frame = cm.present(cm.load(layer))
        frame = frame[[c for c in frame.columns if c not in ("names", "claimants")]]
        frame.explore(m=m, name=layer, tooltip=["id", "name"])
    m.save(path)
    return path.stat().st_size


def main() -> None:
    names = {"atlas": _all_layers(), **{k: p.layers for k, p in PRESETS.items()}}
    print(
        f"{'preset':<18}{'claimsmap':>12}{'explore()':>12}{'ratio':>8}{'offline':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, layers in names.items():
            start = time.perf_counter()
            ours = cm.Map.preset(name).save(Path(tmp) / f"{name}.html").stat().st_size
            seconds = time.perf_counter() - start
            theirs = explore_size(layers, Path(tmp) / f"{name}-explore.html")
            print(
                f"{name:<18}{ours / 1e6:>10.2f} MB{theirs / 1e6:>10.2f} MB"
                f"{ours / theirs:>8.2f}{'yes / no':>10}   ({seconds:.1f} s)"
            )
    print("offline: claimsmap's page opens with no network; explore()'s needs CDNs")


if __name__ == "__main__":
    main()
