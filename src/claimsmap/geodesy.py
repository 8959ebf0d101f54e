"""Measurements on the WGS84 ellipsoid: distance, azimuth, nearest points, rings.

Every measurement in claimsmap goes through this module and through one
``pyproj.Geod(ellps="WGS84")``. Coordinates are always (lon, lat) in degrees;
distances are metres on the ellipsoid unless a name says otherwise (``km``,
``nmi`` for the international nautical mile of 1852 m).

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
from pyproj import Geod, Transformer
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from claimsmap.errors import ClaimsmapError, CoordinateError

__all__ = [
    "GEOD",
    "NMI",
    "Distance",
    "Unit",
    "area",
    "as_geometry",
    "buffer",
    "check_lonlat",
    "distance",
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
    """Turn a feature name, a feature, a (lon, lat) pair or a geometry into a geometry.

    Parameters
    ----------
    value : str, Feature, tuple of float or shapely geometry
        A name or id that :func:`claimsmap.find` knows, an object with a
        ``geometry`` attribute or ``__geo_interface__``, a ``(lon, lat)`` pair,
        or a shapely geometry in lon/lat degrees.

    Examples
    --------
    >>> as_geometry((123.47, 25.74)).wkt
    'POINT (123.47 25.74)'
    """
    if isinstance(value, BaseGeometry):
        if value.is_empty:
            raise ClaimsmapError("an empty geometry has no distance; give a real one")
        xmin, ymin, xmax, ymax = value.bounds
        check_lonlat(xmin, ymin, what="geometry corner")
        check_lonlat(xmax, ymax, what="geometry corner")
        return value
    if isinstance(value, str):
        from claimsmap.gazetteer import find

        return find(value).geometry
    geometry = getattr(value, "geometry", None)
    if isinstance(geometry, BaseGeometry):
        return as_geometry(geometry)
    if hasattr(value, "__geo_interface__"):
        return as_geometry(shapely.geometry.shape(value))
    if isinstance(value, Sequence) and len(value) == 2:
        return Point(check_lonlat(value[0], value[1]))
    raise ClaimsmapError(
        f"cannot measure {value!r}: give a feature name, a (lon, lat) pair or a "
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

    All arrays are (k, 2) lon/lat. Each segment is sampled, then the best
    bracket is narrowed by golden-section search to a millimetre along the
    segment, for all k at once. Returns metres (k,) and points (k, 2).
    """
    az, _, seg = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    az, seg = np.atleast_1d(az), np.atleast_1d(seg)

    def at(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def rows(v: np.ndarray) -> np.ndarray:
            return np.broadcast_to(
                v.reshape(-1, *([1] * (x.ndim - 1))), x.shape
            ).ravel()

        lon, lat, _ = GEOD.fwd(rows(a[:, 0]), rows(a[:, 1]), rows(az), x.ravel())
        dist = GEOD.inv(rows(p[:, 0]), rows(p[:, 1]), lon, lat)[2]
        return (
            np.reshape(dist, x.shape),
            np.reshape(lon, x.shape),
            np.reshape(lat, x.shape),
        )

    n = 16
    s = seg[:, None] * np.linspace(0.0, 1.0, n + 1)[None, :]
    dist, _, _ = at(s)
    i = np.argmin(dist, axis=1)
    rows = np.arange(len(seg))
    lo = s[rows, np.maximum(i - 1, 0)]
    hi = s[rows, np.minimum(i + 1, n)]
    ratio = (math.sqrt(5) - 1) / 2
    x1, x2 = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f1, f2 = at(x1)[0], at(x2)[0]
    width = float(np.max(hi - lo, initial=0.0))
    steps = max(0, math.ceil(math.log(max(width, 1e-3) / 1e-3) / -math.log(ratio)))
    for _ in range(steps):
        # Keep the better inner point; one new evaluation per step.
        left = f1 <= f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        new = np.where(left, hi - ratio * (hi - lo), lo + ratio * (hi - lo))
        f_new = at(new)[0]
        x1, x2 = np.where(left, new, x2), np.where(left, x1, new)
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
    # The search's end points, and the segment's own ends, compete.
    trial = np.column_stack([lo, (lo + hi) / 2, hi, np.zeros_like(seg), seg])
    d, lon, lat = at(trial)
    best = np.argmin(d, axis=1)
    points = np.column_stack([lon[rows, best], lat[rows, best]])
    return d[rows, best], points


@functools.lru_cache(maxsize=256)
def _aeqd(lon0: float, lat0: float) -> Transformer:
    """An azimuthal equidistant projection centred at (lon0, lat0), cached."""
    return Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84 +units=m",
        always_xy=True,
    )


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


def _planar_segment_distance(points: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Planar distances (len(points), len(segs)) from points to segments."""
    a = segs[None, :, 0, :]
    d = segs[None, :, 1, :] - a
    rel = points[:, None, :] - a
    length2 = np.einsum("...i,...i", d, d)
    t = np.clip(
        np.einsum("...i,...i", rel, d) / np.where(length2 == 0, 1, length2), 0, 1
    )
    nearest = a + t[..., None] * d
    return np.hypot(*(points[:, None, :] - nearest).transpose(2, 0, 1))


def _nearest(a: BaseGeometry, b: BaseGeometry) -> Distance:
    """Minimum geodesic distance between two non-intersecting geometries."""
    with np.errstate(all="ignore"):  # GEOS warns on degenerate segments
        line = shapely.shortest_line(a, b)
    (x0, y0), (x1, y1) = shapely.get_coordinates(line)
    # The centre is rounded to a degree so that nearby queries share one
    # projection; the margin below covers the offset.
    aeqd = _aeqd(float(round((x0 + x1) / 2)), float(round((y0 + y1) / 2)))
    va, sa = _parts(a)
    vb, sb = _parts(b)

    def project(xy: np.ndarray) -> np.ndarray:
        if xy.size == 0:
            return xy
        flat = xy.reshape(-1, 2)
        x, y = aeqd.transform(flat[:, 0], flat[:, 1])
        return np.column_stack([x, y]).reshape(xy.shape)

    pva, psa, pvb, psb = project(va), project(sa), project(vb), project(sb)
    vertex_pairs = np.hypot(*(pva[:, None, :] - pvb[None, :, :]).transpose(2, 0, 1))
    pairs_ab = _planar_segment_distance(pva, psb) if len(psb) else None
    pairs_ba = _planar_segment_distance(pvb, psa) if len(psa) else None
    d0 = min(
        float(m.min()) for m in (vertex_pairs, pairs_ab, pairs_ba) if m is not None
    )
    # The projection distorts distances away from its centre; keep every
    # candidate that could be the true minimum, with room to spare.
    limit = d0 * (1.05 + (d0 / _EARTH_RADIUS) ** 2) + 1000.0

    # Candidates as (metres, point on a, point on b) arrays.
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    i, j = np.nonzero(vertex_pairs <= limit)
    if len(i):
        metres = GEOD.inv(va[i, 0], va[i, 1], vb[j, 0], vb[j, 1])[2]
        found.append((np.atleast_1d(metres), va[i], vb[j]))
    for matrix, verts, segs, forward in (
        (pairs_ab, va, sb, True),
        (pairs_ba, vb, sa, False),
    ):
        if matrix is None:
            continue
        i, j = np.nonzero(matrix <= limit)
        if not len(i):
            continue
        metres, q = _nearest_on_segments(verts[i], segs[j, 0], segs[j, 1])
        found.append((metres, verts[i], q) if forward else (metres, q, verts[i]))
    metres = np.concatenate([f[0] for f in found])
    k = int(np.argmin(metres))
    on_a = np.concatenate([f[1] for f in found])[k]
    on_b = np.concatenate([f[2] for f in found])[k]
    return _inverse((float(on_a[0]), float(on_a[1])), (float(on_b[0]), float(on_b[1])))


def distance(a: Any, b: Any) -> Distance:
    """Minimum geodesic distance between two places on the WGS84 ellipsoid.

    Parameters
    ----------
    a, b : str, Feature, tuple of float or shapely geometry
        Feature names or ids (any language, see :func:`claimsmap.find`),
        ``(lon, lat)`` pairs in degrees, or shapely geometries in lon/lat.

    Returns
    -------
    Distance
        Metres, km and nautical miles, the initial azimuth from ``a`` to ``b``
        and the two nearest points (lon, lat).

    Raises
    ------
    UnknownNameError
        When a name is not in the atlas.
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

    Feature names in any language:

    >>> round(distance("JGSDF Camp Ishigaki", "钓鱼岛").km, 1)
    168.3

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
    return _nearest(ga, gb)


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


def _nearest_on_edges(
    points: np.ndarray, segs: np.ndarray, *, chunk: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Exact geodesic distance from each point to the nearest of the edges.

    Candidate edges are screened with chord distances (:func:`_chord_gaps`);
    the survivors are solved on the ellipsoid. Returns metres (n,) and the
    nearest points (n, 2).
    """
    metres = np.empty(len(points))
    nearest = np.empty((len(points), 2))
    for start, _, lower, upper in _chord_gaps(points, segs, chunk=chunk):
        block = points[start : start + chunk]
        i, j = np.nonzero(lower <= upper[:, None])
        found, q = _nearest_on_segments(block[i], segs[j, 0], segs[j, 1])
        best = np.full(len(block), np.inf)
        np.minimum.at(best, i, found)
        winner = found == best[i]
        metres[start + i[winner]] = found[winner]
        nearest[start + i[winner]] = q[winner]
    return metres, nearest


def distances_to(points: Any, geometry: Any) -> np.ndarray:
    """Geodesic distances from many points to one geometry, in metres.

    Parameters
    ----------
    points : array_like of shape (n, 2)
        (lon, lat) pairs in degrees.
    geometry : str, Feature or shapely geometry
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
    moved: np.ndarray, idx: np.ndarray, segs: np.ndarray, metres: float
) -> None:
    """Move points near an inner corner of the limit onto it, in place.

    At the corner two parts of the source (two edges, or an edge and a
    vertex) are both ``metres`` away. For each point the two nearest parts
    are found, and Newton's method on the two geodesic distances (their
    gradients are the unit vectors away from the nearest points) finds the
    corner to 0.1 mm. A point that does not converge is left where it is.
    """
    for k in idx:
        p = moved[k].copy()
        d, q = _nearest_on_segments(
            np.repeat(p[None, :], len(segs), axis=0), segs[:, 0], segs[:, 1]
        )
        order = np.argsort(d)
        first = order[0]
        others = [j for j in order[1:] if _metres(q[j], q[first]) > 1.0]
        if not others:
            continue
        pair = np.array([first, others[0]])
        for _ in range(20):
            dist, near = _nearest_on_segments(
                np.repeat(p[None, :], 2, axis=0), segs[pair, 0], segs[pair, 1]
            )
            if np.all(np.abs(dist - metres) <= 1e-4):
                moved[k] = p
                break
            # Azimuths at p pointing away from each nearest point.
            _, back, _ = GEOD.inv(
                near[:, 0], near[:, 1], np.full(2, p[0]), np.full(2, p[1])
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


def _metres(a: np.ndarray, b: np.ndarray) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def _onto_limit(
    coords: np.ndarray, segs: np.ndarray, metres: float, tolerance_m: float
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
    away, near = _nearest_on_edges(wrapped, segs)
    az, _, _ = GEOD.inv(near[:, 0], near[:, 1], wrapped[:, 0], wrapped[:, 1])
    az = np.atleast_1d(az)

    def along(idx: np.ndarray, t: np.ndarray) -> np.ndarray:
        lon, lat, _ = GEOD.fwd(near[idx, 0], near[idx, 1], az[idx], t)
        return np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)])

    every = np.arange(len(coords))
    moved = wrapped.copy()
    first = along(every, np.full(len(coords), metres))
    r, _ = _nearest_on_edges(first, segs)
    exact = np.abs(r - metres) <= 1e-4
    moved[exact] = first[exact]
    todo = every[~exact]
    if len(todo):
        step = max(4.0 * tolerance_m, 1.0)
        lo = np.minimum(away[todo], metres)  # the distance there is <= metres
        hi = lo + step
        open_ = np.ones(len(todo), dtype=bool)
        for _ in range(6):  # widen a little until the distance passes metres
            idx = np.nonzero(open_)[0]
            far, _ = _nearest_on_edges(along(todo[idx], hi[idx]), segs)
            reached = far >= metres
            lo[idx[~reached]] = hi[idx[~reached]]
            hi[idx[~reached]] += step
            open_[idx[reached]] = False
            if not open_.any():
                break
        ok = ~open_
        _to_corners(moved, todo[~ok], segs, metres)
        todo, lo, hi = todo[ok], lo[ok], hi[ok]
        while len(todo) and float(np.max(hi - lo)) > 1e-4:
            mid = (lo + hi) / 2
            r, _ = _nearest_on_edges(along(todo, mid), segs)
            inside = r < metres
            lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
        if len(todo):
            moved[todo] = along(todo, (lo + hi) / 2)
    moved[:, 0] = coords[:, 0] + _unwrap(moved[:, 0] - wrapped[:, 0], 0.0)
    return moved


def _moved_onto_limit(
    geom: BaseGeometry, edges: np.ndarray, metres: float, tolerance_m: float
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
    seeds = shapely.points(edges[:, 0])
    parts = [p for p in _polygons(result) if shapely.intersects(p, seeds).any()]
    result = shapely.union_all(parts) if parts else result
    # A fold that make_valid closes off becomes a hole; a hole within the
    # distance of the source is no hole.
    return _fill_false_holes(result, edges, metres)


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
    geometry : str, Feature, tuple of float or shapely geometry
        A point, line, polygon or a collection of them, in lon/lat degrees;
        or a feature name.
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
    edges = _segments(source)
    result = envelope
    for _ in range(4):
        result = _moved_onto_limit(result, edges, metres, tolerance_m)
        xy = shapely.get_coordinates(result)
        xy[:, 0] = _unwrap(xy[:, 0], 0.0)
        if np.all(np.abs(_nearest_on_edges(xy, edges)[0] - metres) < 1e-3):
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
    center : str, Feature, tuple of float or shapely Point
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
    geometry : shapely geometry, Feature or str
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
    geometry : shapely geometry, Feature or str
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
