"""Flag states from MMSIs: the MID table as shipped, and each form of MMSI."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import claimsmap as cm
from claimsmap.flags import KINDS, check_flags, flag, flags, mid_table, mmsi_kind


def test_the_table_says_where_it_comes_from_and_holds_every_mid_once():
    table = mid_table()
    assert table["source_url"].startswith("https://www.itu.int/")
    assert re.fullmatch(r"\d{4}-\d{2}", table["source_date"])
    assert re.fullmatch(r"[0-9a-f]{40}", table["copy"]["commit"])
    mids = [row[0] for row in table["rows"]]
    assert len(mids) == len(set(mids)) == 292  # the ITU's table of 2023-02
    assert all(200 < m < 800 for m in mids)
    assert all(re.fullmatch(r"[A-Z]{3}", row[1]) for row in table["rows"])


@pytest.mark.parametrize(
    ("mids", "code"),
    [
        # The parties of the atlas (ITU MID table).
        ([412, 413, 414], "CHN"),
        ([416], "TWN"),
        ([431, 432], "JPN"),
        ([548], "PHL"),
        ([574], "VNM"),
        ([533], "MYS"),
        ([508], "BRN"),
        ([525], "IDN"),
        ([440, 441], "KOR"),
        ([477], "HKG"),
        ([453], "MAC"),
        # Flags of convenience and corrected entries of the copy.
        ([351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373, 374], "PAN"),
        ([636, 637], "LBR"),
        ([538], "MHL"),
        ([327], "DOM"),
        ([379], "VIR"),
        ([615], "COG"),
        ([676], "COD"),
        ([204, 255, 263], "PRT"),
    ],
)
def test_mids_of_the_region_and_of_big_registries(mids, code):
    table = {row[0]: row[1] for row in mid_table()["rows"]}
    assert [table[m] for m in mids] == [code] * len(mids)
    assert flag([m * 1_000_000 + 1 for m in mids]).tolist() == [code] * len(mids)


@pytest.mark.parametrize(
    ("mmsi", "kind", "code"),
    [
        # The forms of Recommendation ITU-R M.585-9, with MID 412 (China).
        (412123456, "ship", "CHN"),
        ("041212345", "group", "CHN"),
        (41212345, "group", "CHN"),  # the same, as an integer
        ("004121234", "coast", "CHN"),
        (4121234, "coast", "CHN"),
        (111412123, "sar-aircraft", "CHN"),
        (841212345, "handheld", "CHN"),
        (984121234, "craft", "CHN"),
        (994121234, "aton", "CHN"),
        # No MID at all.
        (970123456, "sart", None),
        (972123456, "mob", None),
        (974123456, "epirb", None),
        # Malformed, or a MID the ITU has not allocated.
        (123456789, "invalid", None),
        (0, "invalid", None),
        (1_000_000_000, "invalid", None),
        (-412123456, "invalid", None),
        ("412 123 456", "invalid", None),
        ("", "invalid", None),
        (None, "invalid", None),
        (float("nan"), "invalid", None),
        (True, "invalid", None),
        (217000000, "ship", None),  # 217 is not allocated
        (999000001, "invalid", None),  # the synthetic tracks' ids
        ("0041", "invalid", None),
    ],
)
def test_each_form_of_mmsi(mmsi, kind, code):
    assert mmsi_kind(mmsi) == kind
    assert flag(mmsi) == code


def test_arrays_series_and_text_keep_their_order():
    ids = [416000123, "431000001", 41612345, 970000001, 548123456]
    expected = ["TWN", "JPN", "TWN", None, "PHL"]
    assert flag(ids).tolist() == expected
    assert flag(
        np.array([416000123, 431000001, 41612345], dtype=np.int64)
    ).tolist() == [
        "TWN",
        "JPN",
        "TWN",
    ]
    assert flag(pd.Series([412000001, 1], dtype="int64")).tolist() == ["CHN", None]
    assert flag(pd.Series(["412000001", None])).tolist() == ["CHN", None]
    assert flag([]).tolist() == []
    assert set(mmsi_kind(ids)) <= set(KINDS)
    assert cm.flag(412000001) == "CHN"


def test_flag_filters_are_checked_against_the_table():
    assert check_flags("twn") == ["TWN"]
    assert check_flags(("CHN", "HKG")) == ["CHN", "HKG"]
    assert {"CHN", "TWN", "PHL"} <= flags()
    with pytest.raises(cm.ClaimsmapError, match=r"flag='CN'.*alpha-3.*'CHN'"):
        check_flags("CN")
    with pytest.raises(cm.ClaimsmapError, match=r"did you mean.*JPN"):
        check_flags(["JPM"])
    with pytest.raises(cm.ClaimsmapError, match=r"at least one flag"):
        check_flags([])


# Presence per flag and ship type -------------------------------------------

#: MIDs given in turn to the synthetic vessels (999 is no MID: no flag).
MIDS = (412, 413, 416, 431, 548, 574, 999)
SHIP_TYPES = ("law enforcement", "fishing", "cargo", None)
RANGE = {"start": "2024-03-01", "end": "2024-03-04"}


def flagged_ais(vessels: int = 30, seed: int = 8) -> pd.DataFrame:
    """Synthetic tracks under MMSIs of several flags, each with a ship type.

    The vessels of one type or flag are known by construction, so presence
    with a filter can be checked against presence of those vessels alone.
    """
    from claimsmap.synthetic import synthetic_ais

    ais = synthetic_ais(vessels=vessels, start="2024-03-01", days=4, seed=seed)
    ids = sorted(ais.vessel.unique())
    mmsi = {v: MIDS[i % 7] * 1_000_000 + i for i, v in enumerate(ids)}
    kind = {v: SHIP_TYPES[i % 4] for i, v in enumerate(ids)}
    ais["ship_type"] = ais.vessel.map(kind).astype(object)
    ais["vessel"] = ais.vessel.map(mmsi).astype("int64")
    return ais.drop(columns="kind")


@pytest.fixture(scope="module")
def ais():
    return flagged_ais()


def _same(a: cm.Presence, b: cm.Presence) -> None:
    assert a.periods.equals(b.periods)
    assert a.visits.equals(b.visits)
    assert a.gaps.equals(b.gaps)


def test_a_filter_is_presence_of_those_vessels_alone(ais):
    chinese = ais[ais.vessel // 1_000_000 <= 414]
    alone = cm.presence(chinese, **RANGE)
    chosen = cm.presence(ais, flag="CHN", **RANGE)
    _same(chosen, alone)
    assert chosen.summary() == alone.summary()
    assert set(chosen.vessel_info.flag) == {"CHN"}
    assert len(chosen.vessel_info) == chinese.vessel.nunique() > 5
    # Several flags, any case; the range and positions still cover them all.
    both = cm.presence(ais, flag=["chn", "TWN"])
    assert both.positions == len(ais)
    assert both.start == ais.time.min() and set(both.vessel_info.flag) == {
        "CHN",
        "TWN",
    }
    # A ship type, matched without regard to case; vessels without one are out.
    patrols = ais[ais.ship_type == "law enforcement"]
    _same(
        cm.presence(ais, ship_type="Law Enforcement", **RANGE),
        cm.presence(patrols, **RANGE),
    )
    both = cm.presence(
        ais, flag="CHN", ship_type=["law enforcement", "fishing"], **RANGE
    )
    picked = chinese[chinese.ship_type.isin(["law enforcement", "fishing"])]
    _same(both, cm.presence(picked, **RANGE))


def test_days_per_zone_and_flag_are_those_of_each_flag_alone(ais):
    grouped = cm.presence(ais, group_by="flag", **RANGE)
    assert "flag" in grouped.periods.columns and "flag" in grouped.by_vessel.columns
    total = grouped.total
    for code in ("CHN", "TWN", "JPN", "PHL", "VNM"):
        alone = cm.presence(ais, flag=code, **RANGE).total
        alone = alone[alone.vessels > 0].reset_index(drop=True)
        mine = total[total.flag == code].drop(columns="flag").reset_index(drop=True)
        mine["zone"] = mine.zone.astype(str)
        alone["zone"] = alone.zone.astype(str)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    # Vessels whose MMSI has no MID are counted apart, under no flag.
    unflagged = grouped.vessel_info.flag.isna().sum()
    assert unflagged == ais[ais.vessel // 1_000_000 == 999].vessel.nunique() > 0
    assert total.flag.isna().any() and ", no flag: " in grouped.summary()
    assert re.search(r"prc-dashed-line-area, CHN: [1-4] of 4 days", grouped.summary())
    # Zones nobody entered keep one line of zeros.
    assert "land-aksai-chin: 0 of 4 days, 0 vessels" in grouped.summary()
    by_type = cm.presence(ais, group_by="ship_type", **RANGE)
    assert set(by_type.total.ship_type.dropna()) <= set(SHIP_TYPES)
    assert ", no ship type: " in by_type.summary()


def test_chunks_and_files_give_the_same_choice(ais, tmp_path):
    whole = cm.presence(ais, flag="TWN", ship_type="law enforcement", **RANGE)
    chunked = cm.presence(
        ais, flag="TWN", ship_type="law enforcement", chunk_rows=997, **RANGE
    )
    _same(chunked, whole)
    # A vessel's type is its latest: an early report of another type is overruled.
    relabelled = ais.sort_values("time", ignore_index=True)
    first = relabelled.groupby("vessel").head(1).index
    relabelled.loc[first, "ship_type"] = "pleasure craft"
    _same(
        cm.presence(relabelled, ship_type="law enforcement", chunk_rows=500, **RANGE),
        cm.presence(ais, ship_type="law enforcement", **RANGE),
    )
    path = tmp_path / "ais.parquet"
    ais.to_parquet(path)
    _same(cm.presence(path, flag="TWN", ship_type="law enforcement", **RANGE), whole)
    csv = tmp_path / "ais.csv"
    ais.to_csv(csv, index=False)
    from_csv = cm.presence(csv, group_by="flag", **RANGE)
    assert from_csv.summary() == cm.presence(ais, group_by="flag", **RANGE).summary()
    import geopandas as gpd

    points = gpd.GeoDataFrame(
        ais.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(ais.lon, ais.lat),
        crs=4326,
    )
    points.to_parquet(tmp_path / "ais.geoparquet")
    _same(
        cm.presence(
            tmp_path / "ais.geoparquet",
            flag="TWN",
            ship_type="law enforcement",
            chunk_rows=2000,
            **RANGE,
        ),
        whole,
    )


def test_filter_errors_name_the_argument(ais):
    with pytest.raises(cm.ClaimsmapError, match=r"flag='CN'.*'CHN'"):
        cm.presence(ais, flag="CN")
    with pytest.raises(cm.ClaimsmapError, match=r"group_by='day'.*flag, ship_type"):
        cm.presence(ais, group_by="day")
    with pytest.raises(cm.ClaimsmapError, match=r"ship_type=''.*one or more"):
        cm.presence(ais, ship_type="")
    bare = ais.drop(columns="ship_type")
    with pytest.raises(
        cm.ClaimsmapError, match=r"no column 'ship_type' \(columns: vessel, time"
    ):
        cm.presence(bare, ship_type="fishing")
    with pytest.raises(cm.ClaimsmapError, match=r"read_ais"):
        cm.presence(bare, group_by="ship_type")
    # Without a ship type filter, positions need no such column.
    assert cm.presence(bare, flag="CHN").vessel_info.flag.eq("CHN").all()


def test_the_command_counts_per_flag_and_filters(ais, tmp_path):
    import json

    from .test_cli import assert_one_line_error, run

    path = tmp_path / "ais.csv"
    ais.to_csv(path, index=False)
    dates = ("--start", RANGE["start"], "--end", RANGE["end"])
    chosen = ("--flag", "CHN", "--flag", "twn", "--ship-type", "law enforcement")
    text = run("presence", str(path), "--group-by", "flag", *chosen, *dates).stdout
    expected = cm.presence(
        ais, flag=["CHN", "TWN"], ship_type="law enforcement", group_by="flag", **RANGE
    )
    lines = text.splitlines()
    assert lines[0].startswith(f"{len(ais):,} positions")
    # Zones no chosen vessel entered are left out, as without grouping.
    assert lines[1:] == [
        line for line in expected.summary().splitlines() if " 0 vessels" not in line
    ]
    assert {line.split(", ")[1].split(":")[0] for line in lines[1:]} <= {"CHN", "TWN"}
    data = json.loads(
        run("presence", str(path), "--group-by", "flag", "--format", "json").stdout
    )
    assert data["group_by"] == "flag"
    assert None in {row["flag"] for row in data["rows"]}  # the vessels of MID 999
    assert_one_line_error(
        run("presence", str(path), "--flag", "CN", check=False), r"flag='CN'.*CHN"
    )
    wrong = run("presence", str(path), "--group-by", "day", check=False)
    assert wrong.returncode == 2 and "--group-by: invalid choice" in wrong.stderr


def test_a_vessels_ship_type_is_its_latest_whatever_the_order_of_chunks():
    from claimsmap._select import ShipTypes

    vessels = np.array([412000001, 416000002], dtype=object)
    codes = np.array([0, 0, 0, 1, 1, 1])
    times = np.array([1, 5, 5, 2, 9, 3])
    types = pd.Series(["cargo", "fishing", "Tug", "x", None, " law enforcement "])
    whole = ShipTypes()
    whole.add(codes, vessels, times, types)
    # At equal times the greatest text wins; a missing type never does.
    assert whole.latest() == {412000001: "fishing", 416000002: "law enforcement"}
    halves = ShipTypes()
    for part in (slice(3, 6), slice(0, 3)):
        halves.add(codes[part], vessels, times[part], types[part])
    assert halves.latest() == whole.latest()


def test_only_a_ships_number_flags_a_vessel_in_presence():
    """A group call, a coast station, a SAR aircraft or a short, mistyped number
    carries a MID, but is no vessel of that flag: presence counts it with no
    flag, and says what kind of number it is."""
    ids = {
        412000001: ("ship", "CHN"),
        41200000: ("group", None),  # 0412xxxxx
        4120001: ("coast", None),  # 00412xxxx
        111412001: ("sar-aircraft", None),
        982351000: ("craft", "GBR"),  # 98MIDxxxx, tied to a British ship
    }
    assert cm.flag(list(ids)).tolist() == ["CHN", "CHN", "CHN", "CHN", "GBR"]
    times = pd.date_range("2024-01-01", periods=2, freq="h", tz="UTC")
    frame = pd.DataFrame(
        [(v, t, 121.0, 24.0) for v in ids for t in times],
        columns=["vessel", "time", "lon", "lat"],
    )
    result = cm.presence(frame, "twn-adiz", group_by="flag")
    info = result.vessel_info.set_index("vessel")
    assert info.loc[412000001, "flag"] == "CHN"
    assert info.loc[982351000, "flag"] == "GBR"
    for vessel, (kind, _) in ids.items():
        assert info.loc[vessel, "mmsi_kind"] == kind
    assert info.loc[[41200000, 4120001, 111412001], "flag"].isna().all()
    chn = cm.presence(frame, "twn-adiz", flag="CHN")
    assert chn.vessel_info.vessel.tolist() == [412000001]
