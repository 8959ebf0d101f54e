"""Static exports (PNG, PDF, SVG) and the static look, in real headless Chromium."""

from __future__ import annotations

import asyncio
import io
import re
import xml.etree.ElementTree as ET
import zlib

import pytest

import claimsmap as cm
from claimsmap.errors import ClaimsmapError, OutputError

from .test_browser import Page

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"
CONTROLS = ".leaflet-control-zoom, .leaflet-control-layers, .cm-slider input"
KEPT = (
    ".cm-title, .cm-legend, .leaflet-control-scale, .leaflet-control-attribution, "
    ".cm-slider output"
)


def pdf_streams(data: bytes):
    """The PDF's streams, inflated where they are Flate-compressed."""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            yield match.group(1)


def svg_texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def scs(tmp_path_factory, browser):
    """The south-china-sea preset exported once to PNG at scale 2, PDF and SVG."""
    folder = tmp_path_factory.mktemp("exports")
    m = cm.Map.preset("south-china-sea")
    written = m.export(
        png=folder / "scs.png",
        pdf=folder / "scs.pdf",
        svg=folder / "scs.svg",
        scale=2,
        browser=browser,
    )
    html = m.save(folder / "scs.html")
    return written, html


def test_the_static_look_hides_the_controls_and_keeps_the_rest(browser, scs):
    _, html = scs
    view = Page(browser, html)
    page = view.page
    visible = "(sel) => Array.from(document.querySelectorAll(sel)).filter(e => e.getClientRects().length > 0).length"
    # In the browser the controls are there ...
    assert page.evaluate(visible, CONTROLS) == 3
    # ... and in the static look only what a reader of a picture needs.
    page.evaluate("() => document.body.classList.add('cm-static', 'cm-no-controls')")
    assert page.evaluate(visible, CONTROLS) == 0
    assert page.evaluate(visible, KEPT) == 5
    assert page.inner_text(".cm-slider output") != ""
    assert view.errors == []
    page.close()


def test_png_at_scale_two_has_twice_the_pixels(scs):
    from PIL import Image

    written, _ = scs
    image = Image.open(written["png"])
    assert image.size == (2800, 2000)
    assert written["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_is_one_page_of_vectors_and_text(scs):
    written, _ = scs
    data = written["pdf"].read_bytes()
    assert data.startswith(b"%PDF-1.")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    width, height = (
        float(v)
        for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data).groups()
    )
    assert (round(width), round(height)) == (1050, 750)  # 1400 x 1000 CSS px
    assert b"/Title (South China Sea: claims" in data  # for a PDF viewer
    content = b"\n".join(pdf_streams(data))
    # The coast, the claims and the markers are paths: moves, lines, curves.
    segments = len(re.findall(rb"[\d.]+ [\d.]+ [lm]\n", content))
    assert segments > 5_000, segments
    # Text is text in embedded fonts, not pixels.
    assert b"/FontFile2" in data and re.search(rb"\bTJ\b|\bTj\b", content)
    # Any image is a small part of the page (soft shadows), never the map.
    for w, h in re.findall(rb"/Width (\d+)\s*/Height (\d+)", data):
        assert int(w) * int(h) < 0.25 * (width * 300 / 72) * (height * 300 / 72)


def test_svg_has_every_shape_as_a_path_and_the_text_as_text(browser, scs):
    written, html = scs
    root = ET.parse(written["svg"]).getroot()
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 1400 1000"
    # Every path Leaflet drew (coast, claims, markers) is in the SVG.
    view = Page(browser, html)
    drawn = view.page.evaluate(
        "() => document.querySelectorAll('.leaflet-pane svg path').length"
    )
    view.page.close()
    assert drawn > 100
    panes = [
        e
        for e in root.iter(f"{SVG}svg")
        if "leaflet-zoom-animated" in e.get("class", "")
    ]
    assert sum(len(list(p.iter(f"{SVG}path"))) for p in panes) == drawn
    texts = svg_texts(root)
    joined = " ".join(texts)
    assert "South China Sea: claims, occupied features and the 2016 award" in texts
    assert "Legend" in texts and "Kalayaan Island Group" in joined
    assert re.search(r"\d+ km", joined) and re.search(r"\d+ nmi", joined)
    assert "Natural Earth" in joined
    # No control: no zoom buttons, no layer switcher headings.
    assert "+" not in texts and "Land" not in texts
    # The CJK subset travels with the SVG, for the names in any language.
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert "claimsmap CJK" in style and "font/woff2;base64," in style


def test_controls_stay_when_asked(browser, tmp_path):
    m = cm.Map(["senkaku-islands"], title="Senkaku")
    m.export(svg=tmp_path / "with.svg", controls=True, browser=browser)
    texts = svg_texts(ET.parse(tmp_path / "with.svg").getroot())
    assert "+" in texts and "Senkaku" in texts  # the zoom button's "+"


def test_svg_text_follows_the_page_css(browser, tmp_path):
    """Letter case, letter spacing and columns come out as the page draws them."""
    from branca.element import Element

    m = cm.Map(["senkaku-islands"], basemap=False)
    m.folium.get_root().html.add_child(
        Element(
            '<div style="position:absolute;z-index:1000;top:200px;left:200px;'
            'text-transform:uppercase;letter-spacing:3px">east china sea</div>'
            '<div style="position:absolute;z-index:1000;top:300px;left:200px;'
            'width:300px;column-count:2;column-gap:40px;font:12px sans-serif">'
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu "
            "xi omicron pi rho sigma tau upsilon phi chi psi omega</div>"
        )
    )
    m.export(svg=tmp_path / "m.svg", browser=browser)
    root = ET.parse(tmp_path / "m.svg").getroot()
    sea = [t for t in root.iter(f"{SVG}text") if t.text == "EAST CHINA SEA"]
    assert sea and sea[0].get("letter-spacing") == "3px"
    greek = [
        t
        for t in root.iter(f"{SVG}text")
        if t.text and ("alpha" in t.text or "omega" in t.text or "kappa" in t.text)
    ]
    # Two columns: lines start at the box's left and 170 px to its right.
    starts = sorted({round(float(t.get("x"))) for t in greek})
    assert starts[0] == 200 and starts[-1] == 370, starts
    words = " ".join(t.text for t in root.iter(f"{SVG}text") if t.text).split()
    assert words[words.index("alpha") :][:24][-1] == "omega"


def test_export_errors_are_clear_and_write_nothing(browser, tmp_path):
    m = cm.Map(["senkaku-islands"], basemap=False)
    with pytest.raises(ClaimsmapError, match=r"export needs a file to write"):
        m.export()
    with pytest.raises(OutputError, match=r"is a directory"):
        m.export(png=tmp_path, svg=tmp_path / "ok.svg", browser=browser)
    with pytest.raises(ClaimsmapError, match=r"scale=0: give a number above 0"):
        m.save_png(tmp_path / "m.png", scale=0, browser=browser)
    with pytest.raises(ClaimsmapError, match=r"width=50: give a whole number"):
        m.save_pdf(tmp_path / "m.pdf", width=50, browser=browser)
    with pytest.raises(ClaimsmapError, match=r"chromium='/nonexistent' is not an"):
        m.save_svg(tmp_path / "m.svg", chromium="/nonexistent")
    assert list(tmp_path.iterdir()) == []


def test_export_works_inside_a_running_event_loop(browser, tmp_path):
    """As in Jupyter, whose kernel runs an asyncio loop (this starts a Chromium).

    The session's Playwright runs one in this thread too, where Playwright's
    synchronous API would refuse to start another Chromium.
    """
    assert asyncio.get_running_loop().is_running()
    m = cm.Map(["senkaku-islands"], basemap=False, title="Senkaku")
    path = m.save_svg(tmp_path / "m.svg")
    assert "Senkaku" in svg_texts(ET.parse(path).getroot())


def test_a_clicked_shape_draws_no_focus_rectangle(browser, tmp_path):
    """Chromium focuses an SVG path that is clicked; its outline is not drawn."""
    path = cm.Map.preset("seed").save(tmp_path / "seed.html")
    view = Page(browser, path)
    text = view.click_feature(114.0, 13.0)
    assert "Claimed by the PRC" in text
    focused = view.page.evaluate(
        """() => { const e = document.activeElement;
                   return [e.tagName, e.getAttribute('class'),
                           getComputedStyle(e).outlineStyle]; }"""
    )
    assert focused[:2] == ["path", "leaflet-interactive"]  # the click focused it
    assert focused[2] == "none"
    # The picture around the shape has no dark outline box: the pixels at
    # the shape's bounding box corners are those of the map, not black.
    from PIL import Image

    box = view.page.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; }"
    )
    image = Image.open(io.BytesIO(view.page.screenshot())).convert("RGB")
    width, height = image.size
    edge = [
        image.getpixel(
            (min(max(round(x), 0), width - 1), min(max(round(y), 0), height - 1))
        )
        for x, y in ((box[0], (box[1] + box[3]) / 2), ((box[0] + box[2]) / 2, box[1]))
    ]
    assert all(sum(rgb) > 200 for rgb in edge), edge
    view.page.close()
