"""Places as people give them, turned into the geometries that geodesy measures.

A *place* is a feature name or id in any language the atlas records
(``"Ishigaki"``, ``"钓鱼岛"``, ``"senkaku-uotsuri-jima"``), ``"LON,LAT"`` text
(``"123.47,25.74"``, longitude first, degrees), a ``(lon, lat)`` pair, a
:class:`~claimsmap.gazetteer.Feature` or anything with a ``__geo_interface__``,
or a shapely geometry in lon/lat degrees.

This module is the one place where a name becomes a geometry. The library's
measuring functions that take places (:func:`distance`, :func:`buffer`,
:func:`range_ring`, :func:`area`, :func:`length`, exported as
``claimsmap.distance`` and so on), the queries, the maps, the command line and
the HTTP service all resolve through :func:`resolve`; :mod:`claimsmap.geodesy`
below it takes geometries and pairs only.
"""

from __future__ import annotations

import re
from typing import Any

from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from claimsmap import geodesy
from claimsmap.gazetteer import find
from claimsmap.geodesy import AreaUnit, Distance, Unit, as_geometry, check_lonlat

__all__ = [
    "area",
    "buffer",
    "distance",
    "length",
    "name_of",
    "parse",
    "range_ring",
    "resolve",
]

_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$")


def parse(text: str) -> str | tuple[float, float]:
    """Read a place given as text: ``"LON,LAT"`` as a checked pair, else a name.

    Parameters
    ----------
    text : str
        ``"LON,LAT"`` or ``"LON LAT"`` in degrees, longitude first; anything
        else is taken as a feature name or id.

    Returns
    -------
    tuple of float or str
        ``(lon, lat)`` in degrees, or the text itself.

    Raises
    ------
    CoordinateError
        When the pair is out of range (and says so when it looks like
        ``LAT,LON``).

    Examples
    --------
    >>> parse("123.47, 25.74")
    (123.47, 25.74)
    >>> parse("Uotsuri-jima")
    'Uotsuri-jima'
    >>> parse("25.74,123.47")
    Traceback (most recent call last):
    ...
    claimsmap.errors.CoordinateError: point '25.74,123.47' (25.74, 123.47): latitude 123.47 is outside -90..90; it looks like (lat, lon) — give (lon, lat): (123.47, 25.74)
    """  # noqa: E501
    match = _POINT.match(text)
    if match:
        return check_lonlat(float(match[1]), float(match[2]), what=f"point {text!r}")
    return text


def resolve(place: Any) -> BaseGeometry:
    """The geometry of a place: a name, ``"LON,LAT"``, a pair, a feature or a shape.

    Parameters
    ----------
    place : str, Feature, tuple of float or shapely geometry
        A feature name or id in any language (see :func:`claimsmap.find`),
        ``"LON,LAT"`` text, a ``(lon, lat)`` pair in degrees, an object with a
        ``geometry`` attribute or ``__geo_interface__``, or a shapely geometry
        in lon/lat degrees.

    Returns
    -------
    shapely geometry
        In (lon, lat) degrees, EPSG:4326.

    Raises
    ------
    UnknownNameError
        When a name is not in the atlas (with the closest names).
    CoordinateError
        When a pair is out of range or looks like (lat, lon).

    Examples
    --------
    >>> resolve("钓鱼岛") == resolve("Uotsuri-jima")
    True
    >>> resolve("123.47,25.74").wkt
    'POINT (123.47 25.74)'
    >>> resolve((123.47, 25.74)).wkt
    'POINT (123.47 25.74)'
    """
    if isinstance(place, str):
        parsed = parse(place)
        if isinstance(parsed, tuple):
            return Point(parsed)
        return find(parsed).geometry
    return as_geometry(place)


def name_of(place: Any) -> str | None:
    """The English name of a place given by a name in any language, else None.

    Examples
    --------
    >>> name_of("钓鱼岛")
    'Uotsuri-jima'
    >>> name_of("123.47,25.74") is None and name_of((123.47, 25.74)) is None
    True
    """
    if not isinstance(place, str):
        return None
    parsed = parse(place)
    return None if isinstance(parsed, tuple) else find(parsed).name


def distance(a: Any, b: Any) -> Distance:
    """Minimum geodesic distance between two places on the WGS84 ellipsoid.

    The places are resolved by :func:`resolve` and measured by
    :func:`claimsmap.geodesy.distance`.

    Parameters
    ----------
    a, b : str, Feature, tuple of float or shapely geometry
        Feature names or ids (any language), ``"LON,LAT"`` text, ``(lon, lat)``
        pairs in degrees, or shapely geometries in lon/lat.

    Returns
    -------
    Distance
        Metres, km and nautical miles, the initial azimuth from ``a`` to ``b``
        (degrees clockwise from north) and the two nearest points (lon, lat).

    Raises
    ------
    UnknownNameError
        When a name is not in the atlas.
    CoordinateError
        When a pair is out of range or looks like (lat, lon).

    See Also
    --------
    claimsmap.geodesy.distance : the same for geometries, with its method.

    Examples
    --------
    Feature names in any language:

    >>> round(distance("JGSDF Camp Ishigaki", "钓鱼岛").km, 1)
    168.3
    >>> a = distance("Ishigaki Island", "Uotsuri-jima")
    >>> a == distance("ishigaki island", "釣魚臺")
    True
    """
    return geodesy.distance(_text(a), _text(b))


def range_ring(
    center: Any, radius: float, unit: Unit = "km", *, tolerance_m: float = 10.0
) -> Polygon:
    """The geodesic circle of a radius around a place, as a polygon.

    Parameters
    ----------
    center : str, Feature, tuple of float or shapely geometry
        The centre (see :func:`resolve`); for a non-point feature, its
        representative point.
    radius : float
        The radius, in ``unit``.
    unit : {"km", "m", "nmi"}
        The unit of ``radius``.
    tolerance_m : float
        Largest gap, in metres, between the polygon's edges and the true circle.

    Returns
    -------
    shapely.Polygon
        Counter-clockwise ring of (lon, lat) vertices, each ``radius`` from the
        centre along a geodesic on WGS84.

    See Also
    --------
    claimsmap.geodesy.range_ring : the same for a geometry or pair.

    Examples
    --------
    >>> ring = range_ring("JGSDF Camp Ishigaki", 200, "nmi")
    >>> round(distance(resolve("JGSDF Camp Ishigaki"), ring.exterior.coords[0]).nmi, 6)
    200.0
    """
    return geodesy.range_ring(_text(center), radius, unit, tolerance_m=tolerance_m)


def buffer(
    place: Any, distance: float, unit: Unit = "km", *, tolerance_m: float = 10.0
) -> BaseGeometry:
    """Everything within a geodesic distance of a place, on WGS84.

    Parameters
    ----------
    place : str, Feature, tuple of float or shapely geometry
        What to buffer (see :func:`resolve`), in lon/lat degrees.
    distance : float
        The buffer distance, in ``unit``; positive.
    unit : {"km", "m", "nmi"}
        The unit of ``distance``.
    tolerance_m : float
        The largest gap, in metres, between an edge of the result and the true
        limit.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        In lon/lat degrees, cut at the antimeridian.

    See Also
    --------
    claimsmap.geodesy.buffer : the same for a geometry, with its method.

    Examples
    --------
    >>> zone = buffer("Uotsuri-jima", 12, "nmi")
    >>> zone.contains(resolve("Uotsuri-jima"))
    True
    """
    return geodesy.buffer(_text(place), distance, unit, tolerance_m=tolerance_m)


def area(place: Any, unit: AreaUnit = "m2") -> float:
    """Geodesic area of a place's polygons on WGS84, whatever their orientation.

    Parameters
    ----------
    place : str, Feature or shapely geometry
        See :func:`resolve`; points and lines have no area (0).
    unit : {"m2", "km2", "nmi2"}
        Square metres, square kilometres or square nautical miles.

    See Also
    --------
    claimsmap.geodesy.area : the same for a geometry.

    Examples
    --------
    >>> round(area("prc-ecs-adiz-2013-area", "km2"))
    378244
    """
    return geodesy.area(_text(place), unit)


def length(place: Any, unit: Unit = "m") -> float:
    """Geodesic length of a place's lines (or polygons' perimeters) on WGS84.

    Parameters
    ----------
    place : str, Feature or shapely geometry
        See :func:`resolve`; each edge is a geodesic between its vertices.
    unit : {"m", "km", "nmi"}
        The unit of the result.

    See Also
    --------
    claimsmap.geodesy.length : the same for a geometry.

    Examples
    --------
    The Taiwan Strait median line (GeographicLib gives 599.386955 km between
    its ends):

    >>> round(length("taiwan-strait-median-line-mnd-2019", "km"), 6)
    599.386955
    """
    return geodesy.length(_text(place), unit)


def _text(place: Any) -> Any:
    """A place given as text, resolved; anything else as it is (geodesy checks it)."""
    return resolve(place) if isinstance(place, str) else place
