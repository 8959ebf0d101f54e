"""Safe text for maps: escaping data before it reaches HTML or JavaScript."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

__all__ = ["escape", "link", "popup_html", "script_json"]

_JS_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def escape(text: Any) -> str:
    """Escape any value for HTML text and attributes, backticks and ``$`` included.

    Braces are escaped too: folium renders each element's output again as a
    Jinja template, where ``{{ ... }}`` in a name would run.

    Examples
    --------
    >>> escape('<img src=x onerror=alert(1)>')
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape("`${x}` {{ 7*7 }}")
    '&#96;&#36;&#123;x&#125;&#96; &#123;&#123; 7*7 &#125;&#125;'
    """
    out = html.escape("" if text is None else str(text), quote=True)
    for char, entity in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;")):
        out = out.replace(char, entity)
    return out.replace("{", "&#123;").replace("}", "&#125;")


def script_json(value: Any) -> str:
    r"""JSON that is safe inside a ``<script>`` element.

    ``<``, ``>``, ``&`` and the JavaScript line separators are written as
    ``\\u`` escapes, so no string from data can close the script or open a tag;
    and a brace that would open a Jinja tag (``{{``, ``{%``, ``{#``), which only
    a string can hold, is written ``\\u007b`` (folium renders its output again
    as a template).

    Examples
    --------
    >>> script_json({"name": "</script><script>alert(1)</script>"})
    '{"name":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'
    >>> script_json({"name": "{{ 7*7 }}"})
    '{"name":"\\u007b{ 7*7 }}"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = re.sub("[<>&\u2028\u2029]", lambda m: _JS_UNSAFE[m.group()], text)
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


def link(url: Any, text: Any = None) -> str:
    """An ``<a>`` for http(s) URLs only; anything else is shown as plain text.

    Examples
    --------
    >>> link("https://example.org/a?b=1&c=2", "source")
    '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">source</a>'
    >>> link("javascript:alert(1)")
    'javascript:alert(1)'
    """  # noqa: E501
    label = escape(text if text is not None else url)
    if not isinstance(url, str):
        return label
    parsed = urlparse(url.strip())
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        return label
    return (
        f'<a href="{escape(url.strip())}" target="_blank" '
        f'rel="noopener noreferrer">{label}</a>'
    )


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{value}</td></tr>"


def popup_html(props: Mapping[str, Any], layer_title: str) -> str:
    """The popup of a feature: every name, claimants, control, status and source.

    Every value is escaped; only the source URL becomes a link, and only if it
    is http(s).
    """
    rows = []
    names = props.get("names")
    if isinstance(names, Mapping):
        for lang, value in names.items():
            rows.append(_row(f"name [{lang}]", escape(value)))
    for label, key in (("kind", "kind"), ("operator", "operator")):
        if props.get(key):
            rows.append(_row(label, escape(props[key])))
    claimants = props.get("claimants")
    if isinstance(claimants, Sequence) and not isinstance(claimants, str) and claimants:
        rows.append(_row("claimants", escape(", ".join(map(str, claimants)))))
    if props.get("controller"):
        rows.append(_row("controller", escape(props["controller"])))
    span = " – ".join(escape(props.get(k) or "") for k in ("since", "until")).strip(
        " –"
    )
    if span:
        rows.append(_row("since – until", span))
    if props.get("status"):
        basis = (
            f" ({escape(props['status_basis'])})" if props.get("status_basis") else ""
        )
        rows.append(_row("status", escape(props["status"]) + basis))
    if props.get("published_coords"):
        rows.append(_row("published coordinates", escape(props["published_coords"])))
    if props.get("precision_m") is not None:
        rows.append(_row("precision", f"{escape(props['precision_m'])} m"))
    rows.append(
        _row(
            "source",
            escape(props.get("source"))
            + "<br>"
            + link(props.get("source_url"), "check the source"),
        )
    )
    if props.get("notes"):
        rows.append(_row("notes", escape(props["notes"])))
    return (
        f'<div class="cm-popup"><h4>{escape(props.get("name"))}</h4>'
        f'<div class="cm-layer">{escape(layer_title)} · <code>{escape(props.get("id"))}'
        f"</code></div><table>{''.join(rows)}</table></div>"
    )
