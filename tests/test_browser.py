"""Maps in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import io

import pytest

import claimsmap as cm

from .reference import IN_AKSAI_CHIN, ITANAGAR, LHASA, TAWANG
from .test_maps import XSS, hostile_layer

pytestmark = pytest.mark.browser

# The page has done what it defers past the load event: the layer control is
# grouped under its themes, the date slider shows its month (and the dated
# layers are filled for it), and the map has ended the zoom or pan to its
# bounds. Leaflet starts that animation at the next frame, so two frames are
# let pass first (NEXT_FRAMES).
NEXT_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
)
READY = """() => {
    const k = Object.keys(window).find(k => k.startsWith('map_')
                                       && window[k] instanceof L.Map);
    if (!k) { return false; }
    const map = window[k];
    const box = document.querySelector('.leaflet-control-layers-overlays');
    const grouped = !box || !box.querySelector('label') || box.querySelector('.cm-group');
    const out = document.querySelector('.cm-slider output');
    const moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
    return grouped && (!out || out.textContent !== '') && !moving;
}"""

# Every image on the page has loaded or failed; its load or error handlers have
# run, in the task that set it complete.
IMAGES_SETTLED = "() => Array.from(document.images).every(img => img.complete)"


class Page:
    def __init__(self, browser, path, size=(1200, 850)):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.errors, self.failed, self.dialogs = [], [], []
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.evaluate(NEXT_FRAMES)
        self.page.wait_for_function(READY)
        # The labels are placed in the frame after the map settles.
        self.page.evaluate(NEXT_FRAMES)

    def pixel(self, lon, lat):
        """Page coordinates of a (lon, lat) on the map."""
        return self.page.evaluate(
            """([lon, lat]) => {
                const k = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
                const p = window[k].latLngToContainerPoint([lat, lon]);
                const r = window[k].getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }""",
            [lon, lat],
        )

    def close_popups(self):
        self.page.evaluate(
            """() => { const k = Object.keys(window).find(k => k.startsWith('map_')
                        && window[k] instanceof L.Map); window[k].closePopup(); }"""
        )
        self.page.wait_for_selector(".leaflet-popup-content", state="detached")

    def colours(self, places):
        """The screenshot's RGB at each (lon, lat), keyed like ``places``.

        The shapes' colours: the place names' pane is hidden for the picture.
        """
        from PIL import Image

        labels = ".leaflet-cmLabels-pane"
        self.page.evaluate(
            f"() => document.querySelectorAll('{labels}')"
            ".forEach(p => { p.style.visibility = 'hidden'; })"
        )
        png = self.page.screenshot()
        self.page.evaluate(
            f"() => document.querySelectorAll('{labels}')"
            ".forEach(p => { p.style.visibility = ''; })"
        )
        image = Image.open(io.BytesIO(png)).convert("RGB")
        return {
            key: image.getpixel(tuple(round(v) for v in self.pixel(lon, lat)))
            for key, (lon, lat) in places.items()
        }

    def click_feature(self, lon, lat):
        x, y = self.pixel(lon, lat)
        self.page.mouse.click(x, y)
        self.page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        return self.page.inner_text(".leaflet-popup-content")


def test_senkaku_preset_renders_with_layers_legend_and_popups(browser, tmp_path):
    path = cm.Map.preset("senkaku").save(tmp_path / "senkaku.html")
    view = Page(browser, path)
    page = view.page
    assert view.errors == [] and view.failed == []
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert len(labels) == 10 and any("ADIZ" in t for t in labels)
    legend = page.locator(".cm-legend .cm-entry").all_inner_texts()
    assert any("Senkaku" in t for t in legend) and any(
        "Range rings" in t for t in legend
    )
    # Drawn: markers for 8 islands + 17 base points + 5 bases, lines for the rest.
    assert page.locator("path.leaflet-interactive").count() >= 30
    # A click on Kuba-jima opens its popup, every name and the source link.
    kuba = cm.find("Kuba-jima").geometry
    text = view.click_feature(kuba.x, kuba.y)
    assert "久場島" in text and "黄尾屿" in text and "黃尾嶼" in text
    assert page.locator(".leaflet-popup-content a[href^='https://']").count() == 1
    # Switching a layer off removes its legend entry.
    page.locator(
        ".leaflet-control-layers-overlays label", has_text="Military bases"
    ).click()
    assert page.locator(".cm-legend .cm-entry", has_text="Military bases").is_hidden()
    # The picture: sea, land and the islands' red are all there.
    png = page.screenshot()
    assert len(png) > 50_000
    page.close()


def test_text_from_data_runs_nothing(browser, tmp_path):
    path = cm.Map([hostile_layer()], bounds=(122, 24, 124, 26)).save(
        tmp_path / "x.html"
    )
    view = Page(browser, path)
    text = view.click_feature(123.0, 25.0)
    assert XSS in text  # shown as text ...
    assert (
        view.page.locator(".leaflet-popup-content img").count() == 0
    )  # ... not as a tag
    assert (
        view.page.locator(".leaflet-popup-content a").count() == 0
    )  # javascript: not linked
    # Nothing from the data became markup anywhere on the page; an injected
    # <img onerror> would have fired by the time every image has settled, and
    # a script would have run before the load event the page was opened on.
    view.page.wait_for_function(IMAGES_SETTLED)
    assert view.page.locator("[onerror], img[src='x']").count() == 0
    assert view.dialogs == [] and view.errors == [] and view.failed == []
    view.page.close()


def near(rgb, hex_colour, alpha, under=(242, 238, 227), tol=28):
    """Whether ``rgb`` is ``hex_colour`` laid at ``alpha`` over ``under``."""
    want = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [alpha * w + (1 - alpha) * u for w, u in zip(want, under, strict=True)]
    return all(abs(a - b) <= tol for a, b in zip(rgb, mixed, strict=True))


def test_seed_map_shows_held_yellow_and_claimed_orange(browser, tmp_path):
    """The classic map: PRC-held land yellow (Aksai Chin too); Taiwan, the SCS, the
    Senkakus and Arunachal Pradesh orange."""
    from claimsmap.maps.presets import SEED_CLAIMED, SEED_HELD
    from claimsmap.maps.styles import WATER

    path = cm.Map.preset("seed").save(tmp_path / "seed.html")
    view = Page(browser, path)
    assert view.errors == [] and view.failed == []
    water = tuple(int(WATER[i : i + 2], 16) for i in (1, 3, 5))
    got = view.colours(
        {
            "Beijing": (116.4, 39.9),
            "Chengdu": (104.1, 30.7),
            "Taiwan": (120.9, 23.7),
            "South China Sea": (114.0, 13.0),
            "off Borneo": (112.0, 5.5),
            "Senkakus": tuple(cm.find("Uotsuri-jima").geometry.coords[0]),
            "Manila": (121.0, 14.6),
            "Hanoi": (105.8, 21.0),
            "Philippine Sea": (128.0, 18.0),
            "Itanagar": ITANAGAR,
            "Tawang": TAWANG,
            "Lhasa": LHASA,
            "Aksai Chin": IN_AKSAI_CHIN,
            "Delhi": (77.2, 28.6),
        }
    )
    held, claimed = SEED_HELD, SEED_CLAIMED
    for place in ("Beijing", "Chengdu", "Lhasa", "Aksai Chin"):
        assert near(got[place], held["fillColor"], held["fillOpacity"]), place
    for place in ("Taiwan", "Itanagar", "Tawang"):
        assert near(got[place], claimed["fillColor"], claimed["fillOpacity"]), place
    assert near(got["Delhi"], "#f2eee3", 1.0)  # India, plain land
    for place in ("South China Sea", "off Borneo", "Senkakus"):
        assert near(
            got[place], claimed["fillColor"], claimed["fillOpacity"], under=water
        ), (place, got[place])
    for place in ("Manila", "Hanoi"):
        assert near(got[place], "#f2eee3", 1.0), place  # plain land
    assert near(got["Philippine Sea"], WATER, 1.0)
    view.page.screenshot(path=str(tmp_path / "seed.png"))
    view.page.close()


def hex_rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def blend(fills, base="#d4e6f1"):
    """The colour of fills laid in order (colour, opacity) over a base colour."""
    rgb = hex_rgb(base)
    for colour, alpha in fills:
        rgb = tuple(
            alpha * c + (1 - alpha) * b
            for c, b in zip(hex_rgb(colour), rgb, strict=True)
        )
    return rgb


# A place in each preset and the fills over it, bottom first.
PRESET_PIXELS = {
    # Hainan: the PRC's land, held, under the atlas's control-area fill.
    "atlas": ((109.8, 19.1), [("#f2eee3", 1.0), ("#d9b300", 0.35)]),
    # Zone 2 of August 2022, inside the ROC ADIZ.
    "taiwan-strait": ((121.7, 25.8), [("#6a3d9a", 0.05), ("#de77ae", 0.2)]),
    # Inside Japan's territorial sea, between the islands' markers.
    "senkaku": ((123.40, 25.80), [("#2166ac", 0.08)]),
}

PRESET_CLICKS = {
    "atlas": ("Woody Island", "Woody Island"),
    "seed": ((114.0, 13.0), "Claimed by the PRC and not held by it"),
    "senkaku": ("Kuba-jima", "黄尾屿"),
    # The preset opens on August 2022, the first exercise with published zones.
    "taiwan-strait": ("pla-2022-08-zone-4", "4-7 August 2022"),
    "south-china-sea": ("Itu Aba", "rock"),
}


@pytest.mark.parametrize("name", list(PRESET_CLICKS))
def test_every_preset_loads_offline_with_legend_and_popups(browser, tmp_path, name):
    from claimsmap.maps.presets import PRESETS

    path = cm.Map.preset(name).save(tmp_path / f"{name}.html")
    view = Page(browser, path)
    page = view.page
    assert view.errors == [] and view.failed == []
    legend = page.locator(".cm-legend .cm-entry").count()
    layers = len(PRESETS[name].layers) if name in PRESETS else 10
    assert legend >= layers
    # The scale bar gives kilometres and nautical miles.
    scale = " ".join(page.locator(".leaflet-control-scale-line").all_inner_texts())
    assert " km" in scale and " nmi" in scale
    where, expected = PRESET_CLICKS[name]
    if isinstance(where, str):
        geom = cm.find(where).geometry
        where = (geom.representative_point().x, geom.representative_point().y)
    if name in PRESET_PIXELS:
        place, fills = PRESET_PIXELS[name]
        got = view.colours({"here": place})["here"]
        want = blend(fills)
        assert all(abs(a - b) <= 24 for a, b in zip(got, want, strict=True)), (
            name,
            got,
            want,
        )
    text = view.click_feature(*where)
    assert expected in text
    # The layer control groups the layers under their themes.
    assert page.locator(".leaflet-control-layers-overlays .cm-group").count() >= 1
    page.close()


def test_south_china_sea_colours_features_by_holder(browser, tmp_path):
    from claimsmap.maps.presets import OCCUPANT

    path = cm.Map.preset("south-china-sea").save(tmp_path / "scs.html")
    view = Page(browser, path)
    labels = view.page.locator(".cm-legend .cm-entry").all_inner_texts()
    for holder in (
        "China (PRC)",
        "Taiwan (ROC)",
        "Viet Nam",
        "the Philippines",
        "Malaysia",
    ):
        assert f"Held by {holder}" in labels, holder
    # Pratas stands alone; its marker is the ROC's colour.
    got = view.colours({"Pratas": tuple(cm.find("Pratas Island").geometry.coords[0])})
    want = OCCUPANT["TWN"]["fillColor"]
    assert near(got["Pratas"], want, 0.9, under=(255, 255, 255), tol=40)
    view.page.close()


def test_png_export_through_chromium(browser, tmp_path):
    """`claimsmap map --png --svg --pdf` renders the preset in Chromium, for print."""
    import subprocess
    import sys

    out = tmp_path / "seed.png"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "claimsmap", "map", "--preset", "seed"),
            *("--png", str(out), "--scale", "2", "--size", "700x500"),
            *("--svg", str(tmp_path / "seed.svg"), "--pdf", str(tmp_path / "seed.pdf")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    image = Image.open(out).convert("RGB")
    assert image.size == (1400, 1000)  # 700 x 500 CSS pixels, twice over
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "seed.pdf",
        "seed.png",
        "seed.svg",
    ]
    assert (tmp_path / "seed.pdf").read_bytes().startswith(b"%PDF-")
    assert b'viewBox="0 0 700 500"' in (tmp_path / "seed.svg").read_bytes()
    # The picture has the seed map's yellow and orange in it.
    colours = {c for _, c in image.getcolors(1_000_000)}
    held, claimed = (0xF5, 0xC5, 0x18), (0xF2, 0x8E, 0x2B)
    assert any(
        all(abs(a - b) < 40 for a, b in zip(c, held, strict=True)) for c in colours
    )
    assert any(
        all(abs(a - b) < 40 for a, b in zip(c, claimed, strict=True)) for c in colours
    )


def test_the_date_slider_shows_who_held_what(browser, tmp_path):
    """South China Sea: Pattle Island is the PRC's now, South Vietnam's in 1973."""
    path = cm.Map.preset("south-china-sea").save(tmp_path / "scs.html")
    view = Page(browser, path)
    pattle = cm.find("Pattle Island").geometry
    assert "1974-01-20" in view.click_feature(pattle.x, pattle.y)  # today: CHN
    view.close_popups()
    view.page.evaluate("cmSetDay('1973-06-01')")
    assert view.page.inner_text(".cm-slider output") == "1973-06"
    text = view.click_feature(pattle.x, pattle.y)
    assert "Pattle" in text and "VNM" in text and "1956" in text
    # Declared later, the Kalayaan Island Group is not drawn in 1973.
    kig = cm.find("phl-kalayaan-island-group").geometry.representative_point()
    view.close_popups()
    # The click is handled once a layer under it has opened its popup (Leaflet
    # then stops the event) or, if none took it, once the map has heard it.
    view.page.evaluate(
        """() => { const k = Object.keys(window).find(k => k.startsWith('map_')
                    && window[k] instanceof L.Map);
                   window.cmHandled = 0;
                   window[k].on('click popupopen', () => { window.cmHandled += 1; }); }"""
    )
    x, y = view.pixel(kig.x, kig.y)
    view.page.mouse.click(x, y)
    view.page.wait_for_function("() => window.cmHandled >= 1")
    assert "Kalayaan" not in " ".join(
        view.page.locator(".leaflet-popup-content").all_inner_texts()
    )
    assert view.errors == []
    view.page.close()


# What each preset must name at its opening view.
KEY_NAMES = {
    "south-china-sea": {
        "Spratly Islands",
        "Paracel Islands",
        "South China Sea",
        "Viet Nam",
        "Philippines",
        "China",
        "Malaysia",
        "Scarborough Shoal",
    },
    "senkaku": {
        "Senkaku / Diaoyu Islands",
        "Taiwan",
        "East China Sea",
        "Ishigaki Island",
        "Yonaguni",
        "Uotsuri-jima",
    },
    "taiwan-strait": {"China", "Taiwan", "Taiwan Strait", "Kinmen Island"},
    "seed": {
        "China",
        "India",
        "Taiwan",
        "South China Sea",
        "Arunachal Pradesh",
        "Aksai Chin",
    },
    "atlas": {
        "China",
        "Taiwan",
        "Viet Nam",
        "Philippines",
        "South China Sea",
        "East China Sea",
        "Spratly Islands",
        "Paracel Islands",
    },
}

# The names shown, once the page has placed them (in the frame after a change).
SHOWN_LABELS = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return Array.from(document.querySelectorAll('.cm-place'))
    .filter(e => getComputedStyle(e).visibility !== 'hidden')
    .map(e => { const r = e.firstChild.getBoundingClientRect();
                return {text: e.textContent, box: [r.left, r.top, r.right, r.bottom]}; });
}"""

BOX = """(sel) => Array.from(document.querySelectorAll(sel)).map(e => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""


# The circles of point features (a shape's outline is larger).
DOTS = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.width <= 30 && r.height <= 30)
    .map(r => [r.left, r.top, r.right, r.bottom])"""


def meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def collisions(labels, others=()):
    """Pairs of shown labels whose boxes meet, and labels under another box."""
    found = [
        (a["text"], a["box"], b["text"], b["box"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if meet(a["box"], b["box"])
    ]
    found += [
        (a["text"], "control") for a in labels for o in others if meet(a["box"], o)
    ]
    return found


@pytest.mark.parametrize("name", list(PRESET_CLICKS))
def test_every_preset_names_its_places_apart(browser, tmp_path, name):
    """At the opening view, in the browser's window and at the PNG export's
    size, the preset's key names are shown and no two names meet, nor a name
    and the title or legend."""
    path = cm.Map.preset(name).save(tmp_path / f"{name}.html")
    for width, height in ((1200, 850), (1400, 1000)):
        view = Page(browser, path, size=(width, height))
        page = view.page
        assert view.errors == []
        labels = page.evaluate(SHOWN_LABELS)
        controls = [
            *page.evaluate(BOX, ".cm-title"),
            *page.evaluate(BOX, ".cm-legend"),
        ]
        assert collisions(labels, controls) == [], (name, width)
        # A range ring's label covers no point feature and no other ring's label.
        rings = [
            {"text": "ring", "box": b} for b in page.evaluate(BOX, ".cm-label span")
        ]
        dots = page.evaluate(DOTS)
        assert collisions(rings, dots) == [], (name, width)
        shown = {label["text"] for label in labels}
        assert KEY_NAMES[name] <= shown, (name, width, KEY_NAMES[name] - shown)
        for label in labels:
            x0, y0, x1, y1 = label["box"]
            assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, label
        # The names are above the shapes and let clicks through to them.
        pane = page.evaluate(
            """() => { const p = document.querySelector('.leaflet-cmLabels-pane');
                       const o = document.querySelector('.leaflet-overlay-pane');
                       return [getComputedStyle(p).pointerEvents,
                               +getComputedStyle(p).zIndex,
                               +getComputedStyle(o).zIndex]; }"""
        )
        assert pane[0] == "none" and pane[1] > pane[2]
        x0, y0, x1, y1 = labels[0]["box"]
        under = page.evaluate(
            "([x, y]) => !document.elementFromPoint(x, y).closest('.cm-place')",
            [(x0 + x1) / 2, (y0 + y1) / 2],
        )
        assert under
        page.close()


def test_rings_labels_crowded_out_still_keep_off_each_other(browser, tmp_path):
    """When every spot round its ring is under a control, a ring's label takes
    the spot inside the map that covers least: never another ring's label nor
    a point feature."""
    path = cm.Map.preset("senkaku").save(tmp_path / "senkaku.html")
    view = Page(browser, path)
    page = view.page
    page.evaluate(
        """() => { const t = document.querySelector('.cm-title');
                   Object.assign(t.style, {position: 'fixed', left: '0px',
                     top: '0px', width: '1200px', height: '850px',
                     maxWidth: 'none', opacity: '0.5'});
                   window.cmPlaceRings(); }"""
    )
    rings = [{"text": "ring", "box": b} for b in page.evaluate(BOX, ".cm-label span")]
    assert len(rings) == 5
    assert collisions(rings, page.evaluate(DOTS)) == []
    for ring in rings:
        x0, y0, x1, y1 = ring["box"]
        assert x0 >= 0 and x1 <= 1200 and y0 >= 0 and y1 <= 850, ring
    page.close()


def test_the_opening_view_is_not_animated(browser, tmp_path):
    """The map opens at its fitted view at once: no zoom animation runs while
    the labels are placed or a picture is taken (one did, and a ring's label
    was placed mid-zoom)."""
    path = cm.Map.preset("senkaku").save(tmp_path / "senkaku.html")
    page = browser.new_page(viewport={"width": 1200, "height": 850})
    page.add_init_script(
        """window.cmZoomAnimated = false;
        new MutationObserver(() => {
          if (document.querySelector('.leaflet-zoom-anim')) {
            window.cmZoomAnimated = true;
          }
        }).observe(document, {subtree: true, attributes: true,
                              attributeFilter: ['class']});"""
    )
    page.goto(path.as_uri())
    page.wait_for_function(READY)
    page.evaluate(NEXT_FRAMES)
    page.wait_for_timeout(400)  # longer than Leaflet's zoom animation
    assert page.evaluate("() => window.cmZoomAnimated") is False
    zoom = page.evaluate(
        """() => { const k = Object.keys(window).find(k => k.startsWith('map_')
                     && window[k] instanceof L.Map); return window[k].getZoom(); }"""
    )
    assert zoom == 8
    page.close()


def test_zooming_in_keeps_the_names_apart_and_shows_more(browser, tmp_path):
    path = cm.Map.preset("south-china-sea").save(tmp_path / "scs.html")
    view = Page(browser, path)
    page = view.page
    before = page.evaluate(SHOWN_LABELS)
    page.evaluate(
        """() => new Promise(r => { const k = Object.keys(window).find(
                k => k.startsWith('map_') && window[k] instanceof L.Map);
            window[k].once('zoomend', () => setTimeout(r, 50));
            window[k].setZoomAround([10.4, 114.4], window[k].getZoom() + 1); })"""
    )
    after = page.evaluate(SHOWN_LABELS)
    assert collisions(after) == []
    texts = {label["text"] for label in after}
    # Hidden at the opening view for want of room, shown once zoomed in.
    assert {"Fiery Cross Reef", "Itu Aba"} <= texts
    assert not {"Fiery Cross Reef", "Itu Aba"} <= {lab["text"] for lab in before}
    page.close()


def test_names_in_chinese_from_the_command_line(browser, tmp_path):
    """`claimsmap map --lang zh`: the atlas's Chinese names, on the page."""
    from .test_cli import run

    out = tmp_path / "scs-zh.html"
    run("map", "--preset", "south-china-sea", "--lang", "zh", "-o", str(out))
    view = Page(browser, out)
    labels = view.page.evaluate(SHOWN_LABELS)
    texts = {label["text"] for label in labels}
    # The Chinese names the atlas records for the Scarborough Shoal and Hainan.
    assert cm.find("Scarborough Shoal").names["zh"] in texts
    assert {"南沙群岛", "西沙群岛", "南海", "越南", "菲律宾", "中国"} <= texts
    assert not texts & {"Spratly Islands", "Viet Nam", "South China Sea"}
    assert collisions(labels) == []
    view.page.close()


LEGEND_FITS = """() => { const l = document.querySelector('.cm-legend');
    const r = l.getBoundingClientRect();
    return {box: [r.left, r.top, r.right, r.bottom], scrolls: l.scrollHeight > l.clientHeight + 1,
            columns: getComputedStyle(l).columnCount}; }"""


@pytest.mark.parametrize("name", list(PRESET_CLICKS))
def test_a_static_page_shows_the_whole_legend(browser, tmp_path, name):
    """For a picture the legend is whole (in columns if it must be); in the
    browser it scrolls; an export may set the class itself."""
    static = cm.Map.preset(name, static=True).save(tmp_path / "static.html")
    for width, height in ((1400, 1000), (1400, 600)):
        view = Page(browser, static, size=(width, height))
        legend = view.page.evaluate(LEGEND_FITS)
        x0, y0, x1, y1 = legend["box"]
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (name, legend)
        assert not legend["scrolls"]
        view.page.close()
    # The browser's page: the same legend scrolls in a short window ...
    browsing = cm.Map.preset(name).save(tmp_path / "browse.html")
    view = Page(browser, browsing, size=(1400, 400))
    style = view.page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.cm-legend'));"
        " return [s.overflowY, s.maxHeight]; }"
    )
    assert style == ["auto", "180px"]  # 45 % of the window
    if name != "seed":  # two entries, never that tall
        assert view.page.evaluate(LEGEND_FITS)["scrolls"]
    # ... until the map container is marked static.
    view.page.evaluate(
        "() => document.querySelector('.leaflet-container').classList.add('cm-static')"
    )
    view.page.wait_for_function(f"() => !({LEGEND_FITS})().scrolls")
    legend = view.page.evaluate(LEGEND_FITS)
    assert not legend["scrolls"] and legend["box"][3] <= 400
    entries = view.page.locator(".cm-legend .cm-entry").all_inner_texts()
    themes = view.page.locator(".cm-legend .cm-group").all_inner_texts()
    assert not any(": " in e and e.split(": ")[-1].isupper() for e in entries)
    # Grouped: each theme is one heading, every layer's theme is there.
    assert len(themes) == len(set(themes)) >= (1 if name == "seed" else 2)
    view.page.close()


def test_legend_entries_say_what_a_reader_sees(browser, tmp_path):
    path = cm.Map.preset("seed", static=True).save(tmp_path / "seed.html")
    view = Page(browser, path, size=(1400, 1000))
    entries = view.page.locator(".cm-legend .cm-entry").all_inner_texts()
    assert entries == ["Claimed by the PRC, not held", "Held by China (PRC)"]
    view.page.close()
