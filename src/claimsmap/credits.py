"""What a publisher credits, and what claimsmap ships that others made.

claimsmap's code is MIT-licensed (``LICENSE``); its curated layers are
dedicated to the public domain under CC0 1.0 (``data/LICENSE-data.txt``).
It also ships work of others, each under its own licence, listed in
:data:`BUNDLED` and in ``NOTICE`` (both in the wheel: the package's files,
and ``LICENSE`` and ``NOTICE`` in its ``.dist-info/licenses/``).

None of these licences requires a credit on a published map or chart, but
Leaflet's and the font's notices must travel with any copy of their files (a
saved HTML map carries Leaflet's in its script), and a reader deserves to
know where the lines come from: :data:`CREDIT` is the line to print.

Examples
--------
>>> for part in CREDIT.split(" · "):
...     print(part)
Data: claimsmap (CC0 1.0), sources cited per feature
Land: Natural Earth (public domain)
>>> sorted(b.licence for b in BUNDLED)
['BSD-2-Clause', 'CC0-1.0', 'ISC', 'OFL-1.1', 'public domain']
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

__all__ = ["BUNDLED", "CREDIT", "Bundled", "licence_file"]

#: The credit line of a map or chart made with claimsmap: the atlas's data and
#: the basemap. A map's attribution shows it; a publisher prints it under a
#: picture.
CREDIT = (
    "Data: claimsmap (CC0 1.0), sources cited per feature · "
    "Land: Natural Earth (public domain)"
)


class Bundled(NamedTuple):
    """One thing claimsmap ships: what, whose, under which licence, what to do.

    Attributes
    ----------
    name : str
        The work and its version.
    licence : str
        Its SPDX identifier (or ``"public domain"``).
    notice : str
        The licence text in the package (a path inside ``claimsmap``), or
        ``""`` when there is none to carry.
    used_for : str
        What claimsmap uses it for.
    credit : str
        What a publisher of a map or chart must do, and what is welcome.
    """

    name: str
    licence: str
    notice: str
    used_for: str
    credit: str


#: Everything in the package that claimsmap's authors did not make, and the
#: curated layers they did (CC0), with their licences.
BUNDLED: tuple[Bundled, ...] = (
    Bundled(
        "claimsmap curated layers",
        "CC0-1.0",
        "data/LICENSE-data.txt",
        "the claims, zones, features and bases in data/geojson/",
        "nothing required; 'Data: claimsmap' welcome. Each feature cites its "
        "source; the South China Sea features' positions come from Wikipedia "
        "(CC BY-SA) and CSIS AMTI, credit them when you republish those positions",
    ),
    Bundled(
        "Natural Earth 1:10m (Admin 0 countries, breakaway and disputed areas)",
        "public domain",
        "",
        "the basemap, the named islands' shapes and the land claims",
        "nothing required; 'Made with Natural Earth' welcome",
    ),
    Bundled(
        "world-atlas 2.0.2 (Natural Earth as TopoJSON, Michael Bostock)",
        "ISC",
        "data/LICENSE-world-atlas.txt",
        "the file the basemap extract is cut from",
        "keep its notice with copies of the package (it is in the wheel)",
    ),
    Bundled(
        "Leaflet 1.9.4",
        "BSD-2-Clause",
        "maps/static/LICENSE-leaflet.txt",
        "the interactive maps (inlined in every HTML map)",
        "keep its copyright notice with copies (every HTML map carries it at "
        "the top of the inlined script); nothing on a static picture",
    ),
    Bundled(
        "Noto Sans CJK (a subset of its glyphs)",
        "OFL-1.1",
        "maps/static/fonts",
        "CJK place names on the maps (embedded in the page)",
        "keep the OFL text with copies of the font file; a picture or PDF "
        "rendered with it needs nothing",
    ),
)


def licence_file(item: Bundled) -> Path | None:
    """The installed path of ``item``'s notice (``None`` if it has none).

    Examples
    --------
    >>> leaflet = next(b for b in BUNDLED if b.name.startswith("Leaflet"))
    >>> licence_file(leaflet).read_text().splitlines()[0]
    'BSD 2-Clause License'
    """
    if not item.notice:
        return None
    return Path(str(files("claimsmap").joinpath(item.notice)))
