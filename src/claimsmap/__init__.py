"""claimsmap: the sourced, geodesically exact atlas of claims in the western Pacific.

>>> import claimsmap as cm
>>> round(cm.distance("JGSDF Camp Ishigaki", "Uotsuri-jima").km)
168

The public names are imported when first used (PEP 562), so that
``import claimsmap`` and a command that needs little (``claimsmap distance``)
do not wait for geopandas, folium or pandas.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimsmap.catalog import WORLDVIEWS, as_of, layers, load, present, worldview
    from claimsmap.errors import (
        AmbiguousNameWarning,
        ClaimsmapError,
        CoordinateError,
        InvalidFeatureError,
        InvalidLayerError,
        UnknownLayerError,
        UnknownNameError,
    )
    from claimsmap.flags import flag
    from claimsmap.gazetteer import Feature, find
    from claimsmap.geodesy import Distance
    from claimsmap.io import read_file
    from claimsmap.locate import ZoneIndex, locate
    from claimsmap.maps import Map
    from claimsmap.maritime import feature_zones, median_line, zones
    from claimsmap.overlaps import overlaps
    from claimsmap.places import area, buffer, distance, length, range_ring
    from claimsmap.presence import Presence, presence
    from claimsmap.queries import at, distances, within
    from claimsmap.vessels import read_ais

    __version__: str

# Each public name, and the module it comes from.
_MODULE_OF = {
    **dict.fromkeys(
        ["WORLDVIEWS", "as_of", "layers", "load", "present", "worldview"], "catalog"
    ),
    **dict.fromkeys(
        [
            "AmbiguousNameWarning",
            "ClaimsmapError",
            "CoordinateError",
            "InvalidFeatureError",
            "InvalidLayerError",
            "UnknownLayerError",
            "UnknownNameError",
        ],
        "errors",
    ),
    "flag": "flags",
    **dict.fromkeys(["Feature", "find"], "gazetteer"),
    "Distance": "geodesy",
    "read_file": "io",
    **dict.fromkeys(["ZoneIndex", "locate"], "locate"),
    "Map": "maps",
    **dict.fromkeys(["feature_zones", "median_line", "zones"], "maritime"),
    "overlaps": "overlaps",
    **dict.fromkeys(["area", "buffer", "distance", "length", "range_ring"], "places"),
    **dict.fromkeys(["Presence", "presence"], "presence"),
    **dict.fromkeys(["at", "distances", "within"], "queries"),
    "read_ais": "vessels",
}
# Modules that ``import claimsmap`` used to import, still reachable as attributes
# (``locate``, ``overlaps`` and ``presence`` are the functions of those names).
_SUBMODULES = frozenset(
    [
        "catalog",
        "errors",
        "gazetteer",
        "geodesy",
        "io",
        "maps",
        "maritime",
        "places",
        "queries",
        "schema",
        "vessels",
    ]
)

__all__ = [
    "WORLDVIEWS",
    "AmbiguousNameWarning",
    "ClaimsmapError",
    "CoordinateError",
    "Distance",
    "Feature",
    "InvalidFeatureError",
    "InvalidLayerError",
    "Map",
    "Presence",
    "UnknownLayerError",
    "UnknownNameError",
    "ZoneIndex",
    "__version__",
    "area",
    "as_of",
    "at",
    "buffer",
    "distance",
    "distances",
    "feature_zones",
    "find",
    "flag",
    "layers",
    "length",
    "load",
    "locate",
    "median_line",
    "overlaps",
    "presence",
    "present",
    "range_ring",
    "read_ais",
    "read_file",
    "within",
    "worldview",
    "zones",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimsmap")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    if name == "__version__":
        value: Any = _version()
    elif name in _MODULE_OF:
        module = importlib.import_module(f"claimsmap.{_MODULE_OF[name]}")
        value = getattr(module, name)
    elif name in _SUBMODULES:
        return importlib.import_module(f"claimsmap.{name}")
    else:
        raise AttributeError(f"module 'claimsmap' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})


class _Package(types.ModuleType):
    """The package, whose public functions win over submodules of the same name.

    Importing ``claimsmap.presence`` (by anyone) makes Python set the package's
    attribute ``presence`` to the submodule. ``cm.presence``, ``cm.locate`` and
    ``cm.overlaps`` are the functions, as they were when this file imported
    them eagerly, so the function is kept instead.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _MODULE_OF.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
