"""Queries other tools ask: what is here, what is near, how far apart.

Every answer is a table whose columns are fixed and documented
(``docs/queries.md``, schema version :data:`SCHEMA_VERSION`), so that a script
in another language can rely on them through the CLI or the HTTP service.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

from claimsmap.catalog import BASEMAP, as_of, catalog, load, present
from claimsmap.errors import ClaimsmapError
from claimsmap.geodesy import (
    Unit,
    as_geometry,
    check_lonlat,
    distance,
    to_metres,
)

__all__ = ["SCHEMA_VERSION", "at", "distances", "within"]

#: Version of the query tables' columns; bumped when a column changes.
SCHEMA_VERSION = "1"

_WHO = ["layer", "id", "name", "kind", "claimants", "controller"]
#: Columns of :func:`at`, in order.
AT_COLUMNS = [
    *_WHO,
    "since",
    "until",
    "source",
    "source_url",
    "precision_m",
]
#: Columns of :func:`within`, in order (and ``geometry``).
WITHIN_COLUMNS = [
    *_WHO,
    "distance_km",
    "distance_nmi",
    "source",
    "source_url",
]
_AREA_KINDS = {"claim-area", "control-area", "zone", "adiz", "exercise-area"}
_NEAR_KINDS = {"feature", "land"}


def _state(frame: gpd.GeoDataFrame, date: Any) -> gpd.GeoDataFrame:
    return present(frame) if date is None else as_of(frame, date)


def _rows(frame: gpd.GeoDataFrame, layer: str) -> list[dict[str, Any]]:
    out = []
    for _, row in frame.iterrows():
        record = {c: row.get(c) for c in AT_COLUMNS if c != "layer"}
        record["layer"] = layer
        for key, value in record.items():
            if isinstance(value, float) and math.isnan(value):
                record[key] = None
        out.append(record)
    return out


@functools.cache
def _present_index(kinds: frozenset[str]) -> list[tuple[str, gpd.GeoDataFrame, Any]]:
    """Present rows of the layers of these kinds, each with a spatial index.

    Built once per process; the frames are read-only here.
    """
    out = []
    for layer, entry in catalog()["layers"].items():
        if entry["kind"] in kinds or (layer == BASEMAP and kinds == _NEAR_KINDS):
            frame = present(load(layer)).reset_index(drop=True)
            out.append((layer, frame, shapely.STRtree(frame.geometry.values)))
    return out


def _layers_at(
    kinds: frozenset[str], date: Any
) -> list[tuple[str, gpd.GeoDataFrame, Any]]:
    if date is None:
        return _present_index(kinds)
    out = []
    for layer, entry in catalog()["layers"].items():
        if entry["kind"] in kinds or (layer == BASEMAP and kinds == _NEAR_KINDS):
            frame = as_of(load(layer), date).reset_index(drop=True)
            out.append((layer, frame, shapely.STRtree(frame.geometry.values)))
    return out


def at(lon: float, lat: float, *, date: Any = None) -> gpd.GeoDataFrame:
    """Every claim, zone, ADIZ and exercise area that contains a point.

    Parameters
    ----------
    lon, lat : float
        The point, in degrees (longitude first).
    date : str or datetime.date, optional
        The day; by default the present (every dated exercise area included).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per containing area, with the columns of :data:`AT_COLUMNS`
        and its ``geometry``. ``attrs["nearest"]`` holds the nearest island
        or land (``id``, ``name``, ``layer``, ``distance_km``,
        ``distance_nmi``).

    Examples
    --------
    >>> here = at(123.47, 25.74)  # Uotsuri-jima
    >>> "jpn-senkaku-territorial-sea" in set(here["id"])
    True
    >>> here.attrs["nearest"]["id"]
    'senkaku-uotsuri-jima'
    """
    lon, lat = check_lonlat(lon, lat)
    point = Point(lon, lat)
    records, geoms = [], []
    for layer, frame, tree in _layers_at(frozenset(_AREA_KINDS), date):
        hit = frame.iloc[tree.query(point, predicate="within")]
        hit = hit.sort_index()
        records += _rows(hit, layer)
        geoms += list(hit.geometry)
    result = gpd.GeoDataFrame(
        pd.DataFrame(records, columns=AT_COLUMNS),
        geometry=gpd.GeoSeries(geoms, crs=4326),
    )
    result.attrs["nearest"] = _nearest_land(point, date)
    result.attrs["schema_version"] = SCHEMA_VERSION
    return result


def _nearest_land(point: Point, date: Any) -> dict[str, Any] | None:
    """The nearest island or land, by exact geodesic distance.

    Degrees shortlist the candidates; a large polygon (a country) is cut to
    the window around the point where its nearest stretch of coast must lie
    before the exact distance is taken.
    """
    layers = [t for t in _layers_at(frozenset(_NEAR_KINDS), date) if not t[1].empty]
    if not layers:
        return None
    nearest_deg = min(
        float(tree.query_nearest(point, return_distance=True)[1][0])
        for _, _, tree in layers
    )
    # Every candidate within twice that (plus a degree), by degrees; the
    # distortion of degrees is far less than that margin at these latitudes.
    reach = 2 * nearest_deg + 1.0
    window = shapely.box(
        point.x - reach, point.y - reach, point.x + reach, point.y + reach
    )
    candidates = []
    for layer, frame, tree in layers:
        for i in tree.query(window):
            row = frame.iloc[int(i)]
            candidates.append(
                (float(shapely.distance(row.geometry, point)), layer, row)
            )
    candidates.sort(key=lambda c: c[0])
    best = None
    for _, layer, row in candidates[:8]:
        geom = row.geometry
        if shapely.get_num_coordinates(geom) > 500:
            geom = shapely.intersection(geom, window)
            if geom.is_empty:
                continue
        d = distance(point, geom)
        if best is None or d.metres < best[0].metres:
            best = (d, layer, row)
    if best is None:
        return None
    d, layer, row = best
    return {
        "layer": layer,
        "id": row["id"],
        "name": row["name"],
        "distance_km": d.km,
        "distance_nmi": d.nmi,
    }


def within(
    place: Any,
    radius: float,
    unit: Unit = "km",
    *,
    date: Any = None,
    kinds: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Features of the atlas within a geodesic distance of a place.

    Parameters
    ----------
    place : str, Feature, tuple of float or shapely geometry
        A feature name or id, a ``(lon, lat)`` pair or a geometry.
    radius : float
        The distance, in ``unit``.
    unit : {"km", "m", "nmi"}
        The unit of ``radius``.
    date : str or datetime.date, optional
        The day; by default the present.
    kinds : iterable of str, optional
        Only these kinds (``"feature"``, ``"base"``, ...); by default every
        kind but the basemap's land.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`WITHIN_COLUMNS` and ``geometry``, nearest first;
        the place itself is left out.

    Examples
    --------
    >>> near = within("Ishigaki Island", 200, "km", kinds=["feature"])
    >>> list(near["id"][:2])
    ['senkaku-minami-kojima', 'senkaku-kita-kojima']
    """
    metres = to_metres(radius, unit)
    if not (math.isfinite(metres) and metres > 0):
        raise ClaimsmapError(f"radius {radius!r} {unit}: give a positive distance")
    if metres > 5_000_000:
        raise ClaimsmapError(f"radius {radius} {unit} is over 5,000 km; give less")
    geom = as_geometry(place)
    wanted = set(kinds) if kinds is not None else None
    frames = []
    for layer, entry in catalog()["layers"].items():
        if layer == BASEMAP or (wanted is not None and entry["kind"] not in wanted):
            continue
        frame = _state(load(layer), date).copy()
        frame["layer"] = layer
        frames.append(frame)
    if not frames:
        raise ClaimsmapError(f"no layer has features of kinds {sorted(wanted or [])}")
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    # A generous window in degrees (a degree of longitude is shortest at the
    # window's pole-ward edge); exact geodesic distances decide.
    c = geom.centroid
    dlat = metres / 110_574.0 + 0.1
    cos = math.cos(math.radians(min(89.0, abs(c.y) + dlat)))
    dlon = min(180.0, metres / (111_320.0 * max(cos, 1e-3)) + 0.1)
    west, south, east, north = geom.bounds
    box = shapely.box(west - dlon, south - dlat, east + dlon, north + dlat)
    frame = frame[frame.geometry.intersects(box)]
    found = []
    for i, g in frame.geometry.items():
        if g.equals(geom):
            continue
        d = distance(geom, g)
        if d.metres <= metres:
            found.append((i, d))
    rows = frame.loc[[i for i, _ in found]].copy()
    rows["distance_km"] = [d.km for _, d in found]
    rows["distance_nmi"] = [d.nmi for _, d in found]
    rows = rows.sort_values("distance_km", kind="stable")
    out = gpd.GeoDataFrame(
        rows[[*WITHIN_COLUMNS]].reset_index(drop=True),
        geometry=list(rows.geometry),
        crs=4326,
    )
    out.attrs["schema_version"] = SCHEMA_VERSION
    return out


def _label(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        return f"{float(value[0]):g},{float(value[1]):g}"
    return str(getattr(value, "id", None) or getattr(value, "wkt", repr(value)))


def distances(
    sources: Iterable[Any], targets: Iterable[Any], unit: Unit = "km"
) -> pd.DataFrame:
    """A matrix of minimum geodesic distances, sources by targets.

    Parameters
    ----------
    sources, targets : iterable
        Places: feature names or ids, ``(lon, lat)`` pairs or geometries.
    unit : {"km", "m", "nmi"}
        The unit of the values.

    Returns
    -------
    pandas.DataFrame
        Rows are the sources, columns the targets (labelled by the names or
        ``lon,lat`` as given); values in ``unit`` on WGS84.

    Examples
    --------
    >>> islands = ["Ishigaki Island", "Yonaguni-jima"]
    >>> m = distances(islands, ["Uotsuri-jima", (121.0, 25.0)], "nmi")
    >>> m.columns.tolist()
    ['Uotsuri-jima', '121,25']
    >>> bool(m.loc["Ishigaki Island", "Uotsuri-jima"] > 80)
    True
    """
    sources, targets = list(sources), list(targets)
    if not sources or not targets:
        raise ClaimsmapError("give at least one source and one target")
    if len(sources) * len(targets) > 10_000:
        raise ClaimsmapError(
            f"{len(sources)} x {len(targets)} distances is more than 10,000; "
            "split the request"
        )
    scale = to_metres(1, unit)
    a = [as_geometry(s) for s in sources]
    b = [as_geometry(t) for t in targets]
    values = [[distance(x, y).metres / scale for y in b] for x in a]
    frame = pd.DataFrame(
        values,
        index=[_label(s) for s in sources],
        columns=[_label(t) for t in targets],
    )
    frame.attrs.update(unit=unit, schema_version=SCHEMA_VERSION)
    return frame
