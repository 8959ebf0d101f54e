"""The command line, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from geographiclib.geodesic import Geodesic

import claimsmap as cm

from . import reference


def run(*args, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "claimsmap", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def assert_one_line_error(proc, pattern):
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("claimsmap: error: ")
    import re

    assert re.search(pattern, lines[0]), lines[0]


def test_version_prints_dependencies():
    out = run("--version").stdout
    for name in ("claimsmap", "geopandas", "shapely", "GEOS", "PROJ", "GDAL"):
        assert name in out


def test_layers_json():
    layers = json.loads(run("layers", "--format", "json").stdout)
    ids = {layer["id"] for layer in layers}
    assert {"senkaku-islands", "prc-ecs-adiz-2013", "bases", "basemap-ne10m"} <= ids


def test_distance_json_agrees_with_geographiclib_and_mofa():
    out = json.loads(
        run("distance", "JGSDF Camp Ishigaki", "Diaoyu Dao", "--format", "json").stdout
    )
    assert {"km", "nmi", "azimuth_deg", "a", "b"} <= set(out)
    (lon1, lat1), (lon2, lat2) = out["a"], out["b"]
    ref = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    assert abs(out["km"] * 1000 - ref["s12"]) < 1e-3
    assert abs(out["azimuth_deg"] - ref["azi1"]) < 1e-6
    assert abs(out["nmi"] * 1852 - ref["s12"]) < 1e-3
    # MOFA: about 170 km; Camp Ishigaki is located to 10 km.
    assert abs(out["km"] - reference.MOFA_ISHIGAKI_UOTSURI_KM) <= 15


def test_distance_text_and_points():
    out = run("distance", "124.16,24.34", "Uotsuri-jima").stdout
    assert "km" in out and "nmi" in out and "azimuth" in out
    csv_out = run("distance", "Kadena", "Naha", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("from,to,metres,km,nmi")


def test_show_any_language():
    text = run("show", "釣魚臺").stdout
    assert "senkaku-uotsuri-jima" in text and "source_url: https://" in text
    gj = json.loads(run("show", "Kuba-jima", "--format", "geojson").stdout)
    assert gj["geometry"]["type"] == "Point"


def test_map_writes_a_file(tmp_path):
    out = tmp_path / "s.html"
    proc = run("map", "--preset", "senkaku", "-o", str(out))
    assert out.stat().st_size > 100_000 and "wrote" in proc.stderr
    assert list(tmp_path.iterdir()) == [out]


def test_unknown_name():
    assert_one_line_error(
        run("show", "Uotsuri", check=False),
        r"Unknown feature 'Uotsuri'\. Did you mean: 'Uotsuri-jima'",
    )


def test_swapped_point():
    assert_one_line_error(
        run("distance", "25.74,123.47", "Ishigaki Island", check=False),
        r"looks like \(lat, lon\) — give \(lon, lat\): \(123\.47, 25\.74\)",
    )


def test_unknown_preset(tmp_path):
    out = tmp_path / "x.html"
    assert_one_line_error(
        run("map", "--preset", "nowhere", "-o", str(out), check=False),
        "Unknown preset 'nowhere'; use one of: atlas, seed, senkaku",
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (
            '{"type": "FeatureCollection", "features": [{"type": "Fea',
            r"not valid JSON at line 1",
        ),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
            '{"name": "EPSG:3857"}}, "features": []}',
            r"CRS is 'EPSG:3857'",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            ' "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            r"feature #0: field 'id' is missing",
        ),
    ],
)
def test_broken_user_layer_leaves_no_map(tmp_path, content, pattern):
    bad = tmp_path / "bad.geojson"
    bad.write_text(content)
    out = tmp_path / "map.html"
    assert_one_line_error(
        run("map", "--add", str(bad), "-o", str(out), check=False),
        r"bad\.geojson: " + pattern,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.geojson"]
    assert_one_line_error(run("validate", str(bad), check=False), pattern)


def test_output_folder_missing(tmp_path):
    assert_one_line_error(
        run("map", "-o", str(tmp_path / "no" / "m.html"), check=False),
        "does not exist; create it",
    )


def test_usage_error_is_exit_2():
    proc = run("distance", "Ishigaki", check=False)
    assert proc.returncode == 2 and "give two places" in proc.stderr
    proc = run("distance", "--from", "Ishigaki", check=False)
    assert proc.returncode == 2 and "--to" in proc.stderr
    proc = run("at", "123", check=False)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_at_lists_the_senkaku_zones_and_adizs_with_sources():
    proc = run("at", "123.47", "25.74", "--format", "json")
    body = json.loads(proc.stdout)
    ids = {a["id"] for a in body["areas"]}
    assert {"jpn-senkaku-territorial-sea", "prc-ecs-adiz-2013-area"} <= ids
    assert all(a["source"] and a["source_url"] for a in body["areas"])
    assert body["schema_version"] == "1"
    assert body["nearest_land"]["id"] == "senkaku-uotsuri-jima"


def test_distance_matrix_and_within():
    proc = run(
        "distance",
        "--from",
        "JGSDF Camp Ishigaki",
        "JGSDF Camp Yonaguni",
        "--to",
        "Uotsuri-jima",
        "121,25",
        "--unit",
        "nmi",
        "--format",
        "json",
    )
    body = json.loads(proc.stdout)
    assert body["from"] == ["JGSDF Camp Ishigaki", "JGSDF Camp Yonaguni"]
    assert body["unit"] == "nmi"
    assert len(body["values"]) == 2 and len(body["values"][0]) == 2
    proc = run("within", "Camp Ishigaki", "150", "--kind", "base", "--format", "csv")
    assert proc.stdout.splitlines()[1].startswith("bases,base-jgsdf-camp-miyakojima,")


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "fgb", "parquet"])
def test_export_round_trip(tmp_path, ext):
    out = tmp_path / f"atlas.{ext}"
    run("export", "scs-features", "--to", str(out))
    back = cm.read_file(out).set_index("id")
    original = cm.load("scs-features").set_index("id")
    assert set(back.index) == set(original.index)
    for fid in ("scs-itu-aba", "scs-pattle-island-vnm-1956"):
        for column in ("names", "claimants", "since", "until", "source", "precision_m"):
            a, b = original.loc[fid, column], back.loc[fid, column]
            missing = [v is None or (isinstance(v, float) and v != v) for v in (a, b)]
            assert a == b or all(missing), (fid, column, a, b)
        assert back.loc[fid, "geometry"].equals(original.loc[fid, "geometry"])
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # nothing left over


def test_export_refuses_unknown_formats(tmp_path):
    proc = run("export", "bases", "--to", str(tmp_path / "x.shp"), check=False)
    assert proc.returncode == 2 and "use one of .geojson" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_presence_from_a_file_of_positions(tmp_path):
    """The one-command figure: days in the Senkaku territorial sea, of the year."""
    from claimsmap.synthetic import loiter_track

    track = loiter_track(
        (123.476, 25.743),
        5,
        "2024-01-01",
        10,
        inside_days=range(0, 10, 2),
        away=(124.5, 26.5),
    )
    path = tmp_path / "track.csv"
    track.rename(columns={"vessel": "mmsi"}).to_csv(path, index=False)
    zone = "jpn-senkaku-territorial-sea"
    args = ("presence", str(path), "--zones", zone, "--vessel", "mmsi")
    proc = run(*args, "--start", "2024-01-01", "--end", "2024-12-31")
    assert f"{zone}: 5 of 366 days, 1 vessel" in proc.stdout
    assert "positions" not in proc.stderr  # no progress bar into a pipe
    data = json.loads(run(*args, "--format", "json").stdout)
    assert data["schema"] == "claimsmap.presence/1" and data["periods_total"] == 10
    assert data["rows"] == [{"zone": zone, "periods": 5, "of": 10, "vessels": 1}]
    data = json.loads(run(*args, "--table", "visits", "--format", "json").stdout)
    first = data["rows"][0]
    assert first["entry"] == "2024-01-01T00:00:00+00:00" and first["before"] is None
    assert first["after"].startswith("2024-01-02T") and first["entry_after_gap"]
    visits = run(*args, "--table", "visits", "--format", "csv").stdout.splitlines()
    assert len(visits) == 1 + 5 and visits[0].startswith("vessel,zone,entry,exit")
    assert_one_line_error(run("presence", str(path), check=False), "no column 'vessel'")
    assert_one_line_error(
        run(*args, "--by", "hour", "--max-gap", "soon", check=False), "max_gap='soon'"
    )


def test_synthetic_ais_writes_a_file_presence_reads(tmp_path):
    out = tmp_path / "ais.parquet"
    proc = run("synthetic-ais", "-o", str(out), "--vessels", "5", "--days", "2")
    assert "synthetic positions of 5 vessels" in proc.stderr and out.exists()
    assert "positions" in run("presence", str(out)).stdout
    bad = run("synthetic-ais", "-o", str(tmp_path / "ais.txt"), check=False)
    assert_one_line_error(bad, "give a .csv or .parquet file name")


def test_presence_progress_bar_on_a_terminal(tmp_path):
    """A real pseudo-terminal on stderr: the bar shows, and reaches every row."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    from claimsmap.synthetic import synthetic_ais

    path = tmp_path / "ais.parquet"
    table = synthetic_ais(vessels=3, days=1)
    table.to_parquet(path)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.run(
        [sys.executable, "-m", "claimsmap", "presence", str(path)],
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=120,
        check=True,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    n = len(table)
    assert b"100%" in shown and f"{n}/{n}".encode() in shown
    assert b"positions" in proc.stdout
