"""Maps in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

import claimsmap as cm

from .test_maps import XSS, hostile_layer

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `python3 tasks.py test` installs it")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Page:
    def __init__(self, browser, path):
        self.page = browser.new_page(viewport={"width": 1200, "height": 850})
        self.errors, self.failed, self.dialogs = [], [], []
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_function(
            "() => Object.keys(window).some(k => k.startsWith('map_'))"
        )
        self.page.wait_for_timeout(300)

    def click_feature(self, lon, lat):
        x, y = self.page.evaluate(
            """([lon, lat]) => {
                const k = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
                const p = window[k].latLngToContainerPoint([lat, lon]);
                const r = window[k].getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }""",
            [lon, lat],
        )
        self.page.mouse.click(x, y)
        self.page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        return self.page.inner_text(".leaflet-popup-content")


def test_senkaku_preset_renders_with_layers_legend_and_popups(browser, tmp_path):
    path = cm.Map.preset("senkaku").save(tmp_path / "senkaku.html")
    view = Page(browser, path)
    page = view.page
    assert view.errors == [] and view.failed == []
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert len(labels) == 7 and any("ADIZ" in t for t in labels)
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
    view.page.wait_for_timeout(300)
    assert view.dialogs == [] and view.errors == [] and view.failed == []
    view.page.close()
