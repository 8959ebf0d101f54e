"""The HTTP service, on a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import psutil
import pytest

from claimsmap.server import MAX_HEAD_BYTES, MAX_IN_FLIGHT, running

ORIGIN = "http://newsroom.example"


@pytest.fixture(scope="module")
def served():
    with running(cors_origins=[ORIGIN]) as (url, proc):
        yield url, proc


@pytest.fixture(scope="module")
def server(served):
    return served[0]


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


def test_worldviews_are_the_librarys(server):
    """Every worldview cm.load knows is accepted, and the land follows it."""
    from claimsmap.catalog import WORLDVIEWS

    schema = get(server, "/openapi.json").json()
    params = schema["paths"]["/layers/{layer_id}"]["get"]["parameters"]
    param = next(p for p in params if p["name"] == "worldview")
    assert set(param["schema"]["anyOf"][0]["enum"]) == set(WORLDVIEWS)
    fc = get(server, "/layers/land-claims", worldview="IND").json()
    held = {
        f["properties"]["id"]: f["properties"]["controller"] for f in fc["features"]
    }
    assert held["land-aksai-chin"] == "IND"
    r = get(server, "/layers/land-claims", worldview="XYZ")
    assert r.status_code == 422


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
    body = r.json()
    assert isinstance(body["error"], str) and isinstance(body["detail"], str)
    assert says in body["detail"] or status == 422


def test_invalid_requests_list_the_fields(server):
    body = get(server, "/at", lon=200).json()
    assert body["error"] == "invalid request"
    assert body["detail"] == (
        "query.lon: Input should be less than or equal to 180; "
        "query.lat: Field required"
    )
    assert [f["loc"] for f in body["fields"]] == [["query", "lon"], ["query", "lat"]]


def test_unknown_paths_and_methods_say_so_in_json(server):
    r = get(server, "/nowhere")
    assert r.status_code == 404
    assert r.json() == {
        "error": "not found",
        "detail": "no such path; the endpoints are listed at /docs",
    }
    r = httpx.post(f"{server}/health", timeout=60)
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    assert r.json() == {
        "error": "method not allowed",
        "detail": "every endpoint answers GET only",
    }
    r = httpx.delete(f"{server}/at", params={"lon": 1, "lat": 2}, timeout=60)
    assert r.status_code == 405 and set(r.json()) == {"error", "detail"}


def test_request_size_is_bounded(server):
    r = get(server, "/distance", a="x" * 5000, b="Ishigaki")
    assert r.status_code == 414 and "over 4096 bytes" in r.json()["detail"]
    assert r.json()["error"] == "query too long"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Big": "a" * 100_000},  # one header: refused as its bytes arrive
        {f"X-H{i}": "b" * 100 for i in range(170)},  # many small ones
    ],
)
def test_request_headers_are_bounded(server, headers):
    r = httpx.get(f"{server}/health", headers=headers, timeout=60)
    assert r.status_code == 431
    assert r.json() == {
        "error": "headers too large",
        "detail": f"the request line and headers are over {MAX_HEAD_BYTES} bytes",
    }
    just_below = {"X-Big": "a" * (MAX_HEAD_BYTES - 1000)}
    assert (
        httpx.get(f"{server}/health", headers=just_below, timeout=60).status_code == 200
    )


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


# A burst: half good requests (200), half bad ones, each with the status it must get.
GOOD = [
    ("/health", 200),
    ("/distance?a=124.0,25.0&b=Ishigaki", 200),
    ("/features/" + quote("黄岩岛"), 200),
    ("/layers/bases?limit=3", 200),
    ("/at?lon=123.47&lat=25.74", 200),
]
BAD = [
    ("/features/Atlantis", 404),
    ("/nowhere", 404),
    ("/at?lon=200&lat=25", 422),
    ("/distance?a=Ishigaki&b=25.7,123.5", 400),
    ("/distance?a=" + "x" * 5000 + "&b=Ishigaki", 414),
]


def _run(coro):
    """Run a coroutine to its end on a thread of its own.

    The session's Chromium (Playwright's sync API) keeps an event loop running
    on the main thread, where ``asyncio.run`` would refuse to start another.
    """
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _burst(url: str, targets: list[tuple[str, int]], raw: bool = False) -> list:
    """Open one connection per request, all at once; then send every request.

    Returns each answer's status, or the whole answer (bytes) if ``raw``.
    """
    parts = urlsplit(url)

    async def ask(stream, target: str) -> int | bytes:
        reader, writer = stream
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = await reader.read()
        writer.close()
        return answer if raw else int(answer[9:12])

    streams = await asyncio.gather(
        *(asyncio.open_connection(parts.hostname, parts.port) for _ in targets)
    )
    return await asyncio.wait_for(
        asyncio.gather(
            *(ask(s, t) for s, (t, _) in zip(streams, targets, strict=True))
        ),
        600,
    )


def test_a_burst_of_1200_connections_is_answered_in_full(served):
    """Every connection of a burst is answered as it should be; memory comes back."""
    url, proc = served
    n = 1200
    assert n < MAX_IN_FLIGHT
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4 * n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4 * n, hard), hard))
    targets = [(GOOD + BAD)[i % 10] for i in range(n)]
    # Warm-up: each request once, so that memory is measured from a server
    # that has answered every kind of request.
    _run(_burst(url, GOOD + BAD))
    worker = psutil.Process(proc.pid)
    time.sleep(1)
    before = worker.memory_info().rss

    statuses = _run(_burst(url, targets))
    assert statuses == [status for _, status in targets]

    deadline = time.monotonic() + 60
    while (after := worker.memory_info().rss) > 1.1 * before:
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    assert after <= 1.1 * before, (before / 2**20, after / 2**20)


@pytest.fixture(scope="module")
def small_server():
    """Two workers, each shedding past 8 requests in flight."""
    with running(workers=2, cors_origins=[ORIGIN], max_in_flight=8) as (url, proc):
        yield url, proc


def test_several_workers(small_server):
    """`serve --workers 2` runs two worker processes, each with the CORS setting."""
    url, proc = small_server
    workers = [
        p
        for p in psutil.Process(proc.pid).children()
        if "resource_tracker" not in " ".join(p.cmdline())
    ]
    assert len(workers) == 2
    with httpx.Client(timeout=60) as client:
        for _ in range(20):  # a new connection each time
            r = client.get(
                f"{url}/health", headers={"Origin": ORIGIN, "Connection": "close"}
            )
            assert r.status_code == 200
            assert r.headers["access-control-allow-origin"] == ORIGIN


def test_past_the_in_flight_limit_requests_are_shed_but_never_health(small_server):
    url, _ = small_server
    targets = [("/maps/seed", 200), ("/health", 200)] * 60
    answers = _run(_burst(url, targets, raw=True))
    health = [a for a, (t, _) in zip(answers, targets, strict=True) if t == "/health"]
    assert all(a.startswith(b"HTTP/1.1 200 ") for a in health)
    maps = [a for a, (t, _) in zip(answers, targets, strict=True) if t != "/health"]
    shed = [a for a in maps if a.startswith(b"HTTP/1.1 503 ")]
    assert shed and len(shed) + sum(a.startswith(b"HTTP/1.1 200 ") for a in maps) == 60
    head, body = shed[0].split(b"\r\n\r\n", 1)
    assert b"\r\nretry-after: 1\r\n" in head.lower()
    assert json.loads(body) == {
        "error": "overloaded",
        "detail": "the service holds 8 requests already; retry in a second",
    }
    # Then it answers as before.
    assert httpx.get(f"{url}/maps/seed", timeout=120).status_code == 200


DIRECT_QUERIES = [
    ("/at", "lon=123.47&lat=25.74"),  # Uotsuri-jima
    ("/at", "lon=121.0&lat=24.0"),  # on Taiwan
    ("/at", "lon=135&lat=0"),  # far at sea
    ("/at", "lon=-180&lat=90"),  # the corner of the range
    ("/distance", "a=Ishigaki+Island&b=123.5%2C25.7"),
    ("/distance", "a=%E9%87%A3%E9%AD%9A%E8%87%BA&b=Itu+Aba"),  # 釣魚臺
    ("/distance", "a=118%2C23&b=122%2C27"),
    ("/features/Itu%20Aba", ""),
    ("/features/%E9%BB%84%E5%B2%A9%E5%B2%9B", ""),  # 黄岩岛
    ("/features/island-ishigaki-jima", ""),
    ("/layers/bases", "limit=10"),
    ("/layers/Senkaku%20Islands", "limit=3"),
]


def _direct_routes_of(app, kind="direct"):
    from claimsmap.server import _Bounds

    (bounds,) = [m for m in app.user_middleware if m.cls is _Bounds]
    return bounds.kwargs[kind]


def test_plain_queries_are_answered_directly_and_the_rest_go_to_the_app():
    from claimsmap.server import create_app

    direct = _direct_routes_of(create_app())
    for path, query in DIRECT_QUERIES:
        if path.startswith(("/features/", "/layers/")):
            continue
        assert direct[path](query.encode()) is not None, (path, query)
    # Left to FastAPI, which validates and answers the documented 4xx.
    for path, query in [
        ("/at", "lon=1e2&lat=3"),  # not a plain decimal
        ("/at", "lon=nan&lat=3"),
        ("/at", "lon=500&lat=20"),  # out of range
        ("/at", "lon=123&lat=25&date=2020-01-01"),  # a day: indexed in a thread
        ("/at", "lon=123&lon=124&lat=25"),  # a parameter twice
        ("/at", "lat=25"),
        ("/distance", "a=Nowhere+at+all&b=Ishigaki+Island"),  # unknown: a 404
        ("/distance", "a=91%2C200&b=Ishigaki+Island"),  # a bad point: a 400
        ("/distance", "a=Ishigaki+Island&b=basemap-ne10m"),  # no such place
        ("/distance", "a=Taiwan+Island&b=Hainan&c=1"),
    ]:
        assert direct[path](query.encode()) is None, (path, query)


@pytest.mark.parametrize(("path", "query"), DIRECT_QUERIES)
def test_a_direct_answer_is_the_applications_answer_byte_for_byte(server, path, query):
    origin = {"Origin": ORIGIN}
    # An extra parameter sends the same question through FastAPI's route
    # (first: a layer is answered directly once the route has answered it).
    routed = httpx.get(f"{server}{path}?{query}&via=app", headers=origin, timeout=60)
    direct = httpx.get(f"{server}{path}?{query}", headers=origin, timeout=60)
    assert direct.status_code == routed.status_code == 200
    assert direct.content == routed.content
    for header in ("content-type", "access-control-allow-origin"):
        assert direct.headers[header] == routed.headers[header], header


# Starlette's in-process client (the app's own memo is what is checked here)
# says that it will move to another httpx; nothing to act on here.
@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_features_and_layers_are_answered_directly_once_known():
    from fastapi.testclient import TestClient

    from claimsmap.server import create_app

    app = create_app()
    named = _direct_routes_of(app, "named")
    feature, layer = named["/features/"], named["/layers/"]
    client = TestClient(app)
    # A feature is answered from the path's name, as FastAPI's route answers it.
    for name in ["Itu Aba", "黄岩岛", "island-ishigaki-jima"]:
        body = feature(name, b"")
        assert body is not None, name
        assert body == client.get(f"/features/{quote(name)}").content
        assert feature(name, b"") is body  # kept
    # A layer only once FastAPI's route has answered the same question.
    assert layer("bases", b"limit=10") is None
    routed = client.get("/layers/bases", params={"limit": 10})
    assert routed.status_code == 200
    assert layer("bases", b"limit=10") == routed.content
    assert layer("Bases", b"limit=10") == routed.content  # the same layer
    # Left to FastAPI, which validates and answers the documented 4xx.
    for name, query in [
        ("Nowhere at all", b""),  # unknown: a 404
        ("Itu Aba", b"x=1"),
        ("", b""),
        ("x" * 201, b""),
    ]:
        assert feature(name, query) is None, (name, query)
    for layer_id, query in [
        ("bases", b"limit=010"),
        ("bases", b"limit=0"),
        ("bases", b"limit=5001"),
        ("bases", b"limit=10&limit=10"),
        ("bases", b"limit=10&at=2020"),
        ("bases", b"limit=ten"),
        ("no-such-layer", b"limit=10"),
    ]:
        assert layer(layer_id, query) is None, (layer_id, query)
