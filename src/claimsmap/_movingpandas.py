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
    ``id``), ``time`` (the trajectory's index), ``lon`` and ``lat`` (degrees
    on WGS84, from the points in whatever CRS they are), and ``ship_type``
    when the trajectories carry one.
    """
    trajectories = (
        [value] if type(value).__name__ == "Trajectory" else list(value.trajectories)
    )
    parts = []
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
        if vessel is None:
            vessel = trajectory.id
        part = pd.DataFrame(
            {
                "vessel": np.repeat(np.asarray([vessel], dtype=object), len(frame)),
                "time": frame.index.to_numpy(),
                "lon": np.asarray(lon, dtype=float),
                "lat": np.asarray(lat, dtype=float),
            }
        )
        if "ship_type" in frame.columns:
            part["ship_type"] = frame["ship_type"].to_numpy(dtype=object)
        parts.append(part)
    if not parts:
        raise ClaimsmapError(
            "positions: the TrajectoryCollection is empty; give one with at "
            "least one trajectory"
        )
    table = pd.concat(parts, ignore_index=True)
    # One type of id, as a DataFrame column would have it.
    table["vessel"] = pd.Series(table.vessel.tolist()).infer_objects().to_numpy()
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
    ids, t, lon, lat = vessel[order], time[order], lon[order], lat[order]
    first = pd.Series(np.arange(len(ids))).groupby(codes[order], sort=False).min()
    count = pd.Series(codes[order]).value_counts(sort=False)
    code_of = {v: c for c, v in enumerate(uniques)}
    rows, numbers, zones = [], [], []
    entry = visits.entry.array.as_unit("ns").asi8
    leave = visits.exit.array.as_unit("ns").asi8
    for number, (who, zone) in enumerate(zip(visits.vessel, visits.zone, strict=True)):
        code = code_of.get(who)
        if code is None:
            continue
        lo = int(first[code])
        block = t[lo : lo + int(count[code])]
        a = lo + int(np.searchsorted(block, entry[number], side="left"))
        b = lo + int(np.searchsorted(block, leave[number], side="right"))
        rows.append(np.arange(a, b))
        numbers.append(np.full(b - a, number))
        zones.append(np.full(b - a, str(zone), dtype=object))
    take = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    points = pd.DataFrame(
        {
            "visit": np.concatenate(numbers) if numbers else np.array([], int),
            "vessel": ids[take],
            "zone": np.concatenate(zones) if zones else np.array([], object),
            "time": t[take].view("datetime64[ns]"),  # UTC, without a zone
            "lon": lon[take],
            "lat": lat[take],
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
