"""The HTTP service, on a real uvicorn server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from claimsmap.server import running

ORIGIN = "http://newsroom.example"


@pytest.fixture(scope="module")
def server():
    with running(cors_origins=[ORIGIN]) as (url, _):
        yield url


def get(server, path, **params):
    return httpx.get(f"{server}{path}", params=params, timeout=60)


def test_at_the_senkakus_lists_zones_and_adizs_with_sources(server):
    r = get(server, "/at", lon=123.47, lat=25.74)
    assert r.status_code == 200
    body = r.json()
    kinds = {a["id"]: a["kind"] for a in body["areas"]}
    assert kinds["jpn-senkaku-territorial-sea"] == "zone"
    assert kinds["prc-diaoyu-territorial-sea"] == "zone"
    assert kinds["prc-ecs-adiz-2013-area"] == "adiz"
    assert all(a["source_url"].startswith("http") for a in body["areas"])
    assert body["nearest_land"]["id"] == "senkaku-uotsuri-jima"
    assert body["nearest_land"]["distance_km"] < 2


def test_layers_features_distance_within_overlaps(server):
    layers = get(server, "/layers").json()
    assert {"scs-features", "senkaku-islands"} <= {r["id"] for r in layers}
    fc = get(server, "/layers/scs-features", at="1973-06-01", limit=5).json()
    assert fc["type"] == "FeatureCollection" and fc["numberReturned"] == 5
    assert fc["numberMatched"] > 5
    feature = get(server, "/features/釣魚臺").json()
    assert feature["id"] == "senkaku-uotsuri-jima"
    d = get(server, "/distance", a="Camp Ishigaki", b="124.0,25.0").json()
    assert 60 < d["km"] < 80
    near = get(server, "/within", place="Camp Ishigaki", radius=150, kind="base").json()
    assert [f["properties"]["id"] for f in near["features"]][:1] == [
        "base-jgsdf-camp-miyakojima"
    ]
    table = get(
        server, "/overlaps", a="prc-dashed-line-area", b="phl-kalayaan-island-group"
    ).json()
    assert table["overlaps"][0]["area_km2"] > 200_000


def test_map_is_html(server):
    r = get(server, "/maps/seed")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "China: controlled and claimed regions" in r.text


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/layers/nope", {}, 404, "Unknown layer"),
        ("/features/Atlantis", {}, 404, "Unknown feature"),
        ("/at", {"lon": 200, "lat": 25}, 422, "less than or equal to 180"),
        ("/at", {"lon": 120}, 422, "Field required"),
        ("/at", {"lon": 120, "lat": 20, "date": "soon"}, 422, "pattern"),
        ("/distance", {"a": "Ishigaki", "b": "25.7,123.5"}, 400, "looks like"),
        ("/within", {"place": "Ishigaki", "radius": -1}, 422, "greater than 0"),
        ("/overlaps", {"a": "prc-dashed-line"}, 400, "has no polygons"),
        ("/maps/nope", {}, 400, "Unknown preset"),
        ("/layers/bases", {"limit": 100000}, 422, "less than or equal to 5000"),
    ],
)
def test_bad_requests_say_what_was_wrong(server, path, params, status, says):
    r = get(server, path, **params)
    assert r.status_code == status
    assert says in r.text
    assert r.headers["content-type"].startswith("application/json")


def test_request_size_is_bounded(server):
    r = get(server, "/distance", a="x" * 5000, b="Ishigaki")
    assert r.status_code == 414 and "over 4096 bytes" in r.json()["detail"]


def test_cors_is_configured(server):
    r = httpx.get(f"{server}/health", headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN
    r = httpx.get(f"{server}/health", headers={"Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_no_endpoint_takes_a_path(server):
    """Paths only ever name atlas ids: a file path is just an unknown id."""
    r = get(server, "/layers/..%2F..%2Fetc%2Fpasswd")
    assert r.status_code in (404, 422)
    r = get(server, "/features/%2Fetc%2Fpasswd")
    assert r.status_code == 404


def test_openapi_and_docs(server):
    schema = get(server, "/openapi.json").json()
    assert {"/at", "/distance", "/layers/{layer_id}", "/overlaps"} <= set(
        schema["paths"]
    )
    assert get(server, "/docs").status_code == 200


def test_schemathesis_finds_no_server_errors(server, tmp_path):
    """Property-based requests over the whole schema: no 5xx, answers as declared."""
    cmd = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server}/openapi.json",
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance",
        "--max-examples",
        os.environ.get("CLAIMSMAP_SCHEMATHESIS_EXAMPLES", "15"),
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--workers",
        "1",
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
