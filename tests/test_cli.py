"""The command line, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import os
import re
import stat
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
        (
            '{"type": "FeatureCollection", "crs": ["EPSG:4326"], "features": []}',
            r"field 'crs' is a list",
        ),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
            '["EPSG:4326"]}, "features": []}',
            r"field 'crs\.properties' is a list",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", '
            '"properties": [], "geometry": null}]}',
            r"feature #0: field 'properties' is a list",
        ),
        ("[" * 200_000 + "]" * 200_000, r"nested too deeply"),
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
    assert_one_line_error(
        bad, r"ais\.txt: cannot write '\.txt'; use one of \.csv, \.parquet"
    )


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


def assert_parser_error(proc, pattern):
    """argparse's own refusal: its usage, then one line naming the option."""
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert re.search(r"^claimsmap [a-z-]+: error: argument " + pattern, last), last


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["presence", "p.csv", "--chunk-rows", "0"], r"--chunk-rows: 0: give"),
        (["presence", "p.csv", "--chunk-rows", "-5"], r"--chunk-rows: -5: "),
        (["synthetic-ais", "-o", "s.csv", "--interval", "0"], r"--interval: "),
        (["synthetic-ais", "-o", "s.csv", "--interval", "-600"], r"--interval: -600"),
        (["synthetic-ais", "-o", "s.csv", "--interval", "nan"], r"--interval: nan: "),
        (["synthetic-ais", "-o", "s.csv", "--start", "notadate"], r"--start: 'nota"),
        (["synthetic-ais", "-o", "s.csv", "--days", "1000000000"], r"--days: 1000000"),
        (["synthetic-ais", "-o", "s.csv", "--vessels", "0"], r"--vessels: 0: give"),
        (["synthetic-ais", "-o", "s.csv", "--seed", "-1"], r"--seed: -1: give 0"),
        (["within", "Ishigaki", "-5"], r"radius: -5: give more than 0"),
        (["at", "nan", "25"], r"lon: nan: give a finite number"),
        (["serve", "--port", "99999"], r"--port: 99999: give 1 to 65535"),
        (
            ["map", "--png", "m.png", "--scale", "0"],
            r"--scale: 0: give more than 0 and at most 8",
        ),
        (["map", "--png", "m.png", "--size", "1400"], r"--size: '1400': give WIDTHx"),
        (["map", "--pdf", "m.pdf", "--size", "90x1000"], r"--size: 90x1000: give 100"),
    ],
)
def test_numeric_options_are_checked_by_the_parser(tmp_path, args, pattern):
    proc = subprocess.run(
        [sys.executable, "-m", "claimsmap", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert_parser_error(proc, pattern)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        # The output is checked first: the bad layer, the unknown layer and
        # the dates that overflow are never reached.
        (["map", "--add", "{bad}", "-o", "{dir}"], r"out\.x: is a directory"),
        (["map", "--png", "{dir}"], r"out\.x: is a directory"),
        (["map", "--svg", "m.svg", "--pdf", "{dir}"], r"out\.x: is a directory"),
        (["map", "--svg", "{fifo}"], r"fifo\.html: is not a regular file"),
        (["export", "no-such-layer", "--to", "{dir}.gpkg"], r"\.gpkg: is a directory"),
        (
            [
                *("synthetic-ais", "-o", "{dir}.csv"),
                *("--start", "2250-01-01", "--days", "36500"),
            ],
            r"out\.x\.csv: is a directory",
        ),
        (["map", "-o", "{fifo}"], r"fifo\.html: is not a regular file"),
        (["export", "bases", "--to", "{fifo}.geojson"], r"\.geojson: is not a regular"),
    ],
)
def test_outputs_that_are_not_regular_files_are_refused_first(tmp_path, args, pattern):
    folder = tmp_path / "out.x"
    for name in ("out.x", "out.x.gpkg", "out.x.csv"):
        (tmp_path / name).mkdir()
    fifo = tmp_path / "fifo.html"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "fifo.html.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{")
    paths = {"dir": str(folder), "fifo": str(fifo), "bad": str(bad)}
    proc = run(*(a.format(**paths) for a in args), check=False)
    assert_one_line_error(proc, pattern)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.geojson",
        "fifo.html",
        "fifo.html.geojson",
        "out.x",
        "out.x.csv",
        "out.x.gpkg",
    ]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert all(not any(p.iterdir()) for p in tmp_path.glob("out.x*"))


def test_an_export_without_chromium_says_how_to_get_one(tmp_path):
    out = tmp_path / "m.svg"
    env = {**os.environ, "CLAIMSMAP_CHROMIUM": str(tmp_path / "no-chromium")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimsmap",
            "map",
            "--preset",
            "senkaku",
            "--svg",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert_one_line_error(
        proc, r"^claimsmap: error: CLAIMSMAP_CHROMIUM='.*no-chromium' is not an exec"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_takes_no_file_is_named_not_the_temporary(tmp_path):
    if not os.path.isfile("/proc/version"):
        pytest.skip("needs Linux /proc")
    assert_one_line_error(
        run("map", "--preset", "senkaku", "-o", "/proc/version", check=False),
        r"^claimsmap: error: /proc/version: cannot create a file in directory /proc",
    )


def test_a_full_disk_is_the_machine_not_a_bug(full_disk):
    old = full_disk / "map.html"
    old.write_text("the old map")
    proc = run("map", "--preset", "senkaku", "-o", str(old), check=False)
    assert_one_line_error(
        proc, rf"^claimsmap: error: {re.escape(str(old))}: .*No space left on device$"
    )
    assert "report" not in proc.stderr
    assert old.read_text() == "the old map"
    assert [p.name for p in full_disk.iterdir()] == ["map.html"]


@pytest.mark.parametrize(
    ("args", "content", "pattern"),
    [
        (["presence", "{dir}"], None, r"p\.csv: is a directory"),
        (["validate", "{dir}"], None, r"p\.csv: is a directory"),
        (["presence", "{file}"], b"vessel,time,lon,lat\n", r"p\.csv: no positions \("),
        (
            ["presence", "{file}"],
            b"vessel,time,lon,lat\n,2024-01-01T00:00Z,124,25\n",
            r"p\.csv, data row 1: the vessel is missing",
        ),
        (
            ["presence", "{file}"],
            b"vessel,time,lon,lat\n1,2024-01-01T00:00Z,500,25\n",
            r"p\.csv, data row 1: longitude 500\.0 is beyond",
        ),
        (
            ["presence", "{file}"],
            b"vessel,time,lon\x00\x1b[31m,lat\n1,\x1b[2J2024\n",
            r"p\.csv: not a readable CSV file \(.*\\x1b\[2J2024\)",
        ),
    ],
)
def test_bad_positions_files_are_one_clean_line(tmp_path, args, content, pattern):
    path = tmp_path / "p.csv"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    where = {"dir": str(path), "file": str(path)}
    proc = run(*(a.format(**where) for a in args), check=False)
    assert_one_line_error(proc, pattern)
    assert "\x1b" not in proc.stderr and "\x00" not in proc.stderr


def test_a_byte_order_mark_is_fine_in_csv_and_geojson(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_bytes(
        b"\xef\xbb\xbfvessel,time,lon,lat\n1,2024-01-01T00:00Z,123.476,25.743\n"
    )
    assert "1 positions" in run("presence", str(csv)).stdout
    layer = tmp_path / "l.geojson"
    layer.write_bytes(b'\xef\xbb\xbf{"type": "FeatureCollection", "features": []}')
    assert "0 features, all valid" in run("validate", str(layer)).stderr


def test_map_names_a_language_or_says_what_to_give(tmp_path):
    proc = run("map", "--lang", "Chinese", "-o", str(tmp_path / "m.html"), check=False)
    assert proc.returncode == 2 and "not a language code" in proc.stderr
    assert not (tmp_path / "m.html").exists()
    # A well-formed code the maps have no names in is not silently English.
    proc = run("map", "--lang", "de", "-o", str(tmp_path / "m.html"), check=False)
    assert proc.returncode == 2 and "do not name their places in it" in proc.stderr
    assert "zh-Hant" in proc.stderr
    assert not (tmp_path / "m.html").exists()
