"""The layer registry: what the atlas ships, and loading a layer by id.

The layers are GeoJSON files inside the package (``claimsmap/data/geojson``),
listed in ``catalog.json`` with their title, kind, source, licence, feature
count, geometry type and sha256. Layer ids forgive case and punctuation:
``"Senkaku Islands"`` finds ``senkaku-islands``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import geopandas as gpd
import pandas as pd

from claimsmap.errors import ClaimsmapError, UnknownLayerError
from claimsmap.io import read_file
from claimsmap.schema import BASEMAP, PARTIES, parse_date

__all__ = [
    "BASEMAP",
    "LAND_CLAIMS",
    "WORLDVIEWS",
    "as_of",
    "catalog",
    "layer_ids",
    "layers",
    "load",
    "present",
    "resolve_layer",
    "worldview",
]

#: The parties whose view of the map :func:`worldview` can show, and
#: ``"de-facto"``: who actually holds what, with every claim shown as a claim.
WORLDVIEWS: tuple[str, ...] = ("de-facto", *PARTIES)
# Kinds that are a party's claim rather than a place someone holds.
_CLAIM_KINDS = {"claim-line", "claim-area", "baseline", "base-point", "zone"}

#: The id of the layer of land one party holds and another claims, fitted to
#: the basemap's borders: what a worldview moves from one country to another.
LAND_CLAIMS = "land-claims"


def _data_dir() -> Traversable:
    return resources.files("claimsmap") / "data" / "geojson"


@functools.cache
def catalog() -> dict[str, Any]:
    """The parsed ``catalog.json``: ``{"catalog_version": 1, "layers": {...}}``."""
    text = (_data_dir() / "catalog.json").read_text(encoding="utf-8")
    return json.loads(text)


def layer_ids() -> list[str]:
    """Every layer id, in catalog order.

    Examples
    --------
    >>> "senkaku-islands" in layer_ids()
    True
    """
    return list(catalog()["layers"])


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def resolve_layer(name: str) -> str:
    """Find the layer id meant by ``name``, forgiving case, spaces and punctuation.

    Examples
    --------
    >>> resolve_layer("Senkaku Islands")
    'senkaku-islands'
    >>> resolve_layer("senkaku-island")
    Traceback (most recent call last):
    ...
    claimsmap.errors.UnknownLayerError: Unknown layer 'senkaku-island'. Did you mean: 'senkaku-islands'...
    """  # noqa: E501
    if not isinstance(name, str):
        raise UnknownLayerError(f"layer must be a string id, not {type(name).__name__}")
    ids = layer_ids()
    by_key = {_key(i): i for i in ids}
    if _key(name) in by_key:
        return by_key[_key(name)]
    close = difflib.get_close_matches(name.casefold(), ids, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownLayerError(
        f"Unknown layer {name!r}.{hint} `claimsmap layers` lists all {len(ids)}."
    )


def layers() -> pd.DataFrame:
    """A table of the shipped layers, one row each, indexed by layer id.

    Returns
    -------
    pandas.DataFrame
        Columns ``title``, ``kind``, ``theme``, ``feature_count``,
        ``geometry_type``, ``source``, ``source_url``, ``licence``, ``file``,
        ``sha256``.

    Examples
    --------
    >>> table = layers()
    >>> int(table.loc["prc-diaoyu-basepoints-2012", "feature_count"])
    17
    """
    columns = [
        "title",
        "kind",
        "theme",
        "feature_count",
        "geometry_type",
        "source",
        "source_url",
        "licence",
        "file",
        "sha256",
    ]
    rows = {
        lid: {c: e.get(c) for c in columns} for lid, e in catalog()["layers"].items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = "id"
    return table


@functools.cache
def _load_cached(layer_id: str) -> gpd.GeoDataFrame:
    entry = catalog()["layers"][layer_id]
    resource = _data_dir() / entry["file"]
    with resources.as_file(resource) as path:
        frame = read_file(path, label=f"{entry['file']} (layer {layer_id!r})")
    frame.attrs["layer"] = layer_id
    frame.attrs["title"] = entry["title"]
    return frame


def _as_date(value: Any, what: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return parse_date(str(value))
    except ValueError:
        raise ClaimsmapError(
            f"{what}={value!r} is not a date; give an ISO date such as '2016-07-12'"
        ) from None


def as_of(frame: gpd.GeoDataFrame, date: Any) -> gpd.GeoDataFrame:
    """The rows of a layer that describe the state on a date.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A loaded layer (anything with ``since`` and ``until`` columns).
    date : str, datetime.date or pandas.Timestamp
        The day; ``"2016"`` and ``"2016-07"`` mean their first day.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows whose period spans the day: ``since`` on or before it (or
        unknown) and ``until`` after it (or open). ``since`` is inclusive and
        ``until`` exclusive, so on the day control changes hands the new
        holder is shown. A date given only as a year or a month counts from
        its first day.

    Examples
    --------
    >>> islands = load("senkaku-islands")
    >>> sorted(set(as_of(islands, "1972-05-15")["controller"]))
    ['JPN']
    >>> sorted(set(as_of(islands, "1972-05-14")["controller"]))
    ['USA']
    """
    day = _as_date(date, "at")

    def spans(row: pd.Series) -> bool:
        since, until = row.get("since"), row.get("until")
        if isinstance(since, str) and parse_date(since) > day:
            return False
        return not (isinstance(until, str) and parse_date(until) <= day)

    mask = frame.apply(spans, axis=1) if len(frame) else pd.Series(dtype=bool)
    out = frame[mask.astype(bool)].copy()
    out.attrs.update(frame.attrs, at=day.isoformat())
    return out


def present(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer without the rows of history that a present row supersedes.

    A place with a control history (``place`` column) keeps only its open row
    (``until`` empty); rows without a ``place`` (an exercise zone of 2022, a
    base) all stay. This is what a map shows unless it is given a date.

    Examples
    --------
    >>> features = load("scs-features")
    >>> len(features) > len(present(features))
    True
    >>> present(features).set_index("id").loc["scs-pattle-island", "controller"]
    'CHN'
    """
    if "place" not in frame or not len(frame):
        return frame.copy()
    current = set(frame.loc[frame["until"].isna(), "place"].dropna())
    superseded = frame["until"].notna() & frame["place"].isin(current)
    return frame[~superseded].copy()


def worldview(frame: gpd.GeoDataFrame, party: str) -> gpd.GeoDataFrame:
    """A layer as one party sees it.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A loaded layer.
    party : str
        One of :data:`WORLDVIEWS`: an ISO alpha-3 code (``"CHN"``, ``"JPN"``,
        ``"TWN"``, ``"PHL"``, ``"VNM"``, ``"MYS"``, ``"BRN"``, ``"IDN"``) or
        ``"de-facto"`` (the frame as it is).

    Returns
    -------
    geopandas.GeoDataFrame
        Every place the party claims shows the party as its ``controller``
        (what is really held stays in ``de_facto_controller``); the claims of
        other parties that this party rejects (``disputed_by`` names it) are
        left out. Places the party does not claim are shown as they are. A row
        with ``views`` (``{party: holder as that party sees it}``, as in the
        ``land-claims`` layer) shows the holder the party's view gives. On the
        basemap, each area of ``land-claims`` that the party sees held by
        another than its holder is moved into that other's country: in the
        PRC's view Arunachal Pradesh is drawn in China, in India's Aksai Chin
        is drawn in India.

    Examples
    --------
    >>> islands = load("senkaku-islands", at="2026-01-01")
    >>> sorted(set(worldview(islands, "CHN")["controller"]))
    ['CHN']
    >>> sorted(set(worldview(islands, "de-facto")["controller"]))
    ['JPN']
    >>> claims = load("land-claims").set_index("id")
    >>> worldview(claims, "CHN").loc["land-arunachal-pradesh", "controller"]
    'CHN'
    >>> worldview(claims, "IND").loc["land-aksai-chin", "controller"]
    'IND'
    """
    if not isinstance(party, str) or party.upper().replace("_", "-") not in {
        v.upper() for v in WORLDVIEWS
    }:
        raise ClaimsmapError(
            f"worldview={party!r} is not known; use one of {', '.join(WORLDVIEWS)}"
        )
    out = frame.copy()
    out["de_facto_controller"] = out["controller"]
    party = party.upper()
    if party == "DE-FACTO":
        out.attrs["worldview"] = "de-facto"
        return out

    def rejected(row: pd.Series) -> bool:
        disputed = row.get("disputed_by")
        return (
            row["kind"] in _CLAIM_KINDS
            and isinstance(disputed, list | tuple)
            and party in disputed
        )

    if len(out):
        out = out[~out.apply(rejected, axis=1).astype(bool)].copy()
        held = out["claimants"].apply(
            lambda c: isinstance(c, list | tuple) and party in c
        ) & ~out["kind"].isin(_CLAIM_KINDS)
        out.loc[held, "controller"] = party
        if "views" in out:
            seen = out["views"].map(
                lambda v: v.get(party) if isinstance(v, dict) else None
            )
            out.loc[seen.notna(), "controller"] = seen[seen.notna()]
    if out.attrs.get("layer") == BASEMAP and len(out):
        out = _redraw_land(out, party)
    out.attrs["worldview"] = party
    return out


def _redraw_land(land: gpd.GeoDataFrame, party: str) -> gpd.GeoDataFrame:
    """Move each disputed area into the country ``party`` sees holding it."""
    import shapely

    claims = present(load(LAND_CLAIMS))
    if "at" in land.attrs:
        claims = as_of(load(LAND_CLAIMS), land.attrs["at"])
    geoms = land.geometry.copy()
    held_by = land["de_facto_controller"]
    own_unit = land.get("iso_a3", held_by)
    for _, row in claims.iterrows():
        seen = row["views"].get(party) if isinstance(row["views"], dict) else None
        if seen is None or seen == row["controller"]:
            continue
        target = land.index[(own_unit == seen) & (held_by == seen)]
        if not len(target):
            continue
        for i in land.index[held_by == row["controller"]]:
            geoms[i] = shapely.difference(geoms[i], row.geometry)
        geoms[target[0]] = shapely.union(geoms[target[0]], row.geometry)
    out = land.set_geometry(geoms)
    return out[~out.geometry.is_empty].copy()


# load() takes keyword arguments named like these two functions.
_as_of, _worldview = as_of, worldview


def load(
    layer: str, *, at: Any = None, worldview: str | None = None
) -> gpd.GeoDataFrame:
    """Load a shipped layer as a validated GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    layer : str
        A layer id from :func:`layers` (case and punctuation forgiven).
    at : str or datetime.date, optional
        Only the rows that describe the state on this day (see :func:`as_of`);
        by default every row, the history included.
    worldview : str, optional
        Show the layer as this party claims it (see :func:`worldview`); by
        default, de facto control with every claim shown as a claim.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature: the schema columns of :data:`claimsmap.schema.FIELDS`,
        then the layer's own (``published_coords``, ``operator``, ...), then
        ``geometry`` in (lon, lat) degrees. A fresh copy each call.

    Raises
    ------
    UnknownLayerError
        When no layer has that id; the message suggests the closest ones.

    Examples
    --------
    >>> islands = load("senkaku-islands")
    >>> islands.crs.to_epsg(), len(islands), len(present(islands))
    (4326, 16, 8)
    >>> islands.set_index("id").loc["senkaku-uotsuri-jima", "names"]["zh"]
    '钓鱼岛'
    """
    frame = _load_cached(resolve_layer(layer)).copy()
    if at is not None:
        frame = _as_of(frame, at)
    if worldview is not None:
        frame = _worldview(frame, worldview)
    return frame
