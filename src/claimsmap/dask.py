"""Locate and presence on Dask DataFrames, for position tables past one machine.

Install with ``pip install 'claimsmap[dask]'``. The functions take a Dask
DataFrame (or a dask-geopandas GeoDataFrame) of positions and give the same
answers as :func:`claimsmap.locate` and :func:`claimsmap.presence` on the
whole table at once; they run on whatever scheduler is active, such as a
``dask.distributed`` cluster::

    from dask.distributed import Client
    import dask.dataframe as dd
    import claimsmap.dask as cmd

    client = Client("tcp://scheduler:8786")           # or Client(LocalCluster())
    ais = dd.read_parquet("s3://bucket/ais/*.parquet")
    result = cmd.presence(ais, "jpn-senkaku-territorial-sea", tz="Asia/Tokyo")
    print(result.summary())

The zone index is built once, on the client, and shipped to the workers as a
single object of the task graph. :func:`presence` shuffles the positions so
that each partition holds every position of its vessels, reduces each
partition to visits and gaps on the workers, and joins the (small) results on
the client.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from claimsmap._select import SHIP_TYPE, Group, check_types_column, selection
from claimsmap.errors import ClaimsmapError
from claimsmap.locate import ZoneIndex, coordinates
from claimsmap.presence import (
    Period,
    Presence,
    _Accumulator,
    _options,
    _result,
    zone_index,
)
from claimsmap.vessels import DROPPED, MAX_SPEED_KN, check_max_speed
from claimsmap.vessels import clean as clean_positions

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "claimsmap.dask needs Dask: pip install 'claimsmap[dask]'"
    ) from exc

__all__ = ["locate", "presence"]


def _dataframe(frame: Any) -> dd.DataFrame:
    if not isinstance(frame, dd.DataFrame):
        raise ClaimsmapError(
            f"positions of type {type(frame).__name__}: give a Dask DataFrame "
            "(dask.dataframe.from_pandas, read_parquet, read_csv)"
        )
    return frame


def _locate_part(
    frame: pd.DataFrame,
    index: ZoneIndex,
    columns: tuple[str, str],
    keep: tuple[str, ...],
) -> pd.DataFrame:
    table = index.locate(*coordinates(frame, columns))
    rows = table["point"].to_numpy()
    table["point"] = frame.index.to_numpy()[rows]
    for name in keep:
        table[name] = frame[name].to_numpy()[rows]
    return table[["point", *keep, "zone"]]


def locate(
    positions: Any,
    zones: Any = None,
    *,
    columns: tuple[str, str] = ("lon", "lat"),
    keep: tuple[str, ...] = (),
) -> dd.DataFrame:
    """The zones holding each position, as a lazy Dask DataFrame.

    Parameters
    ----------
    positions : dask.dataframe.DataFrame
        Positions with ``columns`` (or a dask-geopandas frame of points).
    zones :
        As for :func:`claimsmap.locate`.
    keep : tuple of str
        Columns of the positions to carry into each membership, such as
        ``("vessel", "time")``. Files read with ``dd.read_parquet`` number each
        partition's rows from 0, so the index alone may not name a position.

    Returns
    -------
    dask.dataframe.DataFrame
        ``point`` (the position's index label), the ``keep`` columns and
        ``zone`` (categorical id), one row per membership, as
        :func:`claimsmap.locate` gives them.
    """
    ddf = _dataframe(positions)
    missing = [c for c in keep if c not in ddf.columns]
    if missing:
        raise ClaimsmapError(
            f"keep: positions have no column {missing[0]!r} "
            f"(columns: {', '.join(map(str, ddf.columns))})"
        )
    index = zone_index(zones)
    meta = pd.DataFrame(
        {
            "point": pd.Series(dtype=ddf.index.dtype),
            **{name: pd.Series(dtype=ddf[name].dtype) for name in keep},
            "zone": pd.Categorical([], categories=index.ids),
        }
    )
    shared = dask.delayed(index, pure=True, traverse=False)
    return ddf.map_partitions(_locate_part, shared, columns, tuple(keep), meta=meta)


def _reduce_part(
    frame: pd.DataFrame,
    index: ZoneIndex,
    gap_ns: int,
    columns: tuple[str, str],
    vessel: str,
    time: str,
    types: bool = False,
    clean: bool = False,
    max_speed_kn: float | None = MAX_SPEED_KN,
) -> tuple[dict[str, Any], dict[str, int]]:
    """A partition's visits and gaps, and what cleaning dropped from it."""
    dropped: dict[str, int] = {}
    if clean:
        frame = clean_positions(frame, max_speed_kn=max_speed_kn)
        dropped = frame.attrs["dropped"]
    acc = _Accumulator(index, gap_ns, types=types)
    acc.add(frame, columns, vessel, time)
    return acc.state(), dropped


def _positions(
    frame: pd.DataFrame,
    columns: tuple[str, str],
    vessel: str,
    time: str,
    types: bool = False,
    clean: bool = False,
) -> pd.DataFrame:
    """The columns presence needs: from lon/lat columns or point geometry.

    With ``types``, the ship type travels too; with ``clean``, coordinates out
    of range travel as they are, for the cleaning to count.
    """
    lon, lat = coordinates(frame, columns, check=not clean)
    return pd.DataFrame(
        {
            "vessel": frame[vessel].to_numpy(),
            "time": frame[time],
            "lon": lon,
            "lat": lat,
            **({SHIP_TYPE: frame[SHIP_TYPE]} if types else {}),
        },
        index=frame.index,
    )


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
    shuffle_method: str | None = None,
    in_order: bool = False,
    flag: Any = None,
    ship_type: Any = None,
    group_by: Group | None = None,
    clean: bool = False,
    max_speed_kn: float | None = MAX_SPEED_KN,
) -> Presence:
    """:func:`claimsmap.presence` on a Dask DataFrame: the same tables, computed.

    The positions are shuffled by ``vessel`` so that each partition holds all
    of its vessels' positions; each partition is then reduced on a worker.
    ``shuffle_method`` is passed to :meth:`dask.dataframe.DataFrame.shuffle`:
    Dask's default on a distributed cluster is ``"p2p"``; ``"tasks"`` can be
    faster on a few workers (see the vessels guide).

    ``in_order=True`` skips the shuffle, for positions whose vessels never go
    back in time from one partition to the next (files sorted by time, or by
    vessel then time, read in order): each partition is reduced where it is,
    and the partitions are joined in order as chunks of one file would be. A
    vessel that does go back in time is then an error.

    ``flag``, ``ship_type`` and ``group_by`` choose and group vessels as they
    do for :func:`claimsmap.presence`, with the same answers.

    ``clean=True`` drops what :func:`claimsmap.vessels.clean` drops (AIS's
    "not available" values, impossible positions, duplicates, and jumps over
    ``max_speed_kn`` knots), on the workers, each vessel whole after the
    shuffle: the answers and :attr:`Presence.dropped` are those of
    ``claimsmap.presence(claimsmap.vessels.clean(table))`` (but for counts
    the table carried from before, such as :func:`~claimsmap.vessels.read_ais`'s
    ``not_a_vessel``, which a Dask frame does not keep). It needs the shuffle
    (a vessel's track is judged whole), so not ``in_order``.
    """
    ddf = _dataframe(positions)
    if clean and in_order:
        raise ClaimsmapError(
            "clean=True judges each vessel's track whole, which needs the shuffle: "
            "leave in_order=False, or clean the positions before"
        )
    if clean:  # on the client, before any work is sent
        check_max_speed(max_speed_kn)
    missing = [c for c in (vessel, time) if c not in ddf.columns]
    if missing:
        raise ClaimsmapError(
            f"positions have no column {missing[0]!r} "
            f"(columns: {', '.join(map(str, ddf.columns))}); name it with vessel=/time="
        )
    gap_ns = _options(by, tz, max_gap)
    select = selection(flag, ship_type, group_by)
    types = select.needs_types
    if types:
        check_types_column(ddf.columns, "positions")
    index = zone_index(zones)
    shared = dask.delayed(index, pure=True, traverse=False)
    # Only the four columns (and the ship type, when read) travel in the
    # shuffle (a dask-geopandas frame's points become lon/lat here, as the
    # shuffle would drop its geometry type).
    meta = pd.DataFrame(
        {
            "vessel": pd.Series(dtype=ddf[vessel].dtype),
            "time": pd.Series(dtype=ddf[time].dtype),
            "lon": pd.Series(dtype=float),
            "lat": pd.Series(dtype=float),
            **({SHIP_TYPE: pd.Series(dtype=ddf[SHIP_TYPE].dtype)} if types else {}),
        }
    )
    slim = ddf.map_partitions(
        _positions, columns, vessel, time, types, clean, meta=meta
    )
    if not in_order:
        slim = slim.shuffle(on="vessel", shuffle_method=shuffle_method)
    parts = [
        dask.delayed(_reduce_part)(
            part,
            shared,
            gap_ns,
            ("lon", "lat"),
            "vessel",
            "time",
            types,
            clean,
            max_speed_kn,
        )
        for part in slim.to_delayed()
    ]
    reduced = dask.compute(*parts)
    total = _Accumulator(index, gap_ns, types=types)
    dropped = dict.fromkeys(DROPPED, 0) if clean else {}
    for number, (state, part_dropped) in enumerate(reduced):
        for kind, n in part_dropped.items():
            dropped[kind] = dropped.get(kind, 0) + int(n)
        if in_order:
            total.follow(
                state,
                where=f"partition {number}",
                advice="sort the positions by time (or by vessel, then time), "
                "or leave in_order=False to shuffle them by vessel",
            )
        else:
            total.absorb(state)
    result = _result(total, by=by, tz=tz, start=start, end=end, select=select)
    result.dropped = dropped
    return result
