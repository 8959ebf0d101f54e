"""Vessel presence in zones: days (or hours) present, visits, and gaps in tracks.

A *visit* is a run of a vessel's consecutive positions inside one zone, each
within ``max_gap`` of the one before. A vessel is present in a zone over the
whole span of each visit, from its first position to its last, so every day
(or hour) that span touches counts; a stretch of silence longer than
``max_gap`` ends a visit and is reported as a *gap*, never counted as
presence. Zones are tested exactly (:mod:`claimsmap.locate`).

Positions are read in chunks, so files larger than memory can be counted:
each chunk is located and reduced to visits, and visits cut by a chunk
boundary are joined at the end. A vessel's positions must not go back in time
from one chunk to the next (a file sorted by time, or by vessel then time, is
fine).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from claimsmap._movingpandas import is_trajectories, positions_of, visits_of
from claimsmap._select import (
    SHIP_TYPE,
    Group,
    Selection,
    ShipTypes,
    check_types_column,
    selection,
)
from claimsmap.catalog import load, present
from claimsmap.errors import ClaimsmapError, printable
from claimsmap.locate import ZoneIndex, atlas_index, coordinates
from claimsmap.vessels import MAX_SPEED_KN, check_columns, is_ais_file, read_ais

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PERIODS", "Period", "Presence", "iter_positions", "presence", "zone_index"]

#: The periods presence can be counted in.
Period = Literal["day", "hour"]
#: Each period's pandas frequency.
PERIODS: dict[str, str] = {"day": "D", "hour": "h"}
_STEP = {"day": pd.Timedelta(days=1), "hour": pd.Timedelta(hours=1)}

_NONE = np.iinfo(np.int64).min  # "no time" in int64 nanoseconds


def zone_index(zones: Any = None) -> ZoneIndex:
    """A :class:`ZoneIndex` from a layer id or ids, a GeoDataFrame or an index.

    ``None`` means every zone of the atlas. The index of the same zones is
    built once per process (:meth:`ZoneIndex.of`). A layer's features keep their
    ``id`` as the zone's name.
    """
    if zones is None:
        return atlas_index()
    if isinstance(zones, ZoneIndex):
        return zones
    if isinstance(zones, str):
        zones = [zones]
    if isinstance(zones, list | tuple):
        frames = []
        for layer in zones:
            frame = present(load(layer))
            frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]
            if frame.empty:
                raise ClaimsmapError(
                    f"layer {layer!r} has no polygons: give a layer of areas "
                    "(claims, zones, ADIZs, exercise areas); see claimsmap layers"
                )
            frames.append(frame)
        zones = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    if not isinstance(zones, gpd.GeoDataFrame):
        raise ClaimsmapError(
            f"zones of type {type(zones).__name__}: give layer ids, a GeoDataFrame "
            "or a ZoneIndex"
        )
    return ZoneIndex.of(zones)


def iter_positions(
    path: str | os.PathLike[str],
    *,
    columns: tuple[str, str] = ("lon", "lat"),
    vessel: str = "vessel",
    time: str = "time",
    chunk_rows: int = 1_000_000,
    extra: tuple[str, ...] = (),
) -> Iterator[pd.DataFrame]:
    """Read a CSV, Parquet or GeoParquet file of positions in chunks.

    Only the vessel, time and coordinate columns are read (for GeoParquet,
    the point geometry when the coordinate columns are absent), and those of
    ``extra`` that the file has. Each chunk is a DataFrame with columns
    ``vessel``, ``time``, ``lon``, ``lat`` and the ``extra`` ones read.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        raise ClaimsmapError(
            f"{printable(path)}: is a directory; give a .csv, .parquet or "
            ".geoparquet file"
        )
    if not path.exists():
        raise ClaimsmapError(f"{printable(path)}: no such file")
    if path.stat().st_size == 0:
        raise ClaimsmapError(
            f"{printable(path)}: the file is empty; give a file with positions"
        )
    _check_chunk_rows(chunk_rows)
    suffix = path.suffix.lower()
    wanted = [vessel, time, *columns]
    if suffix == ".csv":
        read = pacsv.ReadOptions(block_size=1 << 20)
        try:
            names = pacsv.open_csv(path, read_options=read).schema.names
        except pa.ArrowInvalid as exc:
            raise ClaimsmapError(
                f"{printable(path)}: not a readable CSV file ({printable(exc)})"
            ) from None
        check_columns(path, names, wanted)
        more = [c for c in extra if c in names and c not in wanted]

        # A CSV has no types, and pyarrow would guess them block by block: ids
        # are read as text (so 0123 stays apart from 123, and an id with a
        # letter 64 MiB in does not fail), coordinates as floats.
        def unreadable(exc: Exception) -> ClaimsmapError:
            return ClaimsmapError(
                f"{printable(path)}: {printable(exc)}; give numbers for "
                f"{printable(columns[0])} and {printable(columns[1])} (empty, NaN "
                "or N/A for a missing one)"
            )

        try:
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=1 << 26),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted + more,
                    column_types={
                        vessel: pa.string(),
                        time: pa.string(),
                        columns[0]: pa.float64(),
                        columns[1]: pa.float64(),
                        **dict.fromkeys(more, pa.string()),
                    },
                ),
            )
        except pa.ArrowInvalid as exc:
            raise unreadable(exc) from None
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise unreadable(exc) from None
            yield from _split(
                _frame(batch, path, columns, vessel, time, more), chunk_rows
            )
    elif suffix in (".parquet", ".geoparquet", ".pq"):
        try:
            # pre_buffer off: with it, pyarrow keeps every row group it has read
            # (apache/arrow#39808), and memory grows with the file.
            file = pq.ParquetFile(path, pre_buffer=False)
        except pa.ArrowInvalid as exc:
            raise ClaimsmapError(
                f"{printable(path)}: not a readable Parquet file ({printable(exc)})"
            ) from None
        names = file.schema_arrow.names
        meta = file.schema_arrow.metadata or {}
        primary = json.loads(meta[b"geo"])["primary_column"] if b"geo" in meta else ""
        more = [c for c in extra if c in names and c not in wanted]
        geometry = ""
        if not all(c in names for c in columns) and primary in names:
            geometry = str(primary)
            check_columns(path, names, [vessel, time, geometry])
            read = [vessel, time, geometry, *more]
        else:
            check_columns(path, names, wanted)
            read = wanted + more
        for batch in file.iter_batches(batch_size=chunk_rows, columns=read):
            if geometry:
                geom = shapely.from_wkb(
                    batch.column(geometry).to_numpy(zero_copy_only=False)
                )
                batch = pa.RecordBatch.from_pydict(
                    {
                        vessel: batch.column(vessel),
                        time: batch.column(time),
                        columns[0]: shapely.get_x(geom),
                        columns[1]: shapely.get_y(geom),
                        **{c: batch.column(c) for c in more},
                    }
                )
            yield _frame(batch, path, columns, vessel, time, more)
    else:
        raise ClaimsmapError(
            f"{printable(path)}: unknown format {suffix!r}; give an NMEA AIS log, "
            "a MarineCadastre or Danish AIS export, or a .csv, .parquet or "
            ".geoparquet table"
        )


def _frame(
    batch: pa.RecordBatch,
    path: Path,
    columns: tuple[str, str],
    vessel: str,
    time: str,
    more: list[str] | None = None,
) -> pd.DataFrame:
    """The four columns under their standard names, and ``more`` as they are.

    Times stay a Series: ``to_numpy`` of zoned times would make an object each.
    """
    frame = batch.to_pandas()
    return pd.DataFrame(
        {
            "vessel": frame[vessel].to_numpy(),
            "time": frame[time],
            "lon": pd.to_numeric(frame[columns[0]], errors="coerce").to_numpy(),
            "lat": pd.to_numeric(frame[columns[1]], errors="coerce").to_numpy(),
            **{c: frame[c].to_numpy() for c in more or ()},
        }
    )


def _split(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), rows):
        yield frame.iloc[start : start + rows]


def _to_ns(values: pd.Series, where: str, first: int = 0) -> np.ndarray:
    """Times as int64 nanoseconds since 1970 UTC (naive times are taken as UTC).

    Errors name ``where`` and the row, counting from ``first``.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        times = values.dt.tz_convert("UTC")
    elif values.dtype.kind == "M":
        times = values.dt.tz_localize("UTC")
    else:
        try:
            times = pd.to_datetime(values, utc=True, format="mixed")
        except (ValueError, TypeError):
            parsed = pd.to_datetime(values, utc=True, format="mixed", errors="coerce")
            bad = int(np.argmax((parsed.isna() & values.notna()).to_numpy()))
            raise ClaimsmapError(
                f"{where} {first + bad}: the time {values.iloc[bad]!r} cannot be "
                "read; give ISO 8601 times such as 2024-01-01T00:00:00Z"
            ) from None
    missing = times.isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing))
        raise ClaimsmapError(f"{where} {first + row}: the time is missing")
    naive = times.dt.tz_localize(None).to_numpy()
    return naive.astype("datetime64[ns]").view(np.int64)


@dataclass
class _Carry:
    """What one chunk passes to the next: each vessel's last time and row count."""

    last: dict[Any, int] = field(default_factory=dict)
    seen: dict[Any, int] = field(default_factory=dict)


class _Accumulator:
    """Reduces chunks of positions to visits, gaps and the time range."""

    def __init__(
        self, index: ZoneIndex, max_gap_ns: int, source: str = "", types: bool = False
    ) -> None:
        self.index = index
        # Each vessel's latest ship type, when presence chooses or groups by it.
        self.types = ShipTypes() if types else None
        self.source = source or "the positions"
        self.max_gap = max_gap_ns
        self.carry = _Carry()
        self.visits: list[pd.DataFrame] = []
        self.gaps: list[pd.DataFrame] = []
        self.firsts: list[pd.DataFrame] = []
        self.t_min, self.t_max = np.iinfo(np.int64).max, np.iinfo(np.int64).min
        self.positions = 0

    def add(
        self, chunk: pd.DataFrame, columns: tuple[str, str], vessel: str, time: str
    ) -> None:
        # Rows are named as a person counts them: the first data row is 1.
        where, row0 = f"{self.source}, data row", self.positions + 1
        if len(chunk) == 0:
            return
        for name in (vessel, time):
            if name not in chunk.columns:
                raise ClaimsmapError(
                    f"{self.source}: no column {name!r} (columns: "
                    f"{', '.join(map(str, chunk.columns))}); name it with vessel=/time="
                )
        lon, lat = coordinates(chunk, columns, where=where, first=row0)
        t = _to_ns(chunk[time].reset_index(drop=True), where, row0)
        codes, vessels = pd.factorize(chunk[vessel].to_numpy(), use_na_sentinel=True)
        # An empty id (as a CSV writes a missing one) is no vessel either.
        blank = [
            i for i, v in enumerate(vessels) if isinstance(v, str) and not v.strip()
        ]
        missing = (codes < 0) | np.isin(codes, blank)
        if missing.any():
            raise ClaimsmapError(
                f"{where} {row0 + int(np.argmax(missing))}: the vessel is missing "
                f"(column {vessel!r} is empty); give every position its vessel id"
            )
        if self.types is not None:
            check_types_column(chunk.columns, self.source)
            self.types.add(codes, vessels, t, chunk[SHIP_TYPE])
        order = np.lexsort((t, codes))
        codes, t, lon, lat = codes[order], t[order], lon[order], lat[order]
        n = len(t)
        first = np.ones(n, dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        starts = np.nonzero(first)[0]
        ids = vessels[codes[starts]]
        # The chunk is reduced on its own (row numbers from 0, nothing before
        # each vessel's first position); follow() then joins it to the chunks
        # before, as it joins partitions read apart.
        prev = np.empty(n, dtype=np.int64)
        prev[1:] = t[:-1]
        prev[starts] = _NONE
        seq = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))
        vessel_of = vessels[codes]
        # Gaps: consecutive positions of a vessel further apart than max_gap.
        gaps = []
        gap = (prev != _NONE) & (t - prev > self.max_gap)
        if gap.any():
            gaps.append(
                pd.DataFrame(
                    {"vessel": vessel_of[gap], "start": prev[gap], "end": t[gap]}
                )
            )
        firsts = [pd.DataFrame({"vessel": ids, "seq": 0, "time": t[starts]})]
        # Visits: runs of consecutive rows inside the same zone.
        ptr, zone = self.index.memberships(lon, lat)
        row = np.repeat(np.arange(n), np.diff(ptr))
        by_zone = np.lexsort((row, zone))
        row, zone = row[by_zone], zone[by_zone]
        visits = []
        if len(row):
            cont = np.zeros(len(row), dtype=bool)
            cont[1:] = (
                (zone[1:] == zone[:-1])
                & (row[1:] == row[:-1] + 1)
                & ~first[row[1:]]
                & (t[row[1:]] - t[row[:-1]] <= self.max_gap)
            )
            begin = np.nonzero(~cont)[0]
            end = np.append(begin[1:], len(row)) - 1
            r0, r1 = row[begin], row[end]
            after = r1 + 1
            nxt = np.full(len(r1), _NONE, dtype=np.int64)
            inside = after < n
            inside[inside] &= ~first[after[inside]]
            nxt[inside] = t[after[inside]]
            visits.append(
                pd.DataFrame(
                    {
                        "vessel": vessel_of[r0],
                        "zone": zone[begin],
                        "entry": t[r0],
                        "exit": t[r1],
                        "positions": end - begin + 1,
                        "first_seq": seq[r0],
                        "last_seq": seq[r1],
                        "before": prev[r0],
                        "after": nxt,
                    }
                )
            )
        ends = np.append(starts[1:], n) - 1
        carry = _Carry(
            last=dict(zip(ids, t[ends].tolist(), strict=True)),
            seen=dict(zip(ids, (seq[ends] + 1).tolist(), strict=True)),
        )
        self.follow(
            {
                "visits": visits,
                "gaps": gaps,
                "firsts": firsts,
                "t_min": int(t.min()),
                "t_max": int(t.max()),
                "positions": n,
                "carry": carry,
            },
            where=f"{self.source}, the chunk from data row {row0}",
            advice="sort the file by time (or by vessel, then time)",
        )

    def state(self) -> dict[str, Any]:
        """What was gathered, without the index: small enough to send back."""
        return {
            "visits": self.visits,
            "gaps": self.gaps,
            "firsts": self.firsts,
            "t_min": self.t_min,
            "t_max": self.t_max,
            "positions": self.positions,
            "carry": self.carry,
            "types": None if self.types is None else self.types.seen,
        }

    def follow(self, state: dict[str, Any], where: str, advice: str) -> None:
        """Take in the :meth:`state` of the positions that come next in time.

        Another accumulator read them on its own. What the carry from chunk to
        chunk would have done is done here: each vessel's row numbers go on
        from this accumulator's, its first position there closes the gap or
        the visit this one left open, and a vessel that goes back in time is
        refused (``where`` names the part, ``advice`` says what to do).
        """
        firsts = (
            pd.concat(state["firsts"], ignore_index=True)
            if state["firsts"]
            else pd.DataFrame({"vessel": [], "seq": [], "time": []})
        )
        opening = firsts[firsts.seq.to_numpy() == 0]
        ids = pd.Index(opening.vessel.to_numpy())
        t_first = opening.time.to_numpy().astype(np.int64)
        last = np.array([self.carry.last.get(v, _NONE) for v in ids], dtype=np.int64)
        seen = np.array([self.carry.seen.get(v, 0) for v in ids], dtype=np.int64)
        known = last != _NONE
        back = known & (t_first < last)
        if back.any():
            raise ClaimsmapError(
                f"vessel {ids[int(np.argmax(back))]}'s positions go back in time "
                f"at {where}; {advice}"
            )
        gap = known & (t_first - last > self.max_gap)
        if gap.any():
            self.gaps.append(
                pd.DataFrame(
                    {"vessel": ids[gap], "start": last[gap], "end": t_first[gap]}
                )
            )
        for visits in state["visits"]:
            pos = ids.get_indexer(visits.vessel.to_numpy())
            visits = visits.copy()
            opens = visits.first_seq.to_numpy() == 0
            visits["before"] = np.where(opens, last[pos], visits.before.to_numpy())
            visits["first_seq"] += seen[pos]
            visits["last_seq"] += seen[pos]
            self.visits.append(visits)
        for part in state["firsts"]:
            self.firsts.append(
                part.assign(seq=part.seq + seen[ids.get_indexer(part.vessel)])
            )
        self.gaps += state["gaps"]
        carry: _Carry = state["carry"]
        for v, count in carry.seen.items():
            self.carry.seen[v] = self.carry.seen.get(v, 0) + count
            self.carry.last[v] = carry.last[v]
        self.t_min = min(self.t_min, state["t_min"])
        self.t_max = max(self.t_max, state["t_max"])
        self.positions += state["positions"]
        if self.types is not None and state.get("types"):
            self.types.update(state["types"])

    def absorb(self, state: dict[str, Any]) -> None:
        """Take in the :meth:`state` of an accumulator that saw other vessels."""
        self.visits += state["visits"]
        self.gaps += state["gaps"]
        self.firsts += state["firsts"]
        self.t_min = min(self.t_min, state["t_min"])
        self.t_max = max(self.t_max, state["t_max"])
        self.positions += state["positions"]
        if self.types is not None and state.get("types"):
            self.types.update(state["types"])

    def finish(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Join visits cut by chunk boundaries; fill in the times after them."""
        if not self.visits:
            visits = pd.DataFrame(
                {
                    c: pd.Series(dtype="int64")
                    for c in (
                        "zone",
                        "entry",
                        "exit",
                        "positions",
                        "first_seq",
                        "last_seq",
                        "before",
                        "after",
                    )
                }
            )
            visits.insert(0, "vessel", pd.Series(dtype=object))
        else:
            visits = pd.concat(self.visits, ignore_index=True)
        visits = visits.sort_values(["vessel", "zone", "first_seq"], kind="stable")
        visits = visits.reset_index(drop=True)
        same = (
            (visits.vessel.to_numpy()[1:] == visits.vessel.to_numpy()[:-1])
            & (visits.zone.to_numpy()[1:] == visits.zone.to_numpy()[:-1])
            & (visits.first_seq.to_numpy()[1:] == visits.last_seq.to_numpy()[:-1] + 1)
            & (
                visits.entry.to_numpy()[1:] - visits.exit.to_numpy()[:-1]
                <= self.max_gap
            )
        )
        group = (
            np.cumsum(np.concatenate([[True], ~same]))
            if len(visits)
            else np.array([], int)
        )
        visits = (
            visits.groupby(group, sort=False)
            .agg(
                vessel=("vessel", "first"),
                zone=("zone", "first"),
                entry=("entry", "min"),
                exit=("exit", "max"),
                positions=("positions", "sum"),
                first_seq=("first_seq", "min"),
                last_seq=("last_seq", "max"),
                before=("before", "first"),
                after=("after", "last"),
            )
            .reset_index(drop=True)
        )
        # A visit that ended a chunk learns the time of the vessel's next position.
        if self.firsts and len(visits):
            firsts = pd.concat(self.firsts, ignore_index=True)
            at = pd.MultiIndex.from_arrays([firsts.vessel, firsts.seq])
            pos = at.get_indexer(
                pd.MultiIndex.from_arrays([visits.vessel, visits.last_seq + 1])
            )
            fill = (visits.after.to_numpy() == _NONE) & (pos >= 0)
            after = visits.after.to_numpy().copy()
            after[fill] = firsts.time.to_numpy()[pos[fill]]
            visits["after"] = after
        gaps = (
            pd.concat(self.gaps, ignore_index=True)
            if self.gaps
            else pd.DataFrame({"vessel": [], "start": [], "end": []})
        )
        return visits, gaps


def _stamp(ns: np.ndarray) -> pd.DatetimeIndex:
    """UTC times from int64 nanoseconds (``_NONE`` is NaT)."""
    values = np.asarray(ns, dtype=np.int64).view("datetime64[ns]")
    return pd.DatetimeIndex(values).tz_localize("UTC")


@dataclass
class Presence:
    """The presence of vessels in zones, as tables.

    Attributes
    ----------
    periods : pandas.DataFrame
        One row per zone, vessel and period (day or hour, local to ``tz``) in
        which the vessel was present: ``zone``, ``vessel``, ``period``. A day
        is its local date (a midnight without a zone); an hour is the time its
        local hour began, in ``tz``, so the hour repeated when clocks go back
        is two periods.
    visits : pandas.DataFrame
        ``vessel``, ``zone``, ``entry`` and ``exit`` (UTC times of the first
        and last positions inside), ``positions``, ``before`` and ``after``
        (the vessel's positions just before and after, NaT if none), and
        ``entry_after_gap`` / ``exit_before_gap`` (True when that position is
        more than ``max_gap`` away, or missing: the entry or exit was not seen).
    gaps : pandas.DataFrame
        ``vessel``, ``start``, ``end``, ``hours``: silences longer than
        ``max_gap`` between two positions of a vessel.
    vessel_info : pandas.DataFrame
        One row per vessel counted (every vessel of the positions that the
        ``flag=`` and ``ship_type=`` filters kept): ``vessel``, ``flag`` (ISO
        3166-1 alpha-3 from the MMSI's MID when the MMSI is a ship's or a
        craft's, else None), ``mmsi_kind`` (:func:`claimsmap.flags.mmsi_kind`),
        and ``ship_type`` when the filters or the grouping read it.
    group_by : {"flag", "ship_type"} or None
        What :attr:`total`, :attr:`by_vessel`, :attr:`periods` and
        :meth:`summary` count per besides the zone (a column of that name).
    dropped : dict
        How many reports of each kind were dropped before counting, when the
        positions came from :func:`claimsmap.vessels.read_ais` or
        :func:`~claimsmap.vessels.clean` (empty otherwise).
    """

    periods: pd.DataFrame
    visits: pd.DataFrame
    gaps: pd.DataFrame
    zones: list[str]
    by: Period
    tz: str
    start: pd.Timestamp
    end: pd.Timestamp
    positions: int
    vessel_info: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["vessel", "flag", "mmsi_kind"])
    )
    group_by: Group | None = None
    # The positions counted, when they were in memory (frame, vessel, time,
    # columns), for visits_as_trajectories.
    _positions: Any = field(default=None, init=False, repr=False, compare=False)
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def periods_total(self) -> int:
        """How many periods the analysis covers, from ``start`` to ``end``.

        Days are local dates; hours are real hours, so a day on which clocks
        go back has 25 and one on which they go forward has 23.
        """
        first, last = _labels(
            np.array([self.start.value, self.end.value]), self.by, self.tz
        )
        return int((last - first) // _STEP[self.by].value) + 1

    @property
    def by_vessel(self) -> pd.DataFrame:
        """Periods present per zone and vessel: ``zone``, ``vessel``, ``periods``.

        With :attr:`group_by`, the vessel's flag or ship type comes after it.
        """
        keys = ["zone", "vessel", *([self.group_by] if self.group_by else [])]
        table = self.periods.groupby(keys, observed=True, dropna=False).size()
        return table.rename("periods").reset_index()

    @property
    def total(self) -> pd.DataFrame:
        """Per zone: periods with any vessel present, of how many, and vessels seen.

        Every zone appears, with zeros where no vessel came. With
        :attr:`group_by`, one row per zone and flag (or ship type) present,
        most periods first; a vessel without one is counted under None.
        """
        keys = ["zone"] if self.group_by is None else ["zone", self.group_by]
        grouped = self.periods.groupby(
            keys, observed=self.group_by is not None, dropna=False
        )
        table = pd.DataFrame(
            {
                "periods": grouped["period"].nunique(),
                "of": self.periods_total,
                "vessels": grouped["vessel"].nunique(),
            }
        ).reset_index()
        if self.group_by is None:
            return table
        absent = sorted(set(self.zones) - set(table.zone.astype(str)))
        none = pd.DataFrame(
            {
                "zone": absent,
                self.group_by: None,
                "periods": 0,
                "of": self.periods_total,
                "vessels": 0,
            }
        )
        table = pd.concat([table.astype({"zone": str}), none], ignore_index=True)
        table["zone"] = pd.Categorical(table.zone, categories=self.zones)
        # Within a zone: most periods first, then by name, those without last.
        table["_label"] = table[self.group_by].fillna("\uffff").astype(str)
        table = table.sort_values(
            ["zone", "periods", "_label"], ascending=[True, False, True]
        )
        return table.drop(columns="_label").reset_index(drop=True)

    def visits_as_trajectories(
        self,
        positions: Any = None,
        *,
        vessel: str = "vessel",
        time: str = "time",
        columns: tuple[str, str] = ("lon", "lat"),
    ) -> Any:
        """The visits as a movingpandas ``TrajectoryCollection``, a trajectory each.

        Each trajectory holds the positions of one visit, from its entry to
        its exit; its ``id`` is the visit's row in :attr:`visits` and its
        ``obj_id`` the vessel, and its points carry ``vessel`` and ``zone``
        (lon, lat on WGS84; times in UTC, without a zone as movingpandas keeps
        them). A visit of one position is left out: movingpandas needs two
        points for a trajectory.

        Parameters
        ----------
        positions : DataFrame, Trajectory or TrajectoryCollection, optional
            The positions presence counted. By default the ones it was given,
            when they were a DataFrame or trajectories; positions read from a
            file must be given again.
        vessel, time, columns :
            Column names of ``positions``, as for :func:`presence`.

        Returns
        -------
        movingpandas.TrajectoryCollection
        """
        if positions is None:
            if self._positions is None:
                raise ClaimsmapError(
                    "visits_as_trajectories: presence read its positions from a "
                    "file or in chunks and did not keep them; pass them: "
                    "result.visits_as_trajectories(positions)"
                )
            positions, vessel, time, columns = self._positions
        elif is_trajectories(positions):
            positions = positions_of(positions)
            vessel, time, columns = "vessel", "time", ("lon", "lat")
        if not isinstance(positions, pd.DataFrame):
            raise ClaimsmapError(
                f"positions of type {type(positions).__name__}: give a DataFrame "
                "or movingpandas trajectories"
            )
        for name in (vessel, time):
            if name not in positions.columns:
                raise ClaimsmapError(
                    f"positions: no column {name!r} (columns: "
                    f"{', '.join(map(str, positions.columns))}); name it with "
                    "vessel=/time="
                )
        lon, lat = coordinates(positions, columns)
        t = _to_ns(positions[time].reset_index(drop=True), "positions, row")
        return visits_of(self.visits, positions[vessel].to_numpy(), t, lon, lat)

    def summary(self) -> str:
        """One line per zone: ``zone: 355 of 366 days, 3 vessels``.

        With :attr:`group_by`, one per zone and group: ``zone, CHN: ...``
        (``no flag`` or ``no ship type`` for vessels without one).

        When the positions were cleaned (:func:`claimsmap.vessels.clean`), a
        last line says what was dropped: ``dropped before counting: 2
        duplicate, 1 too_fast``.
        """
        unit = f"{self.by}s"
        lines = []
        for row in self.total.to_dict("records"):
            name = str(row["zone"])
            if self.group_by is not None and row["vessels"]:
                label = row[self.group_by]
                missing = f"no {self.group_by.replace('_', ' ')}"
                name += f", {missing if pd.isna(label) else label}"
            lines.append(
                f"{name}: {row['periods']} of {row['of']} {unit}, "
                f"{row['vessels']} vessel{'' if row['vessels'] == 1 else 's'}"
            )
        if self.dropped:
            lines.append(_dropped_line(self.dropped))
        return "\n".join(lines)

    def plot(
        self,
        kind: Literal["calendar", "months"] = "calendar",
        zone: str | list[str] | None = None,
        path: str | os.PathLike[str] | None = None,
        *,
        source: str | None = None,
        title: str | None = None,
    ) -> Figure:
        """Days with a vessel present per zone, as a calendar or monthly bars.

        The picture behind "355 of 366 days": one cell a day (``"calendar"``)
        or one bar a month (``"months"``), titled with what it counts and
        signed with ``source`` and claimsmap; ``path`` (``.png``, ``.svg``,
        ``.pdf``) also writes it, atomically. Needs matplotlib (extra
        ``[charts]``). See :func:`claimsmap.charts.presence_chart`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from claimsmap.charts import presence_chart

        return presence_chart(self, kind, zone, path=path, source=source, title=title)


def _dropped_line(dropped: dict[str, int]) -> str:
    """``dropped before counting: 2 duplicate, 1 too_fast`` (or ``none``)."""
    counts = [f"{n:,} {kind}" for kind, n in dropped.items() if n]
    return f"dropped before counting: {', '.join(counts) or 'none'}"


def presence(
    positions: Any,
    zones: Any = None,
    *,
    by: Period = "day",
    tz: str = "UTC",
    max_gap: str | pd.Timedelta = "6h",
    vessel: str = "vessel",
    time: str = "time",
    columns: tuple[str, str] = ("lon", "lat"),
    start: Any = None,
    end: Any = None,
    chunk_rows: int = 1_000_000,
    progress: bool | None = None,
    flag: str | Iterable[str] | None = None,
    ship_type: str | Iterable[str] | None = None,
    group_by: Group | None = None,
    default_time: Any = None,
    max_speed_kn: float | None = MAX_SPEED_KN,
) -> Presence:
    """Days (or hours) each vessel spent in each zone, with its visits and gaps.

    Parameters
    ----------
    positions : DataFrame, pyarrow.Table, path, iterable of DataFrames, or trajectories
        Positions with a vessel id, a time (UTC unless it says otherwise)
        and longitude/latitude columns; a CSV, Parquet or GeoParquet path is
        read in chunks of ``chunk_rows``. A raw NMEA AIS log, or a CSV export
        in a layout :func:`claimsmap.vessels.read_ais` knows, is read whole
        and cleaned by it (unless columns are named), its drops counted in
        :attr:`Presence.dropped`. A movingpandas ``Trajectory`` or
        ``TrajectoryCollection`` gives its points, each trajectory's
        ``obj_id`` (or, without one, its ``id``) as the vessel.
    zones : layer id, list of layer ids, GeoDataFrame or ZoneIndex, optional
        The zones; by default every zone of the atlas.
    by : {"day", "hour"}
        The period presence is counted in.
    tz : str
        The time zone the periods are days (or hours) of, e.g. ``"Asia/Tokyo"``.
    max_gap : str or Timedelta
        The longest silence over which a vessel that was inside is still
        taken to be inside; longer silences are gaps.
    vessel, time, columns :
        Column names.
    start, end : optional
        The analysis range: the periods from ``start``'s to ``end``'s, both
        included ("355 of 366 days"); by default the first and last position.
        Only periods in the range are counted; visits and gaps that reach into
        it are listed whole. A time without a zone is read in ``tz``.
    progress : bool, optional
        A progress bar on standard error; by default only when standard error
        is a terminal, so none when it is piped or redirected.
    flag : str or list of str, optional
        Count only vessels whose MMSI announces one of these flags (ISO 3166-1
        alpha-3, such as ``"CHN"``; see :func:`claimsmap.flag`).
    ship_type : str or list of str, optional
        Count only vessels of these ship types (``"law enforcement"``), matched
        without regard to case against the positions' ``ship_type`` column: a
        vessel's type is the latest its positions give.
    group_by : {"flag", "ship_type"}, optional
        Count per zone and flag (or ship type) as well: :attr:`Presence.total`
        and :meth:`Presence.summary` get one row per zone and group. (``by``
        is the period.)
    default_time, max_speed_kn
        For a path to an NMEA log or a known AIS export, read by
        :func:`claimsmap.vessels.read_ais`: the time of reports whose line
        gives none, and the speed limit of its cleaning (knots; None keeps
        every position).

    Returns
    -------
    Presence

    Notes
    -----
    Flags and ship types choose whole vessels, after their visits are found,
    so a track is never cut; the analysis range (``start`` and ``end`` by
    default) and ``positions`` still cover every position read.

    Examples
    --------
    >>> from claimsmap.synthetic import loiter_track
    >>> track = loiter_track((123.476, 25.743), 5, "2024-01-01", 5,
    ...                      inside_days=[0, 1, 3], away=(124.5, 26.5))
    >>> result = presence(track, "jpn-senkaku-territorial-sea")
    >>> print(result.summary())
    jpn-senkaku-territorial-sea: 3 of 5 days, 1 vessel

    Per flag, for a vessel whose MMSI begins with China's MID 413:

    >>> chinese = track.assign(vessel=413000001)
    >>> grouped = presence(chinese, "jpn-senkaku-territorial-sea", group_by="flag")
    >>> print(grouped.summary())
    jpn-senkaku-territorial-sea, CHN: 3 of 5 days, 1 vessel
    >>> presence(chinese, "jpn-senkaku-territorial-sea", flag="JPN").summary()
    'jpn-senkaku-territorial-sea: 0 of 5 days, 0 vessels'
    """
    gap_ns = _options(by, tz, max_gap)
    _check_chunk_rows(chunk_rows)
    select = selection(flag, ship_type, group_by)
    index = zone_index(zones)
    source = str(positions) if isinstance(positions, str | os.PathLike) else ""
    acc = _Accumulator(index, gap_ns, source, types=select.needs_types)
    if is_trajectories(positions):
        positions = positions_of(positions)
        columns, vessel, time = ("lon", "lat"), "vessel", "time"
    elif isinstance(positions, str | os.PathLike) and is_ais_file(
        positions, vessel=vessel, time=time, columns=columns
    ):
        # A raw NMEA log or a known AIS export: read whole and cleaned.
        positions = read_ais(
            positions, default_time=default_time, max_speed_kn=max_speed_kn
        )
    kept = (
        (positions, vessel, time, columns)
        if isinstance(positions, pd.DataFrame)
        else None
    )
    chunks: Iterable[Any]
    if isinstance(positions, str | os.PathLike):
        chunks = iter_positions(
            positions,
            columns=columns,
            vessel=vessel,
            time=time,
            chunk_rows=chunk_rows,
            extra=(SHIP_TYPE,) if select.needs_types else (),
        )
        columns, vessel, time = ("lon", "lat"), "vessel", "time"
    elif isinstance(positions, pa.Table):
        chunks = (b.to_pandas() for b in positions.to_batches(max_chunksize=chunk_rows))
    elif isinstance(positions, pd.DataFrame):
        chunks = (
            positions.iloc[i : i + chunk_rows]
            for i in range(0, len(positions), chunk_rows)
        )
    elif isinstance(positions, Iterable):
        chunks = positions
    else:
        raise ClaimsmapError(
            f"positions of type {type(positions).__name__}: give a DataFrame, a "
            "pyarrow Table, a file path, an iterable of DataFrames or movingpandas "
            "trajectories"
        )
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(
            total=_row_count(positions),
            unit=" positions",
            unit_scale=True,
            file=sys.stderr,
        )
    # What cleaning dropped (claimsmap.vessels): the table's, or each table's.
    whole = isinstance(positions, pd.DataFrame)
    dropped = dict(positions.attrs.get("dropped", {})) if whole else {}
    for chunk in chunks:
        acc.add(chunk, columns, vessel, time)
        if not whole and isinstance(chunk, pd.DataFrame):
            for kind, n in chunk.attrs.get("dropped", {}).items():
                dropped[kind] = dropped.get(kind, 0) + n
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    result = _result(acc, by=by, tz=tz, start=start, end=end, select=select)
    result._positions = kept
    result.dropped = dropped
    return result


def _check_chunk_rows(chunk_rows: int) -> None:
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer):
        raise ClaimsmapError(
            f"chunk_rows={chunk_rows!r}: give a whole number of rows, e.g. 1000000"
        )
    if chunk_rows < 1:
        raise ClaimsmapError(
            f"chunk_rows={chunk_rows}: give a positive number of rows, e.g. 1000000"
        )


def _options(by: str, tz: str, max_gap: str | pd.Timedelta) -> int:
    """Check the period, time zone and max_gap; return max_gap in nanoseconds."""
    if by not in PERIODS:
        raise ClaimsmapError(f"by={by!r}: give one of {', '.join(PERIODS)}")
    try:
        gap_ns = int(pd.Timedelta(max_gap).value)
    except (ValueError, TypeError):
        raise ClaimsmapError(
            f"max_gap={max_gap!r}: give a duration such as '6h' or '90min'"
        ) from None
    try:
        pd.Timestamp("2024-01-01", tz=tz)
    except (ValueError, TypeError, KeyError):
        raise ClaimsmapError(
            f"tz={tz!r}: give an IANA time zone such as 'UTC' or 'Asia/Tokyo'"
        ) from None
    if gap_ns <= 0:
        raise ClaimsmapError(
            f"max_gap={max_gap!r}: give a positive duration such as '6h'"
        )
    return gap_ns


def _result(
    acc: _Accumulator,
    *,
    by: Period,
    tz: str,
    start: Any,
    end: Any,
    select: Selection | None = None,
) -> Presence:
    """The tables of a :class:`Presence` from the visits and gaps gathered."""
    index, gap_ns = acc.index, acc.max_gap
    visits, gaps = acc.finish()
    select = select or Selection()
    seen = [part.vessel.to_numpy() for part in acc.firsts]
    visits, gaps, info = select.choose(
        visits, gaps, np.concatenate(seen) if seen else [], acc.types or ShipTypes()
    )
    if acc.positions == 0:
        raise ClaimsmapError(
            f"{printable(acc.source)}: no positions (no data rows, a header at "
            "most); give at least one position"
        )
    t0 = pd.Timestamp(acc.t_min, tz="UTC") if start is None else _utc(start, tz)
    t1 = pd.Timestamp(acc.t_max, tz="UTC") if end is None else _utc(end, tz)
    if t1 < t0:
        raise ClaimsmapError(
            f"start {t0.isoformat()} is after end {t1.isoformat()}: give start first"
        )
    ids = pd.Index(index.ids)
    step = _STEP[by].value
    # Each visit covers every period from its entry's to its exit's, and those
    # within the analysis range are counted.
    first, last = _labels(np.array([t0.value, t1.value]), by, tz)
    entry = _labels(visits.entry.to_numpy(), by, tz)
    leave = _labels(visits.exit.to_numpy(), by, tz)
    count = np.maximum(-(-(leave - entry) // step), 0) + 1
    rep = np.repeat(np.arange(len(visits)), count)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)
    # Never past the exit's own period; hours are floored again, for the
    # rare zone whose offset changes by part of an hour.
    label = np.minimum(entry[rep] + offset * step, leave[rep])
    if by == "hour":
        label = _labels(label, by, tz)
    keep = (label >= first) & (label <= last)
    periods = pd.DataFrame(
        {
            "zone": pd.Categorical.from_codes(
                visits.zone.to_numpy()[rep][keep], categories=ids
            ),
            "vessel": visits.vessel.to_numpy()[rep][keep],
            "period": _label_times(label[keep], by, tz),
        }
    ).drop_duplicates(ignore_index=True)
    # Visits and gaps that reach into the range are listed whole.
    lo, hi = _range_bounds(first, last, by, tz)
    within = (visits.exit.to_numpy() >= lo) & (visits.entry.to_numpy() < hi)
    visits = visits[within]
    gaps = gaps[(gaps.end.to_numpy() > lo) & (gaps.start.to_numpy() < hi)]
    periods = periods.sort_values(["zone", "vessel", "period"], ignore_index=True)
    if select.group_by is not None:
        group = dict(zip(info.vessel, info[select.group_by], strict=True))
        periods.insert(2, select.group_by, periods.vessel.map(group))
    before = _stamp(visits.before.to_numpy())
    after = _stamp(visits.after.to_numpy())
    entry_t, exit_t = _stamp(visits.entry.to_numpy()), _stamp(visits.exit.to_numpy())
    table = pd.DataFrame(
        {
            "vessel": visits.vessel.to_numpy(),
            "zone": pd.Categorical.from_codes(visits.zone.to_numpy(), categories=ids),
            "entry": entry_t,
            "exit": exit_t,
            "positions": visits.positions.to_numpy(),
            "before": before,
            "after": after,
            "entry_after_gap": np.asarray(
                before.isna() | (entry_t - before > pd.Timedelta(gap_ns))
            ),
            "exit_before_gap": np.asarray(
                after.isna() | (after - exit_t > pd.Timedelta(gap_ns))
            ),
        }
    ).sort_values(["vessel", "entry", "zone"], ignore_index=True)
    gap_table = pd.DataFrame(
        {
            "vessel": gaps.vessel.to_numpy(),
            "start": _stamp(gaps.start.to_numpy()),
            "end": _stamp(gaps.end.to_numpy()),
        }
    )
    gap_table["hours"] = (gap_table.end - gap_table.start).dt.total_seconds() / 3600
    gap_table = gap_table.sort_values(["vessel", "start"], ignore_index=True)
    return Presence(
        periods=periods,
        visits=table,
        gaps=gap_table,
        zones=list(index.ids),
        by=by,
        tz=tz,
        start=t0,
        end=t1,
        positions=acc.positions,
        vessel_info=info,
        group_by=select.group_by,
    )


def _row_count(positions: Any) -> int | None:
    """How many positions there are, when that is cheap to know (for the bar)."""
    if isinstance(positions, pd.DataFrame | pa.Table):
        return len(positions)
    if isinstance(positions, str | os.PathLike):
        path = Path(positions)
        if path.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
    return None


def _utc(value: Any, tz: str) -> pd.Timestamp:
    """A time as UTC; a time (or date) without a zone is read in ``tz``."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ClaimsmapError(
            f"{value!r} is not a time: give a date or an ISO 8601 time, "
            "such as 2024-01-01 or 2024-01-01T09:00+09:00"
        ) from None
    if pd.isna(stamp):
        raise ClaimsmapError("a start or end of NaT: give a date or time")
    if stamp.tzinfo is None:
        # A wall time skipped by a clock change is taken as the moment after
        # it; one that happens twice, as the first of them.
        stamp = stamp.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return stamp.tz_convert("UTC")


def _labels(ns: np.ndarray, by: str, tz: str) -> np.ndarray:
    """Each UTC time's period, as int64 nanoseconds.

    A day is its local date (midnight, as if the local clock were UTC), so
    days step by 24 hours whatever the clocks do; an hour is the UTC time at
    which its local hour began, so the hour that is repeated when clocks go
    back is two hours and the one skipped when they go forward is none.
    """
    ns = np.asarray(ns, dtype=np.int64)
    if len(ns) == 0:
        return ns.copy()
    wall = _stamp(ns).tz_convert(tz).tz_localize(None)
    wall_ns = np.asarray(wall.asi8, dtype=np.int64)
    if by == "day":
        return wall_ns - wall_ns % _STEP["day"].value
    return ns - wall_ns % _STEP["hour"].value


def _label_times(labels: np.ndarray, by: str, tz: str) -> pd.DatetimeIndex:
    """Period labels as times: local dates (naive midnights) or zoned hours."""
    if by == "day":
        return _stamp(labels).tz_localize(None)
    return _stamp(labels).tz_convert(tz)


def _range_bounds(first: int, last: int, by: str, tz: str) -> tuple[int, int]:
    """The UTC times at which period ``first`` begins and period ``last`` ends."""
    if by == "hour":
        return first, last + _STEP["hour"].value
    days = pd.DatetimeIndex(
        np.array([first, last + _STEP["day"].value]).view("datetime64[ns]")
    )
    local = days.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    lo, hi = local.tz_convert("UTC").asi8
    return int(lo), int(hi)
