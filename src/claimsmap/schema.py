"""The property schema every curated feature follows, and its validation.

Each feature of the atlas carries the fields of :data:`FIELDS`; a layer file
whose feature breaks one raises :class:`~claimsmap.errors.InvalidFeatureError`
naming the file, the feature id and the field.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

import shapely
from shapely.geometry.base import BaseGeometry

from claimsmap.errors import InvalidFeatureError

__all__ = [
    "BASEMAP",
    "FIELDS",
    "KINDS",
    "LAND_PARTIES",
    "PARTIES",
    "SEA_PARTIES",
    "STATUSES",
    "Kind",
    "Status",
    "parse_date",
    "validate_feature",
]

#: The id of the Natural Earth land layer drawn under every map.
BASEMAP = "basemap-ne10m"

#: The parties to the disputes at sea, ISO 3166-1 alpha-3: those whose
#: maritime zones :mod:`claimsmap.maritime` derives.
SEA_PARTIES: tuple[str, ...] = (
    "CHN",
    "TWN",
    "JPN",
    "PHL",
    "VNM",
    "MYS",
    "BRN",
    "IDN",
)
#: The other parties to the land disputes the atlas records (layer
#: ``land-claims``): the Himalayan claims, the southern Kurils and Dokdo.
LAND_PARTIES: tuple[str, ...] = ("IND", "BTN", "PAK", "RUS", "KOR")
#: Every party to the disputes the atlas records.
PARTIES: tuple[str, ...] = SEA_PARTIES + LAND_PARTIES

Kind = Literal[
    "claim-line",
    "claim-area",
    "baseline",
    "base-point",
    "feature",
    "control-area",
    "zone",
    "adiz",
    "median-line",
    "exercise-area",
    "base",
    "land",
]
Status = Literal["island", "rock", "low-tide-elevation", "submerged"]

KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)

#: The properties of every feature, in the order a loaded layer shows them.
FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "names",
    "kind",
    "claimants",
    "controller",
    "since",
    "until",
    "status",
    "status_basis",
    "source",
    "source_url",
    "precision_m",
)

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PARTY = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_LINES = {"LineString", "MultiLineString"}
_AREAS = {"Polygon", "MultiPolygon"}
_POINTS = {"Point", "MultiPoint"}
_GEOMETRY_BY_KIND: dict[str, set[str]] = {
    "claim-line": _LINES,
    "claim-area": _AREAS,
    "baseline": _LINES,
    "base-point": _POINTS,
    "feature": _POINTS | _AREAS,
    "control-area": _AREAS,
    "zone": _AREAS,
    # An ADIZ whose landward edge is another line (the PRC's is bounded by its
    # territorial sea) is recorded by its published seaward line until that
    # edge can be derived.
    "adiz": _AREAS | _LINES,
    "median-line": _LINES,
    "exercise-area": _AREAS,
    "base": _POINTS,
    "land": _AREAS,
}
# Fields a kind needs beyond the common ones.
_REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {"base": ("operator",)}


def parse_date(value: str) -> _dt.date:
    """Parse an ISO date, allowing year (``2012``) and month (``2012-09``).

    Examples
    --------
    >>> parse_date("1974"), parse_date("1974-01-19")
    (datetime.date(1974, 1, 1), datetime.date(1974, 1, 19))
    """
    if re.fullmatch(r"\d{4}", value):
        return _dt.date(int(value), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return _dt.date(int(value[:4]), int(value[5:]), 1)
    return _dt.date.fromisoformat(value)


def validate_feature(
    properties: Mapping[str, Any],
    geometry: BaseGeometry | None,
    *,
    file: str,
    index: int,
) -> None:
    """Check one feature against the schema.

    Parameters
    ----------
    properties : mapping
        The feature's properties.
    geometry : shapely geometry or None
        The feature's geometry in lon/lat degrees (EPSG:4326).
    file : str
        The file the feature comes from, for the message.
    index : int
        The feature's position in the file, used when it has no id.

    Raises
    ------
    InvalidFeatureError
        Naming the file, the feature id and the field, and what to do.

    Examples
    --------
    >>> from shapely import Point
    >>> props = {"id": "x", "name": "X", "names": {}, "kind": "feature",
    ...          "claimants": ["JPN"], "controller": "JPN", "since": None,
    ...          "until": None, "status": "island", "status_basis": None,
    ...          "source": "A gazette", "source_url": "https://example.org",
    ...          "precision_m": 100}
    >>> validate_feature(props, Point(123.5, 25.7), file="f.geojson", index=0)
    >>> validate_feature({**props, "kind": "islet"}, Point(123.5, 25.7),
    ...                  file="f.geojson", index=0)
    Traceback (most recent call last):
    ...
    claimsmap.errors.InvalidFeatureError: f.geojson: feature 'x': field 'kind' ...
    """
    fid = properties.get("id")
    label = f"feature {fid!r}" if isinstance(fid, str) and fid else f"feature #{index}"

    def fail(field: str, problem: str) -> InvalidFeatureError:
        return InvalidFeatureError(f"{file}: {label}: field {field!r} {problem}")

    missing = [f for f in FIELDS if f not in properties]
    if missing:
        raise fail(missing[0], "is missing; every feature needs " + ", ".join(FIELDS))
    if not isinstance(fid, str) or not _ID.match(fid):
        raise fail("id", f"is {fid!r}; use lowercase-kebab such as 'senkaku-kuba-jima'")
    if not isinstance(properties["name"], str) or not properties["name"].strip():
        raise fail("name", "is empty; give the English name used in the source")
    names = properties["names"]
    if not isinstance(names, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in names.items()
    ):
        raise fail("names", 'must map language tags to names, e.g. {"ja": "魚釣島"}')
    kind = properties["kind"]
    if kind not in KINDS:
        raise fail("kind", f"is {kind!r}; use one of {', '.join(KINDS)}")
    claimants = properties["claimants"]
    if not isinstance(claimants, list) or not all(
        isinstance(c, str) and _PARTY.match(c) for c in claimants
    ):
        raise fail("claimants", f"is {claimants!r}; give a list of ISO alpha-3 codes")
    controller = properties["controller"]
    if controller is not None and not (
        isinstance(controller, str) and _PARTY.match(controller)
    ):
        raise fail("controller", f"is {controller!r}; give an ISO alpha-3 code or null")
    dates = {}
    for field in ("since", "until"):
        value = properties[field]
        if value is None:
            continue
        try:
            dates[field] = parse_date(str(value))
        except ValueError:
            raise fail(field, f"is {value!r}; give an ISO date (YYYY-MM-DD)") from None
    if len(dates) == 2 and dates["since"] > dates["until"]:
        raise fail("until", f"({properties['until']}) is before since")
    status = properties["status"]
    if status is not None and status not in STATUSES:
        raise fail("status", f"is {status!r}; use one of {', '.join(STATUSES)}")
    for field in ("source",):
        if not isinstance(properties[field], str) or not properties[field].strip():
            raise fail(field, "is empty; cite the issuing body, document and date")
    url = properties["source_url"]
    if not isinstance(url, str) or not _URL.match(url):
        raise fail("source_url", f"is {url!r}; give an http(s) URL a reader can check")
    precision = properties["precision_m"]
    if (
        isinstance(precision, bool)
        or not isinstance(precision, int | float)
        or not math.isfinite(precision)
        or precision <= 0
    ):
        raise fail("precision_m", f"is {precision!r}; give a positive number of metres")
    for field in ("disputed_by",):
        value = properties.get(field)
        if value is not None and not (
            isinstance(value, list)
            and all(isinstance(c, str) and _PARTY.match(c) for c in value)
        ):
            raise fail(field, f"is {value!r}; give a list of ISO alpha-3 codes")
    views = properties.get("views")
    if views is not None and not (
        isinstance(views, Mapping)
        and all(
            isinstance(k, str)
            and _PARTY.match(k)
            and isinstance(v, str)
            and _PARTY.match(v)
            for k, v in views.items()
        )
    ):
        raise fail(
            "views",
            f"is {views!r}; map each party to the party it sees holding the "
            'place, e.g. {"CHN": "CHN", "IND": "IND"}',
        )
    cited = properties.get("names_sources")
    if cited is not None:
        aliases = properties.get("aliases") or []
        if not isinstance(cited, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip()
            for k, v in cited.items()
        ):
            raise fail(
                "names_sources",
                f"is {cited!r}; map each name to where it was read, e.g. "
                '{"독도": "ko.wikipedia, article 독도 (https://...)"}',
            )
        unsourced = [n for n in [*names.values(), *aliases] if n not in cited]
        if unsourced:
            raise fail(
                "names_sources",
                f"gives no source for {unsourced!r}; cite every name and alias "
                "or leave the name out",
            )
    for field in _REQUIRED_BY_KIND.get(kind, ()):
        if not properties.get(field):
            raise fail(field, f"is missing; a {kind} needs it")

    if geometry is None or geometry.is_empty:
        raise fail("geometry", "is empty; every feature needs a geometry")
    allowed = _GEOMETRY_BY_KIND[kind]
    if geometry.geom_type not in allowed:
        raise fail(
            "geometry",
            f"is a {geometry.geom_type}; a {kind} is a {' or '.join(sorted(allowed))}",
        )
    xmin, ymin, xmax, ymax = geometry.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise fail(
            "geometry",
            f"has bounds {geometry.bounds} outside lon -180..180, lat -90..90; "
            "coordinates must be (lon, lat) degrees in EPSG:4326",
        )
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise fail("geometry", f"is invalid ({reason}); repair it, e.g. make_valid")
