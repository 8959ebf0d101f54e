"""Synthetic AIS: made-up vessel positions for tests, benchmarks and examples.

Nothing here is an observation. The tracks are generated: ships on geodesic
(great-circle) legs between ports at merchant speeds, patrol vessels
loitering near a feature, and gaps where a transponder falls silent. Vessel
ids are nine-digit numbers beginning with 999, which no real MMSI uses, so a
synthetic row cannot be mistaken for a real vessel.

:func:`loiter_track` gives tracks whose presence is known by construction;
:func:`synthetic_ais` mixes many tracks into a realistic table.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from claimsmap.errors import ClaimsmapError, printable
from claimsmap.geodesy import GEOD, NMI

__all__ = [
    "MAX_POSITIONS",
    "PATROL_SITES",
    "PORTS",
    "loiter_track",
    "synthetic_ais",
    "transit_track",
]

#: Ports the synthetic merchant ships sail between (lon, lat, approximate).
PORTS: dict[str, tuple[float, float]] = {
    "Shanghai": (122.1, 30.6),
    "Ningbo": (122.2, 29.9),
    "Keelung": (121.8, 25.2),
    "Kaohsiung": (120.2, 22.5),
    "Hong Kong": (114.3, 22.2),
    "Manila": (120.8, 14.5),
    "Da Nang": (108.3, 16.2),
    "Ho Chi Minh City": (107.1, 10.3),
    "Singapore": (104.1, 1.2),
    "Kota Kinabalu": (116.0, 6.1),
    "Naha": (127.6, 26.2),
    "Busan": (129.1, 35.0),
}

#: Places the synthetic patrol vessels loiter near (lon, lat).
PATROL_SITES: dict[str, tuple[float, float]] = {
    "Uotsuri-shima": (123.476, 25.743),
    "Scarborough Shoal": (117.76, 15.15),
    "Second Thomas Shoal": (115.86, 9.73),
    "Kinmen": (118.35, 24.40),
}

_MMSI_BASE = 999_000_000


#: The most positions :func:`synthetic_ais` makes (about 4 GB as a table).
MAX_POSITIONS = 100_000_000


def _start(start: Any) -> pd.Timestamp:
    """``start`` as a UTC time, or an error that names it."""
    try:
        t0 = pd.Timestamp(start)
    except (ValueError, TypeError, OverflowError):
        t0 = None
    if t0 is None or pd.isna(t0):
        raise ClaimsmapError(
            f"start={printable(repr(start))}: give an ISO date or time, "
            "e.g. 2024-01-01 or 2024-01-01T06:00Z"
        )
    return t0.tz_localize("UTC") if t0.tzinfo is None else t0.tz_convert("UTC")


def _check_interval(interval_s: float) -> None:
    if not (isinstance(interval_s, numbers.Real) and 1 <= interval_s <= 86400):
        raise ClaimsmapError(
            f"interval_s={interval_s!r}: give the seconds between positions, "
            "1 to 86400 (a day)"
        )


def _times(start: Any, hours: float, interval_s: float) -> pd.DatetimeIndex:
    _check_interval(interval_s)
    t0 = _start(start)
    n = int(hours * 3600 // interval_s) + 1
    return t0 + pd.to_timedelta(np.arange(n) * interval_s, unit="s")


def loiter_track(
    centre: tuple[float, float],
    radius_nm: float,
    start: Any,
    days: int,
    *,
    inside_days: Any = None,
    away: tuple[float, float] | None = None,
    interval_s: float = 600.0,
    seed: int = 0,
    vessel: int = _MMSI_BASE + 1,
) -> pd.DataFrame:
    """A vessel that stays within ``radius_nm`` of ``centre`` on chosen days.

    On each day (UTC) numbered in ``inside_days`` (0 is the day of ``start``;
    all days by default) every position lies within ``radius_nm`` of
    ``centre``; on the other days every position lies within ``radius_nm`` of
    ``away`` (the vessel moves between the two at midnight). So the days on
    which the vessel is inside a zone around ``centre`` are known by
    construction.

    Returns
    -------
    pandas.DataFrame
        ``vessel``, ``time`` (UTC), ``lon``, ``lat``.
    """
    if radius_nm <= 0:
        raise ClaimsmapError(f"radius_nm {radius_nm!r}: give a positive distance")
    rng = np.random.default_rng(seed)
    times = _times(start, days * 24, interval_s)
    times = times[times < times[0].normalize() + pd.Timedelta(days=days)]
    day = np.asarray((times.normalize() - times[0].normalize()).days)
    chosen = np.arange(days) if inside_days is None else np.asarray(list(inside_days))
    here = np.isin(day, chosen)
    if away is None and not here.all():
        raise ClaimsmapError(
            "give away=(lon, lat) for the days the vessel is not inside"
        )
    # Each day the vessel circles the centre at 4 kn on an orbit of its own
    # radius (20-95 % of radius_nm), so it never leaves the disc.
    orbit = radius_nm * NMI * rng.uniform(0.2, 0.95, days)[day]
    phase = rng.uniform(0, 2 * np.pi, days)[day]
    seconds = (times - times[0]).total_seconds().to_numpy()
    azi = np.degrees(phase + seconds * (4 * NMI / 3600.0) / orbit)
    dist = orbit
    cx = np.where(here, centre[0], away[0] if away else centre[0])
    cy = np.where(here, centre[1], away[1] if away else centre[1])
    lon, lat, _ = GEOD.fwd(cx, cy, (azi + 180) % 360 - 180, dist)
    return pd.DataFrame({"vessel": vessel, "time": times, "lon": lon, "lat": lat})


def transit_track(
    route: list[tuple[float, float]],
    start: Any,
    speed_kn: float,
    *,
    interval_s: float = 600.0,
    vessel: int = _MMSI_BASE + 2,
) -> pd.DataFrame:
    """A vessel sailing geodesic legs through ``route`` at ``speed_kn``.

    Returns
    -------
    pandas.DataFrame
        ``vessel``, ``time`` (UTC), ``lon``, ``lat``: one position every
        ``interval_s`` seconds from the first waypoint to the last.
    """
    if speed_kn <= 0:
        raise ClaimsmapError(f"speed_kn {speed_kn!r}: give a positive speed")
    pts = np.asarray(route, dtype=float)
    azi, _, legs = GEOD.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])
    legs = np.atleast_1d(legs)
    azi = np.atleast_1d(azi)
    speed = speed_kn * NMI / 3600.0
    total_s = float(np.sum(legs)) / speed
    times = _times(start, total_s / 3600.0, interval_s)
    travelled = (times - times[0]).total_seconds().to_numpy() * speed
    ends = np.cumsum(legs)
    leg = np.minimum(np.searchsorted(ends, travelled, side="right"), len(legs) - 1)
    along = travelled - (ends[leg] - legs[leg])
    lon, lat, _ = GEOD.fwd(pts[leg, 0], pts[leg, 1], azi[leg], along)
    return pd.DataFrame({"vessel": vessel, "time": times, "lon": lon, "lat": lat})


def synthetic_ais(
    vessels: int = 50,
    start: Any = "2024-01-01",
    days: int = 7,
    *,
    interval_s: float = 600.0,
    patrol_share: float = 0.2,
    gaps: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """A table of synthetic AIS positions over the western Pacific.

    Parameters
    ----------
    vessels : int
        How many vessels.
    start, days :
        The first day (UTC) and how many days of positions.
    interval_s : float
        Seconds between the positions of a vessel (before gaps).
    patrol_share : float
        The share of vessels that loiter near one of :data:`PATROL_SITES`
        (within 2-10 nm) rather than sail between :data:`PORTS` at 10-20 kn.
    gaps : bool
        Whether transponders fall silent: each vessel loses its positions
        over 0-2 stretches of 2-30 hours.
    seed : int
        The random seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (int, 999xxxxxx), ``time`` (UTC), ``lon``, ``lat``,
        ``kind`` (``"transit"`` or ``"patrol"``), sorted by time.

    Examples
    --------
    >>> ais = synthetic_ais(vessels=4, days=1, seed=1)
    >>> sorted(ais.columns)
    ['kind', 'lat', 'lon', 'time', 'vessel']
    >>> bool(ais.vessel.astype(str).str.startswith("999").all())
    True
    """
    if vessels < 1 or days < 1:
        raise ClaimsmapError("give at least one vessel and one day")
    if seed < 0:
        raise ClaimsmapError(f"seed={seed}: give a whole number 0 or more")
    _check_interval(interval_s)
    t0 = _start(start)
    try:
        end: pd.Timestamp | None = t0 + pd.Timedelta(days=days)
    except (OverflowError, ValueError):  # pandas' OutOfBounds errors are both
        end = None
    if end is None or pd.isna(end) or end.year > 2261:
        raise ClaimsmapError(
            f"days={days} from {t0:%Y-%m-%d}: ends after 2261, beyond the times "
            "pandas holds; give fewer days"
        )
    count = vessels * (days * 86400 // interval_s + 1)
    if count > MAX_POSITIONS:
        raise ClaimsmapError(
            f"{vessels} vessels over {days} days every {interval_s:g} s make about "
            f"{count:,.0f} positions, more than {MAX_POSITIONS:,}; give fewer vessels "
            "or days, or a longer interval"
        )
    rng = np.random.default_rng(seed)
    ports = list(PORTS.values())
    sites = list(PATROL_SITES.values())
    tracks = []
    for v in range(vessels):
        mmsi = _MMSI_BASE + 1000 + v
        if rng.uniform() < patrol_share:
            site = sites[int(rng.integers(len(sites)))]
            track = loiter_track(
                site,
                float(rng.uniform(2, 10)),
                start,
                days,
                interval_s=interval_s,
                seed=int(rng.integers(1 << 31)),
                vessel=mmsi,
            )
            track["kind"] = "patrol"
        else:
            stops = rng.choice(len(ports), size=days + 2)
            route = [ports[i] for i in stops]
            route = [p for i, p in enumerate(route) if i == 0 or p != route[i - 1]]
            offset = pd.Timedelta(hours=float(rng.uniform(-48, 0)))
            track = transit_track(
                route,
                pd.Timestamp(start) + offset,
                float(rng.uniform(10, 20)),
                interval_s=interval_s,
                vessel=mmsi,
            )
            track["kind"] = "transit"
        if gaps:
            for _ in range(int(rng.integers(0, 3))):
                t0 = track.time.iloc[0] + pd.Timedelta(
                    hours=float(rng.uniform(0, days * 24))
                )
                length = pd.Timedelta(hours=float(rng.uniform(2, 30)))
                track = track[(track.time < t0) | (track.time >= t0 + length)]
        tracks.append(track)
    table = pd.concat(tracks, ignore_index=True)
    table = table[(table.time >= t0) & (table.time < end)]
    return table.sort_values(["time", "vessel"], kind="stable").reset_index(drop=True)
