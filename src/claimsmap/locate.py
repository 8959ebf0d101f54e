"""Which zones contain each of many points: a coarse grid decides, shapely checks.

Claims overlap, so a point may lie in several zones; :func:`locate` returns
every membership as a two-column table (point index, zone id). The answer is
exact: the same as ``shapely.covers(zone, point)`` for every point, boundary
included. Speed comes from a grid laid over the zones once: a point in a cell
wholly inside a zone is a member, one in a cell clear of it is not, and only
points in cells that the zone's boundary crosses are tested exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from shapely.geometry.base import BaseGeometry

from claimsmap.catalog import catalog, load, present
from claimsmap.errors import ClaimsmapError

__all__ = [
    "ZONE_KINDS",
    "ZoneIndex",
    "atlas_index",
    "atlas_zones",
    "coordinates",
    "locate",
]

#: The layer kinds whose polygons :func:`atlas_zones` gathers.
ZONE_KINDS = ("claim-area", "control-area", "zone", "adiz", "exercise-area")


def atlas_zones() -> gpd.GeoDataFrame:
    """Every claim, zone, ADIZ, exercise and control area of the atlas, as they are now.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id``, ``name``, ``layer``, ``kind``, ``claimants``, ``geometry``.
    """
    frames = []
    for layer, entry in catalog()["layers"].items():
        if entry["kind"] not in ZONE_KINDS:
            continue
        frame = present(load(layer))
        frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])].copy()
        frame["layer"] = layer
        frames.append(frame[["id", "name", "layer", "kind", "claimants", "geometry"]])
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


_EPS = 1e-9  # degrees a cell is enlarged by, so that rounding in floor() is harmless
_BLOCK = 1 << 16  # points located at a time


def _segments(geoms: list[BaseGeometry]) -> tuple[np.ndarray, np.ndarray]:
    """Every boundary edge of the zones as a two-point line, and its zone number."""
    lines, owners = [], []
    for j, geom in enumerate(geoms):
        for ring in shapely.get_parts(shapely.get_rings(shapely.get_parts(geom))):
            coords = shapely.get_coordinates(ring)
            if len(coords) < 2:
                continue
            pairs = np.stack([coords[:-1], coords[1:]], axis=1)
            lines.append(shapely.linestrings(pairs))
            owners.append(np.full(len(pairs), j))
    return np.concatenate(lines), np.concatenate(owners)


def _classify(
    geoms: list[BaseGeometry],
    tree: shapely.STRtree,
    seg_zone: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    size: float,
    cand_box: np.ndarray,
    cand_zone: np.ndarray,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split candidate (box, zone) pairs into boxes inside a zone and on its border.

    Boxes have south-west corners ``x0, y0`` and side ``size``; each is enlarged
    by ``_EPS``. A box is on a zone's border when one of the zone's edges meets
    it; otherwise it lies wholly inside or wholly outside, decided by its centre.
    """
    n_zones = len(geoms)
    boxes = shapely.box(x0 - _EPS, y0 - _EPS, x0 + size + _EPS, y0 + size + _EPS)
    box_i, seg_i = tree.query(boxes, predicate="intersects")
    border_key = np.unique(box_i.astype(np.int64) * n_zones + seg_zone[seg_i])
    cand_key = cand_box.astype(np.int64) * n_zones + cand_zone
    on_border = np.isin(cand_key, border_key)
    rest_box, rest_zone = cand_box[~on_border], cand_zone[~on_border]
    held = np.zeros(len(rest_box), dtype=bool)
    cx, cy = x0 + size / 2, y0 + size / 2
    for j in np.unique(rest_zone):
        pick = np.nonzero(rest_zone == j)[0]
        held[pick] = shapely.intersects_xy(
            geoms[j], cx[rest_box[pick]], cy[rest_box[pick]]
        )
    border_key = cand_key[on_border]
    return (rest_box[held], rest_zone[held]), (
        border_key // n_zones,
        border_key % n_zones,
    )


def _signatures(
    n_leaves: int,
    n_zones: int,
    inside: tuple[np.ndarray, np.ndarray],
    border: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Number the distinct (inside zones, border zones) sets of the leaves.

    Returns each leaf's signature, and per signature its inside zones (CSR:
    offsets and zone numbers) and its border zones (a bool matrix).
    """
    words = (n_zones + 63) // 64
    bits = np.zeros((n_leaves, 2 * words), dtype=np.uint64)
    for column, (leaf, zone) in ((0, inside), (words, border)):
        np.bitwise_or.at(
            bits,
            (leaf, column + zone // 64),
            np.left_shift(np.uint64(1), (zone % 64).astype(np.uint64)),
        )
    rows = np.ascontiguousarray(bits).view(
        np.dtype((np.void, bits.itemsize * bits.shape[1]))
    )
    _, first, sig = np.unique(rows.ravel(), return_index=True, return_inverse=True)
    unique_bits = bits[first]
    zone_bit = np.left_shift(np.uint64(1), (np.arange(n_zones) % 64).astype(np.uint64))
    inside_m = (unique_bits[:, np.arange(n_zones) // 64] & zone_bit) != 0
    border_m = (unique_bits[:, words + np.arange(n_zones) // 64] & zone_bit) != 0
    ptr = np.concatenate([[0], np.cumsum(inside_m.sum(axis=1))]).astype(np.int64)
    zone = np.nonzero(inside_m)[1].astype(np.int32)
    return sig.ravel().astype(np.int32), ptr, zone, border_m


def _xy(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates as flat float arrays of one length."""
    lon = np.ascontiguousarray(lon, dtype=float).ravel()
    lat = np.ascontiguousarray(lat, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ClaimsmapError(
            f"{len(lon)} longitudes but {len(lat)} latitudes: give one of each"
        )
    return lon, lat


@dataclass
class ZoneIndex:
    """Zones with a two-level grid over them: build once, locate many points.

    Every leaf cell of the grid carries a *signature*: the zones that hold the
    whole cell, and the zones whose boundary crosses it. A point takes its
    cell's holding zones at once, and is tested exactly (shapely) only against
    the zones whose boundary crosses its cell. Coarse cells that a boundary
    crosses are split into ``refine`` × ``refine`` fine cells, which leaves few
    points to test.
    """

    ids: list[str]
    geoms: list[BaseGeometry]
    origin: tuple[float, float]
    cell: float
    shape: tuple[int, int]
    refine: int
    coarse: np.ndarray  # (nx*ny,) int32: a signature, or -(block + 1) for a fine block
    fine: np.ndarray  # (blocks * refine * refine,) int32 signatures
    inside_ptr: np.ndarray  # (signatures + 1,) offsets into inside_zone
    inside_zone: np.ndarray  # the zones that hold a signature's cells
    border: np.ndarray  # (signatures, zones) bool: the zone's boundary crosses
    empty: int  # the signature of a cell in no zone
    inside_count: np.ndarray = field(init=False)
    has_border: np.ndarray = field(init=False)
    padded: np.ndarray = field(init=False)  # coarse, in a ring of empty cells

    def __post_init__(self) -> None:
        nx, ny = self.shape
        self.padded = np.full((nx + 2) * (ny + 2), self.empty, dtype=np.int32)
        self.padded.reshape(nx + 2, ny + 2)[1:-1, 1:-1] = self.coarse.reshape(nx, ny)
        self.inside_count = np.diff(self.inside_ptr)
        self.has_border = np.asarray(self.border.any(axis=1), dtype=bool)

    @classmethod
    def build(
        cls, zones: gpd.GeoDataFrame, cell: float = 0.1, refine: int = 8
    ) -> ZoneIndex:
        """Grid the zones: ``cell`` degrees, split ``refine`` times at boundaries."""
        if zones.crs is None or zones.crs.to_epsg() != 4326:
            raise ClaimsmapError("zones must be in EPSG:4326 (lon, lat)")
        if not (cell > 0):
            raise ClaimsmapError(f"cell {cell!r}: give a positive size in degrees")
        if not (isinstance(refine, int) and 1 <= refine <= 64):
            raise ClaimsmapError(f"refine {refine!r}: give a whole number from 1 to 64")
        if "id" not in zones.columns or len(zones) == 0:
            raise ClaimsmapError(
                "zones: give a GeoDataFrame of polygons with an 'id' column"
            )
        repeated = zones["id"][zones["id"].duplicated()]
        if len(repeated):
            raise ClaimsmapError(
                f"zones: id {repeated.iloc[0]!r} names more than one zone; "
                "give each zone its own id (or dissolve them first)"
            )
        kinds = set(zones.geom_type)
        if not kinds <= {"Polygon", "MultiPolygon"}:
            other = sorted(kinds - {"Polygon", "MultiPolygon"})[0]
            raise ClaimsmapError(
                f"zones: a {other} is not an area; give polygons or multipolygons"
            )
        geoms = list(zones.geometry)
        for geom in geoms:
            shapely.prepare(geom)
        if zones.geometry.is_empty.any():
            empty_id = zones["id"][zones.geometry.is_empty.to_numpy()].iloc[0]
            raise ClaimsmapError(
                f"zones: {empty_id!r} has an empty geometry; drop it or give its area"
            )
        west, south, east, north = (float(v) for v in zones.total_bounds)
        # A whole cell of margin on every side, so that no zone touches the
        # grid's edge: a point on the zones' outer bounds, whichever way its
        # cell coordinate rounds, lands in a cell that was classified.
        west, south = west - cell, south - cell
        nx = int((east - west) // cell) + 2
        ny = int((north - south) // cell) + 2
        segments, seg_zone = _segments(geoms)
        tree = shapely.STRtree(segments)
        n_zones = len(geoms)

        # Coarse cells: candidates are the cells within each zone's bounding box.
        cand_box, cand_zone = [], []
        for j, geom in enumerate(geoms):
            gw, gs, ge, gn = geom.bounds
            cols = np.arange(
                max(0, int((gw - west) // cell) - 1),
                min(nx, int((ge - west) // cell) + 2),
            )
            rows = np.arange(
                max(0, int((gs - south) // cell) - 1),
                min(ny, int((gn - south) // cell) + 2),
            )
            cand_box.append((cols[:, None] * ny + rows[None, :]).ravel())
            cand_zone.append(np.full(len(cols) * len(rows), j))
        flat = np.arange(nx * ny)
        c_x0, c_y0 = west + cell * (flat // ny), south + cell * (flat % ny)
        (c_in_box, c_in_zone), (c_b_box, c_b_zone) = _classify(
            geoms,
            tree,
            seg_zone,
            c_x0,
            c_y0,
            cell,
            np.concatenate(cand_box),
            np.concatenate(cand_zone),
        )
        # Fine cells in every coarse cell that a boundary crosses.
        blocks = np.unique(c_b_box)
        block_of = np.full(nx * ny, -1, dtype=np.int64)
        block_of[blocks] = np.arange(len(blocks))
        per = refine * refine
        fcell = cell / refine
        sub = np.arange(per)
        f_x0 = (c_x0[blocks][:, None] + fcell * (sub // refine)[None, :]).ravel()
        f_y0 = (c_y0[blocks][:, None] + fcell * (sub % refine)[None, :]).ravel()
        f_cand_box = (block_of[c_b_box][:, None] * per + sub[None, :]).ravel()
        f_cand_zone = np.repeat(c_b_zone, per)
        (f_in_box, f_in_zone), (f_b_box, f_b_zone) = _classify(
            geoms, tree, seg_zone, f_x0, f_y0, fcell, f_cand_box, f_cand_zone
        )
        # A zone that holds a bordered coarse cell holds each of its fine cells.
        split = block_of[c_in_box] >= 0
        inherit_box = (block_of[c_in_box[split]][:, None] * per + sub[None, :]).ravel()
        inherit_zone = np.repeat(c_in_zone[split], per)
        # Leaves: coarse cells first (a split one keeps no zones), then fine cells.
        n_coarse = nx * ny
        sig, ptr, zone, border = _signatures(
            n_coarse + len(blocks) * per + 1,  # and one leaf in no zone
            n_zones,
            (
                np.concatenate(
                    [c_in_box[~split], n_coarse + f_in_box, n_coarse + inherit_box]
                ),
                np.concatenate([c_in_zone[~split], f_in_zone, inherit_zone]),
            ),
            (n_coarse + f_b_box, f_b_zone),
        )
        coarse = sig[:n_coarse].copy()
        coarse[blocks] = -(np.arange(len(blocks), dtype=np.int32) + 1)
        return cls(
            ids=[str(v) for v in zones["id"]],
            geoms=geoms,
            origin=(west, south),
            cell=cell,
            shape=(nx, ny),
            refine=refine,
            coarse=coarse,
            fine=sig[n_coarse:-1].copy(),
            inside_ptr=ptr,
            inside_zone=zone,
            border=border,
            empty=int(sig[-1]),
        )

    def signature(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The signature of each point's leaf cell (off the grid: no zones)."""
        nx, ny = self.shape
        inv = 1.0 / self.cell
        # Cell coordinates on the padded grid: a ring of empty cells around the
        # real ones takes every point off the grid, NaN included (fmax drops NaN).
        fx = lon * inv
        fx += 1.0 - self.origin[0] * inv
        np.fmax(fx, 0.0, out=fx)
        np.fmin(fx, nx + 1.0, out=fx)
        fy = lat * inv
        fy += 1.0 - self.origin[1] * inv
        np.fmax(fy, 0.0, out=fy)
        np.fmin(fy, ny + 1.0, out=fy)
        i = fx.astype(np.int32)
        k = fy.astype(np.int32)
        flat = i * (ny + 2)
        flat += k
        leaf = self.padded[flat]
        split = np.flatnonzero(leaf < 0)
        if len(split):
            r = self.refine
            si = np.minimum(((fx[split] - i[split]) * r).astype(np.int64), r - 1)
            sk = np.minimum(((fy[split] - k[split]) * r).astype(np.int64), r - 1)
            leaf[split] = self.fine[(-leaf[split] - 1) * (r * r) + si * r + sk]
        return leaf

    def memberships(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Every zone of every point, as CSR arrays.

        Returns
        -------
        ptr : numpy.ndarray
            ``n + 1`` offsets: point ``p``'s zones are ``zone[ptr[p]:ptr[p + 1]]``.
        zone : numpy.ndarray
            Zone numbers (positions in :attr:`ids`); for each point, the zones
            that hold its whole cell come first, in zone order, then the zones
            found by the exact test, in zone order.
        """
        lon, lat = _xy(lon, lat)
        ptr, zone, _ = self._blocks(lon, lat, points=False)
        return ptr, zone

    def _blocks(
        self, lon: np.ndarray, lat: np.ndarray, points: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """CSR memberships (and, if asked, each membership's point), by blocks.

        Blocks are small enough for the CPU cache: every step is a pass over
        the block, and passes over cached memory are several times faster.
        """
        ptrs, zones, owners, offset = [np.zeros(1, dtype=np.int64)], [], [], 0
        for start in range(0, len(lon), _BLOCK):
            ptr, zone = self._memberships(
                lon[start : start + _BLOCK], lat[start : start + _BLOCK]
            )
            if points:
                owners.append(
                    np.repeat(np.arange(start, start + len(ptr) - 1), np.diff(ptr))
                )
            ptrs.append(ptr[1:] + offset)
            zones.append(zone)
            offset += len(zone)
        if not zones:  # no points
            return ptrs[0], np.empty(0, np.int32), np.empty(0, np.int64)
        return (
            np.concatenate(ptrs),
            np.concatenate(zones),
            np.concatenate(owners) if points else None,
        )

    def _memberships(
        self, lon: np.ndarray, lat: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(lon)
        sig = self.signature(lon, lat)
        n_in = self.inside_count[sig]
        # The exact test, only for points in a cell that a zone's boundary crosses.
        near = np.flatnonzero(self.has_border[sig])
        hit_point, hit_zone = [], []
        if len(near):
            near_sig = sig[near]
            for j in np.flatnonzero(self.border[np.unique(near_sig)].any(axis=0)):
                pick = near[self.border[near_sig, j]]
                found = pick[shapely.intersects_xy(self.geoms[j], lon[pick], lat[pick])]
                hit_point.append(found)
                hit_zone.append(np.full(len(found), j, dtype=np.int32))
        cum_in = np.cumsum(n_in)
        total_in = int(cum_in[-1]) if n else 0
        src = np.repeat(self.inside_ptr[sig] - (cum_in - n_in), n_in)
        src += np.arange(total_in, dtype=src.dtype)
        inside = self.inside_zone[src]
        b_point = np.concatenate(hit_point) if hit_point else np.empty(0, np.int64)
        if not len(b_point):
            return np.concatenate([[0], cum_in]), inside
        b_zone = np.concatenate(hit_zone)
        order = np.argsort(b_point, kind="stable")  # by point, zones in order within
        b_point, b_zone = b_point[order], b_zone[order]
        n_b = np.bincount(b_point, minlength=n)
        ptr = np.concatenate([[0], np.cumsum(n_in + n_b)])
        zone = np.empty(int(ptr[-1]), dtype=np.int32)
        first_b = np.cumsum(n_b) - n_b
        rank_b = np.arange(len(b_point)) - first_b[b_point]
        b_pos = ptr[b_point] + n_in[b_point] + rank_b
        taken = np.zeros(len(zone), dtype=bool)
        taken[b_pos] = True
        zone[b_pos] = b_zone
        zone[~taken] = inside
        return ptr, zone

    def locate(self, lon: Any, lat: Any) -> pd.DataFrame:
        """Memberships as a table: ``point`` (input position) and ``zone`` (id)."""
        lon, lat = _xy(lon, lat)
        _, zone, point = self._blocks(lon, lat, points=True)
        # The codes are zone numbers by construction: no need to check them again.
        codes = pd.Categorical.from_codes(
            zone, dtype=pd.CategoricalDtype(self.ids), validate=False
        )
        return pd.DataFrame({"point": point, "zone": codes}, copy=False)


@functools.lru_cache(maxsize=4)
def atlas_index(cell: float = 0.1, refine: int = 8) -> ZoneIndex:
    """The :class:`ZoneIndex` of :func:`atlas_zones`, built once per process."""
    return ZoneIndex.build(atlas_zones(), cell=cell, refine=refine)


def coordinates(
    points: Any,
    columns: tuple[str, str] = ("lon", "lat"),
    *,
    where: str = "point",
    first: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of points given in any of the accepted forms.

    ``points`` is an (n, 2) array-like, a pandas DataFrame or pyarrow Table
    with the two ``columns``, or a GeoDataFrame / GeoSeries of points. An
    error names the point as ``where`` and its number, counted from ``first``.
    """
    if isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        geom = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if points.crs is not None and points.crs.to_epsg() != 4326:
            raise ClaimsmapError(
                f"points are in {points.crs.to_string()}: "
                "convert them with .to_crs(4326)"
            )
        lon, lat = geom.x.to_numpy(), geom.y.to_numpy()
    elif isinstance(points, pd.DataFrame | pa.Table):
        if isinstance(points, pd.DataFrame):
            names = [str(c) for c in points.columns]
        else:
            names = points.column_names
        missing = [c for c in columns if c not in names]
        if missing:
            raise ClaimsmapError(
                f"points have no column {missing[0]!r} "
                f"(columns: {', '.join(names)}); "
                "name the longitude and latitude columns with columns=(LON, LAT)"
            )
        if isinstance(points, pa.Table):
            lon = points.column(columns[0]).to_numpy().astype(float)
            lat = points.column(columns[1]).to_numpy().astype(float)
        else:
            lon = points[columns[0]].to_numpy(dtype=float)
            lat = points[columns[1]].to_numpy(dtype=float)
    else:
        xy = np.asarray(points, dtype=float)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ClaimsmapError(
                f"points of shape {xy.shape}: give (n, 2) pairs of lon, lat"
            )
        lon, lat = xy[:, 0], xy[:, 1]
    with np.errstate(invalid="ignore"):
        bad = np.abs(lat) > 90
        bad_lon = np.abs(lon) > 180  # inf too; NaN is a missing point
    if bad.any():
        bad_at = int(np.argmax(bad))
        raise ClaimsmapError(
            f"{where} {first + bad_at}: latitude {lat[bad_at]} is beyond ±90°; "
            "are longitude and latitude swapped? Give longitude first"
        )
    if bad_lon.any():
        bad_at = int(np.argmax(bad_lon))
        raise ClaimsmapError(
            f"{where} {first + bad_at}: longitude {lon[bad_at]} is beyond ±180°; "
            "give degrees east in -180..180 (empty or NaN for a missing one)"
        )
    return lon, lat


def locate(
    points: Any,
    zones: gpd.GeoDataFrame | ZoneIndex | None = None,
    *,
    columns: tuple[str, str] = ("lon", "lat"),
) -> pd.DataFrame:
    """The zones that contain each point (boundary included), every one of them.

    Parameters
    ----------
    points : array_like (n, 2), DataFrame, pyarrow.Table or GeoDataFrame
        Positions in degrees, longitude first; tables name them in ``columns``.
    zones : geopandas.GeoDataFrame or ZoneIndex, optional
        Polygons with an ``id`` column (or an index built from them); by
        default every zone of the atlas (:func:`atlas_zones`).
    columns : (str, str)
        The longitude and latitude columns of a table.

    Returns
    -------
    pandas.DataFrame
        One row per (point, zone) membership: ``point`` (the point's position
        in the input) and ``zone`` (the zone id, categorical), sorted by point.
        The result is the same as ``shapely.covers(zone, point)`` for each pair.

    Examples
    --------
    >>> hits = locate([(123.47, 25.74), (140.0, 0.0)])
    >>> sorted(hits.loc[hits.point == 0, "zone"])[:2]
    ['jpn-senkaku-territorial-sea', 'prc-claimed-not-controlled']
    >>> int((hits.point == 1).sum())
    0
    """
    lon, lat = coordinates(points, columns)
    if zones is None:
        index = atlas_index()
    elif isinstance(zones, ZoneIndex):
        index = zones
    else:
        index = ZoneIndex.build(zones)
    return index.locate(lon, lat)
