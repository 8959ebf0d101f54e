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
