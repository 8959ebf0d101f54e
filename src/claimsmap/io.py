"""Reading layer files and writing outputs atomically.

GeoJSON is parsed here directly, so that a malformed or truncated file gives a
message with its line and column; other formats (GeoPackage, FlatGeobuf,
Shapefile) go through pyogrio. Every file is checked to be in EPSG:4326
(lon, lat) and every feature against :mod:`claimsmap.schema`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.errors import GEOSException, ShapelyError

from claimsmap.errors import (
    ENVIRONMENT_ERRNOS,
    InvalidLayerError,
    OutputError,
    printable,
)
from claimsmap.schema import FIELDS, validate_feature

__all__ = [
    "EXPORT_FORMATS",
    "atomic_path",
    "check_output",
    "export",
    "read_file",
    "records",
    "write_text_atomic",
]

#: File extensions :func:`export` writes, and their format.
EXPORT_FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
}

_CRS84 = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "epsg:4326",
}


def check_output(
    path: str | os.PathLike[str], suffixes: Iterable[str] | None = None
) -> Path:
    """Check that ``path`` can be written as a regular file, before any work.

    The target must be a regular file or not exist yet, and its folder must
    exist and take a new file (a probe file is created there and removed).
    Outputs are written by renaming a temporary file over the target, so a
    folder, a device, a pipe or a socket there is refused rather than
    replaced.

    Parameters
    ----------
    path : str or path
        The file to be written.
    suffixes : iterable of str, optional
        The extensions allowed (lowercase, with the dot), when the format
        follows the extension.

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.

    Raises
    ------
    OutputError
        When the extension is not one of ``suffixes``, the target is not a
        regular file, its folder is missing, or the folder cannot take a file
        (no permission, read-only, full).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output(folder / "map.html").name
    'map.html'
    >>> check_output(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    claimsmap.errors.OutputError: ...: is a directory; give a file name in it, ...
    """
    target = Path(path)
    label = printable(os.fspath(path))
    if os.fspath(path) == "":
        raise OutputError("the output path is empty; give a file name")
    if suffixes is not None and target.suffix.lower() not in suffixes:
        raise OutputError(
            f"{label}: cannot write "
            f"{target.suffix or 'a file without an extension'!r}; "
            f"use one of {', '.join(suffixes)}"
        )
    _check_target(target, label)
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(
            f"{label}: folder {printable(parent)} does not exist; create it"
        )
    try:
        fd, probe = tempfile.mkstemp(
            dir=parent, prefix=f".{target.name}.", suffix=".probe"
        )
    except OSError as err:
        reason = printable(err.strerror or err)
        raise OutputError(
            f"{label}: cannot create a file in directory {printable(parent)} ({reason})"
        ) from None
    os.close(fd)
    os.unlink(probe)
    return target


def _check_target(target: Path, label: str) -> None:
    """Refuse a target that exists and is not a regular file."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise _output_error(label, err) from None
    if stat.S_ISDIR(mode):
        raise OutputError(
            f"{label}: is a directory; give a file name in it, e.g. "
            f"{label}/out{target.suffix}"
        )
    if not stat.S_ISREG(mode):
        raise OutputError(
            f"{label}: is not a regular file (a device, pipe or socket); claimsmap "
            "writes regular files only, by renaming a new file over the old — "
            "give a file name"
        )


def _output_error(label: str, err: OSError) -> OutputError:
    """The one line for an output the machine refused: the path and the reason."""
    reason = (
        os.strerror(err.errno)
        if err.errno
        else (err.strerror or str(err) or type(err).__name__)
    )
    return OutputError(f"{label}: cannot write it: {printable(reason)}")


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    Nothing is left behind when the block raises: a reader never sees a
    half-written file, and a file that was there stays as it was. The target
    is checked first (:func:`check_output`): only a regular file is replaced.

    Raises
    ------
    OutputError
        When the target cannot be written (see :func:`check_output`), or the
        machine refused the write (disk full, read-only, no permission): the
        message names ``path``, never the temporary file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = check_output(path)
    label = printable(os.fspath(path))
    # The temporary name keeps the extension: GDAL picks its driver by it.
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}"
        )
    except OSError as err:
        raise _output_error(label, err) from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        # Checked again: the target may have become a folder or a device
        # while the output was computed.
        _check_target(target, label)
        os.replace(tmp, target)
    except OSError as err:
        if err.errno not in ENVIRONMENT_ERRNOS:
            raise
        raise _output_error(label, err) from err
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write text to ``path`` atomically (temporary file, then rename)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _parse_geojson(path: Path, label: str) -> dict[str, Any]:
    try:
        # utf-8-sig: a byte-order mark, as some editors write, is skipped.
        with path.open(encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as err:
        raise InvalidLayerError(
            f"{label}: not valid JSON at line {err.lineno}, column {err.colno} "
            f"({err.msg}); the file may be truncated — restore or re-export it"
        ) from err
    except UnicodeDecodeError as err:
        raise InvalidLayerError(f"{label}: not UTF-8 text; save it as UTF-8") from err
    except RecursionError:
        raise InvalidLayerError(
            f"{label}: nested too deeply (arrays or objects inside one another "
            "beyond what Python reads); a GeoJSON layer is a few levels deep — "
            "check how the file was made"
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InvalidLayerError(
            f"{label}: not a GeoJSON FeatureCollection; wrap the features in "
            '{"type": "FeatureCollection", "features": [...]}'
        )
    crs = data.get("crs")
    if crs is not None:
        if isinstance(crs, dict):
            props = crs.get("properties")
            if props is not None and not isinstance(props, dict):
                raise InvalidLayerError(
                    f"{label}: field 'crs.properties' is {_kind(props)}; give an "
                    'object such as {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}, '
                    "or leave 'crs' out (GeoJSON is lon, lat on WGS84)"
                )
            name = (props or {}).get("name")
        elif isinstance(crs, str):
            name = crs
        else:
            raise InvalidLayerError(
                f"{label}: field 'crs' is {_kind(crs)}; give an object such as "
                '{"type": "name", "properties": {"name": '
                '"urn:ogc:def:crs:OGC:1.3:CRS84"}}, or leave it out'
            )
        if not isinstance(name, str) or name not in _CRS84:
            raise InvalidLayerError(
                f"{label}: CRS is {name!r}; claimsmap reads EPSG:4326 (lon, lat) "
                "only — "
                "reproject it, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson"
            )
    if not isinstance(data.get("features"), list):
        raise InvalidLayerError(f"{label}: 'features' is missing or not a list")
    return data


def _kind(value: Any) -> str:
    """How a JSON value is named in a message: 'a list', 'a number'..."""
    names = {list: "a list", dict: "an object", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _frame_from_geojson(data: dict[str, Any], label: str) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for index, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            raise InvalidLayerError(
                f"{label}: feature #{index} is {_kind(feature)}; give a GeoJSON "
                'Feature, {"type": "Feature", "properties": {...}, "geometry": {...}}'
            )
        props = feature.get("properties")
        props = {} if props is None else props
        if not isinstance(props, dict):
            raise InvalidLayerError(
                f"{label}: feature #{index}: field 'properties' is "
                f"{_kind(props)}; give an object of the feature's fields"
            )
        fid = props.get("id", f"#{index}")
        try:
            # NaN coordinates make shapely warn before the schema refuses
            # them (field 'geometry' is invalid): one message, not three lines.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                geom = shapely.geometry.shape(feature["geometry"])
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            GEOSException,
            ShapelyError,
            RecursionError,
        ) as err:
            raise InvalidLayerError(
                f"{label}: feature {fid!r}: field 'geometry' cannot be read "
                f"({printable(err)}); give a GeoJSON geometry"
            ) from err
        rows.append(props)
        geoms.append(geom)
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")


def _frame_from_ogr(path: Path, label: str) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as err:  # pyogrio raises several unrelated types
        raise InvalidLayerError(f"{label}: cannot be read ({printable(err)})") from err
    if not isinstance(frame, gpd.GeoDataFrame):  # a table, such as a CSV
        raise InvalidLayerError(
            f"{label}: has no geometry; give a layer file with one "
            "(GeoJSON, GeoPackage, FlatGeobuf, Shapefile or GeoParquet)"
        )
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        found = frame.crs.to_string() if frame.crs is not None else "none"
        raise InvalidLayerError(
            f"{label}: CRS is {found}; claimsmap reads EPSG:4326 (lon, lat) only — "
            "reproject it, e.g. GeoDataFrame.to_crs(4326) or ogr2ogr -t_srs EPSG:4326"
        )
    return _decode_json_columns(frame)


def _decode_json_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn back the columns :func:`export` wrote as JSON text (lists, objects).

    A column is decoded only when every value in it is JSON text for a list or
    an object (or missing), so free text that starts with ``[`` stays text.
    """
    for column in frame.columns:
        if str(frame[column].dtype) == "boolean" or frame[column].dtype == bool:
            frame[column] = pd.Series(
                [None if _isna(v) else bool(v) for v in frame[column]],
                index=frame.index,
                dtype=object,
            )
            continue
        if column == frame.geometry.name or frame[column].dtype.kind not in "OT":
            continue
        values = [v for v in frame[column] if not _isna(v)]
        if not values or not all(isinstance(v, str) and v[:1] in "[{" for v in values):
            continue
        try:
            decoded = [None if _isna(v) else json.loads(v) for v in frame[column]]
        except json.JSONDecodeError:
            continue
        frame[column] = pd.Series(decoded, index=frame.index, dtype=object)
    return frame


def read_file(
    path: str | os.PathLike[str], *, validate: bool = True, label: str | None = None
) -> gpd.GeoDataFrame:
    """Read a layer file into a GeoDataFrame in EPSG:4326, checked against the schema.

    Parameters
    ----------
    path : str or path
        A GeoJSON file (``.geojson``, ``.json``) or any file pyogrio reads.
    validate : bool
        Check every feature against :mod:`claimsmap.schema` (the default).
    label : str, optional
        How to name the file in messages; the path by default.

    Returns
    -------
    geopandas.GeoDataFrame
        The schema columns first (``id``, ``name``, ... ``precision_m``), then
        any others, then ``geometry``; CRS EPSG:4326.

    Raises
    ------
    InvalidLayerError
        When the file is malformed, truncated, not EPSG:4326 or a feature
        breaks the schema; the message names the file, feature and field.
    FileNotFoundError
        When there is no such file.
    """
    path = Path(path)
    label = printable(label or str(path))
    if path.is_dir():
        raise InvalidLayerError(f"{label}: is a directory; give a layer file")
    if not path.exists():
        raise FileNotFoundError(f"{label}: no such file")
    if path.suffix.lower() in {".geojson", ".json"}:
        frame = _frame_from_geojson(_parse_geojson(path, label), label)
    elif path.suffix.lower() == ".parquet":
        try:
            frame = gpd.read_parquet(path)
        except Exception as err:  # pyarrow raises several unrelated types
            raise InvalidLayerError(
                f"{label}: cannot be read ({printable(err)})"
            ) from err
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            raise InvalidLayerError(f"{label}: CRS is not EPSG:4326; reproject it")
        frame = _decode_json_columns(frame)
    else:
        frame = _frame_from_ogr(path, label)
    if validate:
        for index, (props, geom) in enumerate(records(frame)):
            validate_feature(props, geom, file=label, index=index)
        duplicated = (
            frame["id"][frame["id"].duplicated()].tolist() if len(frame) else []
        )
        if duplicated:
            raise InvalidLayerError(
                f"{label}: feature {duplicated[0]!r}: field 'id' is used twice; "
                "ids must be unique"
            )
    columns = [c for c in FIELDS if c in frame] + [
        c for c in frame.columns if c not in FIELDS and c != "geometry"
    ]
    return gpd.GeoDataFrame(
        frame[[*columns, "geometry"]], geometry="geometry", crs="EPSG:4326"
    )


def records(frame: gpd.GeoDataFrame) -> Iterator[tuple[dict[str, Any], Any]]:
    """Yield each row's properties and geometry; missing values (NaN) as None.

    A column that only some features of a layer have comes back from pandas as
    NaN in the others; every reader of rows wants None there instead.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> frame = gpd.GeoDataFrame({"id": ["a", "b"], "operator": ["X", None]},
    ...                          geometry=[Point(0, 0), Point(1, 1)])
    >>> [props for props, _ in records(frame)]
    [{'id': 'a', 'operator': 'X'}, {'id': 'b', 'operator': None}]
    """
    rows = frame.drop(columns=frame.geometry.name).to_dict("records")
    for props, geom in zip(rows, frame.geometry, strict=True):
        yield {k: (None if _isna(v) else v) for k, v in props.items()}, geom


def _isna(value: Any) -> bool:
    return (
        value is None or value is pd.NA or (isinstance(value, float) and value != value)
    )


def _as_text_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and objects as JSON text, for formats whose fields are scalars."""
    out = frame.copy()
    for column in out.columns:
        if column == out.geometry.name:
            continue
        values = [v for v in out[column] if not _isna(v)]
        if values and all(isinstance(v, bool) for v in values):
            out[column] = out[column].astype("boolean")  # nullable, not text
            continue
        if out[column].map(lambda v: isinstance(v, list | dict | tuple)).any():
            out[column] = [
                None if _isna(v) else json.dumps(v, ensure_ascii=False)
                for v in out[column]
            ]
    return out


def export(frames: dict[str, gpd.GeoDataFrame], path: str | os.PathLike[str]) -> Path:
    """Write layers to one file, atomically, in the format of its extension.

    Parameters
    ----------
    frames : dict of str to GeoDataFrame
        Layer name to layer (EPSG:4326), in order.
    path : str or path
        ``.geojson`` / ``.json``, ``.gpkg``, ``.fgb`` or ``.parquet``.

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    A GeoPackage holds each layer as its own table, named after the layer.
    The other formats hold one table: several layers are stacked, with their
    name in a ``layer`` column. Lists and objects (``names``, ``claimants``)
    stay JSON arrays and objects in GeoJSON and are JSON text in the other
    formats; :func:`read_file` turns them back. Every property is kept,
    provenance (``source``, ``source_url``, ``published_coords``) included.
    """
    target = check_output(path, suffixes=EXPORT_FORMATS)
    suffix = target.suffix.lower()
    if not frames:
        raise InvalidLayerError(f"{target}: no layers to write")
    for name, frame in frames.items():
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            raise InvalidLayerError(f"layer {name!r}: not in EPSG:4326; to_crs(4326)")
    label = printable(os.fspath(path))
    with atomic_path(target) as tmp:
        if suffix == ".gpkg":
            tmp.unlink()  # GDAL creates the GeoPackage itself
            for name, frame in frames.items():
                _write_ogr(
                    frame, tmp, label, layer=name, driver="GPKG", append=tmp.exists()
                )
            return target
        if len(frames) == 1:
            stacked = next(iter(frames.values()))
        else:
            parts = [f.assign(layer=name) for name, f in frames.items()]
            stacked = gpd.GeoDataFrame(
                pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326
            )
        if suffix in {".geojson", ".json"}:
            tmp.write_text(
                stacked.to_json(ensure_ascii=False, drop_id=True, na="null") + "\n",
                encoding="utf-8",
            )
        elif suffix == ".parquet":
            _as_text_columns(stacked).to_parquet(tmp)
        else:
            tmp.unlink()
            _write_ogr(stacked, tmp, label, driver="FlatGeobuf")
    return target


def _write_ogr(frame: gpd.GeoDataFrame, tmp: Path, label: str, **options: Any) -> None:
    """Write through GDAL; a disk that filled up is said so, naming ``label``.

    GDAL's errors carry no ``errno``: when a write fails and the file system
    has (almost) no space left, that is taken as the reason.
    """
    import pyogrio

    try:
        pyogrio.write_dataframe(_as_text_columns(frame), tmp, **options)
    except Exception as err:  # pyogrio raises several unrelated types
        try:
            fs = os.statvfs(tmp.parent)
        except OSError:
            raise err from None
        if fs.f_bavail * fs.f_frsize >= _FULL_BYTES:
            raise
        raise OutputError(
            f"{label}: cannot write it: {os.strerror(errno.ENOSPC)}"
        ) from err


#: Free space under which a failed GDAL write is taken for a full disk.
_FULL_BYTES = 1 << 20
