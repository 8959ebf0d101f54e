"""Layers derived by code from the curated ones: the seed map's two areas.

The common political map "China: controlled and claimed regions" shows what
the PRC holds in one colour and what it claims but does not hold in another.
claimsmap does not draw those areas by hand; it derives them here from the
curated layers, for any date:

* :func:`dashed_line_area` closes the digitised dashes of the PRC dashed line
  along the Chinese coast and keeps the sea inside;
* :func:`prc_controlled` is the land the PRC holds (the basemap's China and
  the disputed areas it holds, such as Aksai Chin), and the 12-nmi belt
  around every feature it holds;
* :func:`prc_claimed_not_controlled` is everything the PRC claims (the dashed
  line's sea, land such as Taiwan and Arunachal Pradesh, the features others
  hold with their belts, and the Diaoyu Dao baselines with theirs) less what
  it holds.

``scripts/build_derived.py`` writes these as catalog layers; a test derives
them again and compares.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from claimsmap.catalog import BASEMAP, LAND_CLAIMS, as_of, catalog, load
from claimsmap.geodesy import area, buffer

__all__ = [
    "BELT_NMI",
    "adiz_area",
    "dashed_line_area",
    "prc_claimed_not_controlled",
    "prc_controlled",
]

#: The belt drawn around a held or claimed feature: the territorial sea.
BELT_NMI = 12.0
_PRC = "CHN"
_DASHED = "prc-dashed-line"


def _feature_layers() -> list[str]:
    return [lid for lid, e in catalog()["layers"].items() if e["kind"] == "feature"]


def _chain(lines: list[LineString]) -> list[tuple[float, float]]:
    """Join lines into one path, turning each to start nearest the last end."""
    path: list[tuple[float, float]] = list(lines[0].coords)
    if len(lines) > 1:
        nxt = lines[1].coords
        ends = [nxt[0], nxt[-1]]
        if min(Point(path[0]).distance(Point(e)) for e in ends) < min(
            Point(path[-1]).distance(Point(e)) for e in ends
        ):
            path.reverse()
    for line in lines[1:]:
        coords = list(line.coords)
        if Point(path[-1]).distance(Point(coords[-1])) < Point(path[-1]).distance(
            Point(coords[0])
        ):
            coords.reverse()
        path.extend(coords)
    return path


def _coast_between(
    land: BaseGeometry, a: tuple[float, float], b: tuple[float, float]
) -> list[tuple[float, float]]:
    """The shorter way along ``land``'s outer ring from near ``a`` to near ``b``."""
    part = max(shapely.get_parts(land), key=lambda p: p.area)
    ring = LineString(part.exterior.coords)
    da, db = ring.project(Point(a)), ring.project(Point(b))
    lo, hi = sorted((da, db))
    inside = substring(ring, lo, hi)
    outside_length = ring.length - inside.length
    if inside.length <= outside_length:
        coords = list(inside.coords)
    else:
        coords = list(substring(ring, hi, ring.length).coords) + list(
            substring(ring, 0, lo).coords
        )
    if Point(coords[0]).distance(Point(a)) > Point(coords[-1]).distance(Point(a)):
        coords.reverse()
    return coords


def dashed_line_area() -> BaseGeometry:
    """The sea inside the PRC dashed line, closed along the Chinese coast.

    The ten digitised dashes are joined in order, from the dash east of
    Taiwan round to the dash off central Viet Nam. From there the line is
    closed to the coastal end of the China–Viet Nam land border, along the
    Chinese coast to the point nearest the first dash, and back to it. Land
    is then taken out.

    .. warning::
       The PRC has published no coordinates, no closing line and no legal
       meaning for the dashes (Limits in the Seas No. 143). This is a drawing
       aid that reproduces the maps' shaded area, as precise as the digitised
       dashes (5 km) and the 1:10m coastline.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        In lon/lat degrees.
    """
    dashes = load(_DASHED).sort_values("dash")
    path = _chain(list(dashes.geometry))
    land = load(BASEMAP).set_index("id")
    china = land.loc["ne-china", "geometry"]
    vietnam = land.loc["ne-vietnam", "geometry"]
    border = shapely.line_merge(shapely.intersection(china.boundary, vietnam.boundary))
    ends = [
        Point(c)
        for line in shapely.get_parts(border)
        for c in (line.coords[0], line.coords[-1])
    ]
    west_end = min(ends, key=lambda p: p.distance(Point(path[-1])))
    coast_near_first = shapely.ops.nearest_points(china.boundary, Point(path[0]))[0]
    coast = _coast_between(
        china, (west_end.x, west_end.y), (coast_near_first.x, coast_near_first.y)
    )
    ring = [*path, *coast, path[0]]
    enclosed = shapely.make_valid(Polygon(ring))
    enclosed = shapely.union_all(
        [p for p in shapely.get_parts(enclosed) if p.geom_type == "Polygon"]
    )
    return shapely.difference(enclosed, shapely.union_all(land.geometry.values))


def _held(frame: gpd.GeoDataFrame, party: str) -> gpd.GeoDataFrame:
    return frame[frame["controller"] == party]


def _claimed_by(frame: gpd.GeoDataFrame, party: str) -> pd.Series:
    # astype(bool): an empty frame's map gives an object Series, which pandas
    # would read as a column selection.
    return frame["claimants"].map(lambda c: party in c).astype(bool)


def _claimed_not_held(frame: gpd.GeoDataFrame, party: str) -> gpd.GeoDataFrame:
    return frame[_claimed_by(frame, party) & (frame["controller"] != party)]


def _belts(points: gpd.GeoDataFrame) -> list[BaseGeometry]:
    return [buffer(g, BELT_NMI, "nmi", tolerance_m=50) for g in points.geometry]


def _today() -> _dt.date:
    return _dt.date.today()


def prc_controlled(date: Any = None) -> BaseGeometry:
    """Land the PRC holds, and the 12-nmi belt around each feature it holds.

    Parameters
    ----------
    date : str or datetime.date, optional
        The day (default today): control as the curated history records it.

    Returns
    -------
    shapely geometry
        Polygons in lon/lat: the basemap's land held by the PRC (the mainland,
        Hainan, Hong Kong, Macao, Natural Earth's Scarborough Reef), the
        disputed land it holds (layer ``land-claims``: Aksai Chin, the
        Shaksgam valley) and a geodesic 12-nmi belt around each feature the
        PRC holds on that day.
    """
    day = date or _today()
    land = as_of(load(BASEMAP), day)
    pieces = list(_held(land, _PRC).geometry)
    pieces += list(_held(as_of(load(LAND_CLAIMS), day), _PRC).geometry)
    for lid in _feature_layers():
        pieces += _belts(_held(as_of(load(lid), day), _PRC))
    return shapely.union_all(pieces)


def prc_claimed_not_controlled(date: Any = None) -> BaseGeometry:
    """What the PRC claims but does not hold, on a day.

    Parameters
    ----------
    date : str or datetime.date, optional
        The day (default today).

    Returns
    -------
    shapely geometry
        The union of the sea inside the dashed line (:func:`dashed_line_area`),
        land the PRC claims and another party holds (Taiwan, Natural Earth's
        Spratly Islands, and from layer ``land-claims`` Arunachal Pradesh,
        Demchok, the Samdu, Tirpani and Bara Hotii valleys and two areas of
        Bhutan), a 12-nmi belt around each feature the PRC claims and
        does not hold, and the PRC's own baselines that enclose such features
        (the 2012 Diaoyu Dao baselines) with a 12-nmi belt; less everything
        :func:`prc_controlled` returns for that day.
    """
    day = date or _today()
    pieces = [dashed_line_area()]
    for lid in (BASEMAP, LAND_CLAIMS):
        pieces += list(_claimed_not_held(as_of(load(lid), day), _PRC).geometry)
    held_features = []
    for lid in _feature_layers():
        frame = as_of(load(lid), day)
        pieces += _belts(_claimed_not_held(frame, _PRC))
        held_features += list(_held(frame, _PRC).geometry)
    for lid, entry in catalog()["layers"].items():
        if entry["kind"] != "baseline":
            continue
        lines = as_of(load(lid), day)
        lines = lines[_claimed_by(lines, _PRC)]
        for line in lines.geometry:
            loop = _loop_polygon(line)
            encloses_unheld = loop is not None and not any(
                loop.contains(p) for p in held_features
            )
            if encloses_unheld:
                pieces.append(buffer(loop, BELT_NMI, "nmi", tolerance_m=50))
    claimed = shapely.union_all(pieces)
    return shapely.difference(claimed, prc_controlled(day))


def _loop_polygon(line: BaseGeometry) -> Polygon | None:
    coords = np.asarray(line.coords) if line.geom_type == "LineString" else None
    if coords is None or len(coords) < 4 or not np.allclose(coords[0], coords[-1]):
        return None
    poly = Polygon(coords)
    return poly if poly.is_valid else None


def as_frame(geometry: BaseGeometry, **props: Any) -> gpd.GeoDataFrame:
    """One-row GeoDataFrame in EPSG:4326 with the given properties and area."""
    polys = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    geom = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return gpd.GeoDataFrame(
        [{**props, "area_km2": round(area(geom, "km2"), 1)}],
        geometry=[geom],
        crs=4326,
    )


def adiz_area() -> BaseGeometry:
    """The PRC's 2013 East China Sea ADIZ as an area.

    The statement defines the zone as the airspace between its six-point line
    and the outer limit of the PRC territorial sea. The line's two ends are
    joined through the mainland; land and the territorial sea (12 nmi from the
    PRC's 1996 mainland baselines and from the basemap's coast where the
    baselines do not reach) are then taken out.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        In lon/lat degrees; as precise as the 1:10m coast (about 1 km) on its
        landward side and the published arc-minutes on its seaward side.
    """
    line = load("prc-ecs-adiz-2013").geometry.iloc[0]
    coords = list(line.coords)
    china = load(BASEMAP).set_index("id").loc["ne-china", "geometry"]
    # Close through the mainland: from the southern end inland, then north.
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    inland = [(min(x0, x1) - 2.0, y1), (min(x0, x1) - 2.0, y0)]
    enclosed = shapely.make_valid(Polygon([*coords, *inland, coords[0]]))
    window = shapely.box(*enclosed.bounds).buffer(1.0)
    coast = shapely.intersection(china, window).simplify(0.005)
    baselines = load("prc-baselines").set_index("id")
    mainland = shapely.intersection(
        baselines.loc["prc-1996-baseline-mainland", "geometry"], window
    )
    belt = buffer(shapely.union_all([coast, mainland]), BELT_NMI, "nmi", tolerance_m=50)
    return shapely.difference(enclosed, shapely.union_all([belt, china]))


def diaoyu_territorial_sea() -> BaseGeometry:
    """The territorial sea the PRC's 2012 Diaoyu Dao baselines generate (12 nmi)."""
    lines = load("prc-diaoyu-baselines-2012").geometry
    loops = [_loop_polygon(line) for line in lines]
    return buffer(
        shapely.union_all([p for p in loops if p is not None]),
        BELT_NMI,
        "nmi",
        tolerance_m=10,
    )
