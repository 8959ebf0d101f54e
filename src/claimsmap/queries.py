"""Queries other tools ask: what is here, what is near, how far apart.

Every answer is a table whose columns are fixed and documented
(``docs/queries.md``, schema version :data:`SCHEMA_VERSION`), so that a script
in another language can rely on them through the CLI or the HTTP service.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import Point

from claimsmap import _cache
from claimsmap.errors import ClaimsmapError
from claimsmap.geodesy import (
    NMI,
    NearestIndex,
    Unit,
    check_lonlat,
    distance_matrix,
    to_metres,
)
from claimsmap.places import resolve
from claimsmap.schema import BASEMAP

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["SCHEMA_VERSION", "at", "at_records", "distances", "within"]

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
    from claimsmap.catalog import as_of, present

    return present(frame) if date is None else as_of(frame, date)


def _rows(frame: gpd.GeoDataFrame, layer: str) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        record = {c: row.get(c) for c in AT_COLUMNS if c != "layer"}
        record["layer"] = layer
        for key, value in record.items():
            if isinstance(value, float) and math.isnan(value):
                record[key] = None
        out.append(record)
    return out


def _layers(kinds: set[str], date: Any) -> list[tuple[str, gpd.GeoDataFrame]]:
    """The layers of these kinds (the basemap's land with ``feature``) on a day."""
    from claimsmap.catalog import catalog, load

    return [
        (layer, _state(load(layer), date).reset_index(drop=True))
        for layer, entry in catalog()["layers"].items()
        if entry["kind"] in kinds or (layer == BASEMAP and kinds == _NEAR_KINDS)
    ]


class _Day:
    """The atlas on one day, indexed for point queries; built once a day.

    The areas are one array of prepared geometries under one tree, each with
    its row of :data:`AT_COLUMNS` ready; the land is a
    :class:`~claimsmap.geodesy.NearestIndex`. Everything is read-only.
    """

    def __init__(self, date: Any) -> None:
        self.date = date
        self._answers = functools.lru_cache(maxsize=4096)(self._answer)
        self._features = functools.lru_cache(maxsize=16)(self._kinds)

    @functools.cached_property
    def areas(self) -> tuple[list[dict[str, Any]], np.ndarray, shapely.STRtree]:
        records, wkb = self._kept("at-areas", self._areas)
        array = shapely.from_wkb(wkb)
        shapely.prepare(array)
        return records, array, shapely.STRtree(array)

    def _kept(self, namespace: str, build: Any) -> Any:
        """The present's index from the on-disk cache; a past day's built here.

        Only the present is kept on disk: it is what almost every query asks,
        and a file per past day asked would grow without end.
        """
        if self.date is None:
            return _cache.cached(namespace, "present", build)
        return build()

    def _areas(self) -> tuple[list[dict[str, Any]], np.ndarray]:
        """The areas' rows and their geometries as WKB, as the cache keeps them."""
        records: list[dict[str, Any]] = []
        geoms: list[Any] = []
        for layer, frame in _layers(_AREA_KINDS, self.date):
            records += _rows(frame, layer)
            geoms += list(frame.geometry)
        return records, _wkb(geoms)

    @functools.cached_property
    def land(self) -> tuple[list[dict[str, Any]], NearestIndex]:
        who, wkb = self._kept("at-land", self._land)
        return who, NearestIndex(list(shapely.from_wkb(wkb)))

    def _land(self) -> tuple[list[dict[str, Any]], np.ndarray]:
        """Who each piece of land is and its geometry as WKB, for the cache."""
        who: list[dict[str, Any]] = []
        geoms: list[Any] = []
        for layer, frame in _layers(_NEAR_KINDS, self.date):
            who += [
                {"layer": layer, "id": i, "name": n}
                for i, n in zip(frame["id"], frame["name"], strict=True)
            ]
            geoms += list(frame.geometry)
        return who, _wkb(geoms)

    def at(self, lon: float, lat: float) -> tuple[int, ...]:
        """Positions of the areas that cover a point, in the atlas's order."""
        _, geoms, tree = self.areas
        near = tree.query(Point(lon, lat))
        return tuple(np.sort(near[shapely.intersects_xy(geoms[near], lon, lat)]))

    def answer(self, hits: tuple[int, ...]) -> gpd.GeoDataFrame:
        """The table of these areas: a fresh copy of one built once a set."""
        return self._answers(hits).copy()

    def _answer(self, hits: tuple[int, ...]) -> gpd.GeoDataFrame:
        import geopandas as gpd
        import pandas as pd

        records, geoms, _ = self.areas
        return gpd.GeoDataFrame(
            pd.DataFrame([records[i] for i in hits], columns=AT_COLUMNS),
            geometry=gpd.GeoSeries(list(geoms[list(hits)]), crs=4326),
        )

    def features(
        self, kinds: frozenset[str] | None
    ) -> tuple[gpd.GeoDataFrame, pd.DataFrame, NearestIndex]:
        """Every feature of these kinds (all but the basemap's by default).

        The features, their columns of :data:`WITHIN_COLUMNS`, and an index
        of their geometries.
        """
        return self._features(kinds)

    def _kinds(
        self, kinds: frozenset[str] | None
    ) -> tuple[gpd.GeoDataFrame, pd.DataFrame, NearestIndex]:
        import geopandas as gpd
        import pandas as pd

        from claimsmap.catalog import catalog, load

        frames = []
        for layer, entry in catalog()["layers"].items():
            if layer == BASEMAP or (kinds is not None and entry["kind"] not in kinds):
                continue
            frame = _state(load(layer), self.date).copy()
            frame["layer"] = layer
            frames.append(frame)
        if not frames:
            raise ClaimsmapError(
                f"no layer has features of kinds {sorted(kinds or [])}"
            )
        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
        columns = pd.DataFrame(frame[[c for c in WITHIN_COLUMNS if c in frame]])
        return frame, columns, NearestIndex(list(frame.geometry))


def _wkb(geoms: list[Any]) -> np.ndarray:
    """Geometries as WKB, which keeps every coordinate to the bit."""
    array = np.empty(len(geoms), dtype=object)
    array[:] = geoms
    return shapely.to_wkb(array)


@functools.lru_cache(maxsize=8)
def _day_of(key: Any) -> _Day:
    return _Day(key)


def _day(date: Any) -> _Day:
    """The indexed atlas of a day (the present when None); a few are kept."""
    if date is not None and not isinstance(date, str | _dt.date):
        date = str(date)
    return _day_of(date)


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
        One row per area that covers the point (its boundary included), in
        the catalog's order of layers, with the columns of
        :data:`AT_COLUMNS` and its ``geometry``. ``attrs["nearest"]`` holds
        the nearest island or land (``id``, ``name``, ``layer``,
        ``distance_km``, ``distance_nmi``; 0 on land).

    Notes
    -----
    The first call for a day indexes the atlas (about a second); later calls
    take about a millisecond.

    Examples
    --------
    >>> here = at(123.47, 25.74)  # Uotsuri-jima
    >>> "jpn-senkaku-territorial-sea" in set(here["id"])
    True
    >>> here.attrs["nearest"]["id"]
    'senkaku-uotsuri-jima'
    """
    lon, lat = check_lonlat(lon, lat)
    day = _day(date)
    result = day.answer(day.at(lon, lat))
    result.attrs = {"nearest": _nearest_land(day, lon, lat)}
    result.attrs["schema_version"] = SCHEMA_VERSION
    return result


def at_records(
    lon: float, lat: float, *, date: Any = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """What :func:`at` answers, as plain records: for callers that write JSON.

    Returns
    -------
    tuple of (list of dict, dict or None)
        One record per covering area with the columns of :data:`AT_COLUMNS`
        (no geometry), in the order of :func:`at`; and the nearest land, as
        in ``at(...).attrs["nearest"]``.

    Examples
    --------
    >>> areas, nearest = at_records(123.47, 25.74)
    >>> [a["id"] for a in areas] == list(at(123.47, 25.74)["id"])
    True
    >>> nearest["id"]
    'senkaku-uotsuri-jima'
    """
    lon, lat = check_lonlat(lon, lat)
    day = _day(date)
    records = day.areas[0]
    areas = [dict(records[i]) for i in day.at(lon, lat)]
    return areas, _nearest_land(day, lon, lat)


def _nearest_land(day: _Day, lon: float, lat: float) -> dict[str, Any] | None:
    """The nearest island or land, by exact geodesic distance (0 on land).

    Of places equally near (a shared border's end on the coast), the first
    in the catalog's order.
    """
    who, index = day.land
    found = index.nearest(lon, lat)
    if found is None:
        return None
    i, metres = found
    return {**who[i], "distance_km": metres / 1000.0, "distance_nmi": metres / NMI}


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
    import geopandas as gpd

    metres = to_metres(radius, unit)
    if not (math.isfinite(metres) and metres > 0):
        raise ClaimsmapError(f"radius {radius!r} {unit}: give a positive distance")
    if metres > 5_000_000:
        raise ClaimsmapError(f"radius {radius} {unit} is over 5,000 km; give less")
    geom = resolve(place)
    wanted = frozenset(kinds) if kinds is not None else None
    frame, columns, index = _day(date).features(wanted)
    if geom.geom_type == "Point":
        where, far = index.within(geom.x, geom.y, metres)
    else:
        # A generous window in degrees (a degree of longitude is shortest at
        # the window's pole-ward edge); exact geodesic distances decide.
        c = geom.centroid
        dlat = metres / 110_574.0 + 0.1
        cos = math.cos(math.radians(min(89.0, abs(c.y) + dlat)))
        dlon = min(180.0, metres / (111_320.0 * max(cos, 1e-3)) + 0.1)
        west, south, east, north = geom.bounds
        box = shapely.box(west - dlon, south - dlat, east + dlon, north + dlat)
        near = np.flatnonzero(shapely.intersects(frame.geometry.values, box))
        far = distance_matrix([geom], list(frame.geometry.values[near]))[0]
        where = near[far <= metres]
        far = far[far <= metres]
    # The place itself is left out.
    geoms = frame.geometry.values
    other = ~shapely.equals(geoms[where], geom)
    where, far = where[other], far[other]
    order = np.argsort(far, kind="stable")
    where, far = where[order], far[order]
    rows = columns.iloc[where].reset_index(drop=True)
    rows["distance_km"] = far / 1000.0
    rows["distance_nmi"] = far / NMI
    out = gpd.GeoDataFrame(rows[WITHIN_COLUMNS], geometry=geoms[where], crs=4326)
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
    import pandas as pd

    a = [resolve(s) for s in sources]
    b = [resolve(t) for t in targets]
    values = distance_matrix(a, b) / scale
    frame = pd.DataFrame(
        values.tolist(),
        index=[_label(s) for s in sources],
        columns=[_label(t) for t in targets],
    )
    frame.attrs.update(unit=unit, schema_version=SCHEMA_VERSION)
    return frame
