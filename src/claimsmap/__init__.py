"""claimsmap: the sourced, geodesically exact atlas of claims in the western Pacific.

>>> import claimsmap as cm
>>> round(cm.distance("JGSDF Camp Ishigaki", "Uotsuri-jima").km)
168
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
from claimsmap.gazetteer import Feature, find
from claimsmap.geodesy import (
    Distance,
    area,
    buffer,
    distance,
    length,
    range_ring,
)
from claimsmap.io import read_file
from claimsmap.locate import ZoneIndex, locate
from claimsmap.maps import Map
from claimsmap.maritime import feature_zones, median_line, zones
from claimsmap.overlaps import overlaps
from claimsmap.presence import Presence, presence
from claimsmap.queries import at, distances, within

try:
    __version__ = version("claimsmap")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

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
    "layers",
    "length",
    "load",
    "locate",
    "median_line",
    "overlaps",
    "presence",
    "present",
    "range_ring",
    "read_file",
    "within",
    "worldview",
    "zones",
]
