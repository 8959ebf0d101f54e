"""Bad files give one clear error naming the file, the feature and the field."""

from __future__ import annotations

import json
import os
import re
import stat
import warnings

import geopandas as gpd
import pytest
from shapely import Point, Polygon

import claimsmap as cm
from claimsmap.errors import OutputError, printable
from claimsmap.io import EXPORT_FORMATS, check_output, export
from claimsmap.schema import validate_feature


def write_fc(path, features, **extra):
    path.write_text(
        json.dumps({"type": "FeatureCollection", **extra, "features": features})
    )
    return path


def feature(props, geometry=None):
    return {
        "type": "Feature",
        "properties": props,
        "geometry": geometry or {"type": "Point", "coordinates": [123.47, 25.74]},
    }


def test_valid_file_round_trips(tmp_path, feature_props):
    frame = cm.read_file(write_fc(tmp_path / "ok.geojson", [feature(feature_props)]))
    assert frame.loc[0, "id"] == "test-feature" and frame.crs.to_epsg() == 4326


def test_truncated_file(tmp_path, feature_props):
    path = tmp_path / "cut.geojson"
    text = json.dumps(
        {"type": "FeatureCollection", "features": [feature(feature_props)]}
    )
    path.write_text(text[: len(text) // 2])
    with pytest.raises(
        cm.InvalidLayerError, match=r"cut\.geojson: not valid JSON at line 1.*truncated"
    ):
        cm.read_file(path)


def test_not_a_feature_collection(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "Feature"}')
    with pytest.raises(cm.InvalidLayerError, match="not a GeoJSON FeatureCollection"):
        cm.read_file(path)


def test_wrong_crs_member(tmp_path, feature_props):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    path = write_fc(tmp_path / "merc.geojson", [feature(feature_props)], crs=crs)
    with pytest.raises(
        cm.InvalidLayerError,
        match=r"merc\.geojson: CRS is 'urn:ogc:def:crs:EPSG::3857'.*reproject",
    ):
        cm.read_file(path)


def test_wrong_crs_geopackage(tmp_path, feature_props):
    frame = gpd.GeoDataFrame([feature_props], geometry=[Point(123.47, 25.74)], crs=4326)
    path = tmp_path / "merc.gpkg"
    frame.drop(columns=["names", "claimants"]).to_crs(3857).to_file(path)
    with pytest.raises(
        cm.InvalidLayerError, match=r"merc\.gpkg: CRS is EPSG:3857.*to_crs\(4326\)"
    ):
        cm.read_file(path)


def test_table_without_geometry(tmp_path):
    path = tmp_path / "positions.csv"
    path.write_text("vessel,time,lon,lat\n1,2024-01-01T00:00Z,123.5,25.7\n")
    with pytest.raises(cm.InvalidLayerError, match=r"positions\.csv: has no geometry"):
        cm.read_file(path)


def test_geopackage_in_4326_reads(tmp_path, feature_props):
    frame = gpd.GeoDataFrame([feature_props], geometry=[Point(123.47, 25.74)], crs=4326)
    frame["names"] = frame["names"].map(json.dumps)
    frame["claimants"] = frame["claimants"].map(json.dumps)
    path = tmp_path / "ok.gpkg"
    frame.to_file(path)
    back = cm.read_file(path)
    assert back.loc[0, "claimants"] == ["JPN"] and back.loc[0, "names"] == {
        "en": "Test Feature"
    }


def test_invalid_geometry(tmp_path, feature_props):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
    }
    path = write_fc(tmp_path / "bow.geojson", [feature({**feature_props}, bowtie)])
    with pytest.raises(
        cm.InvalidFeatureError,
        match=r"bow\.geojson: feature 'test-feature': field 'geometry' is invalid \(Self-intersection",
    ):
        cm.read_file(path)


def test_swapped_coordinates_in_file(tmp_path, feature_props):
    path = write_fc(
        tmp_path / "swap.geojson",
        [feature(feature_props, {"type": "Point", "coordinates": [25.74, 123.47]})],
    )
    with pytest.raises(
        cm.InvalidFeatureError,
        match=r"field 'geometry' has bounds .* must be \(lon, lat\)",
    ):
        cm.read_file(path)


def test_unreadable_geometry(tmp_path, feature_props):
    path = write_fc(tmp_path / "g.geojson", [feature(feature_props, {"type": "Blob"})])
    with pytest.raises(cm.InvalidLayerError, match="field 'geometry' cannot be read"):
        cm.read_file(path)


def test_duplicate_ids(tmp_path, feature_props):
    path = write_fc(
        tmp_path / "dup.geojson", [feature(feature_props), feature(feature_props)]
    )
    with pytest.raises(
        cm.InvalidLayerError, match="'test-feature': field 'id' is used twice"
    ):
        cm.read_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        cm.read_file(tmp_path / "nope.geojson")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "Bad Id", "lowercase-kebab"),
        ("name", "", "English name"),
        ("names", {"ja": 3}, "language tags"),
        ("kind", "islet", "use one of"),
        ("claimants", ["Japan"], "ISO alpha-3"),
        ("controller", "jp", "ISO alpha-3"),
        ("since", "11 Sep 2012", "ISO date"),
        ("until", "2001-01-01", "before since"),
        ("status", "islet", "use one of"),
        ("source", " ", "cite the issuing body"),
        ("source_url", "javascript:alert(1)", "http"),
        ("precision_m", 0, "positive number"),
        ("precision_m", True, "positive number"),
    ],
)
def test_each_field_is_checked(feature_props, field, value, message):
    with pytest.raises(
        cm.InvalidFeatureError,
        match=rf"f\.geojson: feature '[^']+': field '{field}' .*{message}",
    ):
        validate_feature(
            {**feature_props, field: value}, Point(1, 1), file="f.geojson", index=0
        )


def test_missing_field_and_kind_geometry(feature_props):
    props = dict(feature_props)
    del props["source_url"]
    with pytest.raises(cm.InvalidFeatureError, match="field 'source_url' is missing"):
        validate_feature(props, Point(1, 1), file="f", index=0)
    with pytest.raises(
        cm.InvalidFeatureError,
        match="is a Point; a baseline is a LineString or MultiLineString",
    ):
        validate_feature(
            {**feature_props, "kind": "baseline"}, Point(1, 1), file="f", index=0
        )
    with pytest.raises(
        cm.InvalidFeatureError, match="'operator' is missing; a base needs it"
    ):
        validate_feature(
            {**feature_props, "kind": "base"}, Point(1, 1), file="f", index=0
        )
    with pytest.raises(cm.InvalidFeatureError, match="geometry' is empty"):
        validate_feature(feature_props, Polygon(), file="f", index=0)


@pytest.mark.parametrize(
    ("extra", "props", "message"),
    [
        ({"crs": ["EPSG:4326"]}, None, r"x\.geojson: field 'crs' is a list; give an"),
        (
            {"crs": {"type": "name", "properties": ["EPSG:4326"]}},
            None,
            r"x\.geojson: field 'crs\.properties' is a list; give an object",
        ),
        ({}, ["id", "test-feature"], r"x\.geojson: feature #0: field 'properties' is"),
    ],
)
def test_members_of_the_wrong_json_type(tmp_path, feature_props, extra, props, message):
    """Lists where objects belong are the file's fault, named, not a TypeError."""
    path = write_fc(tmp_path / "x.geojson", [feature(props or feature_props)], **extra)
    with pytest.raises(cm.InvalidLayerError, match=message):
        cm.read_file(path)


def test_a_feature_that_is_not_an_object(tmp_path):
    path = write_fc(tmp_path / "x.geojson", [3])
    with pytest.raises(cm.InvalidLayerError, match=r"feature #0 is a number"):
        cm.read_file(path)


def test_nesting_too_deep_for_python(tmp_path):
    path = tmp_path / "deep.geojson"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(cm.InvalidLayerError, match=r"deep\.geojson: nested too deeply"):
        cm.read_file(path)


def test_a_byte_order_mark_is_read_past(tmp_path, feature_props):
    path = write_fc(tmp_path / "bom.geojson", [feature(feature_props)])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert cm.read_file(path).loc[0, "id"] == "test-feature"


def test_nan_coordinates_are_refused_without_a_warning(tmp_path, feature_props):
    props = {**feature_props, "kind": "claim-area", "status": None}
    props["claimants"] = ["JPN", "CHN"]
    ring = [[123, 25], [float("nan"), 25], [124, 26], [123, 25]]
    path = write_fc(
        tmp_path / "nan.geojson",
        [feature(props, {"type": "Polygon", "coordinates": [ring]})],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # shapely's RuntimeWarning would fail here
        with pytest.raises(
            cm.InvalidFeatureError, match=r"field 'geometry' is invalid.*nan"
        ):
            cm.read_file(path)


def test_a_directory_is_said_to_be_one(tmp_path):
    (tmp_path / "layer.geojson").mkdir()
    with pytest.raises(cm.InvalidLayerError, match=r"layer\.geojson: is a directory"):
        cm.read_file(tmp_path / "layer.geojson")


def test_messages_quote_input_printably():
    assert (
        printable("a\x00b\x1b[2J\nc\u202ed\udcff") == r"a\x00b\x1b[2J\nc\u202ed\udcff"
    )
    assert printable("魚釣島 — 25.7° N, tab\t") == "魚釣島 — 25.7° N, tab\\t"


def test_outputs_must_be_regular_files(tmp_path):
    folder = tmp_path / "out.geojson"
    folder.mkdir()
    with pytest.raises(OutputError, match=r"out\.geojson: is a directory"):
        check_output(folder)
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"pipe\.geojson: is not a regular file"):
        export({"bases": cm.load("bases")}, fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # not replaced
    with pytest.raises(OutputError, match=r"x\.geojson: folder .*nope does not exist"):
        check_output(tmp_path / "nope" / "x.geojson")
    with pytest.raises(OutputError, match=r"x\.shp: cannot write '\.shp'; use one of"):
        check_output(tmp_path / "x.shp", suffixes=EXPORT_FORMATS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.geojson", "pipe.geojson"]


def test_a_folder_that_takes_no_file(tmp_path):
    if not os.path.isfile("/proc/version"):
        pytest.skip("needs Linux /proc")
    # /proc takes no new file, whoever asks (root too): the probe finds it.
    with pytest.raises(
        OutputError,
        match=r"^/proc/version: cannot create a file in directory /proc \(",
    ):
        check_output("/proc/version")


@pytest.mark.parametrize("ext", [".geojson", ".gpkg", ".fgb", ".parquet"])
def test_a_full_disk_names_the_path_and_keeps_the_old_file(full_disk, ext):
    target = full_disk / f"layers{ext}"
    target.write_text("old")
    with pytest.raises(
        OutputError, match=rf"^{re.escape(str(target))}: .*No space left on device$"
    ):
        export({"basemap-ne10m": cm.load("basemap-ne10m")}, target)
    assert target.read_text() == "old"
    assert [p.name for p in full_disk.iterdir()] == [target.name]  # no temporary


@pytest.mark.parametrize("suffix", sorted(set(EXPORT_FORMATS) - {".json"}))
def test_export_round_trip_keeps_every_feature_property_and_vertex(tmp_path, suffix):
    """io.export itself, not through the CLI: what is written reads back the same."""
    import pyogrio
    import shapely

    frames = {"bases": cm.load("bases"), "senkaku-islands": cm.load("senkaku-islands")}
    path = export(frames, tmp_path / f"atlas{suffix}")
    assert path == tmp_path / f"atlas{suffix}"
    assert sorted(os.listdir(tmp_path)) == [f"atlas{suffix}"]  # no temporary left
    if suffix == ".gpkg":
        # One table a layer; lists and objects are JSON text there.
        assert sorted(n for n, _ in pyogrio.list_layers(path)) == sorted(frames)
        back = {}
        for name in frames:
            table = gpd.read_file(path, layer=name)
            for column in ("names", "claimants"):
                table[column] = table[column].map(json.loads)
            back[name] = table
    else:
        table = cm.read_file(path)
        assert list(dict.fromkeys(table["layer"])) == list(frames)
        back = {
            name: table[table["layer"] == name].drop(columns="layer") for name in frames
        }
    for name, frame in frames.items():
        got = back[name].set_index("id")
        want = frame.set_index("id")
        if suffix == ".fgb":  # its spatial index orders the features
            got, want = got.sort_index(), want.sort_index()
        assert list(got.index) == list(want.index), name
        assert shapely.equals_exact(
            got.geometry.values, want.geometry.values, tolerance=1e-9
        ).all(), name
        for column in ("name", "names", "claimants", "source", "source_url"):
            assert got[column].tolist() == want[column].tolist(), (name, column)
        assert (
            got["precision_m"].astype(float).tolist()
            == want["precision_m"].astype(float).tolist()
        )


def test_export_refuses_a_layer_in_another_crs_and_writes_nothing(tmp_path):
    frame = cm.load("bases").to_crs(3857)
    with pytest.raises(cm.InvalidLayerError, match="not in EPSG:4326; to_crs"):
        export({"bases": frame}, tmp_path / "out.gpkg")
    with pytest.raises(cm.InvalidLayerError, match="no layers to write"):
        export({}, tmp_path / "out.gpkg")
    assert os.listdir(tmp_path) == []
