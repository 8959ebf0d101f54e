"""Maps, on the rendered HTML: offline, escaped, sourced."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from shapely import Point

import claimsmap as cm

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def senkaku_html():
    return cm.Map.preset("senkaku").to_html()


def hostile_layer():
    props = {
        "id": "hostile",
        "name": XSS,
        "names": {"en": XSS, "ja": "</script><script>alert(2)</script>"},
        "kind": "feature",
        "claimants": ["JPN"],
        "controller": None,
        "since": None,
        "until": None,
        "status": None,
        "status_basis": None,
        "source": "`${alert(3)}`",
        "source_url": "javascript:alert(4)",
        "precision_m": 10,
    }
    return gpd.GeoDataFrame([props], geometry=[Point(123.0, 25.0)], crs=4326)


def test_no_network_needed(senkaku_html):
    assert not re.search(r"<script[^>]+src=", senkaku_html)
    assert not re.search(r"<link[^>]+href=", senkaku_html)
    assert "Leaflet 1.9.4" in senkaku_html or "1.9.4" in senkaku_html


def test_layers_legend_and_sources_are_in_the_page(senkaku_html):
    for title in (
        "Senkaku / Diaoyu / Tiaoyutai Islands",
        "PRC East China Sea ADIZ (2013)",
        "Range rings (geodesic)",
        "Taiwan Strait median line (ROC MND)",
    ):
        assert title in senkaku_html
    assert (
        "钓鱼岛" in senkaku_html
        and "魚釣島" in senkaku_html
        and "釣魚臺" in senkaku_html
    )
    assert "https://www.mnr.gov.cn/dt/hy/201209/t20120912_2330256.html" in senkaku_html
    assert "200 km from JGSDF Camp Ishigaki" in senkaku_html


def test_text_from_data_is_escaped():
    html = cm.Map([hostile_layer()]).to_html()
    assert XSS not in html
    assert "</script><script>alert(2)" not in html
    assert "${alert(3)}" not in html
    assert 'href="javascript' not in html and 'href=\\"javascript' not in html


@pytest.mark.parametrize(
    ("text", "if_run", "if_text"),
    [
        # Results that cannot occur by chance in the page's hex element ids.
        ("{{ 'q%d' % (7*191) }}", "q1337", "7*191"),
        ("{% for x in range(3) %}zq{% endfor %}", "zqzqzq", "range(3)"),
        ("{# hidden #}", None, "hidden"),
    ],
)
def test_template_syntax_in_data_is_only_text(text, if_run, if_text):
    """folium renders its output again as Jinja; data must not reach that."""
    layer = hostile_layer()
    layer.loc[0, "name"] = text
    layer.loc[0, "source"] = text
    html = cm.Map([layer], title=text).to_html()
    if if_run:
        assert if_run not in html
    assert if_text in html


def test_user_layer_in_another_crs_is_refused():
    with pytest.raises(cm.ClaimsmapError, match=r"EPSG:3857.*to_crs\(4326\)"):
        cm.Map([hostile_layer().to_crs(3857)])


def test_save_is_atomic(tmp_path):
    out = tmp_path / "m.html"
    cm.Map.preset("senkaku").save(out)
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]


def test_repr_html_for_jupyter():
    assert "<iframe" in cm.Map(["bases"])._repr_html_()


def test_unknown_tiles_provider():
    with pytest.raises(cm.ClaimsmapError, match="not an xyzservices provider"):
        cm.Map(tiles="No.Such.Tiles")


def test_tiles_come_from_xyzservices():
    html = cm.Map(tiles="OpenStreetMap.Mapnik").to_html()
    assert "tile.openstreetmap.org" in html


def test_atlas_is_at_most_two_megabytes(tmp_path):
    """Every layer, the basemap and Leaflet in one file of at most 2 MB."""
    path = cm.Map.preset("atlas").save(tmp_path / "atlas.html")
    assert path.stat().st_size <= 2_000_000


def test_features_are_drawn_to_their_precision():
    """Coordinates in the page are rounded to a quarter of precision_m."""
    from claimsmap.maps._map import _for_display

    fine = _for_display(Point(123.4733333, 25.7433333), 30)  # to ~1 m
    assert (fine.x, fine.y) == (123.47333, 25.74333)
    coarse = _for_display(Point(123.4733333, 25.7433333), 5000)  # to ~10 m
    assert (coarse.x, coarse.y) == (123.4733, 25.7433)


def test_a_map_in_a_partys_worldview():
    """As the PRC claims it: the Kalayaan Island Group is not drawn, the dashes are."""
    chn = cm.Map(["phl-kalayaan-island-group", "prc-dashed-line"], worldview="CHN")
    html = chn.to_html()
    assert "phl-kalayaan-island-group" not in html and "prc-dashed-line-dash-1" in html
    phl = cm.Map(["phl-kalayaan-island-group", "prc-dashed-line"], worldview="PHL")
    html = phl.to_html()
    assert "phl-kalayaan-island-group" in html and "prc-dashed-line-dash-1" not in html
    with pytest.raises(cm.ClaimsmapError, match="worldview='XX'"):
        cm.Map(["bases"], worldview="XX")


def drawn_land(html):
    """The basemap a page draws (its first GeoJSON layer): country -> shape."""
    import json

    from shapely.geometry import shape

    data = re.search(r"var \w+_data = (\{.*?\});\n", html)[1]
    return {
        f["properties"]["_tooltip"]: shape(f["geometry"])
        for f in json.loads(data)["features"]
    }


def test_a_worldview_redraws_the_land():
    """In the PRC's view Itanagar is in China; in India's, Aksai Chin is in India."""
    from .reference import IN_AKSAI_CHIN, ITANAGAR

    itanagar, aksai = Point(ITANAGAR), Point(IN_AKSAI_CHIN)
    land = drawn_land(cm.Map(bounds=(75, 25, 100, 40)).to_html())
    assert land["India"].covers(itanagar) and land["China"].covers(aksai)
    land = drawn_land(cm.Map(bounds=(75, 25, 100, 40), worldview="CHN").to_html())
    assert land["China"].covers(itanagar) and not land["India"].covers(itanagar)
    land = drawn_land(cm.Map(bounds=(75, 25, 100, 40), worldview="IND").to_html())
    assert land["India"].covers(aksai) and not land["China"].covers(aksai)


@pytest.mark.parametrize(
    "layer", ["senkaku-islands", "scs-features", "prc-dashed-line"]
)
def test_layers_work_with_geopandas_explore(layer):
    """A GeoDataFrame from cm.load draws with .explore(), dict columns and all."""
    html = cm.load(layer).explore().get_root().render()
    assert cm.load(layer)["id"].iloc[0] in html


def test_place_names_are_escaped_text():
    from claimsmap.maps.labels import Label, LabelLayer

    m = cm.Map(basemap=False, bounds=(122, 24, 124, 26))
    LabelLayer([Label("x", XSS, "feature", 123.0, 25.0, 0)]).add_to(m.folium)
    html = m.to_html()
    # Escaped for HTML, then written as JSON that is safe inside <script>.
    assert r"\u0026lt;img src=x onerror=alert(1)\u0026gt;" in html
    assert XSS not in html


def test_place_names_in_a_language_fall_back_to_english():
    """Vietnamese: the group's name from the list, the islet's (which the atlas
    has in no Vietnamese) in English; Tagalog finds the Filipino names."""
    from claimsmap.maps.labels import preset_labels
    from claimsmap.maps.presets import preset

    uotsuri = cm.find("Uotsuri-jima")
    assert "vi" not in uotsuri.names
    vi = {
        lab.text
        for lab in preset_labels("senkaku", preset("senkaku").bounds, lang="vi")
    }
    assert {"Quần đảo Senkaku", "Đài Loan", uotsuri.names["en"]} <= vi
    scs = preset("south-china-sea").bounds
    tl = {lab.text for lab in preset_labels("south-china-sea", scs, lang="tl")}
    assert {"Pilipinas", "Kapuluan ng Spratly", "Dagat Timog Tsina"} <= tl
    # The atlas's own names where it has the place: Scarborough Shoal in Filipino.
    assert cm.find("Scarborough Shoal").names["fil"] in tl


def test_a_japanese_map_of_the_south_china_sea_names_its_features_in_japanese():
    """Every name the south-china-sea and taiwan-strait presets draw has a
    Japanese form, the features' from the Japanese press (each cited in the
    feature's source)."""
    from claimsmap.maps.labels import preset_labels
    from claimsmap.maps.presets import preset

    for name in ("south-china-sea", "taiwan-strait", "atlas"):
        english = {
            lab.key: lab.text for lab in preset_labels(name, preset(name).bounds)
        }
        japanese = preset_labels(name, preset(name).bounds, lang="ja")
        left = [lab.text for lab in japanese if lab.text == english[lab.key]]
        assert left == [], (name, left)
    texts = {
        lab.text
        for lab in preset_labels(
            "south-china-sea", preset("south-china-sea").bounds, lang="ja"
        )
    }
    assert {"スカボロー礁", "ミスチーフ礁", "太平島", "パラワン島"} <= texts
    mischief = cm.find("ミスチーフ礁")
    assert mischief.id == "scs-mischief-reef"
    assert (
        "ミスチーフ礁"
        in cm.load("scs-features").set_index("id").loc["scs-mischief-reef", "source"]
    )


def test_key_names_find_room_at_every_opening_view():
    """Placed in Python: each preset's first names fit at both view sizes."""
    from claimsmap.maps.labels import PRESET_LABELS, preset_labels
    from claimsmap.maps.presets import preset

    for name in PRESET_LABELS:
        spec = preset(name)
        labels = preset_labels(name, spec.bounds, title=spec.title)
        assert all(lab.placed for lab in labels[:5]), name


def test_an_unknown_language_code_is_refused():
    with pytest.raises(cm.ClaimsmapError, match="lang 'Chinese' is not a language"):
        cm.Map.preset("senkaku", lang="Chinese")
