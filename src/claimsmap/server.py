"""The HTTP service: the atlas's queries over HTTP, with an OpenAPI schema.

Start it with ``claimsmap serve`` (FastAPI on uvicorn; ``pip install
claimsmap[server]``). Every endpoint is a GET that reads the shipped atlas
only: no endpoint reads or writes a path the client names. Inputs are
validated; a bad request is a 4xx whose JSON body says what was wrong
(``{"error": ..., "detail": ...}``), and every answer is bounded in size.

The schema of each answer is documented in ``docs/queries.md`` and at
``/docs`` (Swagger UI) and ``/openapi.json``.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints'
# annotations at run time.
import contextlib
import json
import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal

try:
    from fastapi import FastAPI, Path, Query, Request
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import HTMLResponse, JSONResponse
    from pydantic import BaseModel
except ImportError as err:  # pragma: no cover - depends on the install
    raise ImportError(
        "the HTTP service needs FastAPI and uvicorn: pip install 'claimsmap[server]'"
    ) from err

from claimsmap.errors import (
    ClaimsmapError,
    UnknownLayerError,
    UnknownNameError,
)

__all__ = ["MAX_FEATURES", "MAX_QUERY_BYTES", "create_app", "running", "serve"]

#: The most features one answer holds (``limit`` may ask for fewer).
MAX_FEATURES = 5000
#: The longest query string accepted, in bytes.
MAX_QUERY_BYTES = 4096


class ErrorBody(BaseModel):
    """What a 4xx answer says."""

    error: str
    detail: str


Lon = Annotated[float, Query(ge=-180, le=180, description="longitude, degrees")]
Lat = Annotated[float, Query(ge=-90, le=90, description="latitude, degrees")]
Day = Annotated[
    str | None,
    Query(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="a day (YYYY, YYYY-MM or YYYY-MM-DD); default today",
    ),
]
Place = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description='a feature id or name in any language, or "LON,LAT"',
    ),
]
UnitQ = Annotated[Literal["km", "nmi", "m"], Query()]
WorldviewQ = Annotated[
    Literal["de-facto", "CHN", "TWN", "JPN", "PHL", "VNM", "MYS", "BRN", "IDN"] | None,
    Query(),
]
Limit = Annotated[int, Query(ge=1, le=5000, description="most features returned")]
LayerId = Annotated[str, Path(min_length=1, max_length=100)]
FeatureName = Annotated[str, Path(min_length=1, max_length=200)]
PresetName = Annotated[str, Path(pattern=r"^[a-z-]{1,40}$")]


def _clean(value: Any) -> Any:
    """JSON-safe values: NaN and infinities as null, numpy scalars as Python."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return _clean(value.item())
    return value


def _feature_collection(frame: Any, limit: int) -> dict[str, Any]:
    data = json.loads(frame.head(limit).to_json(drop_id=True, na="null"))
    data["numberMatched"] = len(frame)
    data["numberReturned"] = min(len(frame), limit)
    return _clean(data)


def create_app(*, cors_origins: Sequence[str] = ()) -> Any:
    """The FastAPI application.

    Parameters
    ----------
    cors_origins : sequence of str
        Origins allowed to call the service from a browser (CORS); none by
        default. ``["*"]`` allows any.
    """
    import claimsmap as cm
    from claimsmap import __version__
    from claimsmap.catalog import layers as layer_table
    from claimsmap.catalog import resolve_layer
    from claimsmap.geodesy import distance as geodesic_distance
    from claimsmap.maps.presets import PRESETS
    from claimsmap.queries import AT_COLUMNS, SCHEMA_VERSION, WITHIN_COLUMNS

    @contextlib.asynccontextmanager
    async def warm(_: Any) -> Any:
        # Load the layers and build the indexes once, before the first request,
        # rather than in every worker thread that the first burst would start.
        cm.at(123.47, 25.74)
        cm.find("Uotsuri-jima")
        yield

    app = FastAPI(
        lifespan=warm,
        responses={
            400: {"model": ErrorBody, "description": "a bad request, and why"},
            404: {"model": ErrorBody, "description": "no such layer or feature"},
            414: {"model": ErrorBody, "description": "the query string is too long"},
        },
        title="claimsmap",
        version=__version__,
        description="The sourced, geodesic atlas of claims in the western Pacific. "
        "Distances are geodesic on WGS84; points are (lon, lat) degrees. "
        f"Answers follow query schema version {SCHEMA_VERSION} (docs/queries.md).",
    )
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET"],
            allow_headers=["*"],
        )

    @app.middleware("http")
    async def bound_the_request(request: Request, call_next: Any) -> Any:
        if len(request.url.query.encode()) > MAX_QUERY_BYTES:
            return JSONResponse(
                status_code=414,
                content={
                    "error": "query too long",
                    "detail": f"the query string is over {MAX_QUERY_BYTES} bytes",
                },
            )
        return await call_next(request)

    def error(status: int, err: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=status,
            content={"error": type(err).__name__, "detail": str(err)},
        )

    @app.exception_handler(UnknownLayerError)
    async def unknown_layer(_: Request, err: UnknownLayerError) -> JSONResponse:
        return error(404, err)

    @app.exception_handler(UnknownNameError)
    async def unknown_name(_: Request, err: UnknownNameError) -> JSONResponse:
        return error(404, err)

    @app.exception_handler(ClaimsmapError)
    async def bad_input(_: Request, err: ClaimsmapError) -> JSONResponse:
        return error(400, err)

    def place(text: str) -> Any:
        from claimsmap.cli import _place

        return _place(text)

    @app.get("/health", summary="Is the service up")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "schema_version": SCHEMA_VERSION,
        }

    @app.get("/layers", summary="The shipped layers, with their sources")
    def list_layers() -> list[dict[str, Any]]:
        table = layer_table().reset_index()
        return _clean(table.to_dict("records"))

    @app.get(
        "/layers/{layer_id}",
        summary="One layer as GeoJSON",
    )
    def get_layer(
        layer_id: LayerId,
        at: Day = None,
        worldview: WorldviewQ = None,
        limit: Limit = MAX_FEATURES,
    ) -> dict[str, Any]:
        frame = cm.load(resolve_layer(layer_id), at=at, worldview=worldview)
        return _feature_collection(frame, limit)

    @app.get(
        "/features/{name}",
        summary="One feature, by id or any name in any language, as GeoJSON",
    )
    def get_feature(
        name: FeatureName,
    ) -> dict[str, Any]:
        feature = cm.find(name)
        data = dict(feature.__geo_interface__)
        data["properties"] = {**data["properties"], "layer": feature.layer}
        return _clean(data)

    @app.get("/distance", summary="Minimum geodesic distance between two places")
    def get_distance(a: Place, b: Place) -> dict[str, Any]:
        result = geodesic_distance(place(a), place(b))
        return _clean({"from": a, "to": b, **result.to_dict()})

    @app.get(
        "/at",
        summary="Claims, zones, ADIZs and exercise areas at a point, and the "
        "nearest land",
    )
    def get_at(lon: Lon, lat: Lat, date: Day = None) -> dict[str, Any]:
        found = cm.at(lon, lat, date=date)
        return _clean(
            {
                "schema_version": SCHEMA_VERSION,
                "point": [lon, lat],
                "date": date,
                "areas": found[AT_COLUMNS].to_dict("records"),
                "nearest_land": found.attrs["nearest"],
            }
        )

    @app.get("/within", summary="Features within a geodesic distance of a place")
    def get_within(
        place_: Annotated[str, Query(alias="place", min_length=1, max_length=200)],
        radius: Annotated[float, Query(gt=0, le=5000)],
        unit: UnitQ = "km",
        kind: Annotated[list[str] | None, Query(max_length=12)] = None,
        date: Day = None,
        limit: Limit = 500,
    ) -> dict[str, Any]:
        found = cm.within(place(place_), radius, unit, date=date, kinds=kind)
        data = _feature_collection(found[[*WITHIN_COLUMNS, "geometry"]], limit)
        data["schema_version"] = SCHEMA_VERSION
        return data

    @app.get("/overlaps", summary="Overlaps of claims and zones, geodesic km²")
    def get_overlaps(
        a: Annotated[str, Query(min_length=1, max_length=100)],
        b: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        geometry: bool = False,
        limit: Limit = 500,
    ) -> dict[str, Any]:
        table = cm.overlaps(a, b)
        if geometry:
            return _feature_collection(table, limit)
        rows = table.drop(columns="geometry").head(limit).to_dict("records")
        return _clean({"schema_version": SCHEMA_VERSION, "overlaps": rows})

    @app.get(
        "/maps/{preset}",
        summary="A preset map as one self-contained HTML page",
        response_class=HTMLResponse,
        responses={
            400: {
                "description": "no such preset",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ErrorBody"}
                    }
                },
            }
        },
    )
    def get_map(
        preset: PresetName,
    ) -> HTMLResponse:
        known = {"atlas", *PRESETS}
        if preset not in known:
            raise ClaimsmapError(
                f"Unknown preset {preset!r}; use one of: {', '.join(sorted(known))}"
            )
        return HTMLResponse(cm.Map.preset(preset).to_html())

    return app


def serve(
    host: str = "127.0.0.1", port: int = 8000, *, cors_origins: Sequence[str] = ()
) -> None:
    """Run the service with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(
        create_app(cors_origins=cors_origins),
        host=host,
        port=port,
        log_level="warning",
        limit_concurrency=200,
        timeout_keep_alive=5,
    )


@contextlib.contextmanager
def running(
    port: int | None = None, *, cors_origins: Sequence[str] = (), timeout: float = 60
) -> Any:
    """Run ``claimsmap serve`` in a child process on loopback; yield its URL.

    For notebooks, tests and benchmarks: the server is stopped when the block
    ends. ``port`` defaults to a free one.

    Yields
    ------
    tuple of (str, subprocess.Popen)
        The base URL (``http://127.0.0.1:PORT``) and the server process.
    """
    import socket
    import subprocess
    import sys
    import time

    import httpx

    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "claimsmap", "serve", "--port", str(port)]
    for origin in cors_origins:
        cmd += ["--cors", origin]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                _, err = proc.communicate()
                raise ClaimsmapError(f"the server did not start: {err.strip()[-500:]}")
            time.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
