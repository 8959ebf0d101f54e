from __future__ import annotations

import warnings

import pytest

import claimsmap as cm
from claimsmap.errors import AmbiguousNameWarning
from claimsmap.gazetteer import features, normalize


@pytest.mark.parametrize(
    "name",
    [
        "Uotsuri-jima",
        "uotsuri jima",
        "UOTSURI_JIMA",
        "Diaoyu Dao",
        "Diàoyú Dǎo",
        "釣魚島",
        "钓鱼岛",
        "魚釣島",
        "釣魚臺",
        "Tiaoyutai",
        "senkaku-uotsuri-jima",
        " Uotsuri-shima ",
    ],
)
def test_every_spelling_finds_uotsuri(name):
    assert cm.find(name).id == "senkaku-uotsuri-jima"


def test_macrons_are_forgiven():
    assert cm.find("Taishō-tō").id == cm.find("Taisho-to").id == "senkaku-taisho-jima"


@pytest.mark.parametrize(
    "feature", [f for f in features() if f.layer != "basemap-ne10m"], ids=lambda f: f.id
)
def test_every_name_of_every_feature_finds_it(feature):
    assert cm.find(feature.id).id == feature.id
    for name in [
        feature.name,
        *feature.names.values(),
        *feature.properties.get("aliases", []),
    ]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = cm.find(name)
        named = [w.message for w in caught if w.category is AmbiguousNameWarning]
        # A base point is named after its island; the island wins the name.
        # A base named after its island ("Ishigaki") yields the name to the
        # island, and the warning says how to ask for the base.
        # A row of a place's history yields its name to the present row.
        assert (
            found.id == feature.id
            or (feature.kind == "base-point" and found.kind == "feature")
            or (
                feature.kind == "base"
                and found.layer == "islands"
                and any(feature.id in w.others for w in named)
            )
            or (
                feature.properties.get("until") is not None
                and found.properties.get("place") == feature.properties.get("place")
                and found.properties.get("until") is None
            )
        ), name


def test_history_rows_yield_the_name_to_the_present():
    assert cm.find("Scarborough Shoal").id == "scs-scarborough-shoal"
    assert cm.find("Pattle Island").properties["controller"] == "CHN"
    assert cm.find("scs-pattle-island-vnm-1956").properties["controller"] == "VNM"


def test_island_wins_a_name_shared_with_a_base_point():
    assert cm.find("黄尾屿").id == "senkaku-kuba-jima"
    assert cm.find("prc-2012-basepoint-diaoyu-08").names["zh"] == "黄尾屿"


def test_miss_suggests_the_closest():
    with pytest.raises(
        cm.UnknownNameError,
        match=r"Unknown feature 'Uotsuri'\. Did you mean: 'Uotsuri-jima'",
    ):
        cm.find("Uotsuri")
    with pytest.raises(cm.UnknownNameError, match=r"Did you mean: 'Kuba-jima'"):
        cm.find("Kuba jma")


def test_no_suggestion_for_nonsense():
    with pytest.raises(
        cm.UnknownNameError, match=r"^Unknown feature 'qqqqqq'\. `claimsmap"
    ):
        cm.find("qqqqqq")


def test_empty_name():
    with pytest.raises(cm.UnknownNameError, match="non-empty string"):
        cm.find("  ")


def test_basemap_countries_are_found():
    assert cm.find("ne-taiwan").layer == "basemap-ne10m"
    assert cm.find("japan").kind == "land"


def test_an_island_wins_its_name_and_says_how_to_ask_for_the_rest():
    """ "Ishigaki" is the island; the base and the Natural Earth unit are named."""
    with pytest.warns(AmbiguousNameWarning) as caught:
        assert cm.find("Ishigaki").id == "island-ishigaki-jima"
    (w,) = caught
    assert w.message.chosen == "island-ishigaki-jima"
    assert w.message.others == ("base-jgsdf-camp-ishigaki",)
    assert "'JGSDF Camp Ishigaki' (base-jgsdf-camp-ishigaki)" in str(w.message)
    # The warning points at the caller, not at claimsmap's own code.
    assert w.filename == __file__
    with pytest.warns(AmbiguousNameWarning, match=r"ask for id 'ne-taiwan'") as caught:
        assert cm.find("Taiwan").id == "island-taiwan"
    # Through distance(), the warning still names this file's line.
    with pytest.warns(AmbiguousNameWarning) as caught:
        cm.distance("Yonaguni", (121.0, 24.0))
    assert caught[0].filename == __file__
    # The base's own names ask for the base, without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cm.find("Camp Yonaguni").id == "base-jgsdf-camp-yonaguni"
        assert cm.find("JGSDF Camp Ishigaki").id == "base-jgsdf-camp-ishigaki"
        assert cm.find("Yonaguni-jima").id == "island-yonaguni-jima"
        # A base point named after its island is no second place to warn about.
        assert cm.find("黄尾屿").id == "senkaku-kuba-jima"


def test_normalize_folds_width_and_punctuation():
    assert normalize("ＵＯＴＳＵＲＩ・JIMA") == "uotsurijima"


def test_feature_geo_interface():
    gi = cm.find("Kadena").__geo_interface__
    assert gi["type"] == "Feature" and gi["geometry"]["type"] == "Point"
    assert gi["properties"]["operator"].startswith("United States Air Force")
