"""The CJK glyphs every map carries: a subset of Noto Sans CJK, embedded in the page.

A machine without Chinese or Japanese fonts would draw boxes in place of the
atlas's names. Each map page embeds ``static/fonts/claimsmap-cjk.woff2`` (a
subset of Noto Sans CJK SC, SIL Open Font License 1.1, ``OFL.txt`` beside
it) as an ``@font-face`` data URI, and names its family first in the page's
font stack, limited by ``unicode-range`` to the CJK blocks: Latin text is
drawn in the usual sans-serif as before, and a CJK character comes from the
subset. The subset holds
exactly the CJK characters that :func:`needed_characters` lists;
``scripts/build_font.py`` rebuilds it when a name is added.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import importlib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

__all__ = [
    "FONT_FAMILY",
    "FONT_FILE",
    "FONT_STACK",
    "LABEL_MODULES",
    "font_face_css",
    "is_cjk",
    "needed_characters",
]

#: The family name the pages give the embedded subset.
FONT_FAMILY = "claimsmap CJK"
#: The subset, under ``claimsmap/maps/static``.
FONT_FILE = "fonts/claimsmap-cjk.woff2"
#: The pages' font stack. The subset comes first but covers only the CJK
#: ranges (its ``unicode-range``), so Latin text keeps the usual sans-serif;
#: a CJK character the subset lacks falls through to the fonts after it.
#: (After ``system-ui`` it would not do: Chromium's system-ui draws boxes for
#: characters it lacks instead of trying the next family.)
FONT_STACK = f'"{FONT_FAMILY}", system-ui, sans-serif'
#: Modules whose data (labels, legends) may hold text drawn on a map; those
#: that exist are read by :func:`needed_characters`.
LABEL_MODULES = ("claimsmap.maps.labels", "claimsmap.maps.presets")

# East Asian scripts that a Latin sans-serif font lacks: Hangul Jamo, CJK
# radicals to Hangul (punctuation, kana, ideographs, Yi), Hangul syllables,
# compatibility ideographs, vertical and small forms, full- and half-width
# forms, and the supplementary ideographic planes.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0xA4CF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)


def is_cjk(char: str) -> bool:
    """Whether a character is East Asian script that needs the CJK subset.

    Examples
    --------
    >>> "".join(c for c in "魚釣島 Uotsuri-jima うおつり「」 독도" if is_cjk(c))
    '魚釣島うおつり「」독도'
    >>> is_cjk("é"), is_cjk("—")
    (False, False)
    """
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string in ``value``: mappings (keys, values), sequences, dataclasses."""
    if depth > 8:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item, depth + 1)


def _cjk_in(texts: Iterable[str]) -> set[str]:
    return {char for text in texts for char in text if is_cjk(char)}


def needed_characters() -> set[str]:
    """The CJK characters the maps can draw: the subset must hold every one.

    Read from every feature's popup as the map draws it (its names, source,
    notes) and every layer's title, in every layer of the catalog (the
    basemap too), and from the module-level data of
    :data:`LABEL_MODULES` (label lists, presets) where those modules exist.

    Returns
    -------
    set of str
        Single characters, each :func:`is_cjk`.
    """
    from claimsmap.catalog import catalog, load
    from claimsmap.io import records
    from claimsmap.maps._html import popup_html

    chars: set[str] = set()
    for layer, entry in catalog()["layers"].items():
        # Each feature's popup as the map draws it (names, sources, notes),
        # and its layer's title: a citation in Chinese must not be boxes.
        title = str(entry.get("title", layer))
        chars |= _cjk_in([title])
        for props, _ in records(load(layer)):
            clean = {k: v for k, v in props.items() if v is not None}
            chars |= _cjk_in([popup_html(clean, title)])
    for name in LABEL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        data = [
            value
            for key, value in vars(module).items()
            if not key.startswith("__") and not callable(value)
        ]
        chars |= _cjk_in(_strings(data))
    return chars


@functools.cache
def font_face_css() -> str:
    """The ``@font-face`` rule of the CJK subset, its data in a ``data:`` URI."""
    data = (resources.files("claimsmap") / "maps" / "static" / FONT_FILE).read_bytes()
    payload = base64.b64encode(data).decode("ascii")
    ranges = ", ".join(f"U+{low:X}-{high:X}" for low, high in _CJK_RANGES)
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; '
        f"font-weight: 400; font-display: block; unicode-range: {ranges}; "
        f'src: url(data:font/woff2;base64,{payload}) format("woff2"); }}'
    )
