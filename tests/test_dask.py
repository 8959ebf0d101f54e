"""The Dask path on a real LocalCluster: the same answers as one machine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import claimsmap as cm
from claimsmap.synthetic import synthetic_ais

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")
cmd = pytest.importorskip("claimsmap.dask")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def ais():
    return synthetic_ais(vessels=30, start="2024-03-01", days=4, seed=8)


def test_locate_on_the_cluster_is_locate_on_one_machine(client, ais):
    ddf = dd.from_pandas(ais, npartitions=5)
    lazy = cmd.locate(ddf)
    assert len(client.scheduler_info()["workers"]) == 2
    distributed_table = lazy.compute().sort_values(["point", "zone"], ignore_index=True)
    local = cm.locate(ais).sort_values(["point", "zone"], ignore_index=True)
    assert len(local) > 1000
    assert np.array_equal(distributed_table.point.to_numpy(), local.point.to_numpy())
    assert list(distributed_table.zone.astype(str)) == list(local.zone.astype(str))
    kept = cmd.locate(ddf, keep=("vessel", "time")).compute()
    assert list(kept.columns) == ["point", "vessel", "time", "zone"]
    rows = ais.loc[kept.point]
    assert np.array_equal(rows.vessel.to_numpy(), kept.vessel.to_numpy())
    assert rows.time.reset_index(drop=True).equals(kept.time.reset_index(drop=True))
    with pytest.raises(cm.ClaimsmapError, match="keep: positions have no column 'x'"):
        cmd.locate(ddf, keep=("x",))


def test_presence_on_the_cluster_is_presence_on_one_machine(client, ais):
    ddf = dd.from_pandas(ais, npartitions=6)
    for kwargs in (
        {},
        {"by": "hour", "tz": "Asia/Tokyo", "max_gap": "2h"},
        {"start": "2024-03-02", "end": "2024-03-03"},
    ):
        near = cm.presence(ais, **kwargs)
        far = cmd.presence(ddf, **kwargs)
        assert far.periods.equals(near.periods)
        assert far.visits.equals(near.visits)
        assert far.gaps.equals(near.gaps)
        assert far.summary() == near.summary()
    assert len(near.visits) > 50 and len(near.gaps) > 0
    tasks = cmd.presence(ddf, shuffle_method="tasks")
    assert tasks.visits.equals(cm.presence(ais).visits)


def test_presence_in_order_needs_no_shuffle(client, ais):
    near = cm.presence(ais)
    by_vessel = ais.sort_values(["vessel", "time"], ignore_index=True)
    for frame in (ais, by_vessel):
        far = cmd.presence(
            dd.from_pandas(frame, npartitions=7, sort=False), in_order=True
        )
        assert far.periods.equals(near.periods)
        assert far.visits.equals(near.visits)
        assert far.gaps.equals(near.gaps)
    backwards = pd.concat([ais.iloc[len(ais) // 2 :], ais.iloc[: len(ais) // 2]])
    with pytest.raises(cm.ClaimsmapError, match="back in time at partition 1"):
        cmd.presence(
            dd.from_pandas(backwards, npartitions=2, sort=False), in_order=True
        )


def test_presence_of_chosen_zones_and_errors(client, ais):
    ddf = dd.from_pandas(ais, npartitions=3)
    zone = "jpn-senkaku-territorial-sea"
    far = cmd.presence(ddf, zone, start="2024-03-01", end="2024-03-31")
    near = cm.presence(ais, zone, start="2024-03-01", end="2024-03-31")
    assert far.summary() == near.summary() and "of 31 days" in far.summary()
    with pytest.raises(cm.ClaimsmapError, match="no column 'mmsi'"):
        cmd.presence(ddf, vessel="mmsi")
    with pytest.raises(cm.ClaimsmapError, match="give a Dask DataFrame"):
        cmd.presence(pd.DataFrame(ais))


def test_dask_geopandas_frames(client, ais):
    dask_geopandas = pytest.importorskip("dask_geopandas")
    import geopandas as gpd

    points = gpd.GeoDataFrame(
        ais[["vessel", "time"]], geometry=gpd.points_from_xy(ais.lon, ais.lat), crs=4326
    )
    frame = dask_geopandas.from_geopandas(points, npartitions=4)
    located = cmd.locate(frame).compute().sort_values(["point", "zone"])
    local = cm.locate(points).sort_values(["point", "zone"])
    assert np.array_equal(located.point.to_numpy(), local.point.to_numpy())
    far, near = cmd.presence(frame), cm.presence(ais)
    assert far.periods.equals(near.periods) and far.visits.equals(near.visits)


def test_flags_and_ship_types_on_the_cluster_as_on_one_machine(client):
    from .test_flags import RANGE, flagged_ais

    ais = flagged_ais(vessels=24, seed=3)
    ddf = dd.from_pandas(ais, npartitions=5)
    for kwargs in (
        {"flag": "CHN"},
        {"flag": ["TWN", "JPN"], "ship_type": "law enforcement"},
        {"group_by": "flag"},
        {"group_by": "ship_type", "ship_type": ["fishing", "cargo"]},
    ):
        near = cm.presence(ais, **kwargs, **RANGE)
        for far in (
            cmd.presence(ddf, **kwargs, **RANGE),
            cmd.presence(ddf, in_order=True, **kwargs, **RANGE),
        ):
            assert far.periods.equals(near.periods), kwargs
            assert far.visits.equals(near.visits)
            assert far.gaps.equals(near.gaps)
            assert far.vessel_info.equals(near.vessel_info)
            assert far.summary() == near.summary()
    assert len(near.visits) > 10
    with pytest.raises(cm.ClaimsmapError, match="no column 'ship_type'"):
        cmd.presence(dd.from_pandas(ais.drop(columns="ship_type")), ship_type="cargo")


def dirty(ais):
    """``ais`` with what real AIS has: not-available values, (0, 0), a report
    heard twice, and a jump no ship makes, on several vessels."""
    rows = ais.sort_values(["vessel", "time"], ignore_index=True)
    vessels = rows.vessel.unique()[:6]
    extra = []
    for n, v in enumerate(vessels):
        track = rows[rows.vessel == v]
        middle = track.iloc[len(track) // 2]
        spike = middle.copy()
        spike["time"] = middle.time + pd.Timedelta("1min")
        spike["lon"] = middle.lon + 3.0  # 300 km in a minute
        blank = middle.copy()
        blank["time"] = middle.time + pd.Timedelta("2min")
        blank["lat"], blank["lon"] = (91.0, 181.0) if n % 2 else (0.0, 0.0)
        extra += [middle, spike, blank]
    return pd.concat([rows, pd.DataFrame(extra)], ignore_index=True).sample(
        frac=1.0, random_state=4, ignore_index=True
    )


def test_cleaning_on_the_cluster_is_cleaning_on_one_machine(client, ais):
    raw = dirty(ais)
    near = cm.presence(cm.vessels.clean(raw))
    before = cm.vessels.clean(ais).attrs["dropped"]
    added = {k: near.dropped[k] - before[k] for k in near.dropped}
    assert {k: v for k, v in added.items() if v} == {
        "not_available": 3,
        "impossible": 3,
        "duplicate": 6,
        "too_fast": 6,
    }
    far = cmd.presence(dd.from_pandas(raw, npartitions=5), clean=True)
    assert far.dropped == near.dropped
    assert far.periods.equals(near.periods)
    assert far.visits.equals(near.visits)
    assert far.gaps.equals(near.gaps)
    assert far.summary() == near.summary()
    # Uncleaned, AIS's "not available" latitude is refused as bad input.
    with pytest.raises(cm.ClaimsmapError, match="'not available' value"):
        cmd.presence(dd.from_pandas(raw, npartitions=5))
    with pytest.raises(cm.ClaimsmapError, match="needs the shuffle"):
        cmd.presence(dd.from_pandas(raw, npartitions=5), clean=True, in_order=True)
    with pytest.raises(cm.ClaimsmapError, match="max_speed_kn=0"):
        cmd.presence(dd.from_pandas(raw, npartitions=5), clean=True, max_speed_kn=0)
