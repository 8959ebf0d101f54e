"""The CJK subset embedded in every map: complete, licensed, and drawn without
any CJK font on the machine."""

from __future__ import annotations

import io
import os
import shutil
from importlib import resources
from pathlib import Path

import pytest

import claimsmap as cm
from claimsmap.maps._fonts import (
    FONT_FAMILY,
    FONT_FILE,
    FONT_STACK,
    is_cjk,
    needed_characters,
)

from .conftest import CHROMIUM, CHROMIUM_FLAGS
from .scripts import load_script

STATIC = resources.files("claimsmap") / "maps" / "static"
# A Latin font with no CJK glyph, for a Chromium that must not find any.
LATIN_FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]


def shipped_cmap():
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO((STATIC / FONT_FILE).read_bytes()))
    assert font.flavor == "woff2"
    return font.getBestCmap()


def test_the_subset_holds_every_cjk_character_the_maps_draw():
    needed = needed_characters()
    # The atlas names its places in Chinese and Japanese: hundreds of them.
    assert len(needed) > 300 and {"魚", "釣", "島", "钓", "鱼", "黃"} <= needed
    missing = sorted(c for c in needed if ord(c) not in shipped_cmap())
    assert not missing, (
        f"the CJK subset lacks {''.join(missing)}: run python scripts/build_font.py"
    )


def test_the_subset_is_small_licensed_and_rebuilt_the_same():
    data = (STATIC / FONT_FILE).read_bytes()
    assert len(data) < 400_000
    licence = (STATIC / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence
    # Only CJK characters are in it (and nothing the maps do not need).
    cmap = shipped_cmap()
    assert all(is_cjk(chr(code)) for code in cmap)
    assert {chr(code) for code in cmap} == needed_characters()
    script = load_script("build_font")
    if not script.SOURCE.exists():
        pytest.skip(f"{script.SOURCE} (Debian fonts-noto-cjk) is not installed")
    rebuilt, _ = script.subset(script.SOURCE, needed_characters())
    assert rebuilt == data, "run python scripts/build_font.py"


def test_every_map_embeds_the_subset_after_the_latin_fonts():
    html = cm.Map(["senkaku-islands"], basemap=False).to_html()
    assert f'font-family: "{FONT_FAMILY}"' in html
    assert "src: url(data:font/woff2;base64," in html and "unicode-range: U+" in html
    assert FONT_STACK in html and FONT_STACK.endswith("system-ui, sans-serif")


def test_a_cjk_label_is_drawn_without_any_cjk_font_on_the_machine(browser, tmp_path):
    """A Chromium whose fontconfig sees one Latin font draws the label's glyphs.

    Tofu boxes are all alike; real glyphs differ. Without the page's font the
    two characters below come out as identical boxes (which shows no CJK
    font was reachable); with it they differ, and the label differs from
    its own rendering in the Latin font alone. This Chromium is started
    apart from the session's (through the same Playwright), as it needs its
    own environment.
    """
    latin = next((f for f in LATIN_FONTS if f.exists()), None)
    if latin is None:
        pytest.skip("no DejaVu or Liberation font to give the isolated Chromium")
    from PIL import Image, ImageChops

    fonts, cache = tmp_path / "fonts", tmp_path / "cache"
    fonts.mkdir()
    cache.mkdir()
    shutil.copy(latin, fonts / latin.name)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>\n"
    )
    m = cm.Map(["senkaku-islands"], basemap=False)
    m.add_ring("Uotsuri-jima", 20, "km", label="魚釣島 钓鱼岛")
    path = m.save(tmp_path / "m.html")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    isolated = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS, env=env
    )
    try:
        page = isolated.new_page()
        page.goto(path.as_uri())
        page.evaluate("() => document.fonts.ready")

        def shot(selector, family=None, text=None):
            page.evaluate(
                """([sel, family, text]) => {
                    const e = document.querySelector(sel);
                    if (text !== null) { e.textContent = text; }
                    e.style.fontFamily = family || ''; }""",
                [selector, family, text],
            )
            page.evaluate("() => document.fonts.ready")
            png = page.locator(selector).screenshot()
            return Image.open(io.BytesIO(png)).convert("L")

        def differ(a, b):
            return a.size != b.size or ImageChops.difference(a, b).getbbox()

        label = ".cm-label span"
        assert page.inner_text(label) == "魚釣島 钓鱼岛"
        drawn = shot(label)
        boxes = shot(label, "sans-serif")
        assert differ(drawn, boxes)
        # Isolated: with Latin fonts only, two characters are one box.
        assert not differ(
            shot(label, "sans-serif", "魚"), shot(label, "sans-serif", "島")
        )
        # With the page's fonts, they are two glyphs.
        assert differ(shot(label, None, "魚"), shot(label, None, "島"))
        assert page.evaluate(
            f"() => document.fonts.check('16px \"{FONT_FAMILY}\"', '魚')"
        )
    finally:
        isolated.close()
