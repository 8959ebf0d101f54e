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
import hashlib
import io
import itertools
import json
import os
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from shapely.errors import ShapelyError
from shapely.geometry.base import BaseGeometry

from claimsmap import _cache
from claimsmap.catalog import catalog, load, present
from claimsmap.errors import ClaimsmapError
from claimsmap.io import atomic_path

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
_BLOCK = 1 << 16  # points located at a time by numpy (its passes stay in the CPU cache)
_BLOCK_COMPILED = 1 << 22  # and by the compiled loops: the exact tests gain most
_FORMAT = "claimsmap-zone-index"
_FORMAT_VERSION = 1
_AREAS = {"Polygon", "MultiPolygon"}
_ARRAYS = ("coarse", "fine", "inside_ptr", "inside_zone", "border")


_COMPILED_FROM = 1 << 20  # points: fewer are done by numpy before numba loads
_loops: ModuleType | bool | None = None  # claimsmap._grid; False: no numba


def _compiled(n: int) -> ModuleType | None:
    """The compiled loops of :mod:`claimsmap._grid` for ``n`` points, or None.

    Loading numba takes a second or two, more than numpy needs for a million
    points: the loops are loaded by the first call with ``_COMPILED_FROM``
    points or more, and used for every call after it. None without numba.
    """
    global _loops
    if _loops is None and n >= _COMPILED_FROM:
        try:
            from claimsmap import _grid
        except ImportError:
            _loops = False
        else:
            _loops = _grid
    return _loops if isinstance(_loops, ModuleType) else None


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


def _check_zones(zones: gpd.GeoDataFrame, cell: float, refine: int) -> None:
    """Raise a ClaimsmapError that says what to fix, unless the zones can be gridded."""
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
    if not kinds <= _AREAS:
        other = sorted(kinds - _AREAS)[0]
        raise ClaimsmapError(
            f"zones: a {other} is not an area; give polygons or multipolygons"
        )
    if zones.geometry.is_empty.any():
        empty_id = zones["id"][zones.geometry.is_empty.to_numpy()].iloc[0]
        raise ClaimsmapError(
            f"zones: {empty_id!r} has an empty geometry; drop it or give its area"
        )


@dataclass
class ZoneIndex:
    """Zones with a two-level grid over them: build once, locate many points.

    Every leaf cell of the grid carries a *signature*: the zones that hold the
    whole cell, and the zones whose boundary crosses it. A point takes its
    cell's holding zones at once, and is tested exactly (shapely) only against
    the zones whose boundary crosses its cell. Coarse cells that a boundary
    crosses are split into ``refine`` × ``refine`` fine cells, which leaves few
    points to test.

    Make one with :meth:`build` (or :meth:`of`, which keeps the index of the
    same zones for the rest of the process); keep it between processes with
    :meth:`save` and :meth:`load`. With numba installed the lookups run as
    compiled loops (:mod:`claimsmap._grid`), with the same answers as numpy.
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
    inside_table: np.ndarray = field(init=False)  # (signatures, widest) inside zones
    has_border: np.ndarray = field(init=False)
    padded: np.ndarray = field(init=False)  # coarse, in a ring of empty cells
    leaves: np.ndarray = field(init=False)  # fine, as small as they fit

    def __post_init__(self) -> None:
        nx, ny = self.shape
        # int16 where the numbers fit: the smaller tables stay in the CPU cache.
        small = max(len(self.inside_ptr), len(self.fine) // self.refine**2 + 1) < 2**15
        kind = np.int16 if small else np.int32
        self.leaves = self.fine.astype(kind)
        self.padded = np.full((nx + 2) * (ny + 2), self.empty, dtype=kind)
        self.padded.reshape(nx + 2, ny + 2)[1:-1, 1:-1] = self.coarse.reshape(nx, ny)
        self.inside_count = np.diff(self.inside_ptr)
        widest = -(-int(self.inside_count.max(initial=0)) // 8) * 8
        self.inside_table = np.zeros((len(self.inside_count), widest), np.int32)
        rank = np.arange(len(self.inside_zone)) - np.repeat(
            self.inside_ptr[:-1], self.inside_count
        )
        self.inside_table[
            np.repeat(np.arange(len(self.inside_count)), self.inside_count), rank
        ] = self.inside_zone
        self.has_border = np.asarray(self.border.any(axis=1), dtype=bool)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Unpickled (sent to a Dask worker): shapely does not keep geometries
        # prepared across a pickle, and the exact test needs them prepared.
        self.__dict__.update(state)
        for geom in self.geoms:
            shapely.prepare(geom)

    @classmethod
    def build(
        cls, zones: gpd.GeoDataFrame, cell: float = 0.1, refine: int = 8
    ) -> ZoneIndex:
        """Grid the zones: ``cell`` degrees, split ``refine`` times at boundaries.

        Parameters
        ----------
        zones : geopandas.GeoDataFrame
            Polygons in EPSG:4326 (lon, lat) with a unique ``id`` column.
        cell : float
            The coarse cells' side, in degrees.
        refine : int
            Coarse cells that a boundary crosses are split ``refine`` ×
            ``refine`` times.

        See Also
        --------
        ZoneIndex.of : the same, built once per process for the same zones.
        """
        _check_zones(zones, cell, refine)
        geoms = list(zones.geometry)
        for geom in geoms:
            shapely.prepare(geom)
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

    @classmethod
    def of(
        cls, zones: gpd.GeoDataFrame, cell: float = 0.1, refine: int = 8
    ) -> ZoneIndex:
        """The index of ``zones``, built once per process for the same zones.

        Indexes are kept (the last few) by a digest of the zones' ids and
        geometries (WKB) and of ``cell`` and ``refine``: a later call with
        equal zones, whatever the frame, returns the same index at once.

        Parameters
        ----------
        zones, cell, refine
            As for :meth:`build`.
        """
        _check_zones(zones, cell, refine)
        digest = hashlib.sha256(
            json.dumps([[str(v) for v in zones["id"]], float(cell), refine]).encode()
        )
        for wkb in shapely.to_wkb(zones.geometry.to_numpy()):
            digest.update(len(wkb).to_bytes(8, "little"))
            digest.update(wkb)
        key = digest.hexdigest()
        with _MEMO_LOCK:
            index = _MEMO.get(key)
            if index is not None:
                _MEMO.move_to_end(key)
                return index
        index = cls.build(zones, cell=cell, refine=refine)
        with _MEMO_LOCK:
            _MEMO[key] = index
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        return index

    def to_bytes(self) -> bytes:
        """The index as the bytes of a numpy ``.npz`` file (see :meth:`save`)."""
        wkb = shapely.to_wkb(np.asarray(self.geoms, dtype=object))
        meta = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "ids": self.ids,
            "origin": list(self.origin),
            "cell": self.cell,
            "shape": list(self.shape),
            "refine": self.refine,
            "empty": self.empty,
        }
        out = io.BytesIO()
        np.savez(
            out,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            wkb=np.frombuffer(b"".join(wkb), dtype=np.uint8),
            wkb_ptr=np.cumsum([0, *map(len, wkb)], dtype=np.int64),
            **{name: getattr(self, name) for name in _ARRAYS},
        )
        return out.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the index to ``path``, atomically; :meth:`load` reads it back.

        The file is a numpy ``.npz`` archive of plain arrays (no pickles): the
        grid, the zones' ids and a format version as JSON, and the zones'
        geometries as WKB, so a loaded index gives the same answers.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> zones = gpd.GeoDataFrame(
        ...     {"id": ["sq"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326
        ... )
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "square.npz"
        >>> _ = ZoneIndex.build(zones).save(path)
        >>> ZoneIndex.load(path).locate([0.5, 2.0], [1.0, 0.5])
           point zone
        0      0   sq
        """
        with atomic_path(path) as tmp:
            tmp.write_bytes(self.to_bytes())
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ZoneIndex:
        """Read an index written by :meth:`save`.

        Raises
        ------
        ClaimsmapError
            When the file is missing, damaged, not a zone index or of another
            format version; the message names the file.
        """
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            raise ClaimsmapError(
                f"zone index {str(path)!r}: cannot read it ({err.strerror or err})"
            ) from err
        return cls.from_bytes(data, source=repr(str(path)))

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "bytes") -> ZoneIndex:
        """Read an index from the bytes of :meth:`to_bytes`; ``source`` names them."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            meta = json.loads(arrays.pop("meta").tobytes().decode())
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
            raise ClaimsmapError(
                f"zone index {source}: not a zone index saved by claimsmap, or "
                f"damaged ({err}); build it again with ZoneIndex.build and save it"
            ) from err
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise ClaimsmapError(
                f"zone index {source}: not a zone index saved by claimsmap; "
                "build one with ZoneIndex.build and save it"
            )
        if meta.get("version") != _FORMAT_VERSION:
            raise ClaimsmapError(
                f"zone index {source}: format version {meta.get('version')!r}, "
                f"this claimsmap reads version {_FORMAT_VERSION}; build the index "
                "again with ZoneIndex.build and save it"
            )
        try:
            return _checked_index(cls, meta, arrays)
        except (KeyError, TypeError, ValueError, ShapelyError) as err:
            raise ClaimsmapError(
                f"zone index {source}: damaged ({err}); build it again with "
                "ZoneIndex.build and save it"
            ) from err

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
            block = -leaf[split].astype(np.int64) - 1
            leaf[split] = self.leaves[block * (r * r) + si * r + sk]
        return leaf

    def memberships(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Every zone of every point, as CSR arrays.

        Parameters
        ----------
        lon, lat : array_like
            Degrees, longitude first, of one length.

        Returns
        -------
        ptr : numpy.ndarray
            ``n + 1`` offsets (int64): point ``p``'s zones are
            ``zone[ptr[p]:ptr[p + 1]]``.
        zone : numpy.ndarray
            Zone numbers (int32, positions in :attr:`ids`); for each point,
            the zones that hold its whole cell come first, in zone order, then
            the zones found by the exact test, in zone order.
        """
        lon, lat = _xy(lon, lat)
        ptr, zone, _ = self._blocks(lon, lat, points=False)
        return ptr, zone

    def _blocks(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        points: bool,
        compiled: bool | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR memberships and, if asked, each membership's point, by blocks.

        With numba the compiled loops of :mod:`claimsmap._grid` do the grid's
        work; without it numpy does the same in blocks small enough for the
        CPU cache, where its many passes are cheap. Both give the same arrays.
        ``compiled`` True or False chooses; None lets :func:`_compiled` choose.
        """
        if compiled is None:
            grid = _compiled(len(lon))
        else:
            grid = _compiled(_COMPILED_FROM) if compiled else None
        step = _BLOCK if grid is None else _BLOCK_COMPILED
        n = len(lon)
        ptr = np.empty(n + 1, dtype=np.int64)
        ptr[0] = 0
        zones, owners = [np.empty(0, np.int32)], [np.empty(0, np.int64)]
        for start in range(0, n, step):
            stop = min(n, start + step)
            args = (lon[start:stop], lat[start:stop], ptr[start : stop + 1])
            first = start if points else -1
            if grid is None:
                zone, owner = self._block_numpy(*args, first)
            else:
                zone, owner = self._block_compiled(grid, *args, first)
            zones.append(zone)
            owners.append(owner)
        return ptr, np.concatenate(zones), np.concatenate(owners)

    def _exact(
        self, lon: np.ndarray, lat: np.ndarray, sig: np.ndarray, near: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The exact test (shapely) of the points ``near`` a zone's boundary.

        Returns the hits as (point, zone), sorted by point, then zone.
        """
        row, zone = np.nonzero(self.border[sig[near]])  # by point, then zone
        if not len(row):
            return np.empty(0, np.int64), np.empty(0, np.int32)
        # One shapely call per zone, over that zone's pairs taken together.
        small = np.int16 if len(self.geoms) < 2**15 else np.int32
        order = np.argsort(zone.astype(small), kind="stable")  # radix sort if int16
        at = near[row[order]]
        x, y = lon[at], lat[at]
        ends = np.searchsorted(zone[order], np.arange(len(self.geoms) + 1))
        held = np.empty(len(order), dtype=bool)
        for j in np.flatnonzero(np.diff(ends)):
            part = slice(ends[j], ends[j + 1])
            held[part] = shapely.intersects_xy(self.geoms[j], x[part], y[part])
        hit = np.empty(len(order), dtype=bool)
        hit[order] = held
        return near[row[hit]].astype(np.int64, copy=False), zone[hit].astype(np.int32)

    def _block_compiled(
        self,
        grid: ModuleType,
        lon: np.ndarray,
        lat: np.ndarray,
        ptr: np.ndarray,
        first: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One block by the compiled loops; writes ``ptr[1:]`` after ``ptr[0]``."""
        nx, ny = self.shape
        inv = 1.0 / self.cell
        sig = np.empty(len(lon), dtype=np.int32)
        near = np.empty(len(lon), dtype=np.int64)
        m, total_in = grid.cells(
            lon,
            lat,
            self.padded,
            self.leaves,
            ny + 2,
            self.refine,
            inv,
            1.0 - self.origin[0] * inv,
            1.0 - self.origin[1] * inv,
            nx + 1.0,
            ny + 1.0,
            self.inside_count,
            self.has_border,
            sig,
            near,
        )
        b_point, b_zone = self._exact(lon, lat, sig, near[:m])
        total = total_in + len(b_point)
        spare = self.inside_table.shape[1]  # fill() writes whole rows of the table
        zone = np.empty(total + spare, dtype=np.int32)
        point = np.empty(total + spare if first >= 0 else 0, dtype=np.int64)
        grid.fill(
            sig,
            self.inside_count,
            self.inside_table,
            b_point,
            b_zone,
            ptr,
            zone,
            point,
            first,
        )
        return zone[:total], point[:total] if first >= 0 else point

    def _block_numpy(
        self, lon: np.ndarray, lat: np.ndarray, ptr: np.ndarray, first: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """One block by numpy; writes ``ptr[1:]`` after ``ptr[0]``."""
        n = len(lon)
        sig = self.signature(lon, lat)
        n_in = self.inside_count[sig]
        b_point, b_zone = self._exact(
            lon, lat, sig, np.flatnonzero(self.has_border[sig])
        )
        cum_in = np.cumsum(n_in)
        total_in = int(cum_in[-1]) if n else 0
        src = np.repeat(self.inside_ptr[sig] - (cum_in - n_in), n_in)
        src += np.arange(total_in, dtype=src.dtype)
        inside = self.inside_zone[src]
        if not len(b_point):
            counts, zone = n_in, inside
        else:
            n_b = np.bincount(b_point, minlength=n)
            counts = n_in + n_b
            # A point's hits go after its inside zones: before the next point's.
            zone = np.insert(inside, cum_in[b_point], b_zone)
        np.cumsum(counts, out=ptr[1:])
        ptr[1:] += ptr[0]
        point = (
            np.repeat(np.arange(first, first + n), counts)
            if first >= 0
            else np.empty(0, np.int64)
        )
        return zone, point

    def locate(self, lon: Any, lat: Any) -> pd.DataFrame:
        """Memberships as a table: ``point`` (input position) and ``zone`` (id)."""
        lon, lat = _xy(lon, lat)
        _, zone, point = self._blocks(lon, lat, points=True)
        # The codes are zone numbers by construction: no need to check them again.
        codes = pd.Categorical.from_codes(
            zone, dtype=pd.CategoricalDtype(self.ids), validate=False
        )
        return pd.DataFrame({"point": point, "zone": codes}, copy=False)


def _checked_index(
    cls: type[ZoneIndex], meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> ZoneIndex:
    """An index from a file's parts, once every number is known to be in range.

    The compiled loops do not check bounds, so a damaged file must fail here,
    with a ValueError (or KeyError, TypeError), not read memory it should not.
    """
    wkb, wkb_ptr = arrays["wkb"].tobytes(), arrays["wkb_ptr"]
    geoms = list(
        shapely.from_wkb([wkb[a:b] for a, b in itertools.pairwise(wkb_ptr.tolist())])
    )
    ids = [str(v) for v in meta["ids"]]
    nx, ny = (int(v) for v in meta["shape"])
    refine, empty, cell = int(meta["refine"]), int(meta["empty"]), float(meta["cell"])
    parts = {name: arrays[name] for name in _ARRAYS}
    kinds = {"coarse": "i4", "fine": "i4", "inside_ptr": "i8", "inside_zone": "i4"}
    for name, kind in {**kinds, "border": "b1"}.items():
        if parts[name].dtype != np.dtype(kind):
            raise ValueError(f"{name} is {parts[name].dtype}, not {kind}")
    coarse, fine, ptr, zone, border = (parts[name] for name in _ARRAYS)
    n_sig, n_zones, per = len(ptr) - 1, len(ids), refine * refine
    blocks = len(fine) // per if 1 <= refine <= 64 else -1
    sound = (
        len(geoms) == n_zones > 0
        and all(g is not None and g.geom_type in _AREAS for g in geoms)
        and cell > 0
        and blocks * per == len(fine)
        and coarse.shape == (nx * ny,)
        and border.shape == (n_sig, n_zones)
        and n_sig > 0
        and ptr[0] == 0
        and ptr[-1] == len(zone)
        and bool(np.all(np.diff(ptr) >= 0))
        and bool(np.all((zone >= 0) & (zone < n_zones)))
        and bool(np.all((coarse >= -blocks) & (coarse < n_sig)))
        and bool(np.all((fine >= 0) & (fine < n_sig)))
        and 0 <= empty < n_sig
    )
    if not sound:
        raise ValueError("its arrays do not fit together")
    for geom in geoms:
        shapely.prepare(geom)
    return cls(
        ids=ids,
        geoms=geoms,
        origin=(float(meta["origin"][0]), float(meta["origin"][1])),
        cell=cell,
        shape=(nx, ny),
        refine=refine,
        coarse=coarse,
        fine=fine,
        inside_ptr=ptr,
        inside_zone=zone,
        border=border,
        empty=empty,
    )


_MEMO: OrderedDict[str, ZoneIndex] = OrderedDict()  # ZoneIndex.of's, newest last
_MEMO_SIZE = 8
_MEMO_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def atlas_index(cell: float = 0.1, refine: int = 8) -> ZoneIndex:
    """The :class:`ZoneIndex` of :func:`atlas_zones`, built once and kept on disk.

    The index is kept in the project's cache (:mod:`claimsmap._cache`, keyed
    by the data's and the code's versions and by ``cell`` and ``refine``), so
    a new process loads it in a fraction of a second instead of building it.
    """
    built: list[ZoneIndex] = []

    def build() -> bytes:
        built.append(ZoneIndex.build(atlas_zones(), cell=cell, refine=refine))
        return built[0].to_bytes()

    key = {"cell": float(cell), "refine": refine, "format": _FORMAT_VERSION}
    data = _cache.cached("zone-index", key, build)
    return built[0] if built else ZoneIndex.from_bytes(data, source="in the cache")


def coordinates(
    points: Any,
    columns: tuple[str, str] = ("lon", "lat"),
    *,
    where: str = "point",
    first: int = 0,
    check: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of points given in any of the accepted forms.

    ``points`` is an (n, 2) array-like, a pandas DataFrame or pyarrow Table
    with the two ``columns``, or a GeoDataFrame / GeoSeries of points. An
    error names the point as ``where`` and its number, counted from ``first``.
    ``check=False`` lets values beyond ±90°/±180° through, for cleaning.
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
    if not check:
        return lon, lat
    with np.errstate(invalid="ignore"):
        bad = np.abs(lat) > 90
        bad_lon = np.abs(lon) > 180  # inf too; NaN is a missing point
    unavailable = (lat == 91) | (lon == 181)
    if unavailable.any():
        at = int(np.argmax(unavailable))
        raise ClaimsmapError(
            f"{where} {first + at}: ({lon[at]}, {lat[at]}) holds AIS's "
            "'not available' value (latitude 91 or longitude 181), not a place: "
            "drop such reports with claimsmap.vessels.clean (clean=True on Dask); "
            "or, if longitude and latitude are swapped, give longitude first"
        )
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
        index = ZoneIndex.of(zones)
    return index.locate(lon, lat)
