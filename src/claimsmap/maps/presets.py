"""Preset maps: one name, one map, for a story or a notebook.

A preset is data (layers, rings, extent, styles); :meth:`claimsmap.maps.Map.preset`
draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from claimsmap.catalog import catalog
from claimsmap.errors import ClaimsmapError

__all__ = ["LEGEND", "LEGEND_VALUES", "PRESETS", "Preset", "preset"]


@dataclass(frozen=True)
class Preset:
    """What a preset shows: layers, range rings (centre, radius, unit) and extent."""

    title: str
    layers: tuple[str, ...]
    rings: tuple[tuple[str, float, str], ...] = ()
    bounds: tuple[float, float, float, float] | None = None
    description: str = field(default="")
    styles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Layer id -> (column, {value: style}): colour features by a column.
    style_by: Mapping[str, tuple[str, Mapping[Any, Mapping[str, Any]]]] = field(
        default_factory=dict
    )
    time_slider: bool = False
    at: str | None = None


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
    # The named islands are the basemap's own polygons: drawn once, as land.
    ids = [lid for lid in layers if layers[lid]["kind"] != "land"]
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

#: Features coloured by who holds them.
OCCUPANT: dict[Any, dict[str, Any]] = {
    "CHN": {"fillColor": "#d7301f", "color": "#7f0000"},
    "TWN": {"fillColor": "#2b8cbe", "color": "#08306b"},
    "VNM": {"fillColor": "#fec44f", "color": "#8c510a"},
    "PHL": {"fillColor": "#7570b3", "color": "#3f007d"},
    "MYS": {"fillColor": "#66a61e", "color": "#00441b"},
    None: {"fillColor": "#bdbdbd", "color": "#525252"},
}

#: What a reader sees, for each layer of the atlas: the legend's words.
LEGEND: dict[str, str] = {
    "senkaku-islands": "Senkaku / Diaoyu Islands (held by Japan)",
    "prc-diaoyu-baselines-2012": "PRC baselines around the Diaoyu Islands (2012)",
    "prc-diaoyu-basepoints-2012": "PRC base points (2012)",
    "prc-ecs-adiz-2013": "PRC air defence identification zone (2013)",
    "prc-ecs-adiz-2013-area": "PRC air defence identification zone (2013), as an area",
    "taiwan-strait-median-line": "Taiwan Strait median line (ROC)",
    "bases": "Military bases",
    "pla-exercise-zones": "PLA exercise zones",
    "ecs-joint-development-2008": "Japan–China joint development block (2008)",
    "kor-kadiz-2013": "Korea's air defence identification zone (2013)",
    "scs-features": "South China Sea features",
    "prc-dashed-line": "PRC dashed line (digitised)",
    "phl-kalayaan-island-group": "Claimed by the Philippines (Kalayaan Island Group)",
    "idn-vnm-2003-shelf-boundary": "Indonesia–Viet Nam shelf boundary (2003)",
    "scs-baselines": "Straight baselines (Viet Nam 1982; PRC Beibu Gulf 2024)",
    "prc-dashed-line-area": "Sea inside the PRC dashed line",
    "prc-controlled": "Held by China (PRC)",
    "prc-claimed-not-controlled": "Claimed by the PRC, not held",
    "jpn-senkaku-territorial-sea": "Territorial sea 12 nmi (Japan)",
    "jpn-senkaku-contiguous-zone": "Contiguous zone 24 nmi (Japan)",
    "prc-diaoyu-territorial-sea": "Territorial sea 12 nmi (PRC, from its baselines)",
    "prc-baselines": "PRC straight baselines",
    "roc-baselines": "ROC (Taiwan) baselines",
    "twn-adiz": "ROC (Taiwan) air defence identification zone",
    "twn-kinmen-restricted-waters": "Kinmen restricted waters (ROC)",
    "land-claims": "Land held by one party, claimed by another",
    "islands": "Named islands",
}

#: The legend's words for the values a layer is coloured by (``style_by``).
LEGEND_VALUES: dict[str, dict[Any, str]] = {
    "controller": {
        "CHN": "Held by China (PRC)",
        "TWN": "Held by Taiwan (ROC)",
        "VNM": "Held by Viet Nam",
        "PHL": "Held by the Philippines",
        "MYS": "Held by Malaysia",
        "JPN": "Held by Japan",
        None: "Held by no one",
    },
}

PRESETS: dict[str, Preset] = {
    "seed": Preset(
        title="China: controlled and claimed regions",
        layers=("prc-claimed-not-controlled", "prc-controlled"),
        bounds=(72.0, 2.0, 135.0, 54.0),
        description="What the PRC holds (yellow) and what it claims but does not "
        "hold (orange), derived from the atlas's layers: the sea inside the dashed "
        "line, Taiwan, the Senkakus and the features others hold, and on land "
        "Arunachal Pradesh, the Himalayan valleys India holds and two areas of "
        "Bhutan; Aksai Chin and the Shaksgam valley, which India claims, are held.",
        styles={
            "prc-controlled": SEED_HELD,
            "prc-claimed-not-controlled": SEED_CLAIMED,
        },
    ),
    "senkaku": Preset(
        title="Senkaku / Diaoyu / Tiaoyutai Islands: claims, baselines and ranges",
        layers=(
            "jpn-senkaku-contiguous-zone",
            "jpn-senkaku-territorial-sea",
            "prc-ecs-adiz-2013",
            "twn-adiz",
            "taiwan-strait-median-line",
            "prc-diaoyu-baselines-2012",
            "prc-diaoyu-basepoints-2012",
            "senkaku-islands",
            "bases",
        ),
        rings=(
            ("JGSDF Camp Ishigaki", 100, "km"),
            ("JGSDF Camp Ishigaki", 200, "km"),
            ("JGSDF Camp Ishigaki", 300, "km"),
            ("JGSDF Camp Yonaguni", 200, "km"),
            ("JGSDF Camp Miyakojima", 300, "km"),
        ),
        bounds=(120.8, 23.2, 126.6, 27.4),
        description="The islands, Japan's territorial sea and contiguous zone, the "
        "PRC's 2012 baselines, the ADIZs, the Taiwan Strait median line, Japan's "
        "Nansei bases and rings from the camps on Ishigaki, Yonaguni and Miyako.",
    ),
    "taiwan-strait": Preset(
        title="Taiwan Strait: median lines, exercise zones and restricted waters",
        layers=(
            "twn-adiz",
            "pla-exercise-zones",
            "twn-kinmen-restricted-waters",
            "taiwan-strait-median-line",
            "roc-baselines",
            "prc-baselines",
            "bases",
        ),
        bounds=(116.5, 20.5, 124.5, 27.5),
        time_slider=True,
        at="2022-08-04",
        description="The ROC MND median line (2019) and the 2004 version, the PLA "
        "exercise zones of August 2022 and December 2025 (the slider moves "
        "between them; it opens on August 2022; the exercises in between published "
        "no coordinates, so none is drawn: `docs/data.md` lists them), Kinmen's "
        "restricted waters, both sides' baselines, the ROC ADIZ and the bases.",
        style_by={
            "pla-exercise-zones": (
                "exercise",
                {
                    "PLA exercises around Taiwan, 4-7 August 2022": {
                        "color": "#c51b7d",
                        "fillColor": "#de77ae",
                    },
                    "Justice Mission-2025 (正义使命-2025)": {
                        "color": "#54278f",
                        "fillColor": "#9e9ac8",
                    },
                },
            )
        },
    ),
    "south-china-sea": Preset(
        title="South China Sea: claims, occupied features and the 2016 award",
        layers=(
            "prc-dashed-line-area",
            "phl-kalayaan-island-group",
            "prc-dashed-line",
            "idn-vnm-2003-shelf-boundary",
            "prc-baselines",
            "scs-baselines",
            "roc-baselines",
            "scs-features",
        ),
        bounds=(104.0, 2.0, 122.5, 23.0),
        time_slider=True,
        description="Every party's claim the atlas records (the dashed line, the "
        "Kalayaan Island Group, baselines, the Indonesia–Viet Nam shelf "
        "boundary) and the features, coloured by who holds them; each popup "
        "gives the 2016 award's classification where it decided.",
        style_by={"scs-features": ("controller", OCCUPANT)},
        styles={"prc-dashed-line-area": {"fillOpacity": 0.12}},
    ),
}


def preset(name: str) -> Preset:
    """The preset called ``name`` (see :data:`PRESETS`, and ``atlas``).

    Case and surrounding spaces are forgiven. ``atlas`` shows every layer but
    the basemap, in drawing order. :meth:`claimsmap.maps.Map.preset` draws it.

    Raises
    ------
    ClaimsmapError
        For an unknown preset, listing the known ones.

    Examples
    --------
    >>> preset(" Senkaku ").rings[0]
    ('JGSDF Camp Ishigaki', 100, 'km')
    >>> preset("nowhere")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: Unknown preset 'nowhere'; use one of: atlas, seed, senkaku, taiwan-strait, south-china-sea
    """  # noqa: E501
    key = name.strip().casefold() if isinstance(name, str) else name
    if key == "atlas":
        return Preset(
            title="claimsmap atlas: claims and control in the western Pacific",
            layers=_all_layers(),
            rings=(("JGSDF Camp Ishigaki", 200, "km"),),
            # The region; far-off headquarters (Hawaii) stay one pan away.
            bounds=(104.0, 2.0, 134.0, 36.0),
        )
    if key in PRESETS:
        return PRESETS[key]
    known = ", ".join(["atlas", *PRESETS])
    raise ClaimsmapError(f"Unknown preset {name!r}; use one of: {known}")
