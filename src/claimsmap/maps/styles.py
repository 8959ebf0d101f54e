"""Colours and line styles of the atlas's layers, by kind."""

from __future__ import annotations

from typing import Any

__all__ = ["LAND", "RING", "WATER", "style_for"]

WATER = "#d4e6f1"
LAND = {"color": "#a39a87", "weight": 0.6, "fillColor": "#f2eee3", "fillOpacity": 1.0}
RING = {"color": "#e66101", "weight": 1.5, "dashArray": "6 4", "fill": False}

# Lines and areas: a Leaflet path style. Points: a circle marker style.
_BY_KIND: dict[str, dict[str, Any]] = {
    "feature": {
        "radius": 6,
        "color": "#7f0000",
        "weight": 1.5,
        "fillColor": "#d7301f",
        "fillOpacity": 0.9,
    },
    "base": {
        "radius": 6,
        "color": "#00441b",
        "weight": 1.5,
        "fillColor": "#1b9e77",
        "fillOpacity": 0.9,
    },
    "base-point": {
        "radius": 3,
        "color": "#67001f",
        "weight": 1,
        "fillColor": "#ffffff",
        "fillOpacity": 1.0,
    },
    "baseline": {"color": "#b2182b", "weight": 2.5},
    "adiz": {
        "color": "#6a3d9a",
        "weight": 2.5,
        "dashArray": "10 6",
        "fillOpacity": 0.05,
    },
    "median-line": {"color": "#1f78b4", "weight": 3, "dashArray": "2 6"},
    "claim-line": {"color": "#e08214", "weight": 2.5, "dashArray": "12 6"},
    "claim-area": {"color": "#e08214", "weight": 1.5, "fillOpacity": 0.25},
    "control-area": {"color": "#d9b300", "weight": 1, "fillOpacity": 0.35},
    "zone": {"color": "#2166ac", "weight": 1.5, "fillOpacity": 0.08},
    "exercise-area": {"color": "#c51b7d", "weight": 1.5, "fillOpacity": 0.2},
    "land": LAND,
}
_DEFAULT = {"color": "#444444", "weight": 2, "radius": 5, "fillOpacity": 0.3}


def style_for(kind: str, *, index: int = 0) -> dict[str, Any]:
    """The style of a layer of this kind; ``index`` varies the dashes of repeats.

    Examples
    --------
    >>> style_for("baseline")["color"]
    '#b2182b'
    >>> style_for("unknown-kind")["color"]
    '#444444'
    """
    style = dict(_BY_KIND.get(kind, _DEFAULT))
    if index and "dashArray" in style:
        style["dashArray"] = f"{4 + 3 * index} {3 + index}"
    return style
