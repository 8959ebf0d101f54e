"""The :class:`Map`: layered, offline, single-file Leaflet maps of the atlas."""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry

from claimsmap.catalog import BASEMAP, as_of, catalog, load, present, resolve_layer
from claimsmap.catalog import worldview as apply_worldview
from claimsmap.credits import CREDIT
from claimsmap.errors import ClaimsmapError
from claimsmap.geodesy import Unit, range_ring
from claimsmap.io import records, write_text_atomic
from claimsmap.maps._assets import asset
from claimsmap.maps._export import NO_CONTROLS_CLASS, STATIC_CLASS, Format, render
from claimsmap.maps._fonts import FONT_STACK, font_face_css
from claimsmap.maps._html import escape, popup_html, script_json
from claimsmap.maps.labels import (
    LABEL_CSS,
    Label,
    LabelLayer,
    check_lang,
    preset_labels,
)
from claimsmap.maps.presets import LEGEND, LEGEND_VALUES
from claimsmap.maps.presets import preset as preset_spec
from claimsmap.maps.styles import LAND, RING, WATER, style_for
from claimsmap.places import name_of, resolve

__all__ = ["Map"]

_CSS = f"""
.leaflet-container {{ background: {WATER}; font: 13px/1.4 {FONT_STACK}; }}
.cm-title {{ position: absolute; z-index: 1000; top: 10px; left: 56px;
  max-width: calc(100% - 420px); background: rgba(255,255,255,.92); padding: 4px 12px;
  border-radius: 4px; font: 600 15px/1.3 {FONT_STACK};
  box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.leaflet-control-layers {{ font-size: 12px; max-width: 340px; }}
.leaflet-control-layers label {{ margin: 1px 0; }}
.cm-legend {{ font-size: 12px; background: rgba(255,255,255,.94); padding: 6px 10px;
  border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 280px;
  max-height: 45vh; overflow-y: auto; column-gap: 14px; }}
.cm-legend .cm-theme {{ break-inside: avoid; }}
.cm-static .cm-legend {{ max-height: none; overflow: visible; }}
.cm-slider {{ background: rgba(255,255,255,.94); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; }}
.cm-slider input {{ width: 260px; display: block; }}
.cm-group {{ font-weight: bold; margin: 6px 0 2px; color: #333; }}
.cm-group:first-child {{ margin-top: 0; }}
.cm-legend h4 {{ margin: 0 0 4px; font-size: 13px; }}
.cm-legend .cm-entry {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.cm-legend .cm-swatch {{ flex: 0 0 22px; height: 12px; }}
.cm-popup h4 {{ margin: 0 0 2px; }}
.cm-popup .cm-layer {{ color: #555; font-size: 11px; margin-bottom: 4px; }}
.cm-popup table {{ border-collapse: collapse; font-size: 12px; }}
.cm-popup th {{ text-align: left; vertical-align: top; padding: 1px 6px 1px 0;
  color: #444; font-weight: 600; white-space: nowrap; }}
.cm-popup td {{ padding: 1px 0; }}
.cm-label {{ background: none; border: none; }}
.cm-label span {{ color: {RING["color"]}; font-weight: 600; font-size: 11px;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }}
/* A clicked shape takes the focus (Chromium, Firefox): no box is drawn round
   it; focus reached from the keyboard stays visible. */
.leaflet-interactive:focus {{ outline: none; }}
.leaflet-interactive:focus-visible {{ outline: 2px solid #1a73e8; }}
.{STATIC_CLASS} .leaflet-popup-pane, .{STATIC_CLASS} .leaflet-tooltip-pane,
.{NO_CONTROLS_CLASS} .leaflet-control-zoom,
.{NO_CONTROLS_CLASS} .leaflet-control-layers,
.{NO_CONTROLS_CLASS} .cm-slider input {{ display: none; }}
.{NO_CONTROLS_CLASS} .cm-title {{ left: 10px; max-width: calc(100% - 360px); }}
{LABEL_CSS}"""


# The rules labels are placed by (a box meets another; a box lies inside the
# map; the boxes of the controls), shared by the place names (labels.py) and
# the range rings' labels. A range ring's label stands at the first of its
# spots (the ring's top, then round the ring) where it covers no point
# feature, control or other ring's label and lies inside the map, or where it
# covers least (points and labels before controls, which a picture leaves
# out); the place names then keep clear of it.
_RING_LABELS_JS = """
window.cmMeets = function (a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
};
window.cmInside = function (r, frame) {
  return r.left >= frame.left && r.right <= frame.right &&
    r.top >= frame.top && r.bottom <= frame.bottom;
};
window.cmControls = [".cm-title", ".cm-legend", ".leaflet-control-layers",
  ".leaflet-control-zoom", ".cm-slider", ".leaflet-control-scale",
  ".leaflet-control-attribution"];
window.cmBoxes = function (selectors, each) {
  var out = [];
  selectors.forEach(function (sel) {
    document.querySelectorAll(sel).forEach(function (el) {
      if (each) { each(el); }
      var r = el.getBoundingClientRect();
      if (r.width && r.height && getComputedStyle(el).visibility !== "hidden") {
        out.push(r);
      }
    });
  });
  return out;
};
// A pass in the next frame, however many changes ask for one; none while the
// map zooms (boxes measured mid-zoom are neither where they were nor where
// they will be: the pass waits for the zoom's end).
window.cmScheduler = function (map, pass) {
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      if (map._animatingZoom) { schedule(); return; }
      pass();
    });
  }
  return schedule;
};
window.cmRingLabels = [];
window.cmRingLabel = function (marker, spots) {
  window.cmRingLabels.push({marker: marker, spots: spots || []});
  marker.once("add", function () {
    var map = marker._map;
    if (map._cmRings) { return; }
    map._cmRings = true;
    // The place names' pass places the rings' labels first, then keeps
    // clear of them; without names, the rings' labels alone.
    var schedule = window.cmScheduler(map, function () {
      (window.cmDeclutter || window.cmPlaceRings)();
    });
    // Features drawn later (the date slider fills its layers) are markers to
    // keep clear of too.
    map.on("zoomend moveend resize overlayadd overlayremove layeradd layerremove",
           schedule);
    window.addEventListener("load", schedule);
    schedule();
  });
};
window.cmOverlap = function (a, b) {
  return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
    Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
};
window.cmPlaceRings = function () {
  // What a ring's label must not cover: the point features and the other
  // rings' labels, then the controls (which a picture leaves out).
  var controls = window.cmBoxes(window.cmControls), marks = [];
  document.querySelectorAll("path.leaflet-interactive").forEach(function (p) {
    var r = p.getBoundingClientRect();  // a point feature's circle, not a shape
    if (r.width > 0 && r.width <= 30 && r.height <= 30) { marks.push(r); }
  });
  function covered(r, boxes) {
    return boxes.reduce(function (sum, t) { return sum + window.cmOverlap(r, t); }, 0);
  }
  window.cmRingLabels.forEach(function (ring) {
    var m = ring.marker, map = m._map;
    if (!map || !ring.spots.length) { return; }
    var frame = map.getContainer().getBoundingClientRect();
    function box() { return m.getElement().firstChild.getBoundingClientRect(); }
    // The first spot inside the map that covers nothing; failing that, the
    // one that covers least: outside the map last, then by the area of points
    // and labels covered, then of controls (first of equals).
    var best = 0, least = null;
    ring.spots.some(function (spot, i) {
      m.setLatLng(spot);
      var r = box();
      var cost = [window.cmInside(r, frame) ? 0 : 1, covered(r, marks),
                  covered(r, controls)];
      var better = least === null || cost[0] < least[0] ||
        (cost[0] === least[0] && (cost[1] < least[1] ||
          (cost[1] === least[1] && cost[2] < least[2])));
      if (better) { best = i; least = cost; }
      return cost[0] + cost[1] + cost[2] === 0;
    });
    m.setLatLng(ring.spots[best]);
    marks.push(box());
  });
};
"""


class _OfflineMap(folium.Map):
    """A folium map that loads nothing from the network: Leaflet is inlined."""

    default_js: list = []  # noqa: RUF012 - folium reads these class attributes
    default_css: list = []  # noqa: RUF012


class _Inline(Element):
    """Inline ``<style>``/``<script>`` for the page header."""

    def __init__(self, tag: str, text: str) -> None:
        super().__init__(f"<{tag}>{text}</{tag}>")


class _GeoJsonLayer(MacroElement):
    """A GeoJSON layer whose popups, tooltips and labels were escaped in Python."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_data = {{ this.data }};
var {{ this.get_name() }} = L.geoJSON(null, {
  style: function (f) {
    return Object.assign({}, {{ this.style }}, (f && f.properties._style) || {});
  },
  interactive: {{ this.interactive }},
  pointToLayer: function (f, latlng) {
    if (f.properties._label) {
      var label = L.marker(latlng, {interactive: false, icon: L.divIcon({
        className: "cm-label", html: "<span>" + f.properties._label + "</span>",
        iconSize: null, iconAnchor: [-4, 8]})});
      if (window.cmRingLabel) { window.cmRingLabel(label, f.properties._spots); }
      return label;
    }
    return L.circleMarker(latlng,
      Object.assign({}, {{ this.style }}, f.properties._style || {}));
  },
  onEachFeature: function (f, layer) {
    if (f.properties._popup) { layer.bindPopup(f.properties._popup, {
        maxWidth: 380, maxHeight: 420, autoPanPaddingTopLeft: [60, 60]
      }); }
    if (f.properties._tooltip) {
      layer.bindTooltip(f.properties._tooltip, {sticky: true});
    }
  }
}).addTo({{ this._parent.get_name() }});
{% if this.timed %}
window.cmTimed = window.cmTimed || [];
window.cmTimed.push({layer: {{ this.get_name() }}, data: {{ this.get_name() }}_data});
{% else %}
{{ this.get_name() }}.addData({{ this.get_name() }}_data);
{% endif %}
{% endmacro %}
"""
    )

    def __init__(
        self,
        features: list[dict[str, Any]],
        style: Mapping[str, Any],
        *,
        interactive: bool = True,
        timed: bool = False,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonLayer"
        self.data = script_json({"type": "FeatureCollection", "features": features})
        self.style = script_json(dict(style))
        self.interactive = "true" if interactive else "false"
        self.timed = timed


class _Legend(MacroElement):
    """The legend: what a reader sees, grouped by theme; it follows the layers on.

    In the browser it scrolls when taller than the map. On a static page (the
    map container has the class ``cm-static``) it is shown whole, in as many
    columns as it needs to fit the map's height.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var entries = {{ this.entries }};
  var legend = L.control({position: "bottomright"}), div;
  legend.onAdd = function () {
    div = L.DomUtil.create("div", "cm-legend");
    var html = "<h4>Legend</h4>", theme = null;
    entries.forEach(function (e) {
      if (e.theme !== theme) {
        html += (theme === null ? "" : "</div>") + '<div class="cm-theme">' +
          '<div class="cm-group">' + e.theme + "</div>";
        theme = e.theme;
      }
      html += '<div class="cm-entry" data-layer="' + e.layer + '">' +
        '<span class="cm-swatch" style="' + e.swatch + '"></span>' +
        "<span>" + e.label + "</span></div>";
    });
    div.innerHTML = html + (theme === null ? "" : "</div>");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  function layout() {
    var box = map.getContainer();
    div.style.columnCount = "";
    div.style.maxWidth = "";
    if (!box.classList.contains("cm-static")) { return; }
    var room = box.clientHeight - 20;
    for (var n = 2; n <= 6 && div.offsetHeight > room; n++) {
      div.style.columnCount = n;
      div.style.maxWidth = Math.min(n * 290, box.clientWidth - 20) + "px";
    }
  }
  function sync() {
    entries.forEach(function (e) {
      var group = window[e.layer];
      var rows = div.querySelectorAll('[data-layer="' + e.layer + '"]');
      rows.forEach(function (row) {
        if (group) { row.style.display = map.hasLayer(group) ? "" : "none"; }
      });
    });
    div.querySelectorAll(".cm-theme").forEach(function (t) {
      var shown = Array.prototype.some.call(t.querySelectorAll(".cm-entry"),
        function (row) { return row.style.display !== "none"; });
      t.style.display = shown ? "" : "none";
    });
    layout();
  }
  map.on("overlayadd overlayremove resize", sync);
  new MutationObserver(sync).observe(map.getContainer(),
    {attributes: true, attributeFilter: ["class"]});
  sync();
})();
{% endmacro %}
"""
    )

    def __init__(self, entries: list[dict[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        # Grouped by theme, in the order the themes first come.
        order: dict[str, int] = {}
        for entry in entries:
            order.setdefault(entry["theme"], len(order))
        grouped = sorted(entries, key=lambda e: order[e["theme"]])
        self.entries = script_json(grouped)


class _Static(MacroElement):
    """Marks the map container ``cm-static``: a page for a picture."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.getContainer().classList.add("cm-static");
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Static"


class _TimeSlider(MacroElement):
    """A date slider: the dated layers show the features in force on the day."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var months = {{ this.months }}, start = {{ this.start }};
  function day(i) {
    var y = Math.floor(i / 12), m = i % 12 + 1;
    return y + "-" + (m < 10 ? "0" : "") + m + "-01";
  }
  function show(d) {
    var y = +d.slice(0, 4), m = +d.slice(5, 7) + 1;
    if (m > 12) { m = 1; y += 1; }
    var next = y + "-" + (m < 10 ? "0" : "") + m + "-01";
    (window.cmTimed || []).forEach(function (t) {
      t.layer.clearLayers();
      t.layer.addData({type: "FeatureCollection", features: t.data.features.filter(
        function (f) {
          var p = f.properties;
          // In force at some time in the month that starts on d.
          return (!p._since || p._since < next) && (!p._until || p._until > d);
        })});
    });
  }
  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-slider");
    div.innerHTML = '<label>On <output></output></label>' +
      '<input type="range" min="' + months[0] + '" max="' + months[1] +
      '" step="1" value="' + start + '">';
    var input = div.querySelector("input"), out = div.querySelector("output");
    function update() {
      var d = day(+input.value);
      out.textContent = d.slice(0, 7);
      show(d);
    }
    input.addEventListener("input", update);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    setTimeout(update, 0);
    return div;
  };
  control.addTo(map);
  window.cmSetDay = function (d) {
    var input = document.querySelector(".cm-slider input");
    var i = (+d.slice(0, 4)) * 12 + (+d.slice(5, 7) || 1) - 1;
    input.value = i; input.dispatchEvent(new Event("input"));
  };
})();
{% endmacro %}
"""
    )

    def __init__(self, first: str, last: str, start: str) -> None:
        super().__init__()
        self._name = "TimeSlider"

        def index(d: str) -> int:
            return int(d[:4]) * 12 + (int(d[5:7]) if len(d) >= 7 else 1) - 1

        self.months = script_json([index(first), index(last)])
        self.start = script_json(index(start))


class _OpeningView(MacroElement):
    """The opening view, fitted to the bounds at once.

    Leaflet animates a fitted zoom by default: the page's labels would be
    placed, and a picture taken, in the middle of the animation.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.fitBounds({{ this.bounds }}, {animate: false});
{% endmacro %}
"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "OpeningView"
        self.bounds = script_json(bounds)


class _LayerGroups(MacroElement):
    """Headings in the layer control: the layers grouped by theme."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var themes = {{ this.themes }};
  function group() {
    var box = document.querySelector(".leaflet-control-layers-overlays");
    if (!box) { return; }
    var labels = Array.prototype.slice.call(box.querySelectorAll("label"));
    var order = [], byTheme = {};
    labels.forEach(function (label) {
      var theme = themes[label.textContent.trim()] || "Other";
      if (!byTheme[theme]) { byTheme[theme] = []; order.push(theme); }
      byTheme[theme].push(label);
    });
    order.forEach(function (theme) {
      var head = document.createElement("div");
      head.className = "cm-group";
      head.textContent = theme;
      box.appendChild(head);
      byTheme[theme].forEach(function (label) { box.appendChild(label); });
    });
  }
  setTimeout(group, 0);
})();
{% endmacro %}
"""
    )

    def __init__(self, themes: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "LayerGroups"
        self.themes = script_json(dict(themes))


_THEMES = {
    "south-china-sea": "South China Sea",
    "east-china-sea": "East China Sea",
    "senkaku": "Senkaku / Diaoyu Islands",
    "taiwan-strait": "Taiwan Strait",
    "bases": "Bases and headquarters",
    "seed": "Control and claims (derived)",
    "land": "Land claims",
    "basemap": "Land",
}


class _Scale(MacroElement):
    """A scale bar in kilometres and nautical miles (1852 m)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var Scale = L.Control.Scale.extend({
    _addScales: function (options, className, container) {
      L.Control.Scale.prototype._addScales.call(this, options, className, container);
      this._nmiScale = L.DomUtil.create("div", className, container);
    },
    _update: function () {
      L.Control.Scale.prototype._update.call(this);
      var map = this._map, y = map.getSize().y / 2;
      var metres = map.distance(map.containerPointToLatLng([0, y]),
                                map.containerPointToLatLng([this.options.maxWidth, y]));
      var max = metres / 1852, nmi = this._getRoundNum(max);
      this._updateScale(this._nmiScale, nmi + " nmi", nmi / max);
    }
  });
  new Scale({metric: true, imperial: false, maxWidth: 120})
    .addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Scale"


class _Attribution(MacroElement):
    """Credits for the data and the basemap, in Leaflet's attribution control."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});
{% endmacro %}
"""
    )

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = script_json(html_text)


def _swatch(style: Mapping[str, Any], point: bool) -> str:
    color = style.get("color", "#444")
    fill = style.get("fillColor", color)
    if point:
        return (
            f"background:{fill};border:2px solid {color};border-radius:50%;"
            "height:10px;flex-basis:10px;margin:0 6px"
        )
    if style.get("fillOpacity", 0) >= 0.2:
        return f"background:{fill};border:1px solid {color};opacity:.8"
    dash = "dashed" if style.get("dashArray") else "solid"
    return f"border-top:3px {dash} {color};height:0"


def _for_display(geom: BaseGeometry, precision_m: Any) -> BaseGeometry:
    """A geometry rounded (and, if coarse, simplified) to a quarter of its precision.

    The map shows what the data can say: a coordinate known to 30 m is drawn
    to about a metre, a line known to 5 km is simplified by about a kilometre.
    Measurements always use the data itself, never this.
    """
    try:
        precision = float(precision_m)
    except (TypeError, ValueError):
        precision = 10.0
    if not math.isfinite(precision) or precision <= 0:
        precision = 10.0
    quarter_deg = precision / 4 / 111_320
    decimals = min(6, max(4, math.ceil(-math.log10(quarter_deg))))
    if precision >= 500 and geom.geom_type not in {"Point", "MultiPoint"}:
        geom = shapely.simplify(geom, quarter_deg, preserve_topology=True)
    return shapely.set_precision(geom, 10.0**-decimals)


def _land_for_display(geoms: Any) -> Any:
    """The basemap as drawn: simplified to ~500 m and rounded to ~100 m (a backdrop)."""
    return shapely.set_precision(
        shapely.simplify(geoms, 0.005, preserve_topology=True), 0.001
    )


def _feature_dicts(
    frame: gpd.GeoDataFrame,
    title: str,
    style_by: tuple[str, Mapping[Any, Mapping[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    out = []
    for props, geom in records(frame):
        if geom is None or geom.is_empty:
            continue
        clean = {k: v for k, v in props.items() if v is not None}
        properties = {
            "id": clean.get("id"),
            "_popup": popup_html(clean, title),
            "_tooltip": escape(clean.get("name", clean.get("id", ""))),
        }
        for key in ("since", "until"):
            value = clean.get(key)
            if isinstance(value, str):
                # Padded so that text comparison orders days: 1974 -> 1974-01-01.
                properties[f"_{key}"] = (value + "-01-01"[len(value) - 4 :])[:10]
        if style_by is not None:
            column, styles = style_by
            extra = styles.get(clean.get(column), styles.get(None))
            if extra:
                properties["_style"] = dict(extra)
        out.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": mapping(_for_display(geom, clean.get("precision_m"))),
            }
        )
    return out


class Map:
    """A layered Leaflet map of the atlas that works offline as one HTML file.

    Parameters
    ----------
    layers : iterable of str or GeoDataFrame, optional
        Layer ids (see :func:`claimsmap.layers`) or GeoDataFrames in EPSG:4326
        with at least ``id`` and ``name`` columns.
    title : str, optional
        Shown at the top of the map.
    basemap : bool
        Draw the embedded Natural Earth land (the default); no tiles needed.
    tiles : str, optional
        An xyzservices provider name (``"OpenStreetMap.Mapnik"``,
        ``"CartoDB.Positron"``) drawn under the data; needs the network.
    bounds : tuple of float, optional
        ``(west, south, east, north)`` degrees to show; the data's extent if
        omitted.
    at : str or datetime.date, optional
        Show the atlas's layers as they were on this day (see
        :func:`claimsmap.as_of`); by default each place as it is now, and every
        dated event (an exercise zone) that has no present row.
    worldview : str, optional
        Draw the atlas's layers as this party claims them (see
        :func:`claimsmap.worldview`): its claims as its own, and without the
        claims it rejects; the land too, each disputed area of ``land-claims``
        inside the country the party sees holding it.
    time_slider : bool
        Add a month slider: the layers with dates (control history, exercise
        zones) then show what was in force at some time in the month chosen,
        starting at ``at`` (or today).
    lang : str
        The language of the place names (``"en"``, ``"zh"``, ``"zh-Hant"``,
        ``"ja"``, ``"ko"``, ``"vi"``, ``"tl"``/``"fil"``, ``"ms"``, ``"id"``);
        a name the atlas lacks in that language is given in English (see
        :func:`claimsmap.maps.labels.name_in`).
    static : bool
        A page for a picture, not for reading in a browser: the map container
        gets the CSS class ``cm-static`` (which an export may also set on the
        ``.leaflet-container`` itself), and the legend is then shown whole, in
        columns if it must, instead of scrolling.

    Examples
    --------
    >>> m = Map(["senkaku-islands", "prc-diaoyu-baselines-2012"], title="Senkaku")
    >>> m = m.add_ring("JGSDF Camp Ishigaki", 200, "km")
    >>> html = m.to_html()
    >>> "钓鱼岛" in html and "cdn.jsdelivr" not in html
    True
    """

    def __init__(
        self,
        layers: Iterable[str | gpd.GeoDataFrame] = (),
        *,
        title: str | None = None,
        basemap: bool = True,
        tiles: str | None = None,
        bounds: tuple[float, float, float, float] | None = None,
        at: Any = None,
        time_slider: bool = False,
        worldview: str | None = None,
        lang: str = "en",
        static: bool = False,
    ) -> None:
        self.lang = check_lang(lang)
        self.static = static
        self._labels: list[Label] = []
        self._at = at
        self._worldview = worldview
        self._time_slider = time_slider
        self._first_day: str | None = None
        self._map = _OfflineMap(
            location=(25.0, 123.0), zoom_start=6, tiles=None, control_scale=False
        )
        self._figure = Figure()
        self._map.add_to(self._figure)
        header = self._figure.header
        header.add_child(_Inline("style", asset("leaflet.css")), name="leaflet_css")
        header.add_child(_Inline("script", asset("leaflet.js")), name="leaflet_js")
        header.add_child(_Inline("style", font_face_css()), name="claimsmap_font")
        header.add_child(_Inline("style", _CSS), name="claimsmap_css")
        header.add_child(_Inline("script", _RING_LABELS_JS), name="claimsmap_rings")
        self.title = title
        self._bounds = bounds
        self._extent: list[tuple[float, float, float, float]] = []
        self._legend: list[dict[str, str]] = []
        self._themes: dict[str, str] = {}
        self._kinds_seen: dict[str, int] = {}
        self._ring_group: folium.FeatureGroup | None = None
        self._finished = False
        if tiles:
            self._add_tiles(tiles)
        if basemap:
            self._add_basemap()
        for layer in layers:
            self.add_layer(layer)

    # -- building -----------------------------------------------------------
    def _add_tiles(self, name: str) -> None:
        import xyzservices

        try:
            provider = xyzservices.providers.query_name(name)
        except ValueError as err:
            raise ClaimsmapError(
                f"tiles {name!r} is not an xyzservices provider; try "
                "'OpenStreetMap.Mapnik' or 'Esri.WorldImagery'"
            ) from err
        folium.TileLayer(
            tiles=provider.build_url(),
            attr=provider.html_attribution,
            name=provider.name,
            max_zoom=provider.get("max_zoom", 18),
        ).add_to(self._map)

    def _add_basemap(self) -> None:
        # A worldview redraws the land too: each disputed area in the country
        # the party sees holding it (its borders and the country's tooltip).
        land = load(BASEMAP, worldview=self._worldview)
        geoms = _land_for_display(land.geometry.values)
        features = [
            {
                "type": "Feature",
                "properties": {"_tooltip": escape(n)},
                "geometry": mapping(g),
            }
            for n, g in zip(land["name"], geoms, strict=True)
            if not g.is_empty
        ]
        layer = _GeoJsonLayer(features, LAND, interactive=False)
        layer.add_to(self._map)

    def add_layer(
        self,
        layer: str | gpd.GeoDataFrame,
        *,
        name: str | None = None,
        style: Mapping[str, Any] | None = None,
        show: bool = True,
        style_by: tuple[str, Mapping[Any, Mapping[str, Any]]] | None = None,
    ) -> Map:
        """Add a layer of the atlas (by id) or a GeoDataFrame of your own.

        Parameters
        ----------
        layer : str or GeoDataFrame
            A layer id, or a GeoDataFrame in EPSG:4326.
        name : str, optional
            The name in the layer control and legend; the layer's title if omitted.
        style : mapping, optional
            Leaflet path options (``color``, ``weight``, ``dashArray``,
            ``fillColor``, ``radius``...) over the default of the layer's kind.
        show : bool
            Whether the layer is switched on when the map opens.
        style_by : tuple of (str, mapping), optional
            ``(column, {value: style, ...})``: colour each feature by a column
            (``("controller", {"CHN": {"fillColor": "#d7301f"}, ...})``); the
            key ``None`` styles the rest. Each value gets its legend entry.

        Returns
        -------
        Map
            This map, for chaining.
        """
        if isinstance(layer, str):
            layer_id = resolve_layer(layer)
            frame = load(layer_id)
            if not self._time_slider:
                frame = present(frame) if self._at is None else as_of(frame, self._at)
            if self._worldview is not None:
                frame = apply_worldview(frame, self._worldview)
            entry = catalog()["layers"][layer_id]
            title, kind = name or entry["title"], entry["kind"]
            self._themes[title] = _THEMES.get(entry.get("theme", ""), "Atlas")
            reader = name or LEGEND.get(layer_id, title)
        elif isinstance(layer, gpd.GeoDataFrame):
            frame = layer
            if frame.crs is not None and frame.crs.to_epsg() != 4326:
                raise ClaimsmapError(
                    f"layer {name or 'GeoDataFrame'!r} is in {frame.crs.to_string()}; "
                    "give it in EPSG:4326: frame.to_crs(4326)"
                )
            kinds = frame["kind"].dropna().unique() if "kind" in frame else []
            kind = str(kinds[0]) if len(kinds) == 1 else "other"
            title = name or str(frame.attrs.get("title", "Layer"))
            self._themes[title] = "Your layers"
            reader = title
        else:
            raise ClaimsmapError(
                "layer must be a layer id or a GeoDataFrame, "
                f"not {type(layer).__name__}"
            )
        index = self._kinds_seen.get(kind, 0)
        self._kinds_seen[kind] = index + 1
        final_style = {**style_for(kind, index=index), **(style or {})}
        group = folium.FeatureGroup(name=escape(title), show=show)
        dated = self._time_slider and any(
            c in frame and frame[c].notna().any() for c in ("since", "until")
        )
        if dated:
            firsts = (
                [str(v) for v in frame["since"].dropna()] if "since" in frame else []
            )
            if firsts:
                first = min(firsts)[:4] + "-01"
                self._first_day = min(filter(None, [self._first_day, first]))
        _GeoJsonLayer(
            _feature_dicts(frame, title, style_by), final_style, timed=dated
        ).add_to(group)
        group.add_to(self._map)
        if len(frame):
            self._extent.append(tuple(frame.total_bounds))
        point = bool(len(frame)) and frame.geom_type.isin(["Point", "MultiPoint"]).all()
        if style_by is None:
            entries = [(reader, final_style)]
        else:
            column, styles = style_by
            present_values = set(frame[column].dropna()) if column in frame else set()
            words = LEGEND_VALUES.get(column, {})
            entries = [
                (
                    words.get(value)
                    or (str(value) if value is not None else f"{reader}: other"),
                    {**final_style, **extra},
                )
                for value, extra in styles.items()
                if value in present_values
                or (value is None and frame[column].isna().any())
            ]
        for label, entry_style in entries:
            self._legend.append(
                {
                    "layer": group.get_name(),
                    "label": escape(label),
                    "swatch": _swatch(entry_style, bool(point)),
                    "theme": escape(self._themes[title]),
                }
            )
        return self

    def add_ring(
        self,
        center: Any,
        radius: float,
        unit: Unit = "km",
        *,
        label: str | None = None,
    ) -> Map:
        """Add a geodesic range ring (a circle on the WGS84 ellipsoid).

        Parameters
        ----------
        center : str, tuple of float or shapely Point
            A feature name, ``"LON,LAT"`` text or a ``(lon, lat)`` pair (see
            :func:`claimsmap.places.resolve`).
        radius : float
            In ``unit``.
        unit : {"km", "m", "nmi"}
            The unit of ``radius``.
        label : str, optional
            The ring's label; "200 km from <name>" if omitted.

        Returns
        -------
        Map
            This map, for chaining.
        """
        ring = range_ring(resolve(center), radius, unit)
        text = label or f"{radius:g} {unit} from {name_of(center) or 'centre'}"
        coords = list(ring.exterior.coords)[:-1]
        first = max(range(len(coords)), key=lambda i: coords[i][1])
        # Where the label may stand: the ring's top, then round the ring both
        # ways in eighths (the page takes the first spot that hides nothing).
        spots = [
            coords[(first + k * len(coords) // 8) % len(coords)]
            for k in (0, 1, -1, 2, -2, 3, -3, 4)
        ]
        top = spots[0]
        features = [
            {
                "type": "Feature",
                "properties": {"_tooltip": escape(text)},
                "geometry": mapping(LineString(ring.exterior.coords)),
            },
            {
                "type": "Feature",
                "properties": {
                    "_label": escape(text),
                    "_spots": [[round(lat, 5), round(lon, 5)] for lon, lat in spots],
                },
                "geometry": {"type": "Point", "coordinates": list(top)},
            },
        ]
        group = self._ring_group
        if group is None:
            group = folium.FeatureGroup(name="Range rings")
            group.add_to(self._map)
            self._ring_group = group
            self._themes["Range rings"] = "Ranges"
            self._legend.append(
                {
                    "layer": group.get_name(),
                    "label": "Range rings (geodesic)",
                    "swatch": _swatch(RING, False),
                    "theme": "Ranges",
                }
            )
        _GeoJsonLayer(features, RING).add_to(group)
        self._extent.append(ring.bounds)
        return self

    # -- output -------------------------------------------------------------
    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._bounds is not None:
            west, south, east, north = self._bounds
        elif self._extent:
            west = min(e[0] for e in self._extent)
            south = min(e[1] for e in self._extent)
            east = max(e[2] for e in self._extent)
            north = max(e[3] for e in self._extent)
        else:
            west, south, east, north = 95.0, -12.0, 150.0, 45.0
        _OpeningView([[south, west], [north, east]]).add_to(self._map)
        if self._labels:
            LabelLayer(self._labels).add_to(self._map)
        if self.static:
            _Static().add_to(self._map)
        if self._legend:
            _Legend(self._legend).add_to(self._map)
        # A long list of layers folds into the control's button (hover to open).
        folium.LayerControl(collapsed=len(self._legend) > 10).add_to(self._map)
        _LayerGroups(self._themes).add_to(self._map)
        if self.title:
            self._figure.html.add_child(
                Element(f'<div class="cm-title">{escape(self.title)}</div>')
            )
        # The line a publisher must keep (claimsmap.credits), on every map.
        attribution = f"{CREDIT} · Distances geodesic on WGS84"
        _Attribution(escape(attribution)).add_to(self._map)
        _Scale().add_to(self._map)
        if self._time_slider:
            today = _dt.date.today().isoformat()
            start = str(self._at)[:10] if self._at is not None else today
            _TimeSlider(self._first_day or "1945-01", today, start).add_to(self._map)

    @property
    def folium(self) -> folium.Map:
        """The underlying :class:`folium.Map`, for anything this class does not do."""
        return self._map

    def to_html(self) -> str:
        """The map as one self-contained HTML document."""
        self._finish()
        return self._figure.render()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the map to an HTML file atomically (temporary file, then rename).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        return write_text_atomic(path, self.to_html())

    def export(
        self,
        *,
        png: str | os.PathLike[str] | None = None,
        pdf: str | os.PathLike[str] | None = None,
        svg: str | os.PathLike[str] | None = None,
        width: int = 1400,
        height: int = 1000,
        scale: float = 1.0,
        controls: bool = False,
        chromium: str | None = None,
        browser: Any = None,
    ) -> dict[Format, Path]:
        """Render the map in headless Chromium as PNG, PDF and/or SVG, atomically.

        A static picture for print or the web: the title, legend, scale bar
        and source line are kept, the interactive controls (zoom buttons,
        layer switcher, the date slider's handle) are left out unless
        ``controls`` is true. All the formats asked for are drawn from one
        page load.

        Parameters
        ----------
        png, pdf, svg : str or path, optional
            The files to write; at least one.
        width, height : int
            The page size in CSS pixels (100 to 10000).
        scale : float
            Device pixels per CSS pixel of the PNG: 2 gives a picture of
            ``2 * width`` by ``2 * height`` pixels. PDF and SVG are vectors.
        controls : bool
            Keep the interactive controls in the picture.
        chromium : str, optional
            The Chromium executable; by default ``$CLAIMSMAP_CHROMIUM``, then
            ``chromium`` or ``chromium-browser`` on the PATH.
        browser : playwright.sync_api.Browser, optional
            A Chromium already open (Playwright's) to draw in, to export many
            maps without starting one each time.

        Returns
        -------
        dict
            ``{"png": Path, ...}`` for each file written.

        Raises
        ------
        ClaimsmapError
            When no file is asked for, Playwright or Chromium is missing, or a
            size is out of range.
        OutputError
            When a file cannot be written there (checked before rendering).

        Notes
        -----
        Needs Playwright (``pip install playwright``) and a Chromium; the map
        itself loads nothing from the network. The PDF is Chromium's print of
        the page: shapes are vector paths (Leaflet's SVG renderer) and text is
        text. The SVG is the page serialised as drawn: each shape a
        ``<path>``, each label and legend entry a ``<text>``. Chinese and
        Japanese names use the CJK glyphs embedded in the page, so they
        render without CJK fonts on the machine.
        """
        asked: tuple[tuple[Format, Any], ...] = (
            ("png", png),
            ("pdf", pdf),
            ("svg", svg),
        )
        targets = {fmt: path for fmt, path in asked if path is not None}
        if not targets:
            raise ClaimsmapError(
                "export needs a file to write: give png=, pdf= or svg= (or several)"
            )
        return render(
            self.to_html(),
            targets,
            width=width,
            height=height,
            scale=scale,
            controls=controls,
            chromium=chromium,
            browser=browser,
            font_css=font_face_css(),
        )

    def save_png(
        self, path: str | os.PathLike[str], *, scale: float = 1.0, **options: Any
    ) -> Path:
        """Write the map as a PNG; see :meth:`export` for the options.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        return self.export(png=path, scale=scale, **options)["png"]

    def save_pdf(self, path: str | os.PathLike[str], **options: Any) -> Path:
        """Write the map as a one-page vector PDF; see :meth:`export`.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        return self.export(pdf=path, **options)["pdf"]

    def save_svg(self, path: str | os.PathLike[str], **options: Any) -> Path:
        """Write the map as SVG (shapes as paths, text as text); see :meth:`export`.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        return self.export(svg=path, **options)["svg"]

    def _repr_html_(self) -> str:
        self._finish()
        return self._map._repr_html_()

    @classmethod
    def preset(cls, name: str, *, lang: str = "en", static: bool = False) -> Map:
        """Build a preset map by name; see :data:`claimsmap.maps.PRESETS`.

        The map names the places its story needs (see
        :mod:`claimsmap.maps.labels`) in ``lang``, English where a name lacks
        that language; ``static`` is as for :class:`Map`.

        Raises
        ------
        ClaimsmapError
            For an unknown preset, listing the known ones.

        Examples
        --------
        >>> Map.preset("senkaku").title
        'Senkaku / Diaoyu / Tiaoyutai Islands: claims, baselines and ranges'
        """
        spec = preset_spec(name)
        m = cls(
            title=spec.title,
            bounds=spec.bounds,
            time_slider=spec.time_slider,
            at=spec.at,
            lang=lang,
            static=static,
        )
        if spec.bounds is not None:
            m._labels = preset_labels(
                name.strip().casefold(), spec.bounds, lang=lang, title=spec.title
            )
        for layer in spec.layers:
            m.add_layer(
                layer, style=spec.styles.get(layer), style_by=spec.style_by.get(layer)
            )
        for center, radius, unit in spec.rings:
            m.add_ring(center, radius, unit)  # type: ignore[arg-type]
        return m
