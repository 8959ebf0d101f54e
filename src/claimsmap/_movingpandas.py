"""movingpandas in and out: trajectories as positions, visits as trajectories.

movingpandas is optional (``pip install 'claimsmap[movingpandas]'``) and slow
to import, so it is imported only here and only when a trajectory is given or
asked for; a trajectory is recognised by its type's module without importing
movingpandas at all.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Transformer

from claimsmap.errors import ClaimsmapError

__all__ = ["import_movingpandas", "is_trajectories", "positions_of", "visits_of"]


def _to_utc(naive: pd.DatetimeIndex, zone: Any, name: Any) -> pd.DatetimeIndex:
    """Local clock times of one trajectory as naive UTC.

    movingpandas keeps a trajectory's times as local clock times without
    their zone, sorted; a time in the hour repeated when clocks go back can
    then no longer be told apart, and is an error rather than a guess.
    """
    try:
        local = naive.tz_localize(zone, ambiguous="NaT", nonexistent="raise")
    except (ValueError, TypeError) as exc:
        raise ClaimsmapError(
            f"trajectory {name!r}: a local time that does not exist in {zone} "
            f"({exc}); give the trajectory's times in UTC"
        ) from None
    repeated = np.flatnonzero(np.asarray(local.isna()) & ~np.asarray(naive.isna()))
    if len(repeated):
        raise ClaimsmapError(
            f"trajectory {name!r}: {naive[repeated[0]]} happened twice in {zone} "
            "(clocks went back), and movingpandas keeps no zone to tell which; "
            "give the trajectory's times in UTC"
        )
    return local.tz_convert("UTC").tz_localize(None)


def import_movingpandas() -> Any:
    """movingpandas, without its notice that Stone Soup is missing.

    movingpandas 0.23 warns at import that its trajectory smoothers need Stone
    Soup; nothing here smooths, so that one warning is not shown.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=r"Missing optional dependencies.*Stone Soup"
            )
            import movingpandas
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "trajectories need movingpandas: pip install 'claimsmap[movingpandas]'"
        ) from exc
    return movingpandas


def is_trajectories(value: Any) -> bool:
    """Whether ``value`` is a movingpandas Trajectory or TrajectoryCollection."""
    kind = type(value)
    return kind.__module__.startswith("movingpandas.") and kind.__name__ in (
        "Trajectory",
        "TrajectoryCollection",
    )


def positions_of(value: Any) -> pd.DataFrame:
    """The positions of a Trajectory or TrajectoryCollection, as presence reads them.

    Columns ``vessel`` (the trajectory's ``obj_id`` if it has one, else its
    ``id``), ``time`` (the trajectory's index: UTC if it has no zone; a zone
    movingpandas dropped is put back first), ``lon`` and ``lat`` (degrees
    on WGS84, from the points in whatever CRS they are), and ``ship_type``
    when the trajectories carry one.
    """
    trajectories = (
        [value] if type(value).__name__ == "Trajectory" else list(value.trajectories)
    )
    names: list[Any] = []
    times, lons, lats, types = [], [], [], []
    for trajectory in trajectories:
        frame = trajectory.df
        x, y = trajectory.x, trajectory.y
        if x is not None and y is not None and {x, y} <= set(frame.columns):
            # movingpandas keeps x and y columns until a method needs points.
            lon, lat = frame[x].to_numpy(float), frame[y].to_numpy(float)
        else:
            lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
        if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
            to_wgs84 = Transformer.from_crs(frame.crs, 4326, always_xy=True)
            lon, lat = to_wgs84.transform(lon, lat)
        vessel = trajectory.obj_id
        names.append(trajectory.id if vessel is None else vessel)
        index = frame.index
        zone = getattr(trajectory, "df_orig_tz", None)
        if zone is not None and index.tz is None:
            # movingpandas dropped the zone, keeping local clock times.
            index = _to_utc(index, zone, names[-1])
        times.append(index.to_numpy())
        lons.append(np.asarray(lon, dtype=float))
        lats.append(np.asarray(lat, dtype=float))
        # The types as they are (no conversion of each text), or none.
        types.append(
            frame["ship_type"].reset_index(drop=True)
            if "ship_type" in frame.columns
            else pd.Series([None] * len(frame), dtype=object)
        )
    if not names:
        raise ClaimsmapError(
            "positions: the TrajectoryCollection is empty; give one with at "
            "least one trajectory"
        )
    # The ids as one array of their common type (int64 for MMSIs).
    ids = pd.Series(names).infer_objects().to_numpy()
    table = pd.DataFrame(
        {
            "vessel": np.repeat(ids, [len(t) for t in times]),
            "time": np.concatenate(times),
            "lon": np.concatenate(lons),
            "lat": np.concatenate(lats),
        }
    )
    if any("ship_type" in t.df.columns for t in trajectories):
        table["ship_type"] = pd.concat(types, ignore_index=True)
    return table


def visits_of(
    visits: pd.DataFrame,
    vessel: np.ndarray,
    time: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
) -> Any:
    """Each visit's positions as one trajectory of a TrajectoryCollection.

    ``vessel``, ``time`` (int64 nanoseconds, UTC), ``lon`` and ``lat`` are the
    positions presence counted. A trajectory's id is the visit's row in
    ``visits``; its ``obj_id`` is the vessel; its points carry ``vessel`` and
    ``zone``. A visit of a single position is not a trajectory (movingpandas
    needs two points) and is left out.
    """
    mpd = import_movingpandas()
    codes, uniques = pd.factorize(vessel)
    order = np.lexsort((time, codes))
    codes, t = codes[order], time[order]
    # Each vessel's rows (sorted by time) are lo[c]:hi[c].
    lo = np.searchsorted(codes, np.arange(len(uniques)), side="left")
    hi = np.searchsorted(codes, np.arange(len(uniques)), side="right")
    who = pd.Index(uniques).get_indexer(visits.vessel.to_numpy())
    entry = visits.entry.array.as_unit("ns").asi8
    leave = visits.exit.array.as_unit("ns").asi8
    start = np.zeros(len(visits), dtype=np.int64)
    stop = np.zeros(len(visits), dtype=np.int64)
    for i, c in enumerate(who.tolist()):
        if c < 0:
            continue
        block = t[lo[c] : hi[c]]
        start[i] = lo[c] + np.searchsorted(block, entry[i], side="left")
        stop[i] = lo[c] + np.searchsorted(block, leave[i], side="right")
    length = stop - start
    number = np.repeat(np.arange(len(visits)), length)
    offset = start - np.cumsum(length) + length
    take = np.arange(length.sum()) + np.repeat(offset, length)
    points = pd.DataFrame(
        {
            "visit": number,
            "vessel": vessel[order][take],
            "zone": visits.zone.astype(str).to_numpy()[number],
            "time": t[take].view("datetime64[ns]"),  # UTC, without a zone
            "lon": lon[order][take],
            "lat": lat[order][take],
        }
    )
    with warnings.catch_warnings():
        # movingpandas 0.23 sorts with inplace=True, which pandas 3.1 deprecates.
        warnings.filterwarnings(
            "ignore", message="The inplace keyword", module="movingpandas"
        )
        return mpd.TrajectoryCollection(
            points,
            traj_id_col="visit",
            obj_id_col="vessel",
            t="time",
            x="lon",
            y="lat",
            crs="EPSG:4326",
        )
