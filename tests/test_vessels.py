"""Reading AIS as people have it: NMEA logs, public CSV exports, and cleaning.

The NMEA samples in tests/data/ais/pyais-* are pyais's own (see the README
there); the other logs are encoded here with pyais's encoder from tracks
whose positions and times are known.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyais import decode
from pyais.encode import encode_dict

import claimsmap as cm
from claimsmap.synthetic import loiter_track
from claimsmap.vessels import clean, decode_lines, format_of, read_ais, ship_type

from .test_cli import run

DATA = Path(__file__).parent / "data" / "ais"
# Type 1/18/19 positions are in 1/10000 minute, type 27 in 1/10 minute; pyais
# gives degrees to 6 decimals. A position read back is within one unit of its
# message's resolution, plus that rounding.
FINE, COARSE = 1 / 600_000 + 5e-7, 1 / 600 + 5e-7


def nmea_checksum(text: str) -> str:
    """XOR of the characters, as NMEA 0183 defines it (written out here)."""
    return f"{functools.reduce(operator.xor, text.encode(), 0):02X}"


def wrong_checksum(line: str) -> bool:
    """Whether an AIS or $PGHP line's tag block or sentence fails its checksum."""
    if not any(kind in line for kind in ("VDM,", "VDO,", "$PGHP,")):
        return False
    for part in line.strip("\\").split("\\"):
        if "*" in part:
            body, given = part.lstrip("$!").rsplit("*", 1)
            if int(given[:2], 16) != int(nmea_checksum(body), 16):
                return True
    return False


def tagged(sentence: str, seconds: int, **more: str) -> str:
    fields = ",".join([*(f"{k}:{v}" for k, v in more.items()), f"c:{seconds}"])
    return f"\\{fields}*{nmea_checksum(fields)}\\{sentence}"


def epoch(text: str) -> int:
    return int(pd.Timestamp(text).timestamp())


# --- real published samples -------------------------------------------------


def test_pyais_sample_with_tag_blocks_bad_checksums_and_junk():
    # pyais examples/sample.ais: single lines, tag blocks (some with a wrong
    # checksum), a line that is no NMEA, a fragment count of 0.
    lines = (DATA / "pyais-sample.ais").read_text().splitlines()
    bad = [n for n, line in enumerate(lines, 1) if wrong_checksum(line)]
    # The independent count of wrong checksums: tag blocks (line 17's sentence
    # also claims 0 fragments; its checksum is what fails first) and a $PGHP
    # line whose year was changed and checksum kept.
    assert bad == [12, 15, 16, 17, 21]
    frame = read_ais(DATA / "pyais-sample.ais", default_time="2024-01-01")
    assert frame.attrs["dropped"]["bad_checksum"] == 5
    assert frame.attrs["lines"]["bad_checksum"] == bad
    assert frame.attrs["lines"]["undecodable"] == [10]  # "IamNotAnAisMessage1111"
    # Every other position report is read, as pyais decodes it line by line.
    expected = set()
    for number, line in enumerate(lines, 1):
        if line.startswith("!AIVDM") and number not in bad:
            message = decode(line)
            if message.msg_type in (1, 2, 3, 18, 19, 27):
                expected.add((message.mmsi, message.lon, message.lat))
    got = set(zip(frame.vessel, frame.lon, frame.lat, strict=True))
    assert got == expected  # the good tag-block lines are a static report


def test_pyais_data_sample_matches_pyais_line_by_line():
    # pyais tests/nmea_data_sample.txt: 897 lines of live AIS, no times, some
    # empty payloads and first parts whose second parts are not in the file.
    path = DATA / "pyais-nmea_data_sample.txt"
    positions = []
    undecodable = 0
    for line in path.read_text().splitlines():
        if ",2,1," in line:
            undecodable += 1  # never completed
            continue
        try:
            message = decode(line)
        except Exception:
            undecodable += 1
            continue
        if message.msg_type in (1, 2, 3, 18, 19, 27):
            positions.append((message.mmsi, message.lon, message.lat))
    frame = read_ais(path, default_time="2024-01-01", max_speed_kn=None)
    dropped = frame.attrs["dropped"]
    assert dropped["undecodable"] == undecodable > 0
    assert dropped["bad_checksum"] == 0
    missing = [p for p in positions if p[2] == 91 or p[1] == 181]
    assert dropped["not_available"] == len(missing) > 0
    kept = [p for p in positions if p not in missing]
    # With one time for all, a repeated position of a vessel is a duplicate.
    assert dropped["duplicate"] == len(kept) - len(set(kept)) > 0
    got = Counter(zip(frame.vessel, frame.lon, frame.lat, strict=True))
    assert got == Counter(set(kept))


def test_gatehouse_times_and_a_report_without_a_time():
    # pyais examples/gatehouse.nmea: $PGHP lines give the next sentence's time.
    path = DATA / "pyais-gatehouse.nmea"
    with pytest.raises(
        cm.ClaimsmapError,
        match=r"pyais-gatehouse.nmea, line 6: a position report .* without a time.*"
        r"default_time=",
    ):
        read_ais(path)
    frame = read_ais(path, default_time="2000-01-01T00:00Z")
    timed = frame[frame.time.dt.year > 2000].set_index("vessel").time
    assert timed.to_dict() == {367309370: pd.Timestamp("2008-05-09T00:00:00.010Z")}
    assert (frame.time.dt.year == 2000).sum() == 3
    # The 2009 line is the 2008 one with its year changed and its checksum
    # kept: it fails, and gives no time.
    lines = path.read_text().splitlines()
    body, given = lines[6][1:].split("*")
    assert lines[6].startswith("$PGHP,1,2009") and nmea_checksum(body) != given
    assert frame.attrs["lines"]["bad_checksum"] == [7]


def test_a_published_type_5_message_in_two_parts_names_its_vessel():
    # pyais tests/mixed.txt: a type 5 of EVER DIADEM (351759000) in two
    # parts, among $GP sentences, junk and tag blocks; a position for that
    # MMSI is added so that the static report has a position to join.
    lines = (DATA / "pyais-mixed.txt").read_text().splitlines()
    (extra,) = encode_dict({"type": 1, "mmsi": 351759000, "lon": 125.0, "lat": 24.0})
    frame = decode_lines([*lines, extra], default_time="2024-01-01")
    row = frame.set_index("vessel").loc[351759000]
    assert (row["name"], row["call_sign"]) == ("EVER DIADEM", "3FOF8")
    assert (row["ship_type_code"], row["ship_type"]) == (70, "cargo")
    # Three tag blocks and a $PGHP line fail their checksums (computed here).
    failing = [n for n, line in enumerate(lines, 1) if wrong_checksum(line)]
    assert frame.attrs["lines"]["bad_checksum"] == failing == [23, 26, 27, 35]
    assert frame.attrs["dropped"] == {"bad_checksum": 4, "undecodable": 2}


# --- logs encoded from known tracks --------------------------------------------


@pytest.fixture(scope="module")
def track():
    """A patrol near Uotsuri-jima on days 0, 1 and 3 of five, away on 2 and 4."""
    return loiter_track(
        (123.476, 25.743), 5, "2024-01-01", 5, inside_days=[0, 1, 3], away=(124.5, 26.5)
    )


def _log(track: pd.DataFrame) -> list[str]:
    """Each position as a type 1 sentence after a tag block, in four styles."""
    lines = []
    for i, row in enumerate(track.itertuples()):
        (sentence,) = encode_dict(
            {"type": 1, "mmsi": row.vessel, "lon": row.lon, "lat": row.lat}
        )
        seconds = int(row.time.timestamp())
        style = i % 4
        if style == 0:
            lines.append(tagged(sentence, seconds, s="rec1"))
        elif style == 1:
            lines.append(f"{row.time.isoformat().replace('+00:00', 'Z')} {sentence}")
        elif style == 2:
            lines.append(f"{seconds}.000,{sentence}")
        else:
            stamp = row.time
            body = (
                f"PGHP,1,{stamp.year},{stamp.month},{stamp.day},{stamp.hour},"
                f"{stamp.minute},{stamp.second},0,338,2,,1,09"
            )
            lines.append(f"${body}*{nmea_checksum(body)}")
            lines.append(sentence)
    return lines


def test_encoded_track_reads_back_exactly(track, tmp_path):
    path = tmp_path / "patrol.log"
    path.write_text("\n".join(_log(track)) + "\n")
    assert format_of(path) == "nmea"
    frame = read_ais(path, max_speed_kn=None)
    assert len(frame) == len(track)
    assert frame.attrs["dropped"] == dict.fromkeys(cm.vessels.DROPPED, 0)
    assert (frame.time.to_numpy() == track.time.dt.floor("s").to_numpy()).all()
    assert np.abs(frame.lon.to_numpy() - track.lon.to_numpy()).max() <= FINE
    assert np.abs(frame.lat.to_numpy() - track.lat.to_numpy()).max() <= FINE
    # The track moves 120 km at midnight in ten minutes: at 50 knots, the
    # positions of the next 78 minutes cannot be reached from the last one
    # kept, and are dropped; later ones can, and the track goes on.
    cleaned = read_ais(path)
    gone = track[~track.time.isin(cleaned.time)]
    assert cleaned.attrs["dropped"]["too_fast"] == len(gone) > 0
    assert (gone.time - gone.time.dt.normalize() < pd.Timedelta("80min")).all()
    # The days present are those of the track, cleaned or not.
    for positions in (frame, cleaned):
        result = cm.presence(positions, "jpn-senkaku-territorial-sea")
        assert result.summary().splitlines()[0] == (
            "jpn-senkaku-territorial-sea: 3 of 5 days, 1 vessel"
        )
        assert result.dropped == positions.attrs["dropped"]


def test_presence_reads_a_log_or_an_export_from_its_path(track, tmp_path):
    """cm.presence(path) reads what read_ais reads, cleaned, as the CLI does."""
    path = tmp_path / "patrol.nmea"
    path.write_text("\n".join(_log(track)) + "\n")
    for source in (path, DATA / "marinecadastre-2023.csv"):
        by_path = cm.presence(source, "jpn-senkaku-territorial-sea")
        by_frame = cm.presence(read_ais(source), "jpn-senkaku-territorial-sea")
        assert by_path.summary() == by_frame.summary()
        assert by_path.dropped == read_ais(source).attrs["dropped"]
        pd.testing.assert_frame_equal(by_path.visits, by_frame.visits)
    assert by_path.dropped["duplicate"] == 1
    # Named columns mean a table of one's own, read in chunks as it is, not
    # cleaned: the export's "not available" latitude 91 is then refused.
    with pytest.raises(
        cm.ClaimsmapError,
        match=r"data row 5: \(181.0, 91.0\) holds AIS's 'not available'",
    ):
        cm.presence(
            DATA / "marinecadastre-2023.csv",
            "jpn-senkaku-territorial-sea",
            vessel="MMSI",
            time="BaseDateTime",
            columns=("LON", "LAT"),
        )


def test_static_reports_class_b_and_long_range(tmp_path):
    t0 = epoch("2024-03-01T00:00Z")
    lines = [
        *(
            tagged(s, t0)
            for s in encode_dict(
                {
                    "type": 5,
                    "mmsi": 412000001,
                    "shipname": "HAIJING 2301",
                    "callsign": "BXYZ",
                    "ship_type": 55,
                }
            )
        ),
        tagged(
            encode_dict({"type": 1, "mmsi": 412000001, "lon": 123.5, "lat": 25.8})[0],
            t0,
        ),
        tagged(
            encode_dict(
                {"type": 24, "mmsi": 412000002, "partno": 0, "shipname": "MIN JIN YU"}
            )[0],
            t0,
        ),
        tagged(
            encode_dict(
                {
                    "type": 24,
                    "mmsi": 412000002,
                    "partno": 1,
                    "ship_type": 30,
                    "callsign": "BZZ9",
                }
            )[0],
            t0,
        ),
        tagged(
            encode_dict({"type": 18, "mmsi": 412000002, "lon": 123.6, "lat": 25.9})[0],
            t0 + 60,
        ),
        tagged(
            encode_dict({"type": 27, "mmsi": 412000003, "lon": 123.7, "lat": 25.6})[0],
            t0 + 120,
        ),
        tagged(
            encode_dict(
                {
                    "type": 19,
                    "mmsi": 412000004,
                    "lon": 123.8,
                    "lat": 25.5,
                    "shipname": "KAIYO",
                    "ship_type": 35,
                }
            )[0],
            t0 + 180,
        ),
    ]
    frame = decode_lines(lines).set_index("vessel")
    assert frame.loc[
        412000001, ["name", "call_sign", "ship_type_code", "ship_type"]
    ].tolist() == [
        "HAIJING 2301",
        "BXYZ",
        55,
        "law enforcement",
    ]
    assert frame.loc[412000002, ["name", "call_sign", "ship_type"]].tolist() == [
        "MIN JIN YU",
        "BZZ9",
        "fishing",
    ]
    assert frame.loc[412000004, ["name", "ship_type"]].tolist() == [
        "KAIYO",
        "military operations",
    ]
    assert pd.isna(frame.loc[412000003, "name"])
    assert abs(frame.loc[412000003, "lon"] - 123.7) <= COARSE
    assert frame.loc[412000003, "time"] == pd.Timestamp(t0 + 120, unit="s", tz="UTC")


def test_dirty_log_is_cleaned_and_counted(tmp_path):
    t0 = epoch("2024-05-01T00:00Z")

    def at(minutes, lon, lat, mmsi=413000001):
        (sentence,) = encode_dict({"type": 1, "mmsi": mmsi, "lon": lon, "lat": lat})
        return tagged(sentence, t0 + 60 * minutes)

    good = [at(10 * i, 123.5 + 0.01 * i, 25.8) for i in range(6)]
    broken = good[1][:-2] + ("00" if not good[1].endswith("00") else "11")
    _, second_part = encode_dict(
        {"type": 5, "mmsi": 413000001, "shipname": "X", "ship_type": 30}
    )
    lines = [
        good[0],
        good[0],  # heard again: a duplicate
        broken,  # the same report with a wrong checksum
        good[2],
        at(25, 124.9, 25.8),  # 140 km away 5 minutes later: a spike
        good[3],
        at(35, 0, 0),  # no fix
        at(36, 181, 91),  # not available
        "garbage that is not NMEA",
        second_part,  # a second part without its first
        good[4],
        good[5],
    ]
    path = tmp_path / "dirty.nmea"
    path.write_text("\n".join(lines) + "\n")
    frame = read_ais(path)
    assert frame.attrs["dropped"] == {
        "bad_checksum": 1,
        "undecodable": 2,
        "not_a_vessel": 0,
        "not_available": 1,
        "impossible": 1,
        "duplicate": 1,
        "too_fast": 1,
    }
    assert frame.attrs["lines"] == {"bad_checksum": [3], "undecodable": [9, 10]}
    assert frame.lon.round(6).tolist() == [123.5, 123.52, 123.53, 123.54, 123.55]
    result = cm.presence(frame, "jpn-senkaku-territorial-sea")
    assert result.dropped["too_fast"] == 1
    assert result.summary().splitlines()[-1] == (
        "dropped before counting: 1 bad_checksum, 2 undecodable, 1 not_available, "
        "1 impossible, 1 duplicate, 1 too_fast"
    )
    # Read a day at a time, the days' counts add up.
    days = [frame.iloc[:2], frame.iloc[2:]]
    for day in days:
        day.attrs = {"dropped": {"duplicate": 1, "too_fast": 2}}
    split = cm.presence(iter(days), "jpn-senkaku-territorial-sea")
    assert split.dropped == {"duplicate": 2, "too_fast": 4}
    # The speed is stated: at 2000 knots the jump (about 900) is kept.
    assert read_ais(path, max_speed_kn=2000).attrs["dropped"]["too_fast"] == 0


def test_a_bad_first_position_does_not_cost_the_track():
    times = pd.date_range("2024-01-01", periods=5, freq="10min", tz="UTC")
    frame = pd.DataFrame(
        {
            "vessel": 1,
            "time": times,
            "lon": [130.0, 123.50, 123.51, 123.52, 123.53],
            "lat": 25.8,
        }
    )
    kept = clean(frame)
    assert kept.lon.tolist() == [123.50, 123.51, 123.52, 123.53]
    assert kept.attrs["dropped"]["too_fast"] == 1
    # The same at the end of the track.
    kept = clean(frame.assign(lon=[123.50, 123.51, 123.52, 123.53, 130.0]))
    assert kept.lon.tolist() == [123.50, 123.51, 123.52, 123.53]


def test_a_position_without_a_time_is_not_available():
    """A table's empty time is counted as not available, not as a jump."""
    frame = pd.DataFrame(
        {
            "vessel": [1, 1, 1],
            "time": pd.to_datetime(["2024-01-01T00:00Z", None, "2024-01-01T01:00Z"]),
            "lon": [123.5, 123.6, 123.7],
            "lat": 25.8,
        }
    )
    kept = clean(frame)
    assert kept.lon.tolist() == [123.5, 123.7]
    assert {k: v for k, v in kept.attrs["dropped"].items() if v} == {"not_available": 1}


def test_speed_is_geodesic_at_the_limit():
    # Two positions 10 minutes apart: 50 knots is 15,433.3 m in that time.
    from geographiclib.geodesic import Geodesic

    start = (123.5, 25.8)
    frame = []
    for metres, vessel in ((15_400.0, 1), (15_470.0, 2)):
        end = Geodesic.WGS84.Direct(start[1], start[0], 90, metres)
        frame.append((vessel, "2024-01-01T00:00Z", *start))
        frame.append((vessel, "2024-01-01T00:10Z", end["lon2"], end["lat2"]))
    frame.append((3, "2024-01-01T00:20Z", 123.0, 25.0))
    table = pd.DataFrame(frame, columns=["vessel", "time", "lon", "lat"])
    kept = clean(table, max_speed_kn=50)
    # Vessel 2's jump is too fast; with only two positions, the second goes.
    assert kept.groupby("vessel").size().to_dict() == {1: 2, 2: 1, 3: 1}


# --- public CSV exports --------------------------------------------------------


def test_marinecadastre_export():
    path = DATA / "marinecadastre-2023.csv"
    assert format_of(path) == "marinecadastre"
    frame = read_ais(path)
    assert frame.dtypes.astype(str).to_dict() == {
        "vessel": "int64",
        "time": "datetime64[ns, UTC]",
        "lon": "float64",
        "lat": "float64",
        "name": "object",
        "call_sign": "object",
        "ship_type_code": "Int64",
        "ship_type": "object",
    }
    assert frame.vessel.tolist() == [999000103, 999000101, 999000101, 999000101]
    assert frame.time.iloc[1] == pd.Timestamp("2023-06-15T00:00:04Z")
    patrol = frame[frame.vessel == 999000101].iloc[0]
    assert (patrol["name"], patrol["call_sign"], patrol["ship_type"]) == (
        "TEST PATROL",
        "TEST1",
        "law enforcement",
    )
    assert {k: v for k, v in frame.attrs["dropped"].items() if v} == {
        "not_available": 1,
        "impossible": 1,
        "duplicate": 1,
    }


def test_marinecadastre_csv2_export():
    path = DATA / "marinecadastre-2025.csv"
    assert format_of(path) == "marinecadastre-csv2"
    frame = read_ais(path)
    assert frame.lon.tolist() == [123.476, -82.5, 123.49]  # lon came first
    assert frame.time.iloc[1] == pd.Timestamp("2025-01-01T00:00:30Z")
    assert frame.ship_type.tolist() == ["law enforcement", "towing", "law enforcement"]


def test_danish_maritime_authority_export(tmp_path):
    path = DATA / "dma-aisdk.csv"
    assert format_of(path) == "dma"
    frame = read_ais(path)
    # Day first: 01/04/2023 is the first of April.
    assert frame.time.tolist() == [
        pd.Timestamp("2023-03-18T00:00Z"),
        pd.Timestamp("2023-03-18T00:10Z"),
        pd.Timestamp("2023-04-01T12:00Z"),
        pd.Timestamp("2023-04-01T12:00Z"),
    ]
    assert frame.attrs["dropped"]["not_a_vessel"] == 1  # the base station
    by = frame.drop_duplicates("vessel").set_index("vessel")
    assert by.ship_type.loc[[999000201, 999000203]].tolist() == [
        "fishing",
        "law enforcement",
    ]
    assert pd.isna(by.loc[999000202, "ship_type"])  # "Undefined"
    assert pd.isna(by.loc[999000202, "call_sign"])  # "Unknown"
    # A row that left the vessel's static values empty takes its others'.
    rows = path.read_text().splitlines()
    rows.append(
        rows[2]
        .replace("18/03/2023 00:00:00", "18/03/2023 00:20:00")
        .replace("TEST3,TEST FISHER,Fishing", ",,Undefined")
    )
    filled = tmp_path / "aisdk.csv"
    filled.write_text("\n".join(rows) + "\n")
    frame = read_ais(filled)
    last = frame[frame.time == pd.Timestamp("2023-03-18T00:20Z")].iloc[0]
    assert (last["name"], last["call_sign"], last["ship_type"]) == (
        "TEST FISHER",
        "TEST3",
        "fishing",
    )
    assert by.loc[999000203, "name"] == "TEST POLICE"


def test_other_layouts_by_columns_and_the_error_when_none_fits(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "ship,when,x,y,kind\n"
        "416000001,2024-01-01T00:00:00Z,123.5,25.8,55\n"
        "416000001,2024-01-01T01:00:00Z,123.6,25.8,55\n"
    )
    assert format_of(path) is None
    with pytest.raises(
        cm.ClaimsmapError,
        match=r"mine.csv: not an NMEA log and no known CSV layout \(columns: ship, "
        r"when, x, y, kind\); needed: a vessel id, a time, lon and lat.*columns=",
    ):
        read_ais(path)
    frame = read_ais(
        path,
        columns={
            "vessel": "ship",
            "time": "when",
            "lon": "x",
            "lat": "y",
            "ship_type_code": "kind",
        },
    )
    assert frame.ship_type.tolist() == ["law enforcement"] * 2
    with pytest.raises(cm.ClaimsmapError, match=r"no column 'lon_deg' \(columns: ship"):
        read_ais(
            path,
            columns={"vessel": "ship", "time": "when", "lon": "lon_deg", "lat": "y"},
        )
    with pytest.raises(cm.ClaimsmapError, match="no column given for lat"):
        read_ais(path, columns={"vessel": "ship", "time": "when", "lon": "x"})


def test_ship_type_table():
    # ITU-R M.1371-5, Annex 8, Table 53.
    assert [
        ship_type(c)
        for c in (0, 20, 30, 31, 32, 35, 37, 45, 51, 52, 55, 60, 79, 84, 99)
    ] == [
        None,
        "wing in ground",
        "fishing",
        "towing",
        "towing",
        "military operations",
        "pleasure craft",
        "high-speed craft",
        "search and rescue",
        "tug",
        "law enforcement",
        "passenger",
        "cargo",
        "tanker",
        "other",
    ]


# --- the command line -----------------------------------------------------------


# The command, as test_cli runs it; each test reads the exit code itself.
claimsmap = functools.partial(run, check=False)


def test_cli_presence_reads_a_raw_log_and_reports_what_it_dropped(track, tmp_path):
    lines = _log(track)
    lines.insert(5, lines[4][:-2] + ("00" if not lines[4].endswith("00") else "11"))
    lines.insert(9, "not a sentence")
    path = tmp_path / "patrol.nmea"
    path.write_text("\n".join(lines) + "\n")
    proc = claimsmap("presence", str(path), "--zones", "jpn-senkaku-territorial-sea")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[1] == "jpn-senkaku-territorial-sea: 3 of 5 days, 1 vessel"
    assert out[2].startswith("dropped before counting: 1 bad_checksum, 1 undecodable, ")
    assert "too_fast" in out[2]
    assert proc.stderr == (
        f"claimsmap: note: {path}: sentences skipped: 1 failed their checksum "
        "(line 6); 1 could not be decoded (line 10)\n"
    )
    proc = claimsmap(
        "presence",
        str(path),
        "--zones",
        "jpn-senkaku-territorial-sea",
        "--max-speed",
        "1000",
        "--format",
        "json",
    )
    import json

    data = json.loads(proc.stdout)
    assert data["dropped"]["too_fast"] == 0 and data["dropped"]["bad_checksum"] == 1


def test_cli_presence_reads_the_public_exports_without_options():
    for name, days in (
        ("marinecadastre-2023.csv", "2 of 2 days"),
        ("marinecadastre-2025.csv", "1 of 1 days"),
    ):
        proc = claimsmap(
            "presence", str(DATA / name), "--zones", "jpn-senkaku-territorial-sea"
        )
        assert proc.returncode == 0, proc.stderr
        assert f"jpn-senkaku-territorial-sea: {days}, 1 vessel\n" in proc.stdout
    proc = claimsmap("presence", str(DATA / "dma-aisdk.csv"), "--all-zones")
    assert proc.returncode == 0, proc.stderr
    assert "dropped before counting: 1 not_a_vessel" in proc.stdout


def test_cli_presence_errors_name_the_file_and_line(tmp_path):
    proc = claimsmap("presence", str(DATA / "pyais-gatehouse.nmea"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("claimsmap: error: ")
    assert "pyais-gatehouse.nmea, line 6: a position report" in proc.stderr
    assert "--default-time" in proc.stderr
    proc = claimsmap(
        "presence", str(DATA / "pyais-gatehouse.nmea"), "--default-time", "2009-05-09"
    )
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "other.csv"
    path.write_text("ship,when,x,y\n1,2024-01-01T00:00Z,123.5,25.8\n")
    proc = claimsmap("presence", str(path))
    assert proc.returncode == 2
    assert "(columns: ship, when, x, y; needed: vessel, time, lon, lat)" in proc.stderr


def _reference_too_fast(track, limit_kn):
    """The rule of ``clean`` written plainly, one vessel and one position at a time."""
    from geographiclib.geodesic import Geodesic

    limit = limit_kn * 1852 / 3600

    def fast(a, b):
        metres = Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon)["s12"]
        seconds = max((b.time - a.time).total_seconds(), 1.0)
        return metres / seconds > limit

    dropped = 0
    for _, rows in track.sort_values(["vessel", "time"]).groupby("vessel"):
        rows = list(rows.itertuples())
        while True:  # spikes, and ends the next two do not bear out
            n = len(rows)
            out = [i + 1 < n and fast(rows[i], rows[i + 1]) for i in range(n)]
            into = [i > 0 and out[i - 1] for i in range(n)]
            bad = [
                (into[i] and out[i])
                or (i == 0 and out[0] and n > 2 and not out[1])
                or (i == n - 1 and into[i] and n > 2 and not into[i - 1])
                for i in range(n)
            ]
            if not any(bad):
                break
            dropped += sum(bad)
            rows = [r for r, b in zip(rows, bad, strict=True) if not b]
        last = rows[0]
        for row in rows[1:]:
            if fast(last, row):
                dropped += 1
            else:
                last = row
    return dropped


def test_too_fast_follows_its_rule_on_noisy_tracks():
    rng = np.random.default_rng(7)
    frames = []
    for vessel in range(30):
        n = int(rng.integers(2, 60))
        times = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
            np.sort(rng.choice(6000, n, replace=False)) * 60, unit="s"
        )
        lon = 123 + np.cumsum(rng.normal(0, 0.02, n))
        lat = 25 + np.cumsum(rng.normal(0, 0.02, n))
        jump = rng.random(n) < 0.15  # GPS glitches, runs of them too
        lon[jump] += rng.choice([-1, 1], jump.sum()) * rng.uniform(0.5, 3, jump.sum())
        frames.append(
            pd.DataFrame({"vessel": vessel, "time": times, "lon": lon, "lat": lat})
        )
    # Long runs out of reach of the last position kept: a track that moves
    # away for good (every later position is dropped), and one with runs of
    # 5, 20 and 70 glitches that each come back.
    times = pd.Timestamp("2024-01-02", tz="UTC") + pd.to_timedelta(
        np.arange(300) * 60, unit="s"
    )
    away = np.where(np.arange(300) < 40, 123.0, 125.0)
    glitches = np.full(300, 123.5)
    for start, length in ((30, 5), (80, 20), (150, 70)):
        glitches[start : start + length] += 2.0
    for vessel, lon in ((100, away), (101, glitches)):
        frames.append(
            pd.DataFrame({"vessel": vessel, "time": times, "lon": lon, "lat": 25.0})
        )
    track = pd.concat(frames, ignore_index=True)
    # 2° of longitude at 25°N is 201.8 km: 327 minutes at 20 knots, 131 at
    # 50, so at 50 knots the track that moved away is kept again from its
    # 170th minute (39 + 131).
    for limit, stays in ((20, 40), (50, 40 + 300 - 170)):
        kept = clean(track, max_speed_kn=limit)
        assert (kept.vessel == 100).sum() == stays
        assert (kept.vessel == 101).sum() == 300 - 95
        assert (
            kept.attrs["dropped"]["too_fast"] == _reference_too_fast(track, limit) > 20
        )


def test_the_documented_log_formats_read_as_documented():
    text = (Path(__file__).parent.parent / "docs" / "vessels.md").read_text()
    block = (
        text.split("### NMEA 0183 AIS logs")[1].split("```text\n")[1].split("```")[0]
    )
    lines = [line.split("   ")[0] for line in block.splitlines()]
    frame = decode_lines(lines)
    assert frame.vessel.unique().tolist() == [265547250]
    assert frame.time.tolist() == [
        pd.Timestamp("2024-06-01T00:00:00Z"),  # c:1717200000
        pd.Timestamp("2024-06-01T00:00:05Z"),
        pd.Timestamp("2024-06-01T00:00:05.123Z"),
        pd.Timestamp("2024-06-01T00:00:05Z"),  # $PGHP
    ]


def test_compressed_logs_and_exports(track, tmp_path):
    import gzip
    import zipfile

    log = tmp_path / "patrol.nmea.gz"
    with gzip.open(log, "wt") as out:
        out.write("\n".join(_log(track.iloc[:50])) + "\n")
    assert format_of(log) == "nmea"
    assert len(read_ais(log, max_speed_kn=None)) == 50
    export = tmp_path / "AIS_2023_06_15.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.write(DATA / "marinecadastre-2023.csv", "AIS_2023_06_15.csv")
    assert format_of(export) == "marinecadastre"
    plain = read_ais(DATA / "marinecadastre-2023.csv")
    pd.testing.assert_frame_equal(read_ais(export), plain)
    # MarineCadastre's .csv.zst (zstandard comes with the [ais] extra), and
    # the other compressions pandas knows.
    import bz2
    import lzma

    import zstandard

    text = (DATA / "marinecadastre-2023.csv").read_bytes()
    (tmp_path / "ais.csv.zst").write_bytes(zstandard.ZstdCompressor().compress(text))
    (tmp_path / "ais.csv.bz2").write_bytes(bz2.compress(text))
    (tmp_path / "ais.csv.xz").write_bytes(lzma.compress(text))
    for suffix in ("zst", "bz2", "xz"):
        path = tmp_path / f"ais.csv.{suffix}"
        assert format_of(path) == "marinecadastre", suffix
        pd.testing.assert_frame_equal(read_ais(path), plain)
    # A zip of two files is refused, not guessed at.
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.write(DATA / "marinecadastre-2023.csv", "a.csv")
        archive.write(DATA / "marinecadastre-2025.csv", "b.csv")
    with pytest.raises(cm.ClaimsmapError, match=r"two.zip: .*Multiple files"):
        read_ais(tmp_path / "two.zip")


def test_unreadable_values_name_the_data_row(tmp_path):
    header = (DATA / "dma-aisdk.csv").read_text().splitlines()[:3]
    bad = header[2].replace(",55.492100,", ",north,")
    path = tmp_path / "aisdk.csv"
    # The base station on row 1 is dropped; the bad value is on data row 2.
    path.write_text("\n".join([header[0], header[1], bad]) + "\n")
    with pytest.raises(
        cm.ClaimsmapError, match=r"aisdk.csv, data row 2: 'north' in column 'Latitude'"
    ):
        read_ais(path)
    path.write_text(
        "\n".join([header[0], header[1], bad.replace("18/03/2023", "2023-03-18")])
        + "\n"
    )
    with pytest.raises(
        cm.ClaimsmapError, match=r"data row 2: the time '2023-03-18 .*%d/%m/%Y"
    ):
        read_ais(path)
    # A day the month does not have is refused, not rolled over to the next.
    good = header[2].replace("18/03/2023", "29/02/2023")
    path.write_text("\n".join([header[0], header[1], good]) + "\n")
    with pytest.raises(
        cm.ClaimsmapError, match=r"data row 2: the time '29/02/2023 00:00:00'"
    ):
        read_ais(path)
    path.write_text(
        "\n".join([header[0], header[2].replace("999000201", "9990002x1")]) + "\n"
    )
    with pytest.raises(cm.ClaimsmapError, match=r"data row 1: the MMSI '9990002x1'"):
        read_ais(path)


@pytest.mark.parametrize(
    "times",
    [
        ["2023-06-15T00:00:04", "2023-06-15 00:10:04.5", "2023-06-15T00:20"],
        ["2023-06-15T00:00:04Z", "2023-06-15T09:10:04+09:00"],
        # Some with a zone and some without, and an unpadded one.
        ["2023-06-15T00:00:04", "2023-06-15T00:10:04Z", "2023-6-15 0:20:04"],
    ],
)
def test_export_times_are_read_as_pandas_reads_them(tmp_path, times):
    """However the file writes its ISO 8601 times (read through pyarrow where
    it can, through pandas where it cannot), they are pandas' UTC times."""
    lines = (DATA / "marinecadastre-2023.csv").read_text().splitlines()
    rows = [
        line.replace("2023-06-15T00:00:04", when).replace(",123.47600,", f",123.{n}0,")
        for n, when in enumerate(times, 1)
        for line in lines[1:2]
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    got = read_ais(path, max_speed_kn=None).sort_values("lon").time
    want = pd.to_datetime(pd.Series(times), utc=True, format="ISO8601")
    assert got.tolist() == want.tolist()


def test_dma_times_in_their_own_format():
    frame = read_ais(DATA / "dma-aisdk.csv", max_speed_kn=None)
    text = pd.read_csv(DATA / "dma-aisdk.csv", dtype=str)
    text = text[~text["Type of mobile"].isin(["Base Station", "AtoN"])]
    want = pd.to_datetime(text["# Timestamp"], format="%d/%m/%Y %H:%M:%S", utc=True)
    assert sorted(frame.time) == sorted(want)


def test_damaged_lines_are_counted_never_fatal():
    # Published lines with characters dropped, inserted or replaced at random:
    # each is read, counted as failing, or passed over; none stops the reading.
    import random

    lines = [
        line
        for name in ("pyais-mixed.txt", "pyais-sample.ais", "pyais-gatehouse.nmea")
        for line in (DATA / name).read_text().splitlines()
        if line and not line.startswith("#")
    ]
    rng = random.Random(16)
    alphabet = ",*\\!$0123456789ABCabc:.- T\x00\xff"
    damaged = []
    for _ in range(3000):
        chars = list(rng.choice(lines))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars) + 1)
            edit = rng.random()
            if edit < 0.3 and at < len(chars):
                del chars[at]
            elif edit < 0.6 or at == len(chars):
                chars.insert(at, rng.choice(alphabet))
            else:
                chars[at] = rng.choice(alphabet)
        damaged.append("".join(chars))
    frame = decode_lines(damaged, default_time="2024-01-01")
    dropped = frame.attrs["dropped"]
    assert dropped["bad_checksum"] > 1000 and dropped["undecodable"] > 50
    assert frame.vessel.dtype == np.int64 and frame.lon.notna().all()


def test_interleaved_parts_are_joined_by_sequence_and_channel():
    t0 = epoch("2024-03-01T00:00Z")

    def static(mmsi, name, seq, channel):
        return encode_dict(
            {"type": 5, "mmsi": mmsi, "shipname": name, "ship_type": 30},
            seq_id=seq,
            radio_channel=channel,
        )

    x1, x2 = static(412000011, "FIRST", 1, "A")
    y1, y2 = static(412000012, "SECOND", 1, "B")  # same sequence id, other channel
    z1, z2 = static(412000013, "THIRD", 2, "A")
    (px,) = encode_dict({"type": 1, "mmsi": 412000011, "lon": 123.5, "lat": 25.8})
    (py,) = encode_dict({"type": 1, "mmsi": 412000012, "lon": 123.6, "lat": 25.8})
    (pz,) = encode_dict({"type": 1, "mmsi": 412000013, "lon": 123.7, "lat": 25.8})
    lines = [x1, y1, tagged(px, t0), z1, y2, x2, tagged(py, t0), z2, tagged(pz, t0)]
    frame = decode_lines(lines).set_index("vessel")
    assert frame.name.to_dict() == {
        412000011: "FIRST",
        412000012: "SECOND",
        412000013: "THIRD",
    }
    assert frame.attrs["dropped"] == {"bad_checksum": 0, "undecodable": 0}


def test_reports_that_all_took_the_default_time_are_not_judged_by_speed(tmp_path):
    """pyais's sample has no times: every report takes --default-time, so a
    speed between them means nothing and no position is dropped for it."""
    path = DATA / "pyais-nmea_data_sample.txt"
    with pytest.raises(cm.ClaimsmapError, match="default_time="):
        read_ais(path)
    given = read_ais(path, default_time="2024-01-01")
    unlimited = read_ais(path, default_time="2024-01-01", max_speed_kn=None)
    assert given.attrs["defaulted"] > 0
    assert given.attrs["dropped"]["too_fast"] == 0
    pd.testing.assert_frame_equal(given, unlimited)
    # The same through presence from the path, and on the command line.
    result = cm.presence(path, default_time="2024-01-01")
    assert result.dropped == given.attrs["dropped"]
    proc = claimsmap("presence", str(path), "--default-time", "2024-01-01")
    assert proc.returncode == 0, proc.stderr
    assert "too_fast" not in proc.stdout
    assert "took --default-time, so no position was judged by speed" in proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"{len(given):,} positions"), first


def test_max_speed_none_keeps_fast_jumps_on_the_command_line(track, tmp_path):
    path = tmp_path / "patrol.nmea"
    path.write_text("\n".join(_log(track)) + "\n")
    kept = claimsmap("presence", str(path), "--max-speed", "none")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.splitlines()[0].startswith(f"{len(track):,} positions")
    bad = claimsmap("presence", str(path), "--max-speed", "fast")
    assert bad.returncode == 2 and "--max-speed" in bad.stderr


def test_an_empty_file_and_a_log_without_ais_near_its_top(tmp_path):
    empty = tmp_path / "empty.nmea"
    empty.write_text("\n\n")
    with pytest.raises(cm.ClaimsmapError, match=r"empty.nmea: the file is empty"):
        read_ais(empty)
    # Only GPS sentences at the top: still a log, read as one.
    (sentence,) = encode_dict({"type": 1, "mmsi": 412000001, "lon": 123.5, "lat": 25.8})
    body = "GPGGA,000000,2548.000,N,12330.000,E,1,08,0.9,10.0,M,,M,,"
    gps = f"${body}*{nmea_checksum(body)}"
    log = tmp_path / "receiver.log"
    log.write_text("\n".join([gps] * 3000 + [tagged(sentence, 1704067200)]) + "\n")
    assert format_of(log) == "nmea"
    frame = read_ais(log)
    assert frame.vessel.tolist() == [412000001]
