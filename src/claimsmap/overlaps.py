"""Where claims and zones overlap, and by how much (geodesic km²).

>>> table = overlaps("prc-dashed-line-area", "phl-kalayaan-island-group")
>>> list(table[["a_id", "b_id"]].itertuples(index=False, name=None))
[('prc-dashed-line-area', 'phl-kalayaan-island-group')]
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely

from claimsmap.catalog import catalog, load, present, resolve_layer
from claimsmap.errors import ClaimsmapError
from claimsmap.geodesy import area

__all__ = ["overlaps"]

_COLUMNS = [
    "a_id",
    "a_name",
    "a_claimants",
    "b_id",
    "b_name",
    "b_claimants",
    "area_km2",
    "share_of_a",
    "share_of_b",
    "geometry",
]


def _frame(value: Any, what: str) -> gpd.GeoDataFrame:
    if isinstance(value, str):
        layer_id = resolve_layer(value)
        what = f"layer {layer_id!r}"
        frame = present(load(layer_id))
        frame.attrs["layer"] = layer_id
    elif isinstance(value, gpd.GeoDataFrame):
        frame = value
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            crs = "no CRS" if frame.crs is None else frame.crs.to_string()
            raise ClaimsmapError(
                f"{what} is in {crs}; give it in EPSG:4326: frame.to_crs(4326)"
            )
    else:
        raise ClaimsmapError(
            f"{what} must be a layer id or a GeoDataFrame, not {type(value).__name__}"
        )
    for column in ("id", "name"):
        if column not in frame:
            raise ClaimsmapError(f"{what} has no {column!r} column; overlaps needs one")
    areal = frame.geom_type.isin(["Polygon", "MultiPolygon"])
    if not areal.any():
        kind = catalog()["layers"].get(frame.attrs.get("layer", ""), {}).get("kind")
        raise ClaimsmapError(
            f"{what} has no polygons (it is a {kind or 'layer of lines or points'}); "
            "overlaps "
            "compares areas: give a claim-area, zone, ADIZ or exercise-area layer, "
            "or build zones with claimsmap.zones()"
        )
    return frame[areal]


def overlaps(a: Any, b: Any = None, *, min_km2: float = 0.01) -> gpd.GeoDataFrame:
    """Pairwise overlaps of claims and zones, with their geodesic areas.

    Parameters
    ----------
    a : str or GeoDataFrame
        A layer id (its present rows) or a GeoDataFrame in EPSG:4326 with
        ``id`` and ``name`` columns (for example the output of
        :func:`claimsmap.zones`).
    b : str or GeoDataFrame, optional
        Another layer; by default the features of ``a`` are compared with
        each other.
    min_km2 : float
        Leave out overlaps smaller than this (slivers where two lines drawn
        from the same points meet).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per overlapping pair: ``a_id``, ``a_name``, ``a_claimants``,
        ``b_id``, ``b_name``, ``b_claimants``, ``area_km2`` (on WGS84),
        ``share_of_a`` and ``share_of_b`` (of each feature's own area), and the
        overlap ``geometry``; largest first.
    """
    fa = _frame(a, "a")
    fb = fa if b is None else _frame(b, "b")
    tree = shapely.STRtree(fb.geometry.values)
    left, right = tree.query(fa.geometry.values, predicate="intersects")
    rows = []
    for i, j in zip(left, right, strict=True):
        if b is None and j <= i:
            continue
        ra, rb = fa.iloc[i], fb.iloc[j]
        shared = shapely.intersection(ra.geometry, rb.geometry)
        polys = [p for p in shapely.get_parts(shared) if p.geom_type == "Polygon"]
        if not polys:
            continue
        geom = shapely.union_all(polys)
        km2 = area(geom, "km2")
        if km2 < min_km2:
            continue
        rows.append(
            {
                "a_id": ra["id"],
                "a_name": ra["name"],
                "a_claimants": list(ra.get("claimants") or []),
                "b_id": rb["id"],
                "b_name": rb["name"],
                "b_claimants": list(rb.get("claimants") or []),
                "area_km2": km2,
                "share_of_a": km2 / area(ra.geometry, "km2"),
                "share_of_b": km2 / area(rb.geometry, "km2"),
                "geometry": geom,
            }
        )
    table = gpd.GeoDataFrame(rows, columns=_COLUMNS, geometry="geometry", crs=4326)
    return table.sort_values("area_km2", ascending=False, ignore_index=True)
