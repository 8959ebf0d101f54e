"""Preset maps: one name, one map, for a story or a notebook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimsmap.catalog import BASEMAP, catalog
from claimsmap.errors import ClaimsmapError

if TYPE_CHECKING:
    from claimsmap.maps._map import Map

__all__ = ["PRESETS", "Preset", "build_preset"]


@dataclass(frozen=True)
class Preset:
    """What a preset shows: layers, range rings (centre, radius, unit) and extent."""

    title: str
    layers: tuple[str, ...]
    rings: tuple[tuple[str, float, str], ...] = ()
    bounds: tuple[float, float, float, float] | None = None
    description: str = field(default="")
    styles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


# Drawing order: areas under lines, lines under points, islands on top of the
# base points named after them.
_DRAW_ORDER = [
    "control-area",
    "claim-area",
    "zone",
    "exercise-area",
    "adiz",
    "claim-line",
    "median-line",
    "baseline",
    "base-point",
    "feature",
    "base",
]


def _all_layers() -> tuple[str, ...]:
    layers = catalog()["layers"]
    ids = [lid for lid in layers if lid != BASEMAP]
    rank = {kind: i for i, kind in enumerate(_DRAW_ORDER)}
    return tuple(sorted(ids, key=lambda lid: rank.get(layers[lid]["kind"], 0)))


#: The seed map's colours: held in yellow, claimed and not held in orange.
SEED_HELD = {
    "color": "#b38600",
    "weight": 0.8,
    "fillColor": "#f5c518",
    "fillOpacity": 0.85,
}
SEED_CLAIMED = {
    "color": "#c45a00",
    "weight": 0.8,
    "fillColor": "#f28e2b",
    "fillOpacity": 0.7,
}

PRESETS: dict[str, Preset] = {
    "seed": Preset(
        title="China: controlled and claimed regions",
        layers=("prc-claimed-not-controlled", "prc-controlled"),
        bounds=(72.0, 2.0, 135.0, 54.0),
        description="What the PRC holds (yellow) and what it claims but does not "
        "hold (orange), derived from the atlas's layers: the sea inside the dashed "
        "line, Taiwan, the Senkakus and the features others hold.",
        styles={
            "prc-controlled": SEED_HELD,
            "prc-claimed-not-controlled": SEED_CLAIMED,
        },
    ),
    "senkaku": Preset(
        title="Senkaku / Diaoyu / Tiaoyutai Islands: claims, baselines and ranges",
        layers=(
            "prc-ecs-adiz-2013",
            "taiwan-strait-median-line",
            "prc-diaoyu-baselines-2012",
            "prc-diaoyu-basepoints-2012",
            "senkaku-islands",
            "bases",
        ),
        rings=(
            ("Ishigaki", 100, "km"),
            ("Ishigaki", 200, "km"),
            ("Ishigaki", 300, "km"),
        ),
        bounds=(120.8, 23.2, 126.6, 27.4),
        description="The islands, the PRC's 2012 baselines, the 2013 ADIZ, the "
        "Taiwan Strait median line, Japan's Nansei bases and rings from Ishigaki.",
    ),
}


def build_preset(name: str) -> Map:
    """Build the preset map called ``name`` (``atlas``, ``seed``, ``senkaku``).

    Raises
    ------
    ClaimsmapError
        For an unknown preset, listing the known ones.
    """
    from claimsmap.maps._map import Map

    key = name.strip().casefold() if isinstance(name, str) else name
    if key == "atlas":
        preset = Preset(
            title="claimsmap atlas: claims and control in the western Pacific",
            layers=_all_layers(),
            rings=(("Ishigaki", 200, "km"),),
            # The region; far-off headquarters (Hawaii) stay one pan away.
            bounds=(104.0, 2.0, 134.0, 36.0),
        )
    elif key in PRESETS:
        preset = PRESETS[key]
    else:
        known = ", ".join(["atlas", *PRESETS])
        raise ClaimsmapError(f"Unknown preset {name!r}; use one of: {known}")
    m = Map(title=preset.title, bounds=preset.bounds)
    for layer in preset.layers:
        m.add_layer(layer, style=preset.styles.get(layer))
    for center, radius, unit in preset.rings:
        m.add_ring(center, radius, unit)  # type: ignore[arg-type]
    return m
