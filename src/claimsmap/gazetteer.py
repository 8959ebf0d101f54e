"""Names and aliases, in every language, to features.

A name is matched after folding case, width, spaces, hyphens, punctuation and
diacritics (macrons included), so ``"Uotsuri-jima"``, ``"uotsuri jima"``,
``"Diaoyu Dao"``, ``"魚釣島"``, ``"釣魚島"`` and ``"钓鱼岛"`` all give the same
feature. The curated layers win over the basemap's country names.

The index (every feature's id, names, kind, layer, properties and geometry) is
built once from the layers and kept in the on-disk cache (:mod:`claimsmap._cache`,
keyed by the data's and the code's versions), so a later process finds names
with shapely alone, without loading a layer through geopandas.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from claimsmap import _cache
from claimsmap.errors import AmbiguousNameWarning, UnknownNameError
from claimsmap.schema import BASEMAP

__all__ = ["Feature", "features", "find", "normalize"]


@dataclass(frozen=True)
class Feature:
    """One feature of the atlas: its id, names, layer, properties and geometry.

    Attributes
    ----------
    id : str
        The stable atlas id, e.g. ``senkaku-uotsuri-jima``.
    name : str
        The English name.
    names : dict
        Names by language tag (``ja``, ``zh``, ``zh-Hant``, ...).
    kind : str
        The schema kind (``feature``, ``baseline``, ``base``, ...).
    layer : str
        The id of the layer it comes from.
    properties : dict
        Every property, the schema's and the layer's own.
    geometry : shapely geometry
        In (lon, lat) degrees, EPSG:4326.
    """

    id: str
    name: str
    names: Mapping[str, str]
    kind: str
    layer: str
    properties: Mapping[str, Any] = field(repr=False)
    geometry: BaseGeometry = field(repr=False)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The feature as a GeoJSON Feature mapping."""
        return {
            "type": "Feature",
            "id": self.id,
            "properties": dict(self.properties),
            "geometry": mapping(self.geometry),
        }


def normalize(name: str) -> str:
    """Fold a name for matching: case, width, diacritics, spaces and punctuation.

    Examples
    --------
    >>> normalize("Taishō-jima") == normalize("taisho jima")
    True
    >>> normalize("　釣魚島 ")
    '釣魚島'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-_.,'’()/·・]+", "", text)


def _names_of(props: Mapping[str, Any]) -> Iterator[str]:
    yield props["id"]
    yield props["name"]
    names = props.get("names")
    if isinstance(names, Mapping):
        yield from (v for v in names.values() if isinstance(v, str))
    aliases = props.get("aliases")
    if isinstance(aliases, list | tuple):
        yield from (a for a in aliases if isinstance(a, str))


_Index = tuple[dict[str, Feature], dict[str, list[str]]]


@functools.cache
def _index() -> _Index:
    """Features by id, and the ids each normalised name points to.

    Kept in the on-disk cache; built from the layers when it is not there.
    """
    return _cache.cached("names", None, _build_index)


def _build_index() -> _Index:
    # The layers are read through geopandas only here, when the cache is cold.
    from claimsmap.catalog import layer_ids, load
    from claimsmap.io import records

    by_id: dict[str, Feature] = {}
    by_name: dict[str, list[str]] = {}
    # Curated layers first, basemap last, so a curated name wins a clash.
    order = [lid for lid in layer_ids() if lid != BASEMAP] + [BASEMAP]
    for layer_id in order:
        frame = load(layer_id)
        for record, geom in records(frame):
            props = {k: v for k, v in record.items() if v is not None}
            feature = Feature(
                id=props["id"],
                name=props["name"],
                names=dict(props.get("names") or {}),
                kind=props["kind"],
                layer=layer_id,
                properties=props,
                geometry=geom,
            )
            by_id[feature.id] = feature
            for name in _names_of(props):
                ids = by_name.setdefault(normalize(name), [])
                if feature.id not in ids:
                    ids.append(feature.id)
    return by_id, by_name


# Where one name belongs to several features (黄尾屿 is an island and a base
# point named after it; "Ishigaki" an island and the base on it), the kind that
# a reader most likely means wins: an island or other feature, then a base,
# then the rest; base points and the basemap's countries last.
_KIND_RANK = {"feature": 0, "land": 0, "base": 1, "base-point": 8}
_BASEMAP_RANK = 9
# Kinds never worth a warning when they lose: a base point is a point on the
# island it is named after.
_QUIET_KINDS = {"base-point"}


def features() -> list[Feature]:
    """Every feature of the atlas, curated layers first.

    Examples
    --------
    >>> len([f for f in features() if f.layer == "senkaku-islands"])
    16
    """
    return list(_index()[0].values())


def find(name: str) -> Feature:
    """Find a feature by its id or any of its names, in any language.

    Parameters
    ----------
    name : str
        An atlas id (``senkaku-uotsuri-jima``), a name in any language the atlas
        records (``"Uotsuri-jima"``, ``"Diaoyu Dao"``, ``"釣魚臺"``), or an alias.
        Case, spaces, hyphens, punctuation and macrons are forgiven.

    Returns
    -------
    Feature

    Raises
    ------
    UnknownNameError
        When nothing matches (with the closest names), or when the name is
        shared by features of the same rank (with their ids).

    Warns
    -----
    AmbiguousNameWarning
        When the name also belongs to other places (``"Ishigaki"`` is an island
        and the base on it): the warning names the id chosen and, for each
        other place, the id or full name that asks for it.

    Notes
    -----
    Where a name belongs to several features, an island or other feature
    comes before a base, a base before the rest, base points (named after
    their islands) and the basemap's countries last; and a place's present
    state comes before the rows of its history (``until`` set).

    Examples
    --------
    >>> find("Uotsuri-jima").id
    'senkaku-uotsuri-jima'
    >>> find("釣魚臺") == find("钓鱼岛") == find("uotsuri jima")
    True
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     island = find("Ishigaki")
    >>> island.id, find("JGSDF Camp Ishigaki").id
    ('island-ishigaki-jima', 'base-jgsdf-camp-ishigaki')
    >>> print(caught[0].message)
    'Ishigaki' names several places; chose the island 'Ishigaki Island' (island-ishigaki-jima). For the base 'JGSDF Camp Ishigaki': ask for 'JGSDF Camp Ishigaki' (base-jgsdf-camp-ishigaki).
    >>> find("Uotsuri")
    Traceback (most recent call last):
    ...
    claimsmap.errors.UnknownNameError: Unknown feature 'Uotsuri'. Did you mean: 'Uotsuri-jima' (senkaku-uotsuri-jima)? ...
    """  # noqa: E501
    if not isinstance(name, str) or not name.strip():
        raise UnknownNameError(f"feature name must be a non-empty string, not {name!r}")
    by_id, by_name = _index()
    ids = by_name.get(normalize(name), [])
    if not ids:
        raise UnknownNameError(_suggest(name, by_id, by_name))

    def rank(i: str) -> tuple[int, int]:
        feature = by_id[i]
        kind = (
            _BASEMAP_RANK
            if feature.layer == BASEMAP
            else _KIND_RANK.get(feature.kind, 5)
        )
        # The present state of a place comes before its history.
        return kind, int(feature.properties.get("until") is not None)

    best = min(rank(i) for i in ids)
    top = [i for i in ids if rank(i) == best]
    if len(top) > 1:
        listed = ", ".join(top)
        raise UnknownNameError(
            f"Feature name {name!r} is ambiguous: {listed}. Give the id instead."
        )
    chosen = by_id[top[0]]
    others = tuple(
        i
        for i in ids
        if i != chosen.id
        and by_id[i].properties.get("until") is None
        and by_id[i].kind not in _QUIET_KINDS
    )
    if others:
        warnings.warn(
            _ambiguity(name, chosen, [by_id[i] for i in others], by_name),
            stacklevel=_outside_stacklevel(),
        )
    return chosen


def _ambiguity(
    name: str, chosen: Feature, others: list[Feature], by_name: dict[str, list[str]]
) -> AmbiguousNameWarning:
    def ask(f: Feature) -> str:
        # Offer the full name where it means that feature alone.
        full = by_name.get(normalize(f.name), [])
        alone = full == [f.id] and normalize(f.name) != normalize(name)
        return f"'{f.name}' ({f.id})" if alone else f"id {f.id!r}"

    rest = "; ".join(f"the {_what(f)} {f.name!r}: ask for {ask(f)}" for f in others)
    message = (
        f"{name!r} names several places; chose the {_what(chosen)} {chosen.name!r} "
        f"({chosen.id}). For {rest}."
    )
    return AmbiguousNameWarning(message, name, chosen.id, tuple(f.id for f in others))


def _what(f: Feature) -> str:
    if f.layer == BASEMAP:
        return "Natural Earth unit"
    return str(f.properties.get("status") or f.kind)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _outside_stacklevel() -> int:
    """The stacklevel of the first caller outside claimsmap, for ``warnings.warn``.

    A name reaches :func:`find` through :func:`~claimsmap.geodesy.distance`,
    :func:`~claimsmap.queries.within` or a map; the warning names the user's line.
    """
    frame: FrameType | None = sys._getframe(2)  # the caller of find
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE
    ):
        frame = frame.f_back
        level += 1
    return level


def _suggest(
    name: str, by_id: dict[str, Feature], by_name: dict[str, list[str]]
) -> str:
    key = normalize(name)
    close = difflib.get_close_matches(key, list(by_name), n=6, cutoff=0.6)
    # Prefix matches (``Uotsuri`` for ``Uotsuri-jima``) rank first.
    prefixed = [k for k in by_name if k.startswith(key) and len(key) >= 3]
    seen: list[str] = []
    for k in [*prefixed, *close]:
        for fid in by_name[k]:
            # A row of history is found by its id; suggest the present row.
            if fid not in seen and by_id[fid].properties.get("until") is None:
                seen.append(fid)
    hints = [f"{by_id[fid].name!r} ({fid})" for fid in seen[:3]]
    hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
    return (
        f"Unknown feature {name!r}.{hint} `claimsmap show` takes ids and names in any "
        "language; `claimsmap layers` lists the layers."
    )
