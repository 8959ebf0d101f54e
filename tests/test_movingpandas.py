"""movingpandas and claimsmap compose: trajectories in, visits out as trajectories.

Checked against movingpandas' own numbers: the time steps it measures
(``add_timedelta``) give the gaps, and its clipping of trajectories by a zone
(``TrajectoryCollection.clip``) gives the visits.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import claimsmap as cm
from claimsmap._movingpandas import import_movingpandas

from .test_flags import RANGE, flagged_ais

try:
    mpd = import_movingpandas()
except ImportError:  # pragma: no cover - depends on the install
    pytest.skip("movingpandas is not installed", allow_module_level=True)

# movingpandas 0.23's own notices about pandas 3 (inplace=True, and so on).
pytestmark = pytest.mark.filterwarnings("ignore:::movingpandas")
ZONE = "twn-adiz"


@pytest.fixture(scope="module")
def ais():
    frame = flagged_ais()
    # movingpandas keeps times without a zone; these are UTC.
    return frame.assign(time=frame.time.dt.tz_localize(None))


@pytest.fixture(scope="module")
def trajectories(ais):
    return mpd.TrajectoryCollection(
        ais, traj_id_col="vessel", t="time", x="lon", y="lat"
    )


def _same(a: cm.Presence, b: cm.Presence) -> None:
    assert a.periods.equals(b.periods)
    assert a.visits.equals(b.visits)
    assert a.gaps.equals(b.gaps)


def test_presence_reads_trajectories_as_the_positions_they_hold(ais, trajectories):
    table = cm.presence(ais, **RANGE)
    _same(cm.presence(trajectories, **RANGE), table)
    # Filters and groups work on them too (their ship_type column rides along).
    _same(
        cm.presence(trajectories, flag="CHN", ship_type="fishing", **RANGE),
        cm.presence(ais, flag="CHN", ship_type="fishing", **RANGE),
    )
    # One Trajectory; a collection in another CRS; obj_id before the id.
    one = trajectories.trajectories[0]
    _same(cm.presence(one, **RANGE), cm.presence(ais[ais.vessel == one.id], **RANGE))
    import geopandas as gpd

    points = gpd.GeoDataFrame(
        ais.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(ais.lon, ais.lat),
        crs=4326,
    ).to_crs(3857)
    metres = mpd.TrajectoryCollection(points, traj_id_col="vessel", t="time")
    assert cm.presence(metres, **RANGE).summary() == table.summary()
    trips = mpd.TrajectoryCollection(
        ais.assign(trip=ais.vessel * 10 + (ais.time.dt.day > 2)),
        traj_id_col="trip",
        obj_id_col="vessel",
        t="time",
        x="lon",
        y="lat",
    )
    assert len(trips) > len(trajectories)
    assert set(cm.presence(trips, **RANGE).visits.vessel) <= set(ais.vessel)
    # Times in a zone: movingpandas drops it, keeping Tokyo's clock; it is
    # put back, so the moments are the same.
    tokyo = ais.assign(time=ais.time.dt.tz_localize("UTC").dt.tz_convert("Asia/Tokyo"))
    dropped = pytest.warns(UserWarning, match="Time zone information dropped")
    with dropped, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword")
        zoned = mpd.TrajectoryCollection(
            tokyo, traj_id_col="vessel", t="time", x="lon", y="lat"
        )
    _same(cm.presence(zoned, **RANGE), table)


def test_gaps_are_the_time_steps_movingpandas_measures(trajectories):
    result = cm.presence(trajectories, max_gap="2h")
    steps = trajectories.copy()
    steps.add_timedelta()
    expected = {
        t.id: int((t.df["timedelta"] > pd.Timedelta("2h")).sum())
        for t in steps.trajectories
    }
    found = result.gaps.groupby("vessel").size().to_dict()
    assert {v: n for v, n in expected.items() if n} == found
    assert sum(found.values()) > 5


def test_visits_as_trajectories_are_movingpandas_clips_of_the_zone(ais, trajectories):
    # With no gap long enough to end a visit, a visit is a stretch of the
    # track inside the zone: what movingpandas' clip cuts out, whose pieces
    # reach a little further (to where the track crosses the boundary).
    result = cm.presence(trajectories, ZONE, max_gap="1000D")
    visits = result.visits_as_trajectories()
    many = result.visits[result.visits.positions > 1]
    assert len(visits) == len(many) > 5
    for trajectory in visits.trajectories:
        row = result.visits.iloc[trajectory.id]
        assert trajectory.obj_id == row.vessel
        assert set(trajectory.df.zone) == {ZONE}
        assert len(trajectory.df) == row.positions
        assert trajectory.df.index.min() == row.entry.tz_localize(None)
        assert trajectory.df.index.max() == row.exit.tz_localize(None)
    zone = cm.load(ZONE).geometry.iloc[0]
    clipped = trajectories.clip(zone)
    assert len(clipped) == len(result.visits)
    pieces = sorted(
        (int(str(t.id).rsplit("_", 1)[0]), t.df.index.min(), t.df.index.max())
        for t in clipped.trajectories
    )
    ours = sorted(
        (v, a.tz_localize(None), b.tz_localize(None))
        for v, a, b in zip(
            result.visits.vessel, result.visits.entry, result.visits.exit, strict=True
        )
    )
    for (vessel, start, end), (who, entry, leave) in zip(pieces, ours, strict=True):
        assert vessel == who and start <= entry <= leave <= end
        inside = ais[(ais.vessel == who) & ais.time.between(start, end)]
        assert inside.time.min() == entry and inside.time.max() == leave
    # The positions can be given again, as a frame or as the trajectories.
    again = result.visits_as_trajectories(ais)
    assert [t.id for t in again.trajectories] == [t.id for t in visits.trajectories]
    assert len(result.visits_as_trajectories(trajectories)) == len(visits)


def test_visits_of_a_file_need_their_positions(ais, tmp_path):
    path = tmp_path / "ais.parquet"
    ais.to_parquet(path)
    result = cm.presence(path, ZONE)
    with pytest.raises(cm.ClaimsmapError, match="pass them"):
        result.visits_as_trajectories()
    assert len(result.visits_as_trajectories(ais)) > 0
    with pytest.raises(cm.ClaimsmapError, match="no column 'mmsi'"):
        result.visits_as_trajectories(ais, vessel="mmsi")
    with pytest.raises(cm.ClaimsmapError, match="give a DataFrame or movingpandas"):
        result.visits_as_trajectories(np.zeros((3, 2)))


def test_movingpandas_is_imported_only_for_trajectories_and_quietly():
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import claimsmap as cm\n"
        "from claimsmap.synthetic import loiter_track\n"
        "track = loiter_track((123.476, 25.743), 5, '2024-01-01', 2, inside_days=[0, 1])\n"
        "cm.presence(track, 'jpn-senkaku-territorial-sea')\n"
        "assert 'movingpandas' not in sys.modules\n"
        "from claimsmap._movingpandas import import_movingpandas\n"
        "import_movingpandas()\n"  # the Stone Soup notice would be an error here
        "assert 'movingpandas' in sys.modules\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_a_trajectory_in_local_time_across_clocks_going_back():
    """movingpandas keeps local clock times without their zone, sorted: New
    York's 01:00-02:00 of 2023-11-05, which happens twice, can then no longer
    be told apart, and that is said; the same track away from that hour reads
    as it does in UTC."""

    def track(utc):
        local = utc.tz_convert("America/New_York")
        frame = pd.DataFrame({"vessel": 1, "time": local, "lon": 121.0, "lat": 24.0})
        return mpd.Trajectory(frame.set_index("time"), traj_id="one", x="lon", y="lat")

    across = pd.date_range("2023-11-05T04:30Z", periods=8, freq="15min")
    with pytest.raises(cm.ClaimsmapError, match=r"trajectory 'one': 2023-11-05 01:00"):
        cm.presence(track(across), ZONE)
    before = pd.date_range("2023-11-04T20:00Z", periods=8, freq="15min")
    got = cm.presence(track(before), ZONE)
    want = cm.presence(
        pd.DataFrame({"vessel": 1, "time": before, "lon": 121.0, "lat": 24.0}), ZONE
    )
    assert got.visits.entry.tolist() == want.visits.entry.tolist() == [before[0]]
    assert got.visits.exit.tolist() == want.visits.exit.tolist() == [before[-1]]
