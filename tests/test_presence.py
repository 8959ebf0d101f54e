"""Presence: days in zones known by construction, and a slow reference that agrees."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely

import claimsmap as cm
from claimsmap.locate import atlas_zones
from claimsmap.presence import presence
from claimsmap.synthetic import loiter_track, synthetic_ais, transit_track

UOTSURI = (123.476, 25.743)
AWAY = (124.5, 26.5)  # over 50 nm from every Senkaku island
TS = "jpn-senkaku-territorial-sea"


def days(result, zone=TS):
    rows = result.periods[result.periods.zone == zone]
    return sorted(p.strftime("%Y-%m-%d") for p in rows.period)


def test_days_inside_are_the_days_built_in():
    track = loiter_track(
        UOTSURI, 5, "2024-03-01", 8, inside_days=[0, 1, 3, 6], away=AWAY, seed=4
    )
    result = presence(track, TS)
    assert days(result) == ["2024-03-01", "2024-03-02", "2024-03-04", "2024-03-07"]
    total = result.total.set_index("zone").loc[TS]
    assert (total.periods, total.of, total.vessels) == (4, 8, 1)
    assert result.summary() == f"{TS}: 4 of 8 days, 1 vessel"
    # Three visits, each entered at midnight and left at the last position of a day.
    visits = result.visits
    assert len(visits) == 3
    assert list(visits.entry.dt.strftime("%d %H:%M")) == [
        "01 00:00",
        "04 00:00",
        "07 00:00",
    ]
    assert list(visits.exit.dt.strftime("%d %H:%M")) == [
        "02 23:50",
        "04 23:50",
        "07 23:50",
    ]
    assert list(visits.positions) == [288, 144, 144]


def test_a_stated_range_counts_every_day_of_it():
    track = loiter_track(UOTSURI, 5, "2024-01-01", 3, seed=1)
    result = presence(track, TS, start="2024-01-01", end="2024-12-31")
    total = result.total.set_index("zone").loc[TS]
    assert (total.periods, total.of) == (3, 366)


def test_days_are_counted_in_the_time_zone_asked_for():
    """Inside all of 1 January UTC, which is 1 and 2 January in Tokyo."""
    track = loiter_track(UOTSURI, 5, "2024-01-01", 2, inside_days=[0], away=AWAY)
    assert days(presence(track, TS)) == ["2024-01-01"]
    assert days(presence(track, TS, tz="Asia/Tokyo")) == ["2024-01-01", "2024-01-02"]


def test_hours_inside():
    track = loiter_track(UOTSURI, 5, "2024-01-01", 2, inside_days=[1], away=AWAY)
    result = presence(track, TS, by="hour")
    hours = result.periods[result.periods.zone == TS].period
    assert len(hours) == 24
    assert hours.min() == pd.Timestamp("2024-01-02 00:00", tz="UTC")
    assert result.summary().startswith(f"{TS}: 24 of 48 hours")


BOX = gpd.GeoDataFrame({"id": ["box"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)


def at_box(times, vessel=1):
    """One vessel inside BOX at each of these times."""
    return pd.DataFrame(
        {
            "vessel": vessel,
            "time": pd.to_datetime(times, utc=True),
            "lon": 0.5,
            "lat": 0.5,
        }
    )


def test_hours_are_real_hours_when_clocks_change():
    """New York: 02:00-03:00 on 10 March 2024 never happened; 01:00-02:00 on 3
    November happened twice."""
    ny = {"by": "hour", "tz": "America/New_York", "max_gap": "2h"}
    spring = presence(at_box(["2024-03-10T06:30Z", "2024-03-10T07:30Z"]), BOX, **ny)
    assert [p.isoformat() for p in spring.periods.period] == [
        "2024-03-10T01:00:00-05:00",
        "2024-03-10T03:00:00-04:00",
    ]
    assert spring.summary() == "box: 2 of 2 hours, 1 vessel"
    autumn = presence(at_box(["2024-11-03T05:10Z", "2024-11-03T06:50Z"]), BOX, **ny)
    assert [p.isoformat() for p in autumn.periods.period] == [
        "2024-11-03T01:00:00-04:00",
        "2024-11-03T01:00:00-05:00",
    ]
    # The local days have 23 and 25 hours; each is still one day.
    for day, hours in (("2024-03-10", 23), ("2024-11-03", 25)):
        whole = presence(at_box([day]), BOX, start=day, end=f"{day} 23:59", **ny)
        assert whole.periods_total == hours
        daily = presence(at_box([day]), BOX, tz=ny["tz"], start=day, end=day)
        assert daily.periods_total == 1
    # Kolkata's hours begin at half past the UTC hour.
    india = presence(at_box(["2024-01-01T00:00Z"]), BOX, by="hour", tz="Asia/Kolkata")
    assert india.periods.period.iloc[0].isoformat() == "2024-01-01T05:00:00+05:30"


def test_only_periods_in_the_range_are_counted():
    """Inside for ten days; the range asks about three of them."""
    track = at_box(pd.date_range("2024-01-01", "2024-01-10", freq="3h", tz="UTC"))
    days_in = presence(track, BOX, start="2024-01-03", end="2024-01-05")
    assert days_in.summary() == "box: 3 of 3 days, 1 vessel"
    assert list(days_in.periods.period.dt.day) == [3, 4, 5]
    # The visit reaches into the range, so it is listed whole.
    assert len(days_in.visits) == 1
    assert days_in.visits.entry.iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    hours_in = presence(track, BOX, by="hour", start="2024-01-03", end="2024-01-05")
    assert hours_in.summary() == "box: 49 of 49 hours, 1 vessel"
    # A range with no visit in it: none counted, none listed.
    later = presence(track, BOX, start="2024-02-01", end="2024-02-29")
    assert later.summary() == "box: 0 of 29 days, 0 vessels"
    assert later.visits.empty
    with pytest.raises(cm.ClaimsmapError, match=r"is after end .*give start first"):
        presence(track, BOX, start="2024-01-05", end="2024-01-03")
    with pytest.raises(cm.ClaimsmapError, match="'soon' is not a time"):
        presence(track, BOX, start="soon")


def test_a_silent_day_is_a_gap_not_presence():
    track = loiter_track(UOTSURI, 5, "2024-01-01", 5, seed=2)
    silent = (track.time >= "2024-01-03") & (track.time < "2024-01-04")
    track = track[~silent]
    result = presence(track, TS)
    assert days(result) == ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"]
    assert len(result.gaps) == 1
    gap = result.gaps.iloc[0]
    assert gap.hours == pytest.approx(24 + 1 / 6)
    assert list(result.visits.exit_before_gap) == [True, True]  # the gap, then the end
    assert list(result.visits.entry_after_gap) == [
        True,
        True,
    ]  # the start, then the gap
    # A longer max_gap bridges the silence: the vessel is taken to be inside.
    bridged = presence(track, TS, max_gap="30h")
    assert len(days(bridged)) == 5 and len(bridged.visits) == 1 and bridged.gaps.empty


def test_entries_and_exits_of_a_transit():
    """A ship sailing west to east through the Senkaku territorial sea."""
    track = transit_track([(122.8, 25.74), (124.2, 25.74)], "2024-05-01 06:00", 12)
    result = presence(track, TS)
    visit = result.visits[result.visits.zone == TS].iloc[0]
    inside = shapely.covers(
        atlas_zones().set_index("id").geometry[TS], shapely.points(track.lon, track.lat)
    )
    times = track.time[inside]
    assert visit.entry == times.min() and visit.exit == times.max()
    assert visit.positions == inside.sum()
    assert not visit.entry_after_gap and not visit.exit_before_gap
    assert visit.before == track.time[np.argmax(inside) - 1]


def slow_presence(positions, zones, max_gap):
    """The same rules written plainly, position by position."""
    geoms = dict(zip(zones["id"], zones.geometry, strict=True))
    found = set()
    visits = []
    gap = pd.Timedelta(max_gap)
    for vessel, track in positions.sort_values("time").groupby("vessel"):
        pts = shapely.points(track.lon, track.lat)
        times = list(track.time)
        for zone, geom in geoms.items():
            inside = shapely.covers(geom, pts)
            run = None
            for i, t in enumerate(times):
                if inside[i] and run is not None and t - times[i - 1] <= gap:
                    run[1] = t
                elif inside[i]:
                    if run:
                        visits.append((vessel, zone, run[0], run[1]))
                    run = [t, t]
                else:
                    if run:
                        visits.append((vessel, zone, run[0], run[1]))
                    run = None
            if run:
                visits.append((vessel, zone, run[0], run[1]))
    for vessel, zone, entry, leave in visits:
        for day in pd.date_range(entry.normalize(), leave.normalize(), freq="D"):
            found.add((zone, vessel, day.tz_localize(None)))
    return found, sorted(visits)


@pytest.fixture(scope="module")
def ais():
    return synthetic_ais(
        vessels=24, start="2024-02-01", days=3, patrol_share=0.5, seed=5
    )


def test_synthetic_ais_agrees_with_the_slow_reference(ais):
    zones = atlas_zones()
    result = presence(ais, zones)
    got = {
        (str(z), int(v), p)
        for z, v, p in zip(
            result.periods.zone,
            result.periods.vessel,
            result.periods.period,
            strict=True,
        )
    }
    want, visits = slow_presence(ais, zones, "6h")
    assert got == want
    assert len(got) > 20  # the patrols and transits do enter zones
    mine = sorted(
        zip(
            result.visits.vessel,
            result.visits.zone.astype(str),
            result.visits.entry,
            result.visits.exit,
            strict=True,
        )
    )
    assert mine == visits


def same(a, b):
    assert a.periods.equals(b.periods)
    assert a.visits.equals(b.visits)
    assert a.gaps.equals(b.gaps)


def test_chunks_and_files_give_the_same_answer(ais, tmp_path):
    whole = presence(ais)
    same(whole, presence(ais, chunk_rows=997))
    same(whole, presence(iter([ais.iloc[:5000], ais.iloc[5000:]])))
    same(whole, presence(pa.Table.from_pandas(ais), chunk_rows=4096))
    csv = tmp_path / "ais.csv"
    ais.to_csv(csv, index=False)
    # A CSV has no types: its vessel ids are text.
    same(presence(ais.astype({"vessel": str})), presence(csv, chunk_rows=3000))
    parquet = tmp_path / "ais.parquet"
    ais.to_parquet(parquet)
    same(whole, presence(parquet, chunk_rows=3000))
    geo = gpd.GeoDataFrame(
        ais[["vessel", "time"]], geometry=gpd.points_from_xy(ais.lon, ais.lat), crs=4326
    )
    geoparquet = tmp_path / "ais.geoparquet"
    geo.to_parquet(geoparquet)
    same(whole, presence(geoparquet, chunk_rows=3000))
    # Sorted by vessel instead of by time: the same again.
    by_vessel = ais.sort_values(["vessel", "time"])
    same(whole, presence(by_vessel, chunk_rows=1000))


def test_parts_read_apart_and_joined_in_order(ais):
    """What claimsmap.dask does with in_order=True: each part alone, then joined."""
    from claimsmap.presence import _Accumulator, _result, zone_index

    index, gap = zone_index(None), pd.Timedelta("6h").value
    whole = presence(ais)
    fifths = [ais.iloc[rows] for rows in np.array_split(np.arange(len(ais)), 5)]
    for parts in (fifths, [ais.iloc[:1], ais.iloc[1:2], ais.iloc[2:]]):
        total = _Accumulator(index, gap)
        for number, part in enumerate(parts):
            alone = _Accumulator(index, gap)
            alone.add(part, ("lon", "lat"), "vessel", "time")
            total.follow(alone.state(), where=f"part {number}", advice="sort")
        same(whole, _result(total, by="day", tz="UTC", start=None, end=None))
    # A vessel that goes back in time from one part to the next is refused.
    late, early = ais.iloc[5000:], ais.iloc[:5000]
    total = _Accumulator(index, gap)
    with pytest.raises(cm.ClaimsmapError, match=r"go back in time at part 1; sort"):
        for number, part in enumerate([late, early]):
            alone = _Accumulator(index, gap)
            alone.add(part, ("lon", "lat"), "vessel", "time")
            total.follow(alone.state(), where=f"part {number}", advice="sort")


def test_bad_input_says_what_to_do(ais, tmp_path):
    with pytest.raises(cm.ClaimsmapError, match="by='week'"):
        presence(ais, by="week")
    with pytest.raises(cm.ClaimsmapError, match="max_gap"):
        presence(ais, max_gap="-1h")
    with pytest.raises(cm.ClaimsmapError, match="tz='Mars/Olympus'"):
        presence(ais, tz="Mars/Olympus")
    backwards = pd.concat([ais.iloc[5000:], ais.iloc[:5000]])
    with pytest.raises(cm.ClaimsmapError, match=r"back in time.*sort the file"):
        presence(iter([backwards.iloc[:5000], backwards.iloc[5000:]]))
    with pytest.raises(cm.ClaimsmapError, match="no column 'mmsi'"):
        presence(ais, vessel="mmsi")
    broken = ais.head(10).astype({"time": object})
    broken.loc[3, "time"] = None
    with pytest.raises(
        cm.ClaimsmapError, match="the positions, data row 4: the time is missing"
    ):
        presence(broken)
    csv = tmp_path / "ais.csv"
    bad_time = ais.head(5).astype({"time": str})
    bad_time.loc[2, "time"] = "yesterday"
    bad_time.to_csv(csv, index=False)
    with pytest.raises(
        cm.ClaimsmapError, match=r"ais\.csv, data row 3: the time 'yester"
    ):
        presence(csv)
    swapped = ais.head(5).rename(columns={"lon": "lat", "lat": "lon"})
    swapped.to_csv(csv, index=False)
    with pytest.raises(
        cm.ClaimsmapError, match=r"ais.csv, data row 1: latitude .* swap"
    ):
        presence(csv)
    ais.rename(columns={"lon": "x"}).to_csv(csv, index=False)
    with pytest.raises(cm.ClaimsmapError, match=r"ais.csv: no column 'lon'"):
        presence(csv)
    text = tmp_path / "a.txt"
    text.write_text("vessel,time,lon,lat\n")
    with pytest.raises(cm.ClaimsmapError, match=r"unknown format '\.txt'; .*NMEA"):
        presence(text)
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    with pytest.raises(cm.ClaimsmapError, match=r"empty.nmea: the file is empty"):
        presence(empty)
    with pytest.raises(cm.UnknownLayerError):
        presence(ais, "no-such-layer")
    with pytest.raises(cm.ClaimsmapError, match="no polygons"):
        presence(ais, "bases")


def test_csv_ids_are_text_and_coordinates_numbers(tmp_path):
    """0123 and 123 are two vessels; whole-degree positions are still floats."""
    track = at_box(["2024-01-01T00:00Z", "2024-01-02T00:00Z"], vessel=["0123", "123"])
    track["lon"], track["lat"] = 0, 1  # a block of integers to a type guesser
    csv = tmp_path / "ids.csv"
    track.to_csv(csv, index=False)
    result = presence(csv, BOX)
    assert result.summary() == "box: 2 of 2 days, 2 vessels"
    assert sorted(result.visits.vessel) == ["0123", "123"]
    csv.write_text(csv.read_text().replace(",0,1\n", ",east,1\n", 1))
    with pytest.raises(
        cm.ClaimsmapError,
        match=r"ids\.csv: .*invalid value 'east'; give numbers for lon",
    ):
        presence(csv, BOX)


def test_progress_bar_only_when_asked_or_on_a_terminal(ais, capsys):
    presence(ais.head(500), TS)
    assert "positions" not in capsys.readouterr().err
    presence(ais.head(500), TS, progress=True)
    assert "500/500" in capsys.readouterr().err


def test_times_in_any_form_are_the_same_instants(ais):
    whole = presence(ais)
    tokyo = ais.assign(time=ais.time.dt.tz_convert("Asia/Tokyo"))
    naive = ais.assign(time=ais.time.dt.tz_localize(None))  # naive is UTC
    text = ais.assign(time=ais.time.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"))
    micro = ais.assign(time=ais.time.dt.as_unit("us"))
    geo = gpd.GeoDataFrame(
        ais[["vessel", "time"]], geometry=gpd.points_from_xy(ais.lon, ais.lat), crs=4326
    )
    text_ids = ais.assign(vessel=ais.vessel.astype(str))
    for other in (tokyo, naive, geo):
        same(whole, presence(other))
    assert presence(text_ids).periods.vessel.tolist() == [
        str(v) for v in whole.periods.vessel
    ]
    # Text and microsecond times drop the nanoseconds: the same days.
    assert presence(text).periods.equals(whole.periods)
    assert presence(micro).periods.equals(whole.periods)


def test_no_position_in_any_zone():
    far = loiter_track((170.0, -20.0), 5, "2024-01-01", 2)
    result = presence(far)
    assert result.periods.empty and result.visits.empty and result.gaps.empty
    assert (result.total.periods == 0).all() and (result.total.of == 2).all()
    assert len(result.total) == len(result.zones)
    with pytest.raises(cm.ClaimsmapError, match="no positions"):
        presence(far.iloc[:0])


def test_unreadable_files(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    with pytest.raises(
        cm.ClaimsmapError, match=r"bad\.parquet: not a readable Parquet"
    ):
        presence(bad)
    with pytest.raises(cm.ClaimsmapError, match="no such file"):
        presence(tmp_path / "missing.csv")


def write_csv(path, text):
    path.write_text(text)
    return path


ROW = "{vessel},2024-01-01T00:00Z,{lon},0.5\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [ROW.format(vessel=1, lon=0.5), ROW.format(vessel="", lon=0.5)],
            r"p\.csv, data row 2: the vessel is missing \(column 'vessel' is empty\)",
        ),
        (
            [ROW.format(vessel=" ", lon=0.5)],
            r"p\.csv, data row 1: the vessel is missing",
        ),
        (
            [ROW.format(vessel=1, lon=0.5), ROW.format(vessel=1, lon=500)],
            r"p\.csv, data row 2: longitude 500\.0 is beyond ±180°",
        ),
        (
            [ROW.format(vessel=1, lon="inf")],
            r"p\.csv, data row 1: longitude inf is beyond ±180°",
        ),
        (
            [ROW.format(vessel=1, lon="-inf")],
            r"p\.csv, data row 1: longitude -inf is beyond ±180°",
        ),
        ([], r"p\.csv: no positions \(no data rows, a header at most\)"),
    ],
)
def test_rows_that_are_not_positions_are_refused(tmp_path, rows, message):
    csv = write_csv(tmp_path / "p.csv", "vessel,time,lon,lat\n" + "".join(rows))
    with pytest.raises(cm.ClaimsmapError, match=message):
        presence(csv, BOX)


def test_a_missing_longitude_is_still_a_missing_point(tmp_path):
    csv = write_csv(
        tmp_path / "p.csv",
        "vessel,time,lon,lat\n"
        + ROW.format(vessel=1, lon=0.5)
        + ROW.format(vessel=1, lon="").replace("00:00Z", "01:00Z"),
    )
    assert presence(csv, BOX).positions == 2


def test_chunk_rows_must_be_a_positive_whole_number(ais, tmp_path):
    for rows in (0, -5):
        with pytest.raises(cm.ClaimsmapError, match=rf"chunk_rows={rows}: give a pos"):
            presence(ais.head(10), chunk_rows=rows)
    with pytest.raises(cm.ClaimsmapError, match=r"chunk_rows=2\.5: give a whole"):
        presence(ais.head(10), chunk_rows=2.5)


def test_binary_files_are_quoted_printably(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"vessel,time,lon\x00\x1b[31m,lat\n1,\x1b[2J2024\n")
    with pytest.raises(cm.ClaimsmapError) as caught:
        presence(path, BOX)
    message = str(caught.value)
    assert "\x1b" not in message and "\x00" not in message and "\n" not in message
    assert r"\x1b[2J2024" in message


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        "\ufeffvessel,time,lon,lat\n".encode() + ROW.format(vessel=1, lon=0.5).encode()
    )
    assert presence(path, BOX).summary() == "box: 1 of 1 days, 1 vessel"


def test_a_directory_is_not_a_file_of_positions(tmp_path):
    (tmp_path / "p.csv").mkdir()
    with pytest.raises(cm.ClaimsmapError, match=r"p\.csv: is a directory"):
        presence(tmp_path / "p.csv", BOX)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"interval_s": 0}, r"interval_s=0: give the seconds"),
        ({"interval_s": float("nan")}, r"interval_s=nan"),
        ({"start": "notadate"}, r"start='notadate': give an ISO date"),
        ({"start": "2250-01-01", "days": 36500}, r"days=36500 .* ends after 2261"),
        ({"days": 36500, "interval_s": 1}, r"positions, more than 100,000,000"),
        ({"seed": -1}, r"seed=-1"),
    ],
)
def test_synthetic_ais_checks_its_arguments(options, message):
    with pytest.raises(cm.ClaimsmapError, match=message):
        synthetic_ais(**{"vessels": 2, "days": 1, **options})
