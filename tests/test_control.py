"""Who held what, when, and as each party sees it: cases from the documents.

Every expectation below is a fact stated in a source the layer cites (the
feature's ``control_source_url``); the test checks that ``at=`` and
``worldview=`` reproduce it.
"""

from __future__ import annotations

import pytest
import shapely

import claimsmap as cm

from . import reference


def holder(layer, place, day, worldview=None):
    """Controller of ``place`` on ``day``; None when no row spans the day."""
    frame = cm.load(layer, at=day, worldview=worldview)
    rows = frame[frame["place"] == place]
    assert len(rows) <= 1, rows["id"].tolist()
    return None if rows.empty else rows.iloc[0]["controller"]


@pytest.mark.parametrize(
    ("place", "day", "expected"),
    [
        # Battle of the Paracel Islands, 19-20 January 1974.
        ("scs-pattle-island", "1973-06-01", "VNM"),
        ("scs-pattle-island", "1974-01-20", "CHN"),
        ("scs-robert-island", "1974-01-18", "VNM"),
        ("scs-robert-island", "1974-01-21", "CHN"),
        ("scs-woody-island", "1960-01-01", "CHN"),
        # The 1988 occupations; Johnson South Reef on 14 March 1988.
        ("scs-johnson-south-reef", "1988-03-13", None),
        ("scs-johnson-south-reef", "1988-03-14", "CHN"),
        ("scs-fiery-cross-reef", "1987-06-01", None),
        ("scs-fiery-cross-reef", "2016-07-12", "CHN"),
        # Mischief Reef since 1995; Scarborough Shoal since the 2012 standoff.
        ("scs-mischief-reef", "1994-01-01", None),
        ("scs-mischief-reef", "2016-07-12", "CHN"),
        ("scs-scarborough-shoal", "2011-01-01", "PHL"),
        ("scs-scarborough-shoal", "2016-07-12", "CHN"),
        # Southwest Cay: the Philippines from 1971, Viet Nam from 1975.
        ("scs-southwest-cay", "1974-01-01", "PHL"),
        ("scs-southwest-cay", "1976-01-01", "VNM"),
        # Itu Aba: the ROC continuously from July 1956.
        ("scs-itu-aba", "1970-01-01", "TWN"),
        # Malaysia on Swallow Reef from May 1983; Second Thomas Shoal 1999.
        ("scs-swallow-reef", "1983-04-01", None),
        ("scs-swallow-reef", "1990-01-01", "MYS"),
        ("scs-second-thomas-shoal", "2000-01-01", "PHL"),
    ],
)
def test_control_on_a_date(place, day, expected):
    assert holder("scs-features", place, day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [("1970-01-01", "USA"), ("1972-05-14", "USA"), ("1972-05-15", "JPN")],
)
def test_senkakus_revert_with_okinawa(day, expected):
    assert holder("senkaku-islands", "senkaku-uotsuri-jima", day) == expected


def test_the_2012_purchase_changed_title_not_control():
    islands = cm.load("senkaku-islands", at="2013-01-01").set_index("id")
    bought = ["senkaku-uotsuri-jima", "senkaku-kita-kojima", "senkaku-minami-kojima"]
    assert set(islands.loc[bought, "owner_since"]) == {"2012-09-11"}
    assert islands.loc["senkaku-kuba-jima", "owner_since"] != "2012-09-11"
    assert set(islands["controller"]) == {"JPN"}


@pytest.mark.parametrize(
    ("worldview", "expected"),
    [
        (None, "TWN"),
        ("de-facto", "TWN"),
        ("CHN", "CHN"),
        ("TWN", "TWN"),
        ("VNM", "VNM"),
        ("PHL", "PHL"),  # inside the Kalayaan Island Group
        ("MYS", "TWN"),  # Malaysia does not claim Itu Aba
        ("JPN", "TWN"),
    ],
)
def test_itu_aba_as_each_party_sees_it(worldview, expected):
    assert holder("scs-features", "scs-itu-aba", "2020-01-01", worldview) == expected


@pytest.mark.parametrize(
    ("worldview", "expected"),
    [(None, "JPN"), ("JPN", "JPN"), ("CHN", "CHN"), ("TWN", "TWN"), ("PHL", "JPN")],
)
def test_senkakus_as_each_party_sees_them(worldview, expected):
    got = holder("senkaku-islands", "senkaku-uotsuri-jima", "2020-01-01", worldview)
    assert got == expected


def test_worldview_keeps_the_de_facto_holder_beside():
    frame = cm.load("scs-features", at="2020-01-01", worldview="VNM")
    row = frame.set_index("id").loc["scs-thitu-island"]
    assert row["controller"] == "VNM" and row["de_facto_controller"] == "PHL"


def test_taiwan_in_the_prc_worldview():
    land = cm.load("basemap-ne10m").set_index("id")
    assert land.loc["ne-taiwan", "controller"] == "TWN"
    chn = cm.load("basemap-ne10m", worldview="CHN").set_index("id")
    assert chn.loc["ne-taiwan", "controller"] == "CHN"
    assert chn.loc["ne-japan", "controller"] == "JPN"


def test_a_party_does_not_see_the_claims_it_rejects():
    assert len(cm.load("phl-kalayaan-island-group", worldview="PHL")) == 1
    assert len(cm.load("phl-kalayaan-island-group", worldview="CHN")) == 0
    assert len(cm.load("phl-kalayaan-island-group", worldview="VNM")) == 0
    assert len(cm.load("prc-dashed-line", worldview="CHN")) == 10
    assert len(cm.load("prc-dashed-line", worldview="PHL")) == 0
    # No claim is dropped from the de facto view.
    assert len(cm.load("prc-dashed-line", worldview="de-facto")) == 10


def test_exercise_zones_by_day():
    """Aug 2022: six zones 4-7 August (noon to noon), a seventh to 8 August."""
    assert len(cm.load("pla-exercise-zones", at="2022-08-03")) == 0
    assert len(cm.load("pla-exercise-zones", at="2022-08-05")) == 7
    assert len(cm.load("pla-exercise-zones", at="2022-08-08")) == 1
    assert len(cm.load("pla-exercise-zones", at="2025-12-30")) == 5


def test_present_keeps_one_row_a_place():
    now = cm.present(cm.load("scs-features"))
    assert now["place"].is_unique
    assert (now["until"].isna()).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"at": "the seventies"}, r"at='the seventies' is not a date"),
        ({"worldview": "USA"}, r"worldview='USA' is not known; use one of de-facto"),
    ],
)
def test_bad_dates_and_worldviews(kwargs, match):
    with pytest.raises(cm.ClaimsmapError, match=match):
        cm.load("scs-features", **kwargs)


# Every change of hands the layers record, typed from the sources: per place,
# each holder and the day it took over; the last still holds.
SENKAKUS = (
    "uotsuri-jima",
    "kuba-jima",
    "taisho-jima",
    "kita-kojima",
    "minami-kojima",
    "oki-no-kitaiwa",
    "oki-no-minamiiwa",
    "tobise",
)
CONTROL_HISTORIES = {
    "scs-features": {
        # Battle of the Paracel Islands (Wikipedia): South Vietnam garrisoned
        # Pattle Island from 1956; its commandos landed on Robert and Money
        # Islands on 17 January 1974; the PRC took all three on 20 January.
        "scs-pattle-island": [("VNM", "1956"), ("CHN", "1974-01-20")],
        "scs-robert-island": [("VNM", "1974-01-17"), ("CHN", "1974-01-20")],
        "scs-money-island": [("VNM", "1974-01-17"), ("CHN", "1974-01-20")],
        # Philippine from 1978 (Wikipedia, Scarborough Shoal) until the end of
        # the 2012 standoff, 10 April to 15 June 2012 (ICB crisis summary).
        "scs-scarborough-shoal": [("PHL", "1978"), ("CHN", "2012-06-15")],
        # SCSPI, Nanzi Island: the Philippines from 1971, South Vietnam in 1975.
        "scs-southwest-cay": [("PHL", "1971"), ("VNM", "1975")],
    },
    # Administered by the United States from 1945 until the Okinawa Reversion
    # Agreement entered into force on 15 May 1972 (Cabinet Secretariat of Japan).
    "senkaku-islands": {
        f"senkaku-{island}": [("USA", "1945"), ("JPN", "1972-05-15")]
        for island in SENKAKUS
    },
}


@pytest.mark.parametrize("layer", list(CONTROL_HISTORIES))
def test_the_recorded_changes_of_hands_are_the_published_ones(layer):
    frame = cm.load(layer)
    changed = set(frame.loc[frame["until"].notna(), "place"])
    histories = {}
    for place in changed:
        rows = frame[frame["place"] == place].sort_values("since")
        # Each row ends the day the next begins; the last is open.
        assert rows["until"].iloc[:-1].tolist() == rows["since"].iloc[1:].tolist()
        assert rows["until"].iloc[-1:].isna().all(), place
        histories[place] = list(zip(rows["controller"], rows["since"], strict=True))
    assert histories == CONTROL_HISTORIES[layer]


@pytest.mark.parametrize("name", reference.AWARD_2016_HIGH_TIDE_ROCKS)
def test_award_rocks(name):
    props = cm.find(name).properties
    assert props["status"] == "rock"
    assert "2016" in props["status_basis"] and "arbitral award" in props["status_basis"]


@pytest.mark.parametrize("name", reference.AWARD_2016_LOW_TIDE_ELEVATIONS)
def test_award_low_tide_elevations(name):
    props = cm.find(name).properties
    assert props["status"] == "low-tide-elevation"
    assert "2016" in props["status_basis"]


def test_no_status_without_a_basis():
    for layer in ("scs-features", "senkaku-islands"):
        frame = cm.load(layer)
        decided = frame[frame["status"].notna()]
        assert decided["status_basis"].notna().all()


def test_prc_baseline_loops_enclose_their_islands():
    """The 1996 Paracel loop and the 2024 Huangyan Dao loop close round the features."""
    lines = cm.load("prc-baselines").set_index("id")
    xisha = shapely.Polygon(lines.loc["prc-1996-baseline-xisha", "geometry"].coords)
    for name in ("Woody Island", "Pattle Island", "Triton Island", "Lincoln Island"):
        assert xisha.contains(cm.find(name).geometry), name
    huangyan = shapely.Polygon(
        lines.loc["prc-2024-baseline-huangyan-dao", "geometry"].coords
    )
    assert huangyan.is_valid
    assert cm.distance(cm.find("Scarborough Shoal").geometry, huangyan).km < 10
    mainland = lines.loc["prc-1996-baseline-mainland", "geometry"]
    assert len(mainland.coords) == 49 and not mainland.is_closed
