"""The layer registry: what the atlas ships, and loading a layer by id.

The layers are GeoJSON files inside the package (``claimsmap/data/geojson``),
listed in ``catalog.json`` with their title, kind, source, licence, feature
count, geometry type and sha256. Layer ids forgive case and punctuation:
``"Senkaku Islands"`` finds ``senkaku-islands``.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import geopandas as gpd
import pandas as pd

from claimsmap.errors import UnknownLayerError
from claimsmap.io import read_file

__all__ = ["BASEMAP", "catalog", "layer_ids", "layers", "load", "resolve_layer"]

#: The id of the Natural Earth land layer drawn under every map.
BASEMAP = "basemap-ne10m"


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
    claimsmap.errors.UnknownLayerError: Unknown layer 'senkaku-island'. Did you mean: 'senkaku-islands'? ...
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


def load(layer: str) -> gpd.GeoDataFrame:
    """Load a shipped layer as a validated GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    layer : str
        A layer id from :func:`layers` (case and punctuation forgiven).

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
    >>> islands.crs.to_epsg(), len(islands)
    (4326, 8)
    >>> islands.set_index("id").loc["senkaku-uotsuri-jima", "names"]["zh"]
    '钓鱼岛'
    """
    return _load_cached(resolve_layer(layer)).copy()
