"""UNCLOS zones and median lines, built on the ellipsoid from the atlas's data.

A party's zones are envelopes of geodesic arcs (:func:`claimsmap.buffer`)
around the sources that generate them:

* its declared straight or archipelagic baselines (a closed loop encloses
  internal or archipelagic waters);
* the low-water line elsewhere, approximated by the Natural Earth coastline
  (1:10m, about 1 km) when ``land=True``;
* the features it claims, each entitled by its status (UNCLOS art. 121):
  an island generates a territorial sea (12 nmi), a contiguous zone (24 nmi)
  and an EEZ (200 nmi); a rock only the first two; a low-tide elevation only
  counts as a base point within 12 nmi of land or a high-tide feature
  (art. 13); a feature that is submerged generates nothing, and an artificial
  island built on one only a 500 m safety zone (arts. 60(5) and 80).

Two views of a feature's status are built in: ``"award"`` applies the 2016
South China Sea arbitral award where it decided (``status``), and
``"as-claimed"`` takes each party's own characterisation (``claimed_status``)
or, where none is recorded, treats a high-tide feature as a fully entitled
island, as the claimants' maps do. A feature whose status nobody decided is
an island in both views.

Zones are belts, as UNCLOS defines them: the territorial sea runs from the
baselines to 12 nmi, the contiguous zone from 12 to 24 nmi and the EEZ from
12 to 200 nmi. ``against=`` cuts them at the median line with another party.
"""

from __future__ import annotations

import json
import math
import pickle
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from claimsmap.catalog import BASEMAP, _as_date, as_of, catalog, load, present
from claimsmap.errors import ClaimsmapError
from claimsmap.geodesy import (
    GEOD,
    NMI,
    _chord_gaps,
    _nearest_on_edges,
    _nearest_on_segments,
    _polygons,
    _segments,
    area,
    buffer,
    check_lonlat,
)
from claimsmap.places import resolve
from claimsmap.schema import SEA_PARTIES

__all__ = [
    "LIMITS_NMI",
    "SAFETY_ZONE_M",
    "VIEWS",
    "ZONE_KINDS",
    "View",
    "ZoneKind",
    "entitlement",
    "equidistance_gap",
    "feature_zones",
    "median_line",
    "sources",
    "zones",
]

ZoneKind = Literal["territorial-sea", "contiguous-zone", "eez"]
View = Literal["as-claimed", "award"]
ZONE_KINDS: tuple[str, ...] = get_args(ZoneKind)
VIEWS: tuple[str, ...] = get_args(View)
#: Outer limit of each zone, in nautical miles from the baselines.
LIMITS_NMI: dict[str, float] = {
    "territorial-sea": 12.0,
    "contiguous-zone": 24.0,
    "eez": 200.0,
}
#: The safety zone of an artificial island or installation (art. 60(5)).
SAFETY_ZONE_M = 500.0
_ENTITLED: dict[str, tuple[str, ...]] = {
    "island": ZONE_KINDS,
    "rock": ("territorial-sea", "contiguous-zone"),
    "low-tide-elevation": (),
    "submerged": (),
}
_LABEL = {
    "territorial-sea": "territorial sea",
    "contiguous-zone": "contiguous zone",
    "eez": "EEZ",
}
# The coastline is simplified this much (degrees, about 500 m) before it is
# buffered: half the Natural Earth 1:10m line's own uncertainty.
_COAST_SIMPLIFY = 0.005


def entitlement(status: str | None) -> tuple[str, ...]:
    """The zones a feature of this status generates by itself.

    Parameters
    ----------
    status : {"island", "rock", "low-tide-elevation", "submerged"} or None
        None (undecided) counts as an island.

    Examples
    --------
    >>> entitlement("rock")
    ('territorial-sea', 'contiguous-zone')
    >>> entitlement("low-tide-elevation")
    ()
    """
    if status is None:
        status = "island"
    try:
        return _ENTITLED[status]
    except KeyError:
        raise ClaimsmapError(
            f"status {status!r} is not known; use one of {', '.join(_ENTITLED)}"
        ) from None


def _check(party: str, kind: str | None, view: str) -> None:
    if party not in SEA_PARTIES:
        raise ClaimsmapError(
            f"party {party!r} is not known; use one of {', '.join(SEA_PARTIES)}"
        )
    if kind is not None and kind not in ZONE_KINDS:
        raise ClaimsmapError(
            f"zone kind {kind!r} is not known; use one of {', '.join(ZONE_KINDS)}"
        )
    if view not in VIEWS:
        raise ClaimsmapError(
            f"view {view!r} is not known; use one of {', '.join(VIEWS)}"
        )


def _state(frame: gpd.GeoDataFrame, date: Any) -> gpd.GeoDataFrame:
    return present(frame) if date is None else as_of(frame, date)


def _claims(frame: gpd.GeoDataFrame, party: str) -> gpd.GeoDataFrame:
    mask = frame["claimants"].map(lambda c: party in c).astype(bool)
    return frame[mask]


def _status(row: Any, party: str, view: str) -> str | None:
    status = row.get("status")
    if view == "award":
        return status if isinstance(status, str) else None
    claimed = row.get("claimed_status")
    if isinstance(claimed, dict) and isinstance(claimed.get(party), str):
        return str(claimed[party])
    if status in (None, "rock", "island") or not isinstance(status, str):
        return "island"
    return status


def sources(
    party: str,
    *,
    view: View = "as-claimed",
    at: Any = None,
    land: bool = True,
    region: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Everything that generates the zones a party claims, and what each generates.

    Parameters
    ----------
    party : str
        ISO alpha-3 (``"CHN"``, ``"JPN"``, ``"PHL"``, ...).
    view : {"as-claimed", "award"}
        Whose characterisation of each feature's status to use.
    at : str or datetime.date, optional
        The day; by default the present.
    land : bool
        Include the coastline of the land the party claims (Natural Earth).
    region : tuple of float, optional
        ``(west, south, east, north)``: only land within this box (a party's
        whole coast is rarely needed, and long coasts are slow to buffer).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id``, ``name``, ``role`` (``land``, ``baseline``,
        ``enclosed-waters``, ``feature``), ``status`` under the view,
        ``generates`` (the zone kinds), ``safety_zone`` (an artificial island
        on a low-tide elevation or a submerged feature) and ``geometry``.
        No rows, the same columns, when the party claims nothing on that day.
    """
    _check(party, None, view)
    rows: list[dict[str, Any]] = []
    layers = catalog()["layers"]
    if land:
        for _, row in _claims(_state(load(BASEMAP), at), party).iterrows():
            geom = row.geometry
            if region is not None:
                geom = shapely.intersection(geom, shapely.box(*region))
                if geom.is_empty:
                    continue
            coast = geom.simplify(_COAST_SIMPLIFY, preserve_topology=True)
            rows.append(_row(row, "land", "island", coast))
    for lid, entry in layers.items():
        if entry["kind"] != "baseline":
            continue
        for _, row in _claims(_state(load(lid), at), party).iterrows():
            rows.append(_row(row, "baseline", "island", row.geometry))
            coords = np.asarray(row.geometry.coords)
            if len(coords) >= 4 and np.allclose(coords[0], coords[-1]):
                rows.append(
                    _row(row, "enclosed-waters", "island", Polygon(coords), suffix="w")
                )
    features = []
    for lid, entry in layers.items():
        if entry["kind"] != "feature":
            continue
        for _, row in _claims(_state(load(lid), at), party).iterrows():
            features.append(
                _row(row, "feature", _status(row, party, view), row.geometry)
            )
    high = [r["geometry"] for r in rows] + [
        f["geometry"] for f in features if f["generates"]
    ]
    low = [f for f in features if f["status"] == "low-tide-elevation"]
    if high and low:
        near = _within(
            [f["geometry"] for f in low],
            shapely.union_all(high),
            LIMITS_NMI["territorial-sea"] * NMI,
        )
        for f, within in zip(low, near, strict=True):
            # Art. 13: inside the territorial sea of land, a base point.
            f["generates"] = list(ZONE_KINDS) if within else []
            f["base_point_only"] = bool(within)
    for f in features:
        # Only the party that holds an artificial island has its safety zone.
        f["safety_zone"] = (
            bool(f.pop("reclaimed"))
            and f.pop("held") == party
            and f["status"] in ("low-tide-elevation", "submerged")
        )
    rows += features
    for r in rows:
        r.setdefault("safety_zone", False)
        r.pop("reclaimed", None)
        r.pop("held", None)
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=None if rows else _SOURCE_COLUMNS),
        geometry="geometry",
        crs=4326,
    )
    frame.attrs.update(party=party, view=view)
    return frame


def _within(
    places: list[BaseGeometry], source: BaseGeometry, metres: float
) -> np.ndarray:
    """Which places (their representative points) are within ``metres`` of source.

    Inside one of the source's areas, or at most ``metres`` from its edges
    (geodesic; the exact form of "inside its territorial sea").
    """
    xy = shapely.get_coordinates([p.representative_point() for p in places])
    areas = _polygons(source)
    inside = (
        shapely.contains_xy(shapely.union_all(areas), xy[:, 0], xy[:, 1])
        if areas
        else np.zeros(len(xy), dtype=bool)
    )
    away, _ = _nearest_on_edges(xy, _segments(source))
    return np.asarray(inside | (away <= metres))


_SOURCE_COLUMNS = [
    "id",
    "name",
    "role",
    "status",
    "generates",
    "safety_zone",
    "geometry",
]


def _row(
    row: Any, role: str, status: str | None, geometry: BaseGeometry, suffix: str = ""
) -> dict[str, Any]:
    return {
        "id": row["id"] + (f"-{suffix}" if suffix else ""),
        "name": row["name"],
        "role": role,
        "status": status,
        "generates": list(entitlement(status)),
        "reclaimed": bool(row.get("reclaimed") is True),
        "held": row.get("controller"),
        "geometry": geometry,
    }


def _envelope(geoms: Iterable[BaseGeometry], nmi: float) -> BaseGeometry:
    geoms = list(geoms)
    if not geoms:
        return Polygon()
    return buffer(shapely.union_all(geoms), nmi, "nmi", tolerance_m=25)


def _belts(src: gpd.GeoDataFrame, kinds: Iterable[str]) -> dict[str, BaseGeometry]:
    """The belt of each zone kind from the sources."""
    gen = src["generates"]

    def base(kind: str) -> list[BaseGeometry]:
        return list(src.geometry[gen.map(lambda g, k=kind: k in g).astype(bool)])

    inner = shapely.union_all(
        list(src.geometry[src["role"].isin(["land", "enclosed-waters"])])
    )
    ts = _envelope(base("territorial-sea"), LIMITS_NMI["territorial-sea"])
    out: dict[str, BaseGeometry] = {}
    for kind in kinds:
        if kind == "territorial-sea":
            out[kind] = shapely.difference(ts, inner)
        else:
            outer = _envelope(base(kind), LIMITS_NMI[kind])
            out[kind] = shapely.difference(outer, shapely.union_all([ts, inner]))
    return out


@dataclass(frozen=True)
class _Request:
    """The arguments of :func:`zones`, checked and normalised: its cache key."""

    party: str
    kind: str | None
    view: str
    at: str | None
    land: bool
    region: tuple[float, float, float, float] | None
    against: str | None

    def key(self) -> dict[str, Any]:
        return asdict(self)

    def sources(self, party: str) -> gpd.GeoDataFrame:
        """The sources of ``party`` on the request's day, view, land and region."""
        return sources(
            party,
            view=cast(View, self.view),
            at=self.at,
            land=self.land,
            region=self.region,
        )


def _request(
    party: Any,
    kind: Any,
    view: Any,
    at: Any,
    land: Any,
    region: Any,
    against: Any,
) -> _Request:
    """Check every argument of :func:`zones` before anything is computed."""
    _check(party, kind, view)
    if against is not None:
        if against not in SEA_PARTIES:
            raise ClaimsmapError(
                f"against={against!r} is not a known party; use one of "
                f"{', '.join(SEA_PARTIES)}"
            )
        if against == party:
            raise ClaimsmapError(
                f"against={against!r} is the party itself: {party} and {against} "
                "claim the same sources; give another party to cut at the median "
                "line with"
            )
    day = None if at is None else _as_date(at, "at").isoformat()
    if not isinstance(land, bool | np.bool_):
        raise ClaimsmapError(f"land={land!r}: give True or False")
    box = None if region is None else _region(region)
    return _Request(party, kind, view, day, bool(land), box, against)


def _region(region: Any) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` in degrees, checked."""
    try:
        west, south, east, north = (float(v) for v in region)
    except (TypeError, ValueError):
        raise ClaimsmapError(
            f"region={region!r}: give four numbers (west, south, east, north) in "
            "degrees"
        ) from None
    check_lonlat(west, south, what="region corner (west, south)")
    check_lonlat(east, north, what="region corner (east, north)")
    if not (west < east and south < north):
        raise ClaimsmapError(
            f"region={region!r}: give (west, south, east, north) with west < east "
            "and south < north"
        )
    return west, south, east, north


_ZONE_COLUMNS = [
    "id",
    "name",
    "claimants",
    "party",
    "zone",
    "view",
    "limit_nmi",
    "area_km2",
    "sources",
    "geometry",
]
# Zones built in this process, pickled (so no caller can change them), by
# cache folder and request; the last few only.
_KEPT: OrderedDict[str, bytes] = OrderedDict()
_KEPT_MAX = 16


def zones(
    party: str,
    kind: ZoneKind | None = None,
    *,
    view: View = "as-claimed",
    at: Any = None,
    land: bool = True,
    region: tuple[float, float, float, float] | None = None,
    against: str | None = None,
    cache: bool = True,
) -> gpd.GeoDataFrame:
    """A party's territorial sea, contiguous zone and EEZ, built geodesically.

    Parameters
    ----------
    party : str
        ISO alpha-3 of the party.
    kind : {"territorial-sea", "contiguous-zone", "eez"}, optional
        One zone; all three by default.
    view : {"as-claimed", "award"}
        Feature status per the party (default) or per the 2016 award.
    at : str or datetime.date, optional
        The day; by default the present.
    land : bool
        Measure from the land's coastline too (Natural Earth, simplified by
        0.005°); turn off to see what the declared baselines and features
        alone generate.
    region : tuple of float, optional
        ``(west, south, east, north)`` in degrees: measure only from land
        within this box.
    against : str, optional
        Another party: keep only the part of each zone nearer to this party's
        sources than to the other's (the median line).
    cache : bool
        Keep the answer, and reuse a kept one: in this process, and on disk in
        the cache folder (``$CLAIMSMAP_CACHE_DIR``, else the user cache
        folder; ``claimsmap cache clear`` empties it). Entries are keyed by
        every argument above and by the versions of the data and the code.
        False computes afresh and neither reads nor writes the cache.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone: ``id``, ``name``, ``claimants``, ``party``, ``zone``,
        ``view``, ``limit_nmi``,
        ``area_km2`` (geodesic), ``sources`` (the ids it is measured from)
        and ``geometry``; plus a ``safety-zone`` row when the party holds
        artificial islands that generate nothing else. No rows (the same
        columns, EPSG:4326) when nothing the party claims on that day
        generates a zone. A new frame each call.

    Raises
    ------
    ClaimsmapError
        When an argument is not valid (an unknown party, kind, view or
        ``against`` party, a date that cannot be read, a region that is not
        four numbers west < east and south < north); every argument is
        checked before anything is computed.

    Examples
    --------
    >>> ts = zones("TWN", "territorial-sea", land=False)
    >>> list(ts.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['id', 'name', 'claimants', 'party', 'zone', 'view', 'limit_nmi', 'area_km2',
     'sources', 'geometry']
    >>> "scs-itu-aba" in ts.sources.iloc[0]
    True

    Before it claimed anything, a party has no zones:

    >>> len(zones("MYS", "eez", at="1970-01-01", land=False))
    0
    """
    request = _request(party, kind, view, at, land, region, against)
    if not cache:
        return _zones(request)
    from claimsmap import _cache

    key = request.key()
    here = json.dumps([str(_cache.cache_dir()), key], sort_keys=True)
    kept = _KEPT.get(here)
    if kept is not None:
        _KEPT.move_to_end(here)
        return pickle.loads(kept)
    frame = _cache.cached("zones", key, lambda: _zones(request))
    _KEPT[here] = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    while len(_KEPT) > _KEPT_MAX:
        _KEPT.popitem(last=False)
    return frame


def _zones(request: _Request) -> gpd.GeoDataFrame:
    """Build the zones of a checked request (the work :func:`zones` keeps)."""
    party, view = request.party, request.view
    src = request.sources(party)
    cut = None
    if request.against is not None:
        other = request.sources(request.against)
        # What both claim is on neither side of a line between them.
        shared = set(src["id"]) & set(other["id"])
        mine = src[src["generates"].map(bool) & ~src["id"].isin(shared)]
        theirs = other[other["generates"].map(bool) & ~other["id"].isin(shared)]
        if mine.empty or theirs.empty:
            raise ClaimsmapError(
                f"{party} and {request.against} claim the same sources; there is "
                "no median line between them to cut at"
            )
        cut = (mine.geometry.union_all(), theirs.geometry.union_all())
    frame = gpd.GeoDataFrame(
        pd.DataFrame(columns=_ZONE_COLUMNS), geometry="geometry", crs=4326
    )
    frame.attrs.update(party=party, view=view)
    if not (src["generates"].map(bool).any() or src["safety_zone"].any()):
        return frame
    kinds = ZONE_KINDS if request.kind is None else (request.kind,)
    belts = _belts(src, kinds)
    if cut is not None:
        belts = {k: _nearer(g, *cut) for k, g in belts.items()}
    rows = []
    for k, geom in belts.items():
        rows.append(
            {
                "id": f"{party.lower()}-{k}-{view}",
                "name": f"{party} {_LABEL[k]} ({view})",
                "claimants": [party],
                "party": party,
                "zone": k,
                "view": view,
                "limit_nmi": LIMITS_NMI[k],
                "area_km2": area(geom, "km2"),
                "sources": sorted(
                    src.loc[src["generates"].map(lambda g, k=k: k in g), "id"]
                ),
                "geometry": geom,
            }
        )
    safety = src[src["safety_zone"]]
    if request.kind is None and len(safety):
        geom = shapely.union_all(
            [buffer(g, SAFETY_ZONE_M, "m") for g in safety.geometry]
        )
        rows.append(
            {
                "id": f"{party.lower()}-safety-zone-{view}",
                "name": f"{party} safety zones of artificial islands ({view})",
                "claimants": [party],
                "party": party,
                "zone": "safety-zone",
                "view": view,
                "limit_nmi": SAFETY_ZONE_M / NMI,
                "area_km2": area(geom, "km2"),
                "sources": sorted(safety["id"]),
                "geometry": geom,
            }
        )
    built = gpd.GeoDataFrame(rows, columns=_ZONE_COLUMNS, geometry="geometry", crs=4326)
    built.attrs.update(frame.attrs)
    return built


def feature_zones(name: Any, *, view: View = "award") -> gpd.GeoDataFrame:
    """The zones one feature generates by itself, under a view of its status.

    Parameters
    ----------
    name : str or Feature
        A feature of the atlas (``"Itu Aba"``, ``"Scarborough Shoal"``).
    view : {"award", "as-claimed"}
        ``"award"`` (default): the 2016 award's classification where it
        decided; ``"as-claimed"``: a high-tide feature as a fully entitled
        island.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone the feature is entitled to (``zone``,
        ``limit_nmi``, ``area_km2``, ``geometry``), measured from its point
        (so short of the true limit by the feature's own radius); empty for
        a low-tide elevation or a submerged feature.

    Examples
    --------
    >>> list(feature_zones("Itu Aba")["zone"])
    ['territorial-sea', 'contiguous-zone']
    >>> list(feature_zones("Itu Aba", view="as-claimed")["zone"])
    ['territorial-sea', 'contiguous-zone', 'eez']
    """
    from claimsmap.gazetteer import find

    feature = find(name) if isinstance(name, str) else name
    props = dict(feature.properties)
    if view not in VIEWS:
        raise ClaimsmapError(
            f"view {view!r} is not known; use one of {', '.join(VIEWS)}"
        )
    party = next(iter(props.get("claimants") or []), None) or "CHN"
    status = _status(props, party, view)
    rows = []
    ts_outer: BaseGeometry | None = None
    for k in entitlement(status):
        outer = buffer(feature.geometry, LIMITS_NMI[k], "nmi", tolerance_m=10)
        belt = outer if ts_outer is None else shapely.difference(outer, ts_outer)
        if k == "territorial-sea":
            ts_outer = outer
        rows.append(
            {
                "feature": feature.id,
                "status": status,
                "view": view,
                "zone": k,
                "limit_nmi": LIMITS_NMI[k],
                "area_km2": area(belt, "km2"),
                "geometry": belt,
            }
        )
    return gpd.GeoDataFrame(
        rows,
        columns=[
            "feature",
            "status",
            "view",
            "zone",
            "limit_nmi",
            "area_km2",
            "geometry",
        ],
        geometry="geometry",
        crs=4326,
    )


# ---------------------------------------------------------------------------
# Median lines
# ---------------------------------------------------------------------------


def _as_source(value: Any, *, view: View = "as-claimed") -> BaseGeometry:
    """A party code, layer rows or a geometry, as one base geometry."""
    if isinstance(value, str) and value in SEA_PARTIES:
        src = sources(value, view=view)
        return shapely.union_all(list(src.geometry[src["generates"].map(bool)]))
    if isinstance(value, gpd.GeoDataFrame):
        return shapely.union_all(list(value.geometry))
    return resolve(value)


def _samples(geom: BaseGeometry, spacing_m: float) -> np.ndarray:
    """Points along a geometry's edges (and its vertices), lon/lat."""
    segs = _segments(geom)
    points = [segs.reshape(-1, 2)]
    for (x1, y1), (x2, y2) in segs:
        _, _, d = GEOD.inv(x1, y1, x2, y2)
        n = int(d // spacing_m)
        if n >= 1:
            points.append(np.asarray(GEOD.npts(x1, y1, x2, y2, n)))
    return np.unique(np.concatenate(points), axis=0)


def _aeqd_between(a: BaseGeometry, b: BaseGeometry) -> Transformer:
    c = shapely.union_all([a, b]).centroid
    return Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={c.y:.6f} +lon_0={c.x:.6f} +ellps=WGS84 +units=m",
        always_xy=True,
    )


def median_line(
    a: Any,
    b: Any,
    *,
    limit_nmi: float = 200.0,
    spacing_km: float = 5.0,
) -> LineString | BaseGeometry:
    """The equidistance (median) line between two sides, on the ellipsoid.

    Parameters
    ----------
    a, b : str, geometry, Feature or GeoDataFrame
        The two sides: a party code (its zone sources, see :func:`sources`),
        a feature name, a geometry or a GeoDataFrame of base geometries.
    limit_nmi : float
        Keep the line where both sides are within this distance.
    spacing_km : float
        Vertex spacing of the result.

    Returns
    -------
    shapely.LineString or shapely.MultiLineString
        In lon/lat. Every vertex is as far from ``a`` as from ``b`` to within
        a millimetre (geodesic distances to the nearest point of each side).

    Notes
    -----
    The line is found first as the boundary between the Voronoi cells of
    points sampled along the two sides, in an azimuthal equidistant
    projection centred between them; each vertex is then moved across the
    line, along the geodesic in which the difference of its distances to the
    two sides changes fastest, until the two geodesic distances agree
    (bisection to 1 mm).
    """
    ga, gb = _as_source(a), _as_source(b)
    if ga.intersects(gb):
        raise ClaimsmapError(
            "the two sides touch or overlap; a median line needs two apart"
        )
    aeqd = _aeqd_between(ga, gb)
    spacing = max(500.0, min(spacing_km * 1000.0, 5000.0))
    pa, pb = _samples(ga, spacing), _samples(gb, spacing)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = aeqd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    qa, qb = project(pa), project(pb)
    every = np.concatenate([qa, qb])
    reach = limit_nmi * NMI * 1.2
    frame = shapely.box(*every.min(axis=0) - reach, *every.max(axis=0) + reach)
    cells = shapely.voronoi_polygons(MultiPoint(every), extend_to=frame, ordered=True)
    parts = list(shapely.get_parts(cells))
    side_a = shapely.union_all(parts[: len(qa)])
    side_b = shapely.union_all(parts[len(qa) :])
    border = shapely.line_merge(shapely.intersection(side_a.boundary, side_b.boundary))
    # Keep the stretches within the limit of both sides (planar distances to
    # the samples: the limit only trims the ends).
    tree_a, tree_b = (
        shapely.STRtree(shapely.points(qa)),
        shapely.STRtree(shapely.points(qb)),
    )
    limit = limit_nmi * NMI * 1.02
    lines = []
    for part in shapely.get_parts(border):
        if part.geom_type != "LineString":
            continue
        xy = np.asarray(part.segmentize(spacing).coords)
        pts = shapely.points(xy)
        da = tree_a.query_nearest(pts, return_distance=True, all_matches=False)[1]
        db = tree_b.query_nearest(pts, return_distance=True, all_matches=False)[1]
        keep = (da <= limit) & (db <= limit)
        runs = np.split(
            np.arange(len(xy)), np.nonzero(np.diff(keep.astype(int)))[0] + 1
        )
        lines += [LineString(xy[r]) for r in runs if keep[r[0]] and len(r) > 1]
    lines = [line for line in lines if line.length > 0]
    if not lines:
        raise ClaimsmapError(
            f"the two sides are more than {2 * limit_nmi:g} nmi apart: no median "
            "line within the limit"
        )
    inverse = Transformer.from_crs(aeqd.target_crs, "EPSG:4326", always_xy=True)
    out = []
    for line in shapely.get_parts(shapely.line_merge(shapely.union_all(lines))):
        dense = line.segmentize(spacing_km * 1000.0)
        xy = np.asarray(dense.coords)
        lon, lat = inverse.transform(xy[:, 0], xy[:, 1])
        refined = _equidistant(np.column_stack([lon, lat]), ga, gb)
        out.append(LineString(refined))
    return out[0] if len(out) == 1 else shapely.MultiLineString(out)


def _chord_min(points: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Approximate distance (m) from points to the nearest edge: 3-D chords."""
    out = np.empty(len(points))
    for start, gap, _, _ in _chord_gaps(points, segs, chunk=256):
        out[start : start + len(gap)] = gap.min(axis=1)
    return out


class _Side:
    """One side's edges, with per-point candidate edges for exact distances."""

    def __init__(self, segs: np.ndarray) -> None:
        self.segs = segs

    def fix_candidates(self, points: np.ndarray, slack: np.ndarray) -> None:
        """Keep, per point, the edges that can be nearest within ``slack`` metres."""
        rows, cols = [], []
        for start, _, lower, upper in _chord_gaps(points, self.segs, chunk=256):
            reach = upper + 2 * slack[start : start + len(upper)]
            i, j = np.nonzero(lower <= reach[:, None])
            rows.append(i + start)
            cols.append(j)
        self.i, self.j = np.concatenate(rows), np.concatenate(cols)

    def exact(self, points: np.ndarray) -> np.ndarray:
        found, _ = _nearest_on_segments(
            points[self.i], self.segs[self.j, 0], self.segs[self.j, 1]
        )
        best = np.full(len(points), np.inf)
        np.minimum.at(best, self.i, found)
        return best


def _equidistant(points: np.ndarray, a: BaseGeometry, b: BaseGeometry) -> np.ndarray:
    """Move points onto the equidistance line of ``a`` and ``b`` (to 1 mm).

    Each point moves along the geodesic through it in the direction in which
    the difference of its distances to ``a`` and ``b`` changes fastest (away
    from its nearest point on one, towards its nearest point on the other),
    so that neighbouring points stay neighbours on the line. The first guess
    of the crossing comes from that rate of change; exact geodesic distances,
    over the edges that can be nearest within a bracket around it, bisect it
    to a millimetre. A point whose bracket does not hold the crossing moves
    as :func:`_across` moves it.
    """
    sa, sb = _Side(_segments(a)), _Side(_segments(b))
    da, qa = _nearest_on_edges(points, sa.segs)
    db, qb = _nearest_on_edges(points, sb.segs)
    # Unit vectors (east, north) at each point, away from qa and from qb.
    away = []
    for q in (qa, qb):
        _, back, _ = GEOD.inv(q[:, 0], q[:, 1], points[:, 0], points[:, 1])
        angle = np.radians(np.asarray(back) + 180.0)
        away.append(np.column_stack([np.sin(angle), np.cos(angle)]))
    grad = away[0] - away[1]  # of da - db, per metre
    rate = np.hypot(grad[:, 0], grad[:, 1])
    heading = np.degrees(np.arctan2(grad[:, 0], grad[:, 1]))
    guess = -(da - db) / np.maximum(rate, 1e-9)
    reach = 2000.0 + 0.5 * np.abs(guess)
    lo, hi = guess - reach, guess + reach

    def at(t: np.ndarray) -> np.ndarray:
        lon, lat, _ = GEOD.fwd(points[:, 0], points[:, 1], heading, t)
        return np.column_stack([lon, lat])

    for side in (sa, sb):
        side.fix_candidates(at(guess), reach)
    ok = (rate > 1e-3) & (sa.exact(at(lo)) <= sb.exact(at(lo)))
    ok &= sa.exact(at(hi)) >= sb.exact(at(hi))
    steps = max(1, math.ceil(math.log2(max(float(np.max(hi - lo)), 1.0) / 1e-3)))
    for _ in range(steps):
        mid = (lo + hi) / 2
        nearer_a = sa.exact(at(mid)) < sb.exact(at(mid))
        lo, hi = np.where(nearer_a, mid, lo), np.where(nearer_a, hi, mid)
    out = at((lo + hi) / 2)
    if not ok.all():
        out[~ok] = _across(points[~ok], a, b)
    return out


def _across(points: np.ndarray, a: BaseGeometry, b: BaseGeometry) -> np.ndarray:
    """Move points onto the equidistance line between their nearest points.

    Along the geodesic from each point's nearest point on ``a`` to its
    nearest point on ``b`` the difference of the two distances changes
    sign. Chord distances narrow the bracket to a few
    kilometres; exact geodesic distances, over the edges that can be nearest
    within that bracket, bisect it to a millimetre.
    """
    sa, sb = _Side(_segments(a)), _Side(_segments(b))
    _, qa = _nearest_on_edges(points, sa.segs)
    _, qb = _nearest_on_edges(points, sb.segs)
    az, _, length = GEOD.inv(qa[:, 0], qa[:, 1], qb[:, 0], qb[:, 1])
    az, length = np.atleast_1d(az), np.atleast_1d(length)

    def at(s: np.ndarray) -> np.ndarray:
        lon, lat, _ = GEOD.fwd(qa[:, 0], qa[:, 1], az, s)
        return np.column_stack([lon, lat])

    lo, hi = np.zeros(len(points)), length.copy()
    while float(np.max(hi - lo)) > 2000.0:
        mid = (lo + hi) / 2
        xy = at(mid)
        nearer_a = _chord_min(xy, sa.segs) < _chord_min(xy, sb.segs)
        lo, hi = np.where(nearer_a, mid, lo), np.where(nearer_a, hi, mid)
    # The chords may misjudge by a few hundred metres: widen, then check.
    lo, hi = np.maximum(lo - 3000.0, 0.0), np.minimum(hi + 3000.0, length)
    centre = at((lo + hi) / 2)
    for side in (sa, sb):
        side.fix_candidates(centre, (hi - lo) / 2)
    ok_lo = sa.exact(at(lo)) <= sb.exact(at(lo))
    ok_hi = sa.exact(at(hi)) >= sb.exact(at(hi))
    if not (ok_lo.all() and ok_hi.all()):  # fall back to the whole geodesic
        lo, hi = np.zeros(len(points)), length.copy()
        for side in (sa, sb):
            side.fix_candidates(at(length / 2), length / 2)
    steps = max(1, math.ceil(math.log2(max(float(np.max(hi - lo)), 1.0) / 1e-3)))
    for _ in range(steps):
        mid = (lo + hi) / 2
        xy = at(mid)
        nearer_a = sa.exact(xy) < sb.exact(xy)
        lo, hi = np.where(nearer_a, mid, lo), np.where(nearer_a, hi, mid)
    return at((lo + hi) / 2)


def equidistance_gap(line: BaseGeometry, a: Any, b: Any) -> np.ndarray:
    """For each vertex of ``line``: distance to ``a`` minus distance to ``b`` (m).

    Zero along a true median line; use it to check one, or to see how far a
    drawn line (such as a published "median line") is from equidistance.
    """
    ga, gb = _as_source(a), _as_source(b)
    xy = shapely.get_coordinates(line)
    da, _ = _nearest_on_edges(xy, _segments(ga))
    db, _ = _nearest_on_edges(xy, _segments(gb))
    return da - db


def _nearer(
    zone: BaseGeometry, mine: BaseGeometry, theirs: BaseGeometry
) -> BaseGeometry:
    """The part of ``zone`` nearer to ``mine`` than to ``theirs``."""
    if zone.is_empty:
        return zone
    if mine.distance(theirs) > 2 * LIMITS_NMI["eez"] * NMI / 111_000 * 1.5:
        return zone  # too far apart for their zones to meet
    line = median_line(mine, theirs, limit_nmi=400, spacing_km=5)
    pieces = shapely.get_parts(shapely.ops.split(zone, _extended(line)))
    keep = []
    for piece in pieces:
        p = piece.representative_point()
        da, _ = _nearest_on_edges(np.array([[p.x, p.y]]), _segments(mine))
        db, _ = _nearest_on_edges(np.array([[p.x, p.y]]), _segments(theirs))
        if da[0] <= db[0]:
            keep.append(piece)
    return shapely.union_all(keep) if keep else Polygon()


def _extended(line: BaseGeometry) -> BaseGeometry:
    """A median line, its ends extended far along their last segments."""
    parts = []
    for part in shapely.get_parts(line):
        xy = np.asarray(part.coords)
        # Vertices that the refinement moved onto one point give no direction.
        xy = xy[np.r_[True, np.abs(np.diff(xy, axis=0)).max(axis=1) > 1e-9]]
        if len(xy) < 2:
            continue
        head = xy[0] + _unit(xy[0] - xy[1]) * 10.0  # degrees: past any zone
        tail = xy[-1] + _unit(xy[-1] - xy[-2]) * 10.0
        parts.append(LineString([head, *xy, tail]))
    return shapely.union_all(parts)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.hypot(*v)), 1e-12)
