"""Static exports of a map page: PNG, PDF and SVG, rendered in headless Chromium.

The page is the map's own HTML. Before the picture is taken the class
``cm-static`` is set on ``<body>`` and the map container (and
``cm-no-controls`` on ``<body>`` unless controls were asked for), so that
the page's CSS hides the interactive controls (zoom buttons, layer switcher,
the date slider's handle) and shapes the legend for print; the title,
legend, scale bar and source line stay.

* PNG: a screenshot at ``scale`` device pixels per CSS pixel.
* PDF: Chromium's print to PDF, one page the size of the map. Leaflet draws
  the layers and the basemap with its SVG renderer, so every shape is a
  vector path and text is text.
* SVG: the page as drawn, serialised in the page itself: Leaflet's SVG panes
  are copied as they are (one nested ``<svg>`` each, every shape a
  ``<path>``), and the HTML on top (title, legend, labels, scale bar, source
  line) becomes SVG rectangles, lines and ``<text>`` at the positions
  Chromium laid them out, in the page's fonts (the embedded CJK subset is
  carried along as an ``@font-face``). No tool beyond Chromium is needed.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TypeVar

from claimsmap.errors import ClaimsmapError
from claimsmap.io import atomic_path, check_output

__all__ = ["FORMATS", "STATIC_CLASS", "Format", "find_chromium", "render"]

#: The class set on ``<body>`` while a static export is drawn.
STATIC_CLASS = "cm-static"
#: Set beside it unless controls were asked for: the controls are hidden.
NO_CONTROLS_CLASS = "cm-no-controls"

_T = TypeVar("_T")
Format = Literal["png", "pdf", "svg"]
FORMATS: tuple[Format, ...] = ("png", "pdf", "svg")

# The page has done what it defers past the load event: the layer control is
# grouped, the date slider shows its month, the map has ended its move to the
# bounds, and the fonts have loaded.
_READY = """async () => {
  const ready = () => {
    const k = Object.keys(window).find(k => k.startsWith('map_')
                                      && window.L && window[k] instanceof L.Map);
    if (!k) { return false; }
    const map = window[k];
    const box = document.querySelector('.leaflet-control-layers-overlays');
    const grouped = !box || !box.querySelector('label')
                    || box.querySelector('.cm-group');
    const out = document.querySelector('.cm-slider output');
    const moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
    return grouped && (!out || out.textContent !== '') && !moving;
  };
  const frame = () => new Promise(
    r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let i = 0; i < 600 && !ready(); i++) { await frame(); }
  await document.fonts.ready;
  await frame();
  return ready();
}"""

_STATIC = """async ([staticClass, noControls]) => {
  document.body.classList.add(staticClass);
  // The map container too: the legend lays itself out in columns when its
  // container is static, and watches the container's classes.
  document.querySelectorAll(".leaflet-container").forEach(
    c => c.classList.add(staticClass));
  if (noControls) { document.body.classList.add(noControls); }
  const title = document.querySelector(".cm-title");
  if (title && !document.title) { document.title = title.textContent; }
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""

# The page as SVG: Leaflet's SVG renderers copied, HTML boxes and text laid
# out as Chromium drew them. Each piece is keyed by the stacking contexts it is
# in (z-index, then document order, at each level) and painted in key order,
# as a browser stacks positioned boxes; a box that hides its overflow clips
# what is inside it.
_TO_SVG = r"""(fontCss) => {
  const W = window.innerWidth, H = window.innerHeight;
  const items = [], clips = [];
  let order = 0, key = [], wrap = ["", ""];
  const out = {push: s => items.push({key: key.concat([[0, order++]]),
                                      s: wrap[0] + s + wrap[1]})};
  const esc = s => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const n = v => String(Math.round(v * 100) / 100);
  const ctx = document.createElement("canvas").getContext("2d");
  const range = document.createRange();
  function colour(c) {
    const m = /rgba?\(([^)]*)\)/.exec(c || "");
    if (!m) { return null; }
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    const a = p.length > 3 ? p[3] : 1;
    return a > 0 ? ["rgb(" + p.slice(0, 3).join(",") + ")", a] : null;
  }
  function paint(c, alpha, what) {
    return what + '="' + c[0] + '"' +
      (c[1] * alpha < 1 ? " " + what + '-opacity="' + n(c[1] * alpha) + '"' : "");
  }
  function radius(s, r) {
    const v = s.borderTopLeftRadius;
    const x = parseFloat(v) || 0;
    return v.endsWith("%") ? x / 100 * Math.min(r.width, r.height) : x;
  }
  const DASH = {dashed: 3, dotted: 1};
  function box(s, r, alpha) {
    const bg = colour(s.backgroundColor), rx = radius(s, r);
    const sides = ["Top", "Right", "Bottom", "Left"].map(side => ({
      side, w: parseFloat(s["border" + side + "Width"]) || 0,
      style: s["border" + side + "Style"], c: colour(s["border" + side + "Color"])}))
      .filter(b => b.w > 0 && b.c && b.style !== "none" && b.style !== "hidden");
    const same = sides.length === 4 && sides.every(b => b.w === sides[0].w
      && b.c[0] === sides[0].c[0] && b.style === sides[0].style);
    if (bg || (same && rx > 0)) {
      let attrs = bg ? paint(bg, alpha, "fill") : 'fill="none"';
      if (same && rx > 0) {
        const b = sides[0];
        attrs += " " + paint(b.c, alpha, "stroke") + ' stroke-width="' + n(b.w) + '"';
      }
      const inset = same && rx > 0 ? sides[0].w / 2 : 0;
      out.push('<rect x="' + n(r.left + inset) + '" y="' + n(r.top + inset) +
        '" width="' + n(r.width - 2 * inset) + '" height="' + n(r.height - 2 * inset) +
        '"' + (rx > 0 ? ' rx="' + n(rx) + '"' : "") + " " + attrs + "/>");
      if (same && rx > 0) { return; }
    }
    for (const b of sides) {
      const h = b.w / 2;
      const [x1, y1, x2, y2] = {
        Top: [r.left, r.top + h, r.right, r.top + h],
        Bottom: [r.left, r.bottom - h, r.right, r.bottom - h],
        Left: [r.left + h, r.top, r.left + h, r.bottom],
        Right: [r.right - h, r.top, r.right - h, r.bottom]}[b.side];
      const dash = DASH[b.style] ? ' stroke-dasharray="' + n(DASH[b.style] * b.w) +
        " " + n(DASH[b.style] * b.w) + '"' : "";
      out.push('<line x1="' + n(x1) + '" y1="' + n(y1) + '" x2="' + n(x2) +
        '" y2="' + n(y2) + '" ' + paint(b.c, alpha, "stroke") +
        ' stroke-width="' + n(b.w) + '"' + dash + "/>");
    }
  }
  function text(node, s, alpha) {
    const raw = node.textContent;
    const fill = colour(s.color);
    if (!raw.trim() || !fill) { return; }
    const lines = [];
    let line = null;
    for (let i = 0; i < raw.length;) {
      const size = raw.codePointAt(i) > 0xffff ? 2 : 1;
      range.setStart(node, i);
      range.setEnd(node, i + size);
      const rects = range.getClientRects();
      if (rects.length) {
        const r = rects[rects.length - 1];
        // A new line, or a new column (the text goes back to the left).
        const fresh = !line || Math.abs(r.top - line.top) > r.height / 2
          || r.left < line.right - 1;
        if (fresh && /\s/.test(raw[i])) { line = null; i += size; continue; }
        if (fresh) {
          line = {top: r.top, bottom: r.bottom, left: r.left, right: r.right, text: ""};
          lines.push(line);
        }
        line.text += raw.slice(i, i + size);
        line.right = r.right;
      }
      i += size;
    }
    ctx.font = [s.fontStyle, s.fontWeight, s.fontSize, s.fontFamily].join(" ");
    const shadow = s.textShadow && s.textShadow !== "none"
      ? colour(s.textShadow) : null;
    const cased = {
      uppercase: t => t.toUpperCase(),
      lowercase: t => t.toLowerCase(),
      capitalize: t => t.replace(/(^|\s)(\S)/g, (m, a, b) => a + b.toUpperCase()),
    }[s.textTransform] || (t => t);
    const spacing = s.letterSpacing !== "normal"
      ? ' letter-spacing="' + esc(s.letterSpacing) + '"' : "";
    for (const l of lines) {
      const t = cased(l.text.replace(/\s+/g, " ").replace(/ $/, ""));
      const m = ctx.measureText(t);
      const asc = m.fontBoundingBoxAscent, desc = m.fontBoundingBoxDescent;
      const y = l.top + (l.bottom - l.top - asc - desc) / 2 + asc;
      const head = '<text x="' + n(l.left) + '" y="' + n(y) + '" font-family="' +
        esc(s.fontFamily) + '" font-size="' + esc(s.fontSize) + '" font-weight="' +
        esc(s.fontWeight) + '"' + (s.fontStyle !== "normal" ? ' font-style="' +
        esc(s.fontStyle) + '"' : "") + spacing + ' xml:space="preserve" ';
      // A halo (text-shadow) is its own stroked text under the text: SVG 1.1
      // readers ignore paint-order.
      if (shadow) {
        out.push(head + 'fill="none" ' + paint(shadow, alpha, "stroke") +
          ' stroke-width="3" stroke-linejoin="round">' + esc(t) + "</text>");
      }
      out.push(head + paint(fill, alpha, "fill") + ">" + esc(t) + "</text>");
    }
  }
  function svg(el, alpha) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) { return; }
    const copy = el.cloneNode(true);
    copy.removeAttribute("style");
    copy.setAttribute("x", n(r.left));
    copy.setAttribute("y", n(r.top));
    copy.setAttribute("width", n(r.width));
    copy.setAttribute("height", n(r.height));
    if (alpha < 1) { copy.setAttribute("opacity", n(alpha)); }
    out.push(new XMLSerializer().serializeToString(copy));
  }
  function image(el, alpha) {
    const r = el.getBoundingClientRect();
    if (!el.currentSrc || r.width <= 0 || r.height <= 0) { return; }
    out.push('<image xlink:href="' + esc(el.currentSrc) + '" x="' + n(r.left) +
      '" y="' + n(r.top) + '" width="' + n(r.width) + '" height="' + n(r.height) + '"' +
      (alpha < 1 ? ' opacity="' + n(alpha) + '"' : "") +
      ' preserveAspectRatio="none"/>');
  }
  function walk(el, alpha) {
    const s = getComputedStyle(el);
    if (s.display === "none") { return; }
    const a = alpha * parseFloat(s.opacity);
    if (a <= 0) { return; }
    const saved = [key, wrap];
    const z = parseInt(s.zIndex, 10);
    if (!isNaN(z) && s.position !== "static") { key = key.concat([[z, order++]]); }
    if (el.namespaceURI === "http://www.w3.org/2000/svg") { svg(el, a); }
    else if (el.tagName === "IMG") { if (s.visibility !== "hidden") { image(el, a); } }
    else {
      const visible = s.visibility !== "hidden", r = el.getBoundingClientRect();
      if (visible) { box(s, r, a); }
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const id = "clip" + clips.length;
        clips.push('<clipPath id="' + id + '"><rect x="' + n(r.left) + '" y="' +
          n(r.top) + '" width="' + n(r.width) + '" height="' + n(r.height) +
          '"/></clipPath>');
        wrap = [wrap[0] + '<g clip-path="url(#' + id + ')">', "</g>" + wrap[1]];
      }
      for (const c of el.childNodes) {
        if (c.nodeType === 3 && visible) { text(c, s, a); }
        else if (c.nodeType === 1 && !["SCRIPT", "STYLE"].includes(c.tagName)) {
          walk(c, a);
        }
      }
    }
    [key, wrap] = saved;
  }
  function before(p, q) {
    for (let i = 0; i < Math.min(p.length, q.length); i++) {
      if (p[i][0] !== q[i][0]) { return p[i][0] - q[i][0]; }
      if (p[i][1] !== q[i][1]) { return p[i][1] - q[i][1]; }
    }
    return p.length - q.length;
  }
  walk(document.body, 1);
  items.sort((p, q) => before(p.key, q.key));
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<svg xmlns="http://www.w3.org/2000/svg" ' +
    'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ' +
    'width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + " " + H + '">\n' +
    (fontCss ? "<style>" + esc(fontCss) + "</style>\n" : "") +
    (clips.length ? "<defs>" + clips.join("") + "</defs>\n" : "") +
    '<rect width="100%" height="100%" fill="#fff"/>\n' +
    items.map(i => i.s).join("\n") + "\n</svg>\n";
}"""


def find_chromium(chromium: str | None = None) -> str:
    """The Chromium executable: ``chromium``, ``$CLAIMSMAP_CHROMIUM``, then the PATH.

    Raises
    ------
    ClaimsmapError
        When none is found, with how to install one.
    """
    given = (
        ("chromium", chromium)
        if chromium
        else ("CLAIMSMAP_CHROMIUM", os.environ.get("CLAIMSMAP_CHROMIUM"))
    )
    exe = given[1] or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise ClaimsmapError(
            "exporting a map needs Chromium: apt-get install chromium, or set "
            "CLAIMSMAP_CHROMIUM to its path"
        )
    if shutil.which(exe) is None:
        raise ClaimsmapError(
            f"{given[0]}={exe!r} is not an executable file; give the path of a "
            "Chromium, or leave it out to use the one on the PATH"
        )
    return exe


def render(
    html: str,
    targets: Mapping[Format, str | os.PathLike[str]],
    *,
    width: int = 1400,
    height: int = 1000,
    scale: float = 1.0,
    controls: bool = False,
    chromium: str | None = None,
    browser: Any = None,
    font_css: str = "",
) -> dict[Format, Path]:
    """Render one map page in headless Chromium to each of ``targets``, atomically.

    Parameters
    ----------
    html : str
        The map's HTML document.
    targets : mapping of {"png", "pdf", "svg"} to path
        What to write where.
    width, height : int
        The page size in CSS pixels.
    scale : float
        Device pixels per CSS pixel of the PNG (2 gives twice the pixels
        each way); PDF and SVG are vectors and do not depend on it.
    controls : bool
        Keep the interactive controls (zoom, layer switcher, date slider).
    chromium : str, optional
        The Chromium executable (see :func:`find_chromium`).
    browser : playwright.sync_api.Browser, optional
        A Chromium already open to draw in (``chromium`` is then not used).
    font_css : str
        ``@font-face`` rules carried into the SVG.

    Returns
    -------
    dict
        Each format and the path written.

    Raises
    ------
    ClaimsmapError
        For an unknown format or a bad size or scale, when Playwright or
        Chromium is missing or Chromium cannot start.
    OutputError
        When a target cannot be written (checked before anything is drawn).
    """
    for fmt in targets:
        if fmt not in FORMATS:
            raise ClaimsmapError(
                f"format {fmt!r} is not one of {', '.join(FORMATS)}; "
                "name the file's format by one of those"
            )
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or not 100 <= value <= 10_000:
            raise ClaimsmapError(
                f"{name}={value!r}: give a whole number of CSS pixels, 100 to 10000"
            )
    if not 0 < scale <= 8:
        raise ClaimsmapError(f"scale={scale!r}: give a number above 0, up to 8")
    for path in targets.values():
        check_output(path)
    draw = functools.partial(
        _draw,
        targets=targets,
        width=width,
        height=height,
        scale=scale,
        controls=controls,
        font_css=font_css,
    )
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(html, encoding="utf-8")
        if browser is not None:
            drawn = draw(browser, page_path)
        else:
            drawn = _off_the_event_loop(
                lambda: _in_new_chromium(chromium, lambda b: draw(b, page_path))
            )
    written: dict[Format, Path] = {}
    for fmt, data in drawn.items():
        with atomic_path(targets[fmt]) as out:
            out.write_bytes(data)
        written[fmt] = Path(targets[fmt])
    return written


def _off_the_event_loop(work: Callable[[], _T]) -> _T:
    """Do ``work`` here, or in a worker thread if this thread runs an event loop.

    Playwright's synchronous API refuses to run inside an asyncio loop, and
    Jupyter runs one: there the export is drawn from another thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _in_new_chromium(chromium: str | None, work: Callable[[Any], _T]) -> _T:
    """Start a headless Chromium, do ``work`` with it, close it."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise ClaimsmapError(
            "exporting a map needs Playwright: pip install playwright "
            "(and a Chromium: apt-get install chromium)"
        ) from err
    exe = find_chromium(chromium)
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=exe, args=["--no-sandbox", "--disable-gpu"]
            )
        except PlaywrightError as err:
            first = (str(err).strip().splitlines() or [""])[0]
            raise ClaimsmapError(
                f"could not start Chromium at {exe!r} ({first}); check that it "
                "runs (chromium --version), or set CLAIMSMAP_CHROMIUM"
            ) from err
        try:
            return work(browser)
        finally:
            browser.close()


def _draw(
    browser: Any,
    page_path: Path,
    *,
    targets: Mapping[Format, Any],
    width: int,
    height: int,
    scale: float,
    controls: bool,
    font_css: str,
) -> dict[Format, bytes]:
    page = browser.new_page(
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    try:
        page.goto(page_path.as_uri())
        page.evaluate(_READY)
        page.evaluate(_STATIC, [STATIC_CLASS, None if controls else NO_CONTROLS_CLASS])
        drawn: dict[Format, bytes] = {}
        if "png" in targets:
            drawn["png"] = page.screenshot(type="png")
        if "svg" in targets:
            drawn["svg"] = page.evaluate(_TO_SVG, font_css).encode("utf-8")
        if "pdf" in targets:
            page.emulate_media(media="screen")
            drawn["pdf"] = page.pdf(
                width=f"{width}px",
                height=f"{height}px",
                print_background=True,
                margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                page_ranges="1",
            )
        return drawn
    finally:
        page.close()
