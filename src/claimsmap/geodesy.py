"""Measurements on the WGS84 ellipsoid: distance, azimuth, nearest points, rings.

Every measurement in claimsmap goes through this module and through one
``pyproj.Geod(ellps="WGS84")``. Coordinates are always (lon, lat) in degrees;
distances are metres on the ellipsoid unless a name says otherwise (``km``,
``nmi`` for the international nautical mile of 1852 m). It measures
geometries, never names: :mod:`claimsmap.places` resolves names above it.

.. warning::
   Edges of lines and polygons are taken as *geodesics* between their
   vertices, not as straight lines in a map projection. For the short edges of
   the atlas's data the difference is centimetres to metres; for an edge of
   hundreds of kilometres (an ADIZ side) it can be kilometres.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from claimsmap.errors import ClaimsmapError, CoordinateError

__all__ = [
    "GEOD",
    "NMI",
    "Distance",
    "NearestIndex",
    "Unit",
    "area",
    "as_geometry",
    "buffer",
    "check_lonlat",
    "distance",
    "distance_matrix",
    "distances_to",
    "length",
    "range_ring",
    "to_metres",
]

#: The one ellipsoid of claimsmap.
GEOD = Geod(ellps="WGS84")
#: The international nautical mile, in metres.
NMI = 1852.0

Unit = Literal["m", "km", "nmi"]
_UNIT_METRES: dict[str, float] = {"m": 1.0, "km": 1000.0, "nmi": NMI, "nm": NMI}
_EARTH_RADIUS = 6_371_008.8
# Newton steps to the foot of a perpendicular on a geodesic: 4 to 6 suffice.
# Exact nearest points stop when a foot moves under 10 µm.
_FOOT_STEPS, _FOOT_TOLERANCE = 40, 1e-5
# The point queries' quicker search stops under 0.1 mm, and hands a segment
# that has not settled after 20 steps to the exact one.
_ALONG_STEPS, _ALONG_TOLERANCE = 20, 1e-4


def to_metres(value: float, unit: str) -> float:
    """Convert a distance to metres.

    Parameters
    ----------
    value : float
        The distance.
    unit : {"m", "km", "nmi"}
        Its unit; ``"nm"`` is accepted for nautical miles.

    Examples
    --------
    >>> to_metres(12, "nmi")
    22224.0
    >>> to_metres(1, "mile")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: unit 'mile' is not known; use one of m, km, nmi
    """
    try:
        return float(value) * _UNIT_METRES[unit]
    except KeyError:
        raise ClaimsmapError(
            f"unit {unit!r} is not known; use one of m, km, nmi"
        ) from None


def check_lonlat(lon: float, lat: float, *, what: str = "point") -> tuple[float, float]:
    """Check that a (lon, lat) pair is in range, and say so when it looks swapped.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees, in that order.
    what : str
        How to name the pair in the message.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` as floats.

    Raises
    ------
    CoordinateError
        When a value is not finite or out of range.

    Examples
    --------
    >>> check_lonlat(124.16, 24.34)
    (124.16, 24.34)
    >>> check_lonlat(25.74, 123.47)
    Traceback (most recent call last):
    ...
    claimsmap.errors.CoordinateError: point (25.74, 123.47): latitude 123.47 is outside -90..90; it looks like (lat, lon) — give (lon, lat): (123.47, 25.74)
    """  # noqa: E501
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise CoordinateError(f"{what} ({lon!r}, {lat!r}) is not two numbers") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoordinateError(f"{what} ({lon}, {lat}) is not finite")
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lon, lat
    where = f"{what} ({lon:g}, {lat:g})"
    if not -90 <= lat <= 90:
        problem = f"latitude {lat:g} is outside -90..90"
    else:
        problem = f"longitude {lon:g} is outside -180..180"
    if -90 <= lon <= 90 and -180 <= lat <= 180:
        raise CoordinateError(
            f"{where}: {problem}; it looks like (lat, lon) — give (lon, lat): "
            f"({lat:g}, {lon:g})"
        )
    raise CoordinateError(f"{where}: {problem}; give (lon, lat) in degrees")


def as_geometry(value: Any) -> BaseGeometry:
    """Turn a feature, a (lon, lat) pair or a geometry into a checked geometry.

    Names are not resolved here: :mod:`claimsmap.places` turns a name into a
    geometry above this module (``claimsmap.distance`` and the other functions
    exported at the top take names).

    Parameters
    ----------
    value : Feature, tuple of float or shapely geometry
        An object with a ``geometry`` attribute or ``__geo_interface__``, a
        ``(lon, lat)`` pair, or a shapely geometry in lon/lat degrees.

    Examples
    --------
    >>> as_geometry((123.47, 25.74)).wkt
    'POINT (123.47 25.74)'
    >>> as_geometry("Uotsuri-jima")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: geodesy measures geometries, not names ('Uotsuri-jima'): resolve it with claimsmap.places.resolve, or call claimsmap.distance (and the other top-level functions), which take names
    """  # noqa: E501
    if isinstance(value, BaseGeometry):
        if value.is_empty:
            raise ClaimsmapError("an empty geometry has no distance; give a real one")
        xmin, ymin, xmax, ymax = value.bounds
        check_lonlat(xmin, ymin, what="geometry corner")
        check_lonlat(xmax, ymax, what="geometry corner")
        return value
    if isinstance(value, str):
        raise ClaimsmapError(
            f"geodesy measures geometries, not names ({value!r}): resolve it with "
            "claimsmap.places.resolve, or call claimsmap.distance (and the other "
            "top-level functions), which take names"
        )
    geometry = getattr(value, "geometry", None)
    if isinstance(geometry, BaseGeometry):
        return as_geometry(geometry)
    if hasattr(value, "__geo_interface__"):
        return as_geometry(shapely.geometry.shape(value))
    if isinstance(value, Sequence) and len(value) == 2:
        return Point(check_lonlat(value[0], value[1]))
    raise ClaimsmapError(
        f"cannot measure {value!r}: give a (lon, lat) pair, a feature or a "
        "shapely geometry"
    )


@dataclass(frozen=True)
class Distance:
    """The minimum geodesic distance between two geometries on WGS84.

    Attributes
    ----------
    metres : float
        The distance in metres on the WGS84 ellipsoid.
    azimuth_deg : float
        Initial azimuth of the geodesic from ``a`` to ``b``, degrees clockwise
        from north (-180..180); NaN where the distance is 0.
    back_azimuth_deg : float
        Azimuth from ``b`` back to ``a``, in degrees.
    a, b : tuple of float
        The nearest points, (lon, lat) degrees, on the first and the second
        geometry.
    """

    metres: float
    azimuth_deg: float
    back_azimuth_deg: float
    a: tuple[float, float]
    b: tuple[float, float]

    @property
    def km(self) -> float:
        """The distance in kilometres."""
        return self.metres / 1000.0

    @property
    def nmi(self) -> float:
        """The distance in international nautical miles (1852 m)."""
        return self.metres / NMI

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain JSON-ready values (azimuth NaN as None)."""
        return {
            "metres": self.metres,
            "km": self.km,
            "nmi": self.nmi,
            "azimuth_deg": None if math.isnan(self.azimuth_deg) else self.azimuth_deg,
            "back_azimuth_deg": None
            if math.isnan(self.back_azimuth_deg)
            else self.back_azimuth_deg,
            "a": list(self.a),
            "b": list(self.b),
        }

    def __str__(self) -> str:
        return f"{self.km:,.3f} km ({self.nmi:,.3f} nmi)"


def _inverse(a: tuple[float, float], b: tuple[float, float]) -> Distance:
    az, baz, metres = GEOD.inv(a[0], a[1], b[0], b[1])
    if metres == 0:
        az = baz = math.nan
    return Distance(float(metres), float(az), float(baz), a, b)


def _nearest_on_segments(
    p: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest points to ``p[i]`` on the geodesic segments ``a[i]``-``b[i]``.

    All arrays are (k, 2) lon/lat. Returns metres (k,) and points (k, 2).

    Notes
    -----
    From a point ``x`` of the geodesic, the foot of the perpendicular from
    ``p`` lies ``R atan(tan(d / R) cos A)`` further on, on a sphere of radius
    ``R`` (``d`` the distance from ``x`` to ``p``, ``A`` the angle between
    the geodesic and the direction to ``p`` at ``x``). Taken on the
    ellipsoid, with ``d`` and ``A`` from the exact inverse problem, the step
    is a Newton step: each one leaves the error a few hundred times smaller
    (Baselga and Martínez-Llario, 2018). Steps stop when every foot moves
    less than 10 µm, kept within the segment; the segment's ends compete.
    """
    az, _, seg = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    az, seg = np.atleast_1d(az), np.atleast_1d(seg)
    s = seg / 2
    _settle(p, a, az, s, seg, steps=_FOOT_STEPS, tolerance=_FOOT_TOLERANCE)
    trial = np.column_stack([s, np.zeros_like(seg), seg])
    k = len(seg)
    lon, lat, _ = GEOD.fwd(
        np.repeat(a[:, 0], 3), np.repeat(a[:, 1], 3), np.repeat(az, 3), trial.ravel()
    )
    d = np.reshape(
        GEOD.inv(np.repeat(p[:, 0], 3), np.repeat(p[:, 1], 3), lon, lat)[2], (k, 3)
    )
    best = np.argmin(d, axis=1)
    rows = np.arange(k)
    flat = rows * 3 + best
    points = np.column_stack([np.asarray(lon)[flat], np.asarray(lat)[flat]])
    return d[rows, best], points


def _settle(
    p: np.ndarray,
    a: np.ndarray,
    az: np.ndarray,
    s: np.ndarray,
    seg: np.ndarray,
    *,
    steps: int,
    tolerance: float,
) -> np.ndarray:
    """Move each foot ``s[i]`` along its segment by Newton steps, in place.

    ``s`` (k,) is metres along the geodesic from ``a[i]`` at azimuth
    ``az[i]``, kept within ``0..seg[i]``; each step moves it by the
    along-track distance of ``p[i]`` (see :func:`_nearest_on_segments`).
    Returns the rows that still moved more than ``tolerance`` metres after
    ``steps`` steps.
    """
    todo = np.arange(len(seg))
    for _ in range(steps):
        if not len(todo):
            break
        lon, lat, back = GEOD.fwd(a[todo, 0], a[todo, 1], az[todo], s[todo])
        towards, _, d = GEOD.inv(lon, lat, p[todo, 0], p[todo, 1])
        angle = np.radians(np.asarray(towards) - np.asarray(back) - 180.0)
        sigma = np.asarray(d) / _EARTH_RADIUS
        step = _EARTH_RADIUS * np.arctan2(np.sin(sigma) * np.cos(angle), np.cos(sigma))
        new = np.clip(s[todo] + step, 0.0, seg[todo])
        settled = np.abs(new - s[todo]) <= tolerance
        s[todo] = new
        todo = todo[~settled]
    return todo


def _parts(geom: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 2) and segments (m, 2, 2) of a geometry, in lon/lat."""
    vertices = shapely.get_coordinates(geom)
    lines = shapely.get_parts(
        shapely.boundary(geom) if geom.geom_type.endswith("Polygon") else geom
    )
    segments = []
    for line in shapely.get_parts(lines):
        if line.geom_type == "Point":
            continue
        coords = shapely.get_coordinates(line)
        if len(coords) > 1:
            segments.append(np.stack([coords[:-1], coords[1:]], axis=1))
    segs = np.concatenate(segments) if segments else np.empty((0, 2, 2))
    return vertices, segs


def distance(a: Any, b: Any) -> Distance:
    """Minimum geodesic distance between two places on the WGS84 ellipsoid.

    Parameters
    ----------
    a, b : Feature, tuple of float or shapely geometry
        ``(lon, lat)`` pairs in degrees, shapely geometries in lon/lat, or
        features. For names, use :func:`claimsmap.distance`
        (:func:`claimsmap.places.distance`), which resolves them first.

    Returns
    -------
    Distance
        Metres, km and nautical miles, the initial azimuth from ``a`` to ``b``
        and the two nearest points (lon, lat).

    Raises
    ------
    CoordinateError
        When a pair is out of range or looks like (lat, lon).

    Notes
    -----
    For lines and polygons the nearest points are the true nearest points on
    the edges (taken as geodesics), found inside segments as well as at
    vertices. Geometries that touch or overlap are 0 m apart. The distance
    between two points is Karney's geodesic inverse (through PROJ), accurate
    to a few nanometres.

    Examples
    --------
    Two points, the ends of the Taiwan Strait median line (GeographicLib gives
    599.386955 km and 41.514920°):

    >>> d = distance((118, 23), (122, 27))
    >>> round(d.km, 6), round(d.azimuth_deg, 6)
    (599.386955, 41.51492)

    A point to a line, measured inside the segment, not at a vertex:

    >>> from shapely import LineString
    >>> round(distance((0.5, 1.0), LineString([(0, 0), (1, 0)])).km, 1)
    110.6

    Touching geometries are 0 apart:

    >>> distance((0, 0), LineString([(0, 0), (1, 0)])).metres
    0.0
    """
    ga, gb = as_geometry(a), as_geometry(b)
    if ga.geom_type == "Point" and gb.geom_type == "Point":
        return _inverse((ga.x, ga.y), (gb.x, gb.y))
    if ga.intersects(gb):
        p = shapely.intersection(ga, gb).representative_point()
        return Distance(0.0, math.nan, math.nan, (p.x, p.y), (p.x, p.y))
    if ga.geom_type == "Point" or gb.geom_type == "Point":
        # A point and a shape: only the edges that can hold the minimum are
        # solved on the ellipsoid (the screening of distances_to).
        point, shape = (ga, gb) if ga.geom_type == "Point" else (gb, ga)
        _, q = _edges_of(shape).nearest(np.array([[point.x, point.y]]))
        on_shape = (float(q[0, 0]), float(q[0, 1]))
        if point is ga:
            return _inverse((point.x, point.y), on_shape)
        return _inverse(on_shape, (point.x, point.y))
    return _nearest_shapes(ga, gb)


def _segments(geom: BaseGeometry) -> np.ndarray:
    """Every edge of a geometry as (m, 2, 2) lon/lat; points are zero-length edges."""
    _, segs = _parts(geom)
    points = [
        shapely.get_coordinates(p)
        for p in shapely.get_parts(geom)
        if p.geom_type == "Point"
    ]
    if points:
        xy = np.concatenate(points)
        segs = np.concatenate([segs, np.stack([xy, xy], axis=1)])
    return segs


def _xyz(lonlat: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's mean radius, in metres (for screening)."""
    lon, lat = np.radians(lonlat[..., 0]), np.radians(lonlat[..., 1])
    return _EARTH_RADIUS * np.stack(
        [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1
    )


def _xyz_one(lon: float, lat: float) -> tuple[float, float, float]:
    """:func:`_xyz` of one point, in Python floats (the same arithmetic)."""
    lon_r, lat_r = math.radians(lon), math.radians(lat)
    cos_lat = math.cos(lat_r)
    return (
        _EARTH_RADIUS * (cos_lat * math.cos(lon_r)),
        _EARTH_RADIUS * (cos_lat * math.sin(lon_r)),
        _EARTH_RADIUS * math.sin(lat_r),
    )


def _chord_gaps(
    points: np.ndarray, segs: np.ndarray, *, chunk: int = 1024
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Screening distances from points to edges, a block of points at a time.

    Yields ``(start, gap, lower, upper)``: ``gap`` (k, m) is the 3-D distance
    on a sphere from each point to each edge's chord; ``lower`` (k, m) and
    ``upper`` (k,) bound the true geodesic distances (to each edge, and to the
    nearest edge), wide enough for the sphere, the ellipsoid and the sag of a
    chord below its arc (c**2 / 8R).
    """
    a3, b3 = _xyz(segs[:, 0]), _xyz(segs[:, 1])
    d3 = b3 - a3
    len2 = np.einsum("ij,ij->i", d3, d3)
    sag = len2 / (8 * _EARTH_RADIUS)
    for start in range(0, len(points), chunk):
        p3 = _xyz(points[start : start + chunk])
        rel = p3[:, None, :] - a3[None, :, :]
        t = np.clip(
            np.einsum("nmk,mk->nm", rel, d3) / np.where(len2 == 0, 1, len2), 0, 1
        )
        gap = np.linalg.norm(rel - t[..., None] * d3[None, :, :], axis=2)
        upper = ((gap + sag[None, :]) * 1.01 + 1.0).min(axis=1)
        yield start, gap, gap * 0.99, upper


def _ecef(lonlat: np.ndarray) -> np.ndarray:
    """Points on the WGS84 ellipsoid as Earth-centred x, y, z in metres."""
    lon, lat = np.radians(lonlat[..., 0]), np.radians(lonlat[..., 1])
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = GEOD.a / np.sqrt(1.0 - GEOD.es * sin_lat**2)
    return np.stack(
        [
            n * cos_lat * np.cos(lon),
            n * cos_lat * np.sin(lon),
            n * (1 - GEOD.es) * sin_lat,
        ],
        axis=-1,
    )


# The largest curvature of a curve on the ellipsoid that bends only with it
# (a geodesic): 1 / (b**2 / a), the meridian's at the equator.
_RHO_MIN = GEOD.b**2 / GEOD.a
_BLOCK = 4
_GROUP = 16
# Newton steps at an inner corner of a buffer are at most this long (m).
_CORNER_REACH = 12_000.0


class _Edges:
    """The edges of a source, ready to screen which can be nearest to a point.

    A geodesic is never shorter than the straight line through the Earth, and
    a geodesic edge strays from its chord by at most its sag ``L**2 / (8
    rho)`` (``rho`` the ellipsoid's smallest radius of curvature). So the
    3-D distance to an edge's chord, less its sag, is a lower bound of the
    geodesic distance to the edge; the distance to any point of an edge is an
    upper bound of the distance to the nearest edge. Edges whose lower bound
    exceeds a point's upper bound cannot be nearest and are not solved.
    Consecutive edges are grouped in blocks of :data:`_BLOCK` inside a sphere,
    so most of them are ruled out a block at a time.
    """

    def __init__(self, segs: np.ndarray) -> None:
        self.segs = segs
        m = len(segs)
        self.a3, self.b3 = _ecef(segs[:, 0]), _ecef(segs[:, 1])
        self.d3 = self.b3 - self.a3
        self.len2 = np.einsum("ij,ij->i", self.d3, self.d3)
        az, _, length = GEOD.inv(
            segs[:, 0, 0], segs[:, 0, 1], segs[:, 1, 0], segs[:, 1, 1]
        )
        self.az, self.length = np.atleast_1d(az), np.atleast_1d(length)
        self.sag = self.length**2 / (8 * _RHO_MIN) * 1.001 + 1e-6
        # Blocks of edges that follow each other along a line or ring.
        pad = -m % _BLOCK
        idx = np.concatenate([np.arange(m), np.full(pad, max(m - 1, 0))])
        self.blocks = idx.reshape(-1, _BLOCK)
        ends = np.concatenate([self.a3[self.blocks], self.b3[self.blocks]], axis=1)
        self.centre = ends.mean(axis=1)
        self.radius = (
            np.linalg.norm(ends - self.centre[:, None, :], axis=2).max(axis=1)
            + self.sag[self.blocks].max(axis=1)
            + 1e-3
        )

    def _gaps(
        self, p3: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """3-D distances from points ``p3[i]`` to chords ``j``, and where along."""
        rel = p3[i] - self.a3[j]
        t = np.clip(
            np.einsum("ij,ij->i", rel, self.d3[j])
            / np.where(self.len2[j] == 0, 1, self.len2[j]),
            0,
            1,
        )
        return np.linalg.norm(rel - t[:, None] * self.d3[j], axis=1), t

    def _upper(self, points: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Geodesic distances from points to a point of their edge ``j`` (m)."""
        lon, lat, _ = GEOD.fwd(
            self.segs[j, 0, 0], self.segs[j, 0, 1], self.az[j], t * self.length[j]
        )
        return np.atleast_1d(GEOD.inv(points[:, 0], points[:, 1], lon, lat)[2])

    def _far(self, q3: np.ndarray) -> np.ndarray:
        """3-D distances (len(q3), blocks) from points to the blocks' centres."""
        return np.sqrt(
            sum((q3[:, None, c] - self.centre[None, :, c]) ** 2 for c in range(3))
        )

    def candidates(
        self, points: np.ndarray, slack: np.ndarray | float = 0.0, *, chunk: int = 4096
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point i, edge j) such that edge j can be the nearest to point i.

        With ``slack`` (metres, per point or one for all), the pairs cover
        every point within ``slack`` of point i as well. Sorted by i, then j.
        """
        total = len(points)
        slack = np.broadcast_to(np.asarray(slack, dtype=float), (total,))
        # Points that follow each other (along a ring) are screened together,
        # _GROUP at a time; the (groups x blocks) distances are kept to a few
        # million numbers.
        chunk = max(_GROUP, min(chunk, 1_000_000 * _GROUP // max(len(self.centre), 1)))
        rows, cols = [np.empty(0, dtype=np.intp)], [np.empty(0, dtype=np.intp)]
        for start in range(0, total, chunk):
            idx = np.arange(start, min(start + chunk, total))
            block, n = points[idx], len(idx)
            p3 = _ecef(block)
            members = np.concatenate(
                [np.arange(n), np.full(-n % _GROUP, n - 1)]
            ).reshape(-1, _GROUP)
            centre = p3[members].mean(axis=1)
            spread = np.linalg.norm(p3[members] - centre[:, None, :], axis=2).max(
                axis=1
            )
            far = self._far(centre)
            # A first upper bound for each point: the nearest edge of the block
            # nearest its group's centre.
            near = np.argmin(far, axis=1)[np.arange(n) // _GROUP]
            i = np.repeat(np.arange(n), _BLOCK)
            j = self.blocks[near].ravel()
            gap, t = self._gaps(p3, i, j)
            pick = np.arange(n) * _BLOCK + np.argmin(gap.reshape(n, _BLOCK), axis=1)
            upper = self._upper(block, j[pick], t[pick])
            reach = upper + 2 * slack[idx]
            # The blocks that may hold the nearest edge of a point of a group,
            # then of each point (1 m for rounding).
            low = far - spread[:, None] - self.radius[None, :] - 1.0
            g, k = np.nonzero(low <= reach[members].max(axis=1)[:, None])
            i, k = members[g].ravel(), np.repeat(k, _GROUP)
            low = np.linalg.norm(p3[i] - self.centre[k], axis=1) - self.radius[k] - 1.0
            i, k = i[low <= reach[i]], k[low <= reach[i]]
            i = np.repeat(i, _BLOCK)
            j = self.blocks[k].ravel()
            gap, t = self._gaps(p3, i, j)
            # A second, tighter upper bound from the nearest chord found.
            by = np.lexsort((gap, i))
            first = by[np.r_[True, i[by][1:] != i[by][:-1]]]
            own = i[first]
            upper[own] = np.minimum(
                upper[own], self._upper(block[own], j[first], t[first])
            )
            keep = gap - self.sag[j] <= (upper + 2 * slack[idx])[i]
            rows.append(idx[i[keep]])
            cols.append(j[keep])
        pairs = np.unique(
            np.column_stack([np.concatenate(rows), np.concatenate(cols)]), axis=0
        )
        return pairs[:, 0], pairs[:, 1]

    def exact(
        self, points: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic distance (m) and nearest point from each point over its pairs."""
        found, q = _nearest_on_segments(points[i], self.segs[j, 0], self.segs[j, 1])
        best = np.full(len(points), np.inf)
        np.minimum.at(best, i, found)
        winner = found == best[i]
        nearest = np.full((len(points), 2), np.nan)
        nearest[i[winner]] = q[winner]
        return best, nearest

    def nearest(
        self, points: np.ndarray, *, chunk: int = 1024
    ) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic distance (m) and nearest point on the edges, for each point."""
        if len(points) == 1 and len(self.segs) <= _ONE_POINT_EDGES:
            return self._nearest_one(points)
        metres = np.empty(len(points))
        nearest = np.empty((len(points), 2))
        for start in range(0, len(points), chunk):
            block = points[start : start + chunk]
            i, j = self.candidates(block, chunk=chunk)
            got = self.exact(block, i, j)
            metres[start : start + chunk], nearest[start : start + chunk] = got
        return metres, nearest

    def _nearest_one(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`nearest` for one point (1, 2), screening every edge at once.

        The edges kept are every one that :meth:`candidates` keeps, and maybe
        a few more (the bound is that of the nearest chord alone), and each is
        solved alone: the answer is the same, without the blocks' work.
        """
        m = len(self.segs)
        gap, t = self._gaps(_ecef(point), np.zeros(m, dtype=np.intp), np.arange(m))
        k = int(np.argmin(gap))
        upper = self._upper(point, np.array([k]), t[k : k + 1])[0]
        lower = gap - self.sag
        j = np.flatnonzero(lower <= upper)
        if len(j) > _ONE_BY_ONE:
            return self.exact(point, np.zeros(len(j), dtype=np.intp), j)
        # One by one, nearest lower bound first: an edge whose lower bound is
        # past the nearest distance found cannot be nearest, and is passed over.
        lon, lat = point[0].tolist()
        best, solved = math.inf, {}
        for r in j[np.argsort(lower[j], kind="stable")].tolist():
            if lower[r] > best:
                break
            (a_lon, a_lat), (b_lon, b_lat) = self.segs[r].tolist()
            solved[r] = _nearest_on_segment(lon, lat, a_lon, a_lat, b_lon, b_lat)
            best = min(best, solved[r][0])
        # As exact(): of edges equally near, the last one's point.
        found = [solved[r] for r in sorted(solved)]
        metres = min(f[0] for f in found)
        where = [f[1] for f in found if f[0] == metres][-1]
        return np.array([metres]), np.array([where])


# Shapes with at most this many vertices keep their edges for the next query.
_KEPT_EDGES_VERTICES = 20_000


def _edges_of(shape: BaseGeometry) -> _Edges:
    """The screened edges of a shape; kept for the last few small shapes."""
    if shapely.get_num_coordinates(shape) > _KEPT_EDGES_VERTICES:
        return _Edges(_segments(shape))
    return _kept_edges(shapely.to_wkb(shape))


@functools.lru_cache(maxsize=32)
def _kept_edges(wkb: bytes) -> _Edges:
    """The edges of the shape written as ``wkb`` (exact: WKB keeps every bit)."""
    return _Edges(_segments(shapely.from_wkb(wkb)))


# Sources of at most this many edges are screened edge by edge for one point.
_ONE_POINT_EDGES = 2048


def _nearest_on_edges(
    points: np.ndarray, segs: np.ndarray, *, chunk: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Exact geodesic distance from each point to the nearest of the edges.

    Candidate edges are screened with chord distances (:class:`_Edges`);
    the survivors are solved on the ellipsoid. Returns metres (n,) and the
    nearest points (n, 2).
    """
    return _Edges(segs).nearest(points, chunk=chunk)


def distances_to(points: Any, geometry: Any) -> np.ndarray:
    """Geodesic distances from many points to one geometry, in metres.

    Parameters
    ----------
    points : array_like of shape (n, 2)
        (lon, lat) pairs in degrees.
    geometry : Feature or shapely geometry
        What to measure to (lon/lat degrees); points inside a polygon are 0 m
        from it.

    Returns
    -------
    numpy.ndarray
        Metres on the WGS84 ellipsoid, one per point, each the true minimum
        over the geometry's geodesic edges (see :func:`distance`).

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(0, 0), (1, 0)])
    >>> [round(float(m), 3) for m in distances_to([(0.5, 1.0), (0.5, 0.0)], line)]
    [110574.389, 0.0]
    """
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    for lon, lat in xy:
        check_lonlat(lon, lat)
    geom = as_geometry(geometry)
    metres, _ = _nearest_on_edges(xy, _segments(geom))
    if geom.geom_type.endswith("Polygon"):
        metres[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])] = 0.0
    return metres


def _nearest_along(
    p: np.ndarray, a: np.ndarray, b: np.ndarray, start: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest points to ``p[i]`` on the geodesic segments ``a[i]``-``b[i]``.

    All arrays are (k, 2) lon/lat; ``start`` (k,) is where to begin on each
    segment, as a fraction of its length (the middle by default). The point
    on the segment moves by the along-track distance of ``p`` from it (exact
    on a sphere; on the ellipsoid each step leaves about the flattening times
    the last error) until a step is under 0.1 mm; the distance from ``p``
    along a geodesic has one minimum on any stretch shorter than half the
    globe, so the point it stops at, or an end of the segment, is the nearest.
    The answer agrees with :func:`_nearest_on_segments` to a millimetre in a
    few geodesic solutions instead of some thirty; a segment whose steps do
    not settle is left to that function. Returns metres (k,) and points (k, 2).
    """
    az, _, seg = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    az, seg = np.atleast_1d(az), np.atleast_1d(seg)
    s = seg * (0.5 if start is None else np.clip(start, 0.0, 1.0))
    todo = _settle(p, a, az, s, seg, steps=_ALONG_STEPS, tolerance=_ALONG_TOLERANCE)
    lon, lat, _ = GEOD.fwd(a[:, 0], a[:, 1], az, s)
    q = np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)])
    # The ends compete: where the minimum is at an end the steps stop at it.
    trial = np.stack([q, a, b], axis=1)
    d = np.reshape(
        GEOD.inv(
            np.repeat(p[:, 0], 3),
            np.repeat(p[:, 1], 3),
            trial[..., 0].ravel(),
            trial[..., 1].ravel(),
        )[2],
        (-1, 3),
    )
    best = np.argmin(d, axis=1)
    rows = np.arange(len(seg))
    metres, points = d[rows, best], trial[rows, best]
    if len(todo):
        metres[todo], points[todo] = _nearest_on_segments(p[todo], a[todo], b[todo])
    return metres, points


def _nearest_on_segment(
    lon: float, lat: float, a_lon: float, a_lat: float, b_lon: float, b_lat: float
) -> tuple[float, tuple[float, float]]:
    """:func:`_nearest_on_segments` of one point and one segment, in Python floats.

    The same steps in the same arithmetic, so the same metres and point to
    the bit, without the cost of arrays of one.
    """
    az, _, seg = GEOD.inv(a_lon, a_lat, b_lon, b_lat)
    s, _ = _settle_one(
        lon, lat, a_lon, a_lat, az, seg / 2, seg, _FOOT_STEPS, _FOOT_TOLERANCE
    )
    found = []
    for along in (s, 0.0, seg):
        q_lon, q_lat, _ = GEOD.fwd(a_lon, a_lat, az, along)
        found.append((GEOD.inv(lon, lat, q_lon, q_lat)[2], (q_lon, q_lat)))
    # The first of the nearest, as argmin takes it.
    return min(found, key=lambda f: f[0])


def _step_along(
    lon: float, lat: float, a_lon: float, a_lat: float, az: float, s: float, seg: float
) -> float:
    """One step of the foot of the perpendicular along a segment, in floats.

    From ``s`` metres along the geodesic from (a_lon, a_lat) at azimuth
    ``az``, the along-track distance of the point, kept within 0..seg: the
    arithmetic of the array versions, element by element.
    """
    q_lon, q_lat, back = GEOD.fwd(a_lon, a_lat, az, s)
    towards, _, d = GEOD.inv(q_lon, q_lat, lon, lat)
    angle = math.radians(towards - back - 180.0)
    sigma = d / _EARTH_RADIUS
    # numpy's arctan2, as the arrays use (the C library's may differ).
    turn = np.arctan2(math.sin(sigma) * math.cos(angle), math.cos(sigma))
    return _clip(s + _EARTH_RADIUS * float(turn), 0.0, seg)


def _settle_one(
    lon: float,
    lat: float,
    a_lon: float,
    a_lat: float,
    az: float,
    s: float,
    seg: float,
    steps: int,
    tolerance: float,
) -> tuple[float, bool]:
    """:func:`_settle` of one foot, in floats: the foot, and whether it settled."""
    for _ in range(steps):
        new = _step_along(lon, lat, a_lon, a_lat, az, s, seg)
        settled = abs(new - s) <= tolerance
        s = new
        if settled:
            return s, True
    return s, False


def _clip(x: float, lo: float, hi: float) -> float:
    """``numpy.clip`` of one number (the same comparisons, the same zeros)."""
    x = x if x > lo else lo
    return x if x < hi else hi


def _nearest_along_one(
    lon: float,
    lat: float,
    a_lon: float,
    a_lat: float,
    b_lon: float,
    b_lat: float,
    start: float,
) -> float:
    """:func:`_nearest_along` of one point and one segment, in Python floats.

    The same steps in the same arithmetic (PROJ's geodesic solutions, the
    same trigonometry), so the same metres to the bit, without the cost of
    arrays of one. A segment whose steps do not settle is left to
    :func:`_nearest_on_segments`, as there.
    """
    az, _, seg = GEOD.inv(a_lon, a_lat, b_lon, b_lat)
    s, settled = _settle_one(
        lon,
        lat,
        a_lon,
        a_lat,
        az,
        seg * _clip(start, 0.0, 1.0),
        seg,
        _ALONG_STEPS,
        _ALONG_TOLERANCE,
    )
    if not settled:
        p, a, b = (
            np.array([[lon, lat]]),
            np.array([[a_lon, a_lat]]),
            np.array([[b_lon, b_lat]]),
        )
        return float(_nearest_on_segments(p, a, b)[0][0])
    q_lon, q_lat, _ = GEOD.fwd(a_lon, a_lat, az, s)
    # The ends compete: where the minimum is at an end the steps stop at it.
    return min(
        GEOD.inv(lon, lat, q_lon, q_lat)[2],
        GEOD.inv(lon, lat, a_lon, a_lat)[2],
        GEOD.inv(lon, lat, b_lon, b_lat)[2],
    )


def _chords(segs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (m, 2, 2) lon/lat as chords in 3-D: starts, vectors and pads.

    Every point of an edge's geodesic lies within ``pad`` metres of its
    chord: the arc's sag above the chord, and room for the ellipsoid's
    geodesic straying from the sphere's arc (about a millionth of the length).
    """
    a3 = _xyz(segs[:, 0])
    d3 = _xyz(segs[:, 1]) - a3
    len2 = np.einsum("ij,ij->i", d3, d3)
    half2 = len2 / 4
    sag = half2 / (_EARTH_RADIUS + np.sqrt(np.maximum(_EARTH_RADIUS**2 - half2, 0)))
    return a3, d3, sag + 1e-3 * np.sqrt(len2) + 1e-3


def _squared_lengths(d3: np.ndarray) -> np.ndarray:
    """Squared lengths of chords (..., 3), with 1 for a chord of length 0."""
    len2 = np.sum(d3 * d3, axis=-1)
    return np.where(len2 == 0, 1, len2)


def _pieces(
    segs: np.ndarray,
    owner: np.ndarray,
    a3: np.ndarray,
    d3: np.ndarray,
    pad: np.ndarray,
    piece: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs of edges, each in a ball in 3-D: starts, counts, centres, radii.

    A run is consecutive edges of one geometry (``owner``) that join end to
    end, at most ``piece`` long; a long edge is a run of its own. Every point
    of each edge's geodesic lies within its run's radius of the centre.
    """
    b3 = a3 + d3
    len2 = np.einsum("ij,ij->i", d3, d3)
    m = len(segs)
    new = np.zeros(m, dtype=bool)
    new[0] = True
    new[1:] = (owner[1:] != owner[:-1]) | np.any(segs[1:, 0] != segs[:-1, 1], axis=1)
    long = len2 > 50_000.0**2
    new |= long
    new[1:] |= long[:-1]
    k = np.arange(m)
    run = np.maximum.accumulate(np.where(new, k, 0))
    new |= (k - run) % piece == 0
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, m))
    centres = np.add.reduceat(a3 + b3, starts) / (2 * counts[:, None])
    which = np.repeat(np.arange(len(starts)), counts)
    reach = np.maximum(
        np.linalg.norm(a3 - centres[which], axis=1),
        np.linalg.norm(b3 - centres[which], axis=1),
    )
    return starts, counts, centres, np.maximum.reduceat(reach + pad, starts)


def _runs(n: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Starts and counts of consecutive runs of ``size`` of ``n`` items."""
    starts = np.arange(0, n, size)
    return starts, np.minimum(size, n - starts)


def _pairs(
    starts_a: np.ndarray,
    counts_a: np.ndarray,
    starts_b: np.ndarray,
    counts_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) of the runs ``a[k]`` by ``b[k]``, for each k, as two arrays."""
    sizes = counts_a * counts_b
    pair = np.repeat(np.arange(len(sizes)), sizes)
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    cb = counts_b[pair]
    return starts_a[pair] + within // cb, starts_b[pair] + within % cb


def _bounds(
    rel: np.ndarray, d3: np.ndarray, pad: np.ndarray, len2: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds of geodesic distances from points to edges.

    ``rel`` is each point less its edge's chord start in 3-D (broadcast
    against ``d3`` and ``pad``); returns the bounds in metres and where along
    each chord the point projects (0..1). A distance on the ellipsoid is
    within :data:`_ELLIPSOID_LOW` .. :data:`_ELLIPSOID_HIGH` of the sphere's.
    ``len2`` is the squared lengths of the chords, with 1 for an empty one
    (computed when not given).
    """
    if len2 is None:
        len2 = _squared_lengths(d3)
    t = np.clip(np.sum(rel * d3, axis=-1) / len2, 0, 1)
    off = rel - t[..., None] * d3
    gap = np.sqrt(np.einsum("...i,...i->...", off, off))
    chord = np.minimum(1.0, (gap + pad) / (2 * _EARTH_RADIUS))
    upper = _ELLIPSOID_HIGH * 2 * _EARTH_RADIUS * np.arcsin(chord) + 1.0
    return _ELLIPSOID_LOW * (gap - pad), upper, t


def _candidate_pairs(
    verts: np.ndarray,
    v3: np.ndarray,
    segs: np.ndarray,
    a3: np.ndarray,
    d3: np.ndarray,
    pad: np.ndarray,
    piece: int,
    least: float,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The vertex-edge pairs (as index arrays) that may hold the minimum.

    Every pair of a small geometry; else the pairs of the runs of ``piece``
    vertices and of edges whose balls in 3-D may come closer than an upper
    bound of the minimum (``least``, or a vertex's distance to an edge's
    end), about a million pairs at a time.
    """
    if len(verts) * len(segs) <= 4 * piece * piece:
        yield (
            np.repeat(np.arange(len(verts)), len(segs)),
            np.tile(np.arange(len(segs)), len(verts)),
        )
        return
    starts, counts, centres, radii = _pieces(
        segs, np.zeros(len(segs), dtype=int), a3, d3, pad, piece
    )
    vstarts, vcounts = _runs(len(verts), piece)
    vcentres = np.add.reduceat(v3, vstarts) / vcounts[:, None]
    vreach = np.maximum.reduceat(
        np.linalg.norm(v3 - np.repeat(vcentres, vcounts, axis=0), axis=1), vstarts
    )
    # A lower bound (m) between each run of vertices and each run of edges.
    gap = np.linalg.norm(vcentres[:, None, :] - centres[None, :, :], axis=2)
    low = _ELLIPSOID_LOW * (gap - vreach[:, None] - radii[None, :])
    # An upper bound: the vertex and edge end nearest in the likeliest pair.
    i, j = np.unravel_index(int(np.argmin(low)), low.shape)
    vi, ej = _pairs(vstarts[[i]], vcounts[[i]], starts[[j]], counts[[j]])
    k = int(np.argmin(np.linalg.norm(v3[vi] - a3[ej], axis=1)))
    (v_lon, v_lat), (e_lon, e_lat) = verts[vi[k]], segs[ej[k], 0]
    least = min(least, float(GEOD.inv(v_lon, v_lat, e_lon, e_lat)[2]))
    bi, pj = np.nonzero(low <= least)
    sizes = vcounts[bi] * counts[pj]
    block = np.cumsum(sizes) // 1_000_000
    for part in np.unique(block):
        chosen = block == part
        yield _pairs(
            vstarts[bi[chosen]],
            vcounts[bi[chosen]],
            starts[pj[chosen]],
            counts[pj[chosen]],
        )


def _apart(a: BaseGeometry, b: BaseGeometry) -> float:
    """Minimum geodesic distance between two geometries, in metres (0 if they touch)."""
    return 0.0 if a.intersects(b) else _nearest_shapes(a, b).metres


def _nearest_shapes(a: BaseGeometry, b: BaseGeometry, *, piece: int = 64) -> Distance:
    """The nearest points of two geometries that do not touch, and their distance.

    The least of every vertex of one to every edge of the other (edges as
    geodesics). Runs of ``piece`` vertices and of ``piece`` edges are each
    bounded by a ball in 3-D; only the vertex-edge pairs of the runs whose
    balls may hold the minimum are bounded by chords, and only the pairs whose
    lower bound is under the least upper bound are solved on the ellipsoid.
    """
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]] = []
    least = np.inf
    for one, other, forward in ((a, b, True), (b, a, False)):
        verts = shapely.get_coordinates(one)
        segs = _segments(other)
        if not (len(verts) and len(segs)):
            continue
        v3 = _xyz(verts)
        a3, d3, pad = _chords(segs)
        len2 = _squared_lengths(d3)
        for vi, ej in _candidate_pairs(verts, v3, segs, a3, d3, pad, piece, least):
            lower, upper, t = _bounds(v3[vi] - a3[ej], d3[ej], pad[ej], len2[ej])
            least = min(least, float(upper.min()))
            keep = lower <= least
            found.append(
                (verts[vi[keep]], segs[ej[keep]], lower[keep], t[keep], forward)
            )
    here = np.concatenate([f[0] for f in found])
    segs = np.concatenate([f[1] for f in found])
    lower = np.concatenate([f[2] for f in found])
    t = np.concatenate([f[3] for f in found])
    forwards = np.concatenate([np.full(len(f[0]), f[4]) for f in found])
    keep = lower <= least
    metres, q = _nearest_along(here[keep], segs[keep, 0], segs[keep, 1], t[keep])
    k = int(np.argmin(metres))
    vertex = (float(here[keep][k, 0]), float(here[keep][k, 1]))
    on_edge = (float(q[k, 0]), float(q[k, 1]))
    if forwards[keep][k]:
        return _inverse(vertex, on_edge)
    return _inverse(on_edge, vertex)


def distance_matrix(
    sources: Sequence[BaseGeometry], targets: Sequence[BaseGeometry]
) -> np.ndarray:
    """Minimum geodesic distances from every source to every target, in metres.

    Parameters
    ----------
    sources, targets : sequence of shapely geometry
        Geometries in lon/lat degrees.

    Returns
    -------
    numpy.ndarray
        Shape (len(sources), len(targets)): metres on WGS84, each what
        :func:`distance` gives for the pair. Points to points are solved at
        once; a point to a line or polygon through a :class:`NearestIndex` of
        it, built once; two lines or polygons by bounding every vertex-edge
        pair by chords and solving only those that can hold the minimum.

    Examples
    --------
    >>> from shapely import Point, box
    >>> places = [Point(0, 0), box(2, 0, 3, 1)]
    >>> m = distance_matrix(places, [Point(1, 0), Point(2.5, 0.5)])
    >>> [[round(float(v) / 1000, 3) for v in row] for row in m]
    [[111.319, 283.734], [111.319, 0.0]]
    """
    a, b = list(sources), list(targets)
    out = np.empty((len(a), len(b)))
    ia = [i for i, g in enumerate(a) if g.geom_type == "Point"]
    ib = [j for j, g in enumerate(b) if g.geom_type == "Point"]
    if ia and ib:
        pa = np.array([(a[i].x, a[i].y) for i in ia])
        pb = np.array([(b[j].x, b[j].y) for j in ib])
        x, y = np.repeat(pa, len(ib), axis=0), np.tile(pb, (len(ia), 1))
        metres = GEOD.inv(x[:, 0], x[:, 1], y[:, 0], y[:, 1])[2]
        out[np.ix_(ia, ib)] = np.reshape(metres, (len(ia), len(ib)))
    for j, g in enumerate(b):
        if j not in ib and ia:
            index = NearestIndex([g])
            for i in ia:
                out[i, j] = index.nearest(a[i].x, a[i].y)[1]  # type: ignore[index]
    for i, g in enumerate(a):
        if i in ia:
            continue
        index = NearestIndex([g])
        for j in range(len(b)):
            if j in ib:
                out[i, j] = index.nearest(b[j].x, b[j].y)[1]  # type: ignore[index]
            else:
                out[i, j] = _apart(g, b[j])
    return out


# Bounds of a geodesic distance on WGS84 from a great-circle one on the sphere
# of radius _EARTH_RADIUS through the same (lon, lat): the ellipsoid's radii of
# curvature lie between 0.9944 and 1.0045 times that radius.
_ELLIPSOID_LOW, _ELLIPSOID_HIGH = 0.99, 1.01
# A point query measures at most this many edges one by one (else as arrays).
_ONE_BY_ONE = 32


class NearestIndex:
    """The nearest of many geometries to a point, exactly, query after query.

    Built once from geometries in lon/lat degrees; each query then measures
    (as :func:`distance` does, edges as geodesics, to a millimetre) only the
    few edges that can hold the minimum. Edges are grouped into pieces of up
    to ``piece`` consecutive edges, each bounded by a ball in 3-D around it;
    a piece, and then an edge, is passed over only when a lower bound of its
    geodesic distance exceeds an upper bound of the nearest one, so the answer
    is the one measuring every edge would give.

    Parameters
    ----------
    geometries : sequence of shapely geometry
        Points, lines and polygons in lon/lat degrees (the order is the order
        that breaks ties).
    piece : int
        Most edges in one piece.

    Examples
    --------
    >>> from shapely import LineString, box
    >>> line = LineString([(3, 0), (3, 1)])
    >>> index = NearestIndex([box(0, 0, 1, 1), line])
    >>> i, metres = index.nearest(2.2, 0.5)
    >>> i, round(metres, 3) == round(distance((2.2, 0.5), line).metres, 3)
    (1, True)

    A point a geometry covers (its boundary included) is 0 m from it:

    >>> index.nearest(1.0, 0.5)
    (0, 0.0)
    """

    def __init__(self, geometries: Sequence[BaseGeometry], *, piece: int = 64):
        geoms = np.empty(len(geometries), dtype=object)
        geoms[:] = list(geometries)
        shapely.prepare(geoms)
        self._geoms = geoms
        self._tree = shapely.STRtree(geoms)
        parts = [(i, _segments(g)) for i, g in enumerate(geoms) if not g.is_empty]
        parts = [(i, s) for i, s in parts if len(s)]
        if not parts:
            self._segs = np.empty((0, 2, 2))
            return
        segs = np.concatenate([s for _, s in parts])
        owner = np.concatenate([np.full(len(s), i) for i, s in parts])
        a3, d3, pad = _chords(segs)
        starts, counts, centres, radii = _pieces(segs, owner, a3, d3, pad, piece)
        self._segs, self._owner = segs, owner
        self._a3, self._d3, self._pad = a3, d3, pad
        self._len2 = _squared_lengths(d3)
        self._starts, self._counts = starts, counts
        self._centres = centres
        # The centres' coordinates apart, for the distances of every query.
        self._cx, self._cy, self._cz = (centres[:, c].copy() for c in range(3))
        self._radii = radii

    def _covering(self, lon: float, lat: float) -> np.ndarray:
        """Positions of the geometries that cover the point, ascending."""
        near = self._tree.query(Point(lon, lat))
        return np.sort(near[shapely.intersects_xy(self._geoms[near], lon, lat)])

    def _edges(
        self, p3: np.ndarray, low: np.ndarray, bound: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Edges of the pieces that may lie within ``bound`` metres of ``p3``.

        Returns their positions, lower and upper bounds of their geodesic
        distances, and where along each chord the point projects (0..1).
        """
        keep = np.flatnonzero(_ELLIPSOID_LOW * low <= bound)
        counts = self._counts[keep]
        offsets = np.repeat(self._starts[keep] - np.cumsum(counts) + counts, counts)
        idx = offsets + np.arange(int(counts.sum()))
        # The distance to an edge's chord bounds its geodesic distance.
        lower, upper, t = _bounds(
            p3 - self._a3[idx], self._d3[idx], self._pad[idx], self._len2[idx]
        )
        return idx, lower, upper, t

    def _measure(
        self, lon: float, lat: float, idx: np.ndarray, t: np.ndarray
    ) -> np.ndarray:
        """Exact geodesic distances from the point to these edges, in metres."""
        segs = self._segs[idx]
        here = np.repeat(np.array([[lon, lat]]), len(idx), axis=0)
        return _nearest_along(here, segs[:, 0], segs[:, 1], t)[0]

    def _measure_nearest(
        self, lon: float, lat: float, idx: np.ndarray, lower: np.ndarray, t: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The edges within a millimetre of the nearest, and their distances.

        Edges are measured one by one (each as :meth:`_measure` does), in the
        order of their lower bounds, until the next lower bound is more than
        a millimetre past the nearest distance found: the edges passed over
        cannot change which geometry is nearest, nor its distance. Returns
        the positions of the edges measured and their distances (m).
        """
        measured, found = [], []
        best = math.inf
        for r in np.argsort(lower, kind="stable").tolist():
            if lower[r] > best + 1e-3:
                break
            (a_lon, a_lat), (b_lon, b_lat) = self._segs[idx[r]].tolist()
            metres = _nearest_along_one(
                lon, lat, a_lon, a_lat, b_lon, b_lat, float(t[r])
            )
            measured.append(r)
            found.append(metres)
            best = min(best, metres)
        return idx[measured], np.array(found)

    def nearest(self, lon: float, lat: float) -> tuple[int, float] | None:
        """The nearest geometry to a point and its geodesic distance.

        Parameters
        ----------
        lon, lat : float
            The point, in degrees (longitude first).

        Returns
        -------
        tuple of (int, float) or None
            The position of the nearest geometry in the sequence the index
            was built from, and its distance in metres on WGS84 (0 where the
            geometry covers the point). Of geometries within a millimetre of
            the nearest, the first. None when there are no geometries.
        """
        lon, lat = check_lonlat(lon, lat)
        if not len(self._geoms):
            return None
        covering = self._covering(lon, lat)
        if len(covering):
            return int(covering[0]), 0.0
        if not len(self._segs):
            return None
        x, y, z = _xyz_one(lon, lat)
        p3 = np.array([x, y, z])
        far = (self._cx - x) ** 2 + (self._cy - y) ** 2 + (self._cz - z) ** 2
        low = np.sqrt(far) - self._radii
        # An upper bound: the exact distance to a vertex of the likeliest piece.
        k = int(np.argmin(low))
        span = np.arange(self._starts[k], self._starts[k] + self._counts[k])
        v = self._segs[span[np.argmin(np.linalg.norm(self._a3[span] - p3, axis=1))], 0]
        bound = float(GEOD.inv(lon, lat, v[0], v[1])[2])
        idx, lower, upper, t = self._edges(p3, low, bound)
        keep = lower <= min(bound, float(upper.min()))
        idx, lower, t = idx[keep], lower[keep], t[keep]
        if len(idx) > _ONE_BY_ONE:
            metres = self._measure(lon, lat, idx, t)
        else:
            idx, metres = self._measure_nearest(lon, lat, idx, lower, t)
        owner = self._owner[idx]
        first = int(owner[metres <= metres.min() + 1e-3].min())
        return first, float(metres[owner == first].min())

    def within(
        self, lon: float, lat: float, metres: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every geometry within a geodesic distance of a point.

        Parameters
        ----------
        lon, lat : float
            The point, in degrees (longitude first).
        metres : float
            The distance, in metres on WGS84; a geometry exactly that far
            counts.

        Returns
        -------
        positions : numpy.ndarray
            Positions of the geometries in the sequence the index was built
            from, ascending.
        distances : numpy.ndarray
            Their geodesic distances from the point, in metres (0 where a
            geometry covers the point).

        Examples
        --------
        >>> from shapely import box
        >>> index = NearestIndex([box(0, 0, 1, 1), box(3, 0, 4, 1)])
        >>> where, far = index.within(1.5, 0.5, 100_000)
        >>> where.tolist(), [round(float(m), 2) for m in far]
        ([0], [55657.64])
        """
        lon, lat = check_lonlat(lon, lat)
        covering = self._covering(lon, lat)
        found = np.zeros(len(self._geoms), dtype=bool)
        best = np.full(len(self._geoms), np.inf)
        found[covering], best[covering] = True, 0.0
        if len(self._segs):
            p3 = _xyz(np.array([lon, lat]))
            low = np.linalg.norm(self._centres - p3, axis=1) - self._radii
            idx, lower, upper, t = self._edges(p3, low, metres)
            owner = self._owner[idx]
            # An edge may hold its geometry's minimum only if its lower bound
            # is under the least upper bound of that geometry's edges.
            least = np.full(len(self._geoms), np.inf)
            np.minimum.at(least, owner, upper)
            keep = (lower <= np.minimum(metres, least[owner])) & ~found[owner]
            idx, owner = idx[keep], owner[keep]
            np.minimum.at(best, owner, self._measure(lon, lat, idx, t[keep]))
        where = np.flatnonzero(best <= metres)
        return where, best[where]


def _circle_vertices(metres: float, tolerance_m: float) -> int:
    """How many vertices keep a circle's chords within ``tolerance_m``."""
    angular = metres / _EARTH_RADIUS
    step = 2 * math.acos(
        max(-1.0, 1 - tolerance_m / (_EARTH_RADIUS * math.sin(angular)))
    )
    return max(36, min(7200, math.ceil(2 * math.pi / step)))


def _unwrap(lon: np.ndarray, centre: float) -> np.ndarray:
    """Longitudes shifted by whole turns to lie within 180° of ``centre``."""
    return centre + (lon - centre + 180.0) % 360.0 - 180.0


def _rewrap(geom: BaseGeometry) -> BaseGeometry:
    """Cut a geometry built in unwrapped longitudes back into -180..180."""
    xmin, _, xmax, _ = geom.bounds
    if xmin >= -180 and xmax <= 180:
        return geom
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        window = shapely.box(-180 - shift, -90, 180 - shift, 90)
        piece = shapely.intersection(geom, window)
        if not piece.is_empty:
            parts.append(
                shapely.transform(piece, lambda xy, s=shift: xy + np.array([s, 0.0]))
            )
    return shapely.union_all(parts)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """Every polygon in a geometry, however nested (make_valid nests them)."""
    out: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            out.append(part)
        elif part.geom_type in {"MultiPolygon", "GeometryCollection"}:
            out.extend(_polygons(part))
    return out


def _drop_slivers(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    """Remove polygons and holes smaller than ``min_area`` (square degrees).

    A union of pieces whose edges nearly coincide leaves slivers a few
    nanodegrees wide; they are artefacts, not parts of the limit.
    """
    polys = []
    for poly in _polygons(geom):
        if poly.area < min_area:
            continue
        holes = [r for r in poly.interiors if Polygon(r).area >= min_area]
        polys.append(Polygon(poly.exterior, holes))
    return shapely.union_all(polys)


def _to_corners(
    moved: np.ndarray, idx: np.ndarray, edges: _Edges, metres: float
) -> None:
    """Move points near an inner corner of the limit onto it, in place.

    At the corner two parts of the source (two edges, or an edge and a
    vertex) are both ``metres`` away. For each point the two nearest parts
    are found, and Newton's method on the two geodesic distances (their
    gradients are the unit vectors away from the nearest points) finds the
    corner to 0.1 mm. A point that does not converge is left where it is.
    Newton steps longer than 10 km are refused, so only the edges within
    10 km of the nearest can take part (:meth:`_Edges.candidates`).
    """
    if not len(idx):
        return
    points = moved[idx]
    i, j = edges.candidates(points, _CORNER_REACH)
    d, q = _nearest_on_segments(points[i], edges.segs[j, 0], edges.segs[j, 1])
    ends = np.searchsorted(i, np.arange(len(idx) + 1))
    segs = edges.segs
    for n, k in enumerate(idx):
        own = slice(ends[n], ends[n + 1])
        order = np.argsort(d[own])
        cand, near = j[own][order], q[own][order]
        apart = np.atleast_1d(
            GEOD.inv(
                near[1:, 0],
                near[1:, 1],
                np.full(len(near) - 1, near[0, 0]),
                np.full(len(near) - 1, near[0, 1]),
            )[2]
        )
        others = np.nonzero(apart > 1.0)[0]
        if not len(others):
            continue
        pair = np.array([cand[0], cand[1 + others[0]]])
        p = moved[k].copy()
        for _ in range(20):
            dist, foot = _nearest_on_segments(
                np.repeat(p[None, :], 2, axis=0), segs[pair, 0], segs[pair, 1]
            )
            if np.all(np.abs(dist - metres) <= 1e-4):
                moved[k] = p
                break
            # Azimuths at p pointing away from each nearest point.
            _, back, _ = GEOD.inv(
                foot[:, 0], foot[:, 1], np.full(2, p[0]), np.full(2, p[1])
            )
            away = np.radians(np.asarray(back) + 180.0)
            jac = np.column_stack(
                [np.sin(away), np.cos(away)]
            )  # d(dist)/d(east, north)
            try:
                step = np.linalg.solve(jac, metres - dist)
            except np.linalg.LinAlgError:
                break
            length = float(np.hypot(*step))
            if length > 10_000:
                break
            lon, lat, _ = GEOD.fwd(p[0], p[1], math.degrees(math.atan2(*step)), length)
            p = np.array([lon, lat])


def _restrict(
    i: np.ndarray, j: np.ndarray, n: int, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j) of the points ``idx`` (of n), renumbered 0..len(idx)."""
    pos = np.full(n, -1)
    pos[idx] = np.arange(len(idx))
    keep = pos[i] >= 0
    return pos[i[keep]], j[keep]


def _onto_limit(
    coords: np.ndarray, edges: _Edges, metres: float, tolerance_m: float
) -> np.ndarray:
    """Move points (unwrapped lon/lat) to exactly ``metres`` from the edges.

    Each point lies within about ``tolerance_m`` of the limit (it is a vertex
    of the union of the envelope's pieces). It moves along the geodesic from
    its nearest point ``q`` on the edges through it: to ``metres`` from ``q``
    where ``q`` stays the nearest, and elsewhere (the corner between two
    circles, where another part is nearer) to where the distance to the
    whole source along that geodesic first reaches ``metres``, bracketed a
    few tolerances beyond the point and bisected to 0.1 mm. Where the
    distance never reaches ``metres`` along that geodesic (an inner corner,
    where two parts of the limit meet at an angle), see :func:`_to_corners`.
    """
    wrapped = coords.copy()
    wrapped[:, 0] = _unwrap(coords[:, 0], 0.0)
    away, near = edges.nearest(wrapped)
    az, _, _ = GEOD.inv(near[:, 0], near[:, 1], wrapped[:, 0], wrapped[:, 1])
    az = np.atleast_1d(az)

    def along(idx: np.ndarray, t: np.ndarray) -> np.ndarray:
        lon, lat, _ = GEOD.fwd(near[idx, 0], near[idx, 1], az[idx], t)
        return np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)])

    every = np.arange(len(coords))
    moved = wrapped.copy()
    first = along(every, np.full(len(coords), metres))
    r, _ = edges.nearest(first)
    exact = np.abs(r - metres) <= 1e-4
    moved[exact] = first[exact]
    todo = every[~exact]
    if len(todo):
        step = max(4.0 * tolerance_m, 1.0)
        lo = np.minimum(away[todo], metres)  # the distance there is <= metres
        hi = lo + step
        # Every point tried below lies on its geodesic within 6 steps of lo:
        # the edges that can be nearest to any of them are found once.
        i, j = edges.candidates(along(todo, lo + 3 * step), 3 * step)

        def reach(sub: np.ndarray, t: np.ndarray) -> np.ndarray:
            """Distance to the source at t along the geodesics of todo[sub]."""
            si, sj = _restrict(i, j, len(todo), sub)
            return edges.exact(along(todo[sub], t), si, sj)[0]

        open_ = np.ones(len(todo), dtype=bool)
        for _ in range(6):  # widen a little until the distance passes metres
            idx = np.nonzero(open_)[0]
            reached = reach(idx, hi[idx]) >= metres
            lo[idx[~reached]] = hi[idx[~reached]]
            hi[idx[~reached]] += step
            open_[idx[reached]] = False
            if not open_.any():
                break
        ok = np.nonzero(~open_)[0]
        _to_corners(moved, todo[open_], edges, metres)
        lo, hi = lo[ok], hi[ok]
        while len(ok) and float(np.max(hi - lo)) > 1e-4:
            mid = (lo + hi) / 2
            inside = reach(ok, mid) < metres
            lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
        if len(ok):
            moved[todo[ok]] = along(todo[ok], (lo + hi) / 2)
    moved[:, 0] = coords[:, 0] + _unwrap(moved[:, 0] - wrapped[:, 0], 0.0)
    return moved


def _moved_onto_limit(
    geom: BaseGeometry, edges: _Edges, metres: float, tolerance_m: float
) -> BaseGeometry:
    """Every vertex moved onto the limit; the rings rebuilt closed and valid."""
    polys = _polygons(geom)
    rings = [np.asarray(r.coords) for p in polys for r in (p.exterior, *p.interiors)]
    moved = _onto_limit(np.concatenate(rings), edges, metres, tolerance_m)
    ends = np.cumsum([len(r) for r in rings])
    new_rings = []
    for ring in np.split(moved, ends[:-1]):
        ring[-1] = ring[0]
        new_rings.append(ring)
    built, k = [], 0
    for p in polys:
        count = 1 + len(p.interiors)
        poly = Polygon(new_rings[k], new_rings[k + 1 : k + count])
        built.append(poly if poly.is_valid else shapely.make_valid(poly))
        k += count
    result = shapely.union_all(built) if len(built) > 1 else built[0]
    if not result.is_valid:
        result = shapely.make_valid(result)
    result = _drop_slivers(result, (tolerance_m / 1.1e5) ** 2)
    # Each part of a buffer holds part of its source; a fold cut off as a
    # part of its own holds none and goes.
    seeds = shapely.points(edges.segs[:, 0])
    parts = [p for p in _polygons(result) if shapely.intersects(p, seeds).any()]
    result = shapely.union_all(parts) if parts else result
    # A fold that make_valid closes off becomes a hole; a hole within the
    # distance of the source is no hole.
    return _fill_false_holes(result, edges.segs, metres)


def _fill_false_holes(
    geom: BaseGeometry, segs: np.ndarray, metres: float
) -> BaseGeometry:
    """Fill the holes of a union that lie within ``metres`` of the source.

    A true hole of a buffer is water farther than the distance from every
    part of the source (the middle of a large closed loop). Where the pieces'
    edges nearly meet, their union can leave a gap inside the buffer instead;
    such a gap is filled.
    """
    polys = []
    for poly in _polygons(geom):
        if not poly.interiors:
            polys.append(poly)
            continue
        keep = []
        for ring in poly.interiors:
            inside = Polygon(ring).representative_point()
            xy = np.array([[inside.x, inside.y]])
            xy[:, 0] = _unwrap(xy[:, 0], 0.0)
            away, _ = _nearest_on_edges(xy, segs)
            if away[0] > metres:
                keep.append(ring)
        polys.append(Polygon(poly.exterior, keep))
    return shapely.union_all(polys)


def _reflex_vertices(source: BaseGeometry, centre: float) -> np.ndarray:
    """Vertices of polygon rings where the boundary turns into the polygon.

    No point outside a polygon has a reflex vertex as its nearest point (the
    two edges' own reach covers it), so a buffer needs no circle there.
    Longitudes are unwrapped about ``centre``, as the buffer's pieces are.
    """
    found = []
    for poly in shapely.get_parts(source):
        if poly.geom_type != "Polygon":
            continue
        poly = orient(poly, 1.0)  # the interior is on the left of every ring
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            xy[:, 0] = _unwrap(xy[:, 0], centre)
            nxt = np.roll(xy, -1, axis=0)
            fwd, back, _ = GEOD.inv(xy[:, 0], xy[:, 1], nxt[:, 0], nxt[:, 1])
            # Arrival azimuth at each vertex: the back azimuth of the edge
            # before it, turned around.
            arrive = np.roll(np.asarray(back) + 180.0, 1)
            turn = (np.asarray(fwd) - arrive + 180.0) % 360.0 - 180.0
            found.append(xy[turn > 1e-9])
    return np.concatenate(found) if found else np.empty((0, 2))


def buffer(
    geometry: Any,
    distance: float,
    unit: Unit = "km",
    *,
    tolerance_m: float = 10.0,
) -> BaseGeometry:
    """Everything within a geodesic distance of a geometry, on WGS84.

    Parameters
    ----------
    geometry : Feature, tuple of float or shapely geometry
        A point, line, polygon or a collection of them, in lon/lat degrees.
    distance : float
        The buffer distance, in ``unit``; positive.
    unit : {"km", "m", "nmi"}
        The unit of ``distance``.
    tolerance_m : float
        The largest gap, in metres, between an edge of the result and the true
        limit; vertices are spaced so that no edge strays further.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        The area within ``distance`` of the geometry (a polygon's interior
        included), in lon/lat degrees and cut at the antimeridian. Every vertex
        lies at ``distance`` from the geometry to within a millimetre.

    Raises
    ------
    ClaimsmapError
        When the distance is not positive, or too large to buffer (more than
        about 4,000 km, or reaching a pole).

    Notes
    -----
    The limit is built from the exact pieces of the envelope: geodesic circles
    around every vertex and the two offset curves of every edge, sampled by
    the geodesic direct problem. Their union is taken in (unwrapped)
    longitude/latitude, and each vertex of the result is then moved onto the
    true limit: along the geodesic from its nearest point on the source to
    exactly ``distance``.

    .. warning::
       A buffer in Web Mercator metres is short by the scale factor (about 10 %
       at 25°N), and one in degrees is not even a circle. This one is neither.

    Examples
    --------
    >>> zone = buffer((123.47, 25.74), 12, "nmi")
    >>> [round(float(m) / NMI, 6) for m in distances_to(zone.exterior.coords[:3],
    ...                                              Point(123.47, 25.74))]
    [12.0, 12.0, 12.0]

    Across the antimeridian, the result is cut into two parts:

    >>> buffer((179.9, -17.0), 50, "km").geom_type
    'MultiPolygon'
    """
    source = as_geometry(geometry)
    metres = to_metres(distance, unit)
    if not (math.isfinite(metres) and metres > 0):
        raise ClaimsmapError(
            f"buffer distance {distance!r} {unit}: give a positive one"
        )
    if metres > 4_000_000:
        raise ClaimsmapError(
            f"buffer distance {distance} {unit} is over 4,000 km; the atlas's "
            "buffers are maritime limits (at most 350 nmi)"
        )
    if not tolerance_m > 0:
        raise ClaimsmapError(f"tolerance_m {tolerance_m!r}: give a positive number")
    centre = float(source.representative_point().x)
    segs = _segments(source)
    segs[..., 0] = _unwrap(segs[..., 0], centre)
    pieces: list[BaseGeometry] = []

    n = _circle_vertices(metres, tolerance_m / 2)
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    vertices = np.unique(segs.reshape(-1, 2), axis=0)
    reflex = _reflex_vertices(source, centre)
    if len(reflex):
        keep = ~(vertices[:, None, :] == reflex[None, :, :]).all(axis=2).any(axis=1)
        vertices = vertices[keep]
    for lon0, lat0 in vertices:
        lons, lats, _ = GEOD.fwd(
            np.full(n, lon0), np.full(n, lat0), azimuths, np.full(n, metres)
        )
        pieces.append(Polygon(np.column_stack([_unwrap(lons, lon0), lats])))

    # Sample each edge so that the chords of its offset curves, and of the
    # edge itself, stay within the tolerance in longitude/latitude.
    spacing = math.sqrt(2.0 * tolerance_m * _EARTH_RADIUS)
    for (lon1, lat1), (lon2, lat2) in segs:
        az, _, seg = GEOD.inv(lon1, lat1, lon2, lat2)
        if seg == 0:
            continue
        k = max(2, math.ceil(seg / spacing) + 1)
        along = np.linspace(0.0, seg, k)
        lons, lats, back = GEOD.fwd(
            np.full(k, lon1), np.full(k, lat1), np.full(k, az), along
        )
        heading = np.asarray(back) + 180.0
        sides = []
        for turn in (-90.0, 90.0):
            olon, olat, _ = GEOD.fwd(lons, lats, heading + turn, np.full(k, metres))
            sides.append(np.column_stack([_unwrap(np.asarray(olon), lon1), olat]))
        ring = np.concatenate([sides[0], sides[1][::-1]])
        band = Polygon(ring)
        pieces.append(band if band.is_valid else shapely.make_valid(band))
    if source.geom_type.endswith("Polygon") or source.geom_type == "GeometryCollection":
        areas = [
            p for p in shapely.get_parts(source) if p.geom_type.endswith("Polygon")
        ]
        pieces.extend(
            shapely.transform(
                p, lambda xy: np.column_stack([_unwrap(xy[:, 0], centre), xy[:, 1]])
            )
            for p in areas
        )
    envelope = _drop_slivers(shapely.union_all(pieces), (tolerance_m / 1.1e5) ** 2)
    envelope = _fill_false_holes(envelope, _segments(source), metres)
    if envelope.bounds[1] <= -89.0 or envelope.bounds[3] >= 89.0:
        raise ClaimsmapError(
            "the buffer reaches a pole; claimsmap does not build those"
        )

    # Move every vertex onto the true limit. Moving can fold an edge across
    # another, and repairing the fold makes new vertices where edges cross;
    # those are moved in turn (one more pass is nearly always enough).
    edges = _Edges(_segments(source))
    result = envelope
    for _ in range(4):
        result = _moved_onto_limit(result, edges, metres, tolerance_m)
        xy = shapely.get_coordinates(result)
        xy[:, 0] = _unwrap(xy[:, 0], 0.0)
        if np.all(np.abs(edges.nearest(xy)[0] - metres) < 1e-3):
            break
    result = _rewrap(result)
    polys = _polygons(result)
    out = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    return (
        orient(out, 1.0)
        if out.geom_type == "Polygon"
        else shapely.MultiPolygon([orient(p, 1.0) for p in out.geoms])
    )


def range_ring(
    center: Any,
    radius: float,
    unit: Unit = "km",
    *,
    tolerance_m: float = 10.0,
) -> Polygon:
    """The geodesic circle of a radius around a place, as a polygon.

    Parameters
    ----------
    center : Feature, tuple of float or shapely Point
        The centre; for a non-point feature, its representative point.
    radius : float
        The radius, in ``unit``.
    unit : {"km", "m", "nmi"}
        The unit of ``radius``.
    tolerance_m : float
        Largest gap, in metres, between the polygon's straight edges and the
        true circle; the number of vertices follows from it.

    Returns
    -------
    shapely.Polygon
        Counter-clockwise ring of (lon, lat) vertices, each ``radius`` from the
        centre along a geodesic.

    Examples
    --------
    >>> ring = range_ring((124.16, 24.34), 200, "nmi")
    >>> round(distance((124.16, 24.34), ring.exterior.coords[7]).nmi, 6)
    200.0
    """
    point = as_geometry(center)
    if point.geom_type != "Point":
        point = point.representative_point()
    metres = to_metres(radius, unit)
    if not metres > 0:
        raise ClaimsmapError(f"radius {radius!r} {unit}: give a positive distance")
    if metres > 0.45 * math.pi * _EARTH_RADIUS:
        raise ClaimsmapError(f"radius {radius} {unit} is too large for a ring polygon")
    angular = metres / _EARTH_RADIUS
    step = 2 * math.acos(
        max(-1.0, 1 - tolerance_m / (_EARTH_RADIUS * math.sin(angular)))
    )
    n = max(36, min(3600, math.ceil(2 * math.pi / step)))
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(
        np.full(n, point.x), np.full(n, point.y), azimuths, np.full(n, metres)
    )
    return orient(Polygon(np.column_stack([lons, lats])), 1.0)


AreaUnit = Literal["m2", "km2", "nmi2"]
_AREA_UNIT: dict[str, float] = {"m2": 1.0, "km2": 1e6, "nmi2": NMI**2}


def area(geometry: Any, unit: AreaUnit = "m2") -> float:
    """Geodesic area of a polygon on WGS84, whatever its orientation.

    Parameters
    ----------
    geometry : shapely geometry or Feature
        Polygons count; points and lines have no area (0). Holes are
        subtracted; each ring may run either way and start anywhere.
    unit : {"m2", "km2", "nmi2"}
        Square metres, square kilometres or square nautical miles.

    Examples
    --------
    >>> from shapely import box
    >>> round(area(box(0, 0, 1, 1), "km2"), 1)
    12308.8
    >>> area(box(0, 0, 1, 1)) == area(box(0, 0, 1, 1).reverse())
    True
    """
    if unit not in _AREA_UNIT:
        raise ClaimsmapError(f"unit {unit!r} is not known; use one of m2, km2, nmi2")
    if isinstance(geometry, BaseGeometry) and geometry.is_empty:
        return 0.0
    geometry = as_geometry(geometry)
    polys = [
        orient(p, 1.0) for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"
    ]
    for part in shapely.get_parts(geometry):
        if part.geom_type in {"MultiPolygon", "GeometryCollection"}:
            polys.extend(
                orient(p, 1.0)
                for p in shapely.get_parts(part)
                if p.geom_type == "Polygon"
            )
    total = sum(GEOD.geometry_area_perimeter(p)[0] for p in polys)
    return float(total) / _AREA_UNIT[unit]


def length(geometry: Any, unit: Unit = "m") -> float:
    """Geodesic length of a line (or perimeter of a polygon) on WGS84.

    Parameters
    ----------
    geometry : shapely geometry or Feature
        Each edge is measured as the geodesic between its vertices.
    unit : {"m", "km", "nmi"}
        The unit of the result.

    Examples
    --------
    >>> from shapely import LineString
    >>> round(length(LineString([(118, 23), (122, 27)]), "km"), 3)
    599.387
    """
    return float(GEOD.geometry_length(as_geometry(geometry))) / to_metres(1, unit)
