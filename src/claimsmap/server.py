"""The HTTP service: the atlas's queries over HTTP, with an OpenAPI schema.

Start it with ``claimsmap serve`` (FastAPI on uvicorn; ``pip install
claimsmap[server]``). Every endpoint is a GET that reads the shipped atlas
only: no endpoint reads or writes a path the client names. Inputs are
validated; a bad request is a 4xx whose JSON body says what was wrong
(``{"error": ..., "detail": ...}``), and every answer is bounded in size.

Limits, per worker process: the query string (``MAX_QUERY_BYTES``, else 414),
the request line and headers (``MAX_HEAD_BYTES``, else 431), the features in
one answer (``MAX_FEATURES``), and the requests in flight (``MAX_IN_FLIGHT``:
past it, 503 with ``Retry-After``, except ``/health``, which is always
answered). Below them, requests queue; none is refused.

The schema of each answer is documented in ``docs/queries.md`` and at
``/docs`` (Swagger UI) and ``/openapi.json``.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints'
# annotations at run time.
import contextlib
import functools
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

try:
    import orjson
    from fastapi import FastAPI, Path, Query, Request
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import HTMLResponse, Response
    from pydantic import BaseModel
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
except ImportError as err:  # pragma: no cover - depends on the install
    raise ImportError(
        "the HTTP service needs FastAPI and uvicorn: pip install 'claimsmap[server]'"
    ) from err

from claimsmap.catalog import WORLDVIEWS
from claimsmap.errors import (
    ClaimsmapError,
    UnknownLayerError,
    UnknownNameError,
)

__all__ = [
    "MAX_FEATURES",
    "MAX_HEAD_BYTES",
    "MAX_IN_FLIGHT",
    "MAX_QUERY_BYTES",
    "create_app",
    "running",
    "serve",
]

#: The most features one answer holds (``limit`` may ask for fewer).
MAX_FEATURES = 5000
#: The longest query string accepted, in bytes.
MAX_QUERY_BYTES = 4096
#: The largest request line and headers accepted, in bytes.
MAX_HEAD_BYTES = 16 * 1024
#: The most requests one worker holds at once (answering or queued), by
#: default; past it, every request but ``/health`` is answered 503 with
#: ``Retry-After``.
MAX_IN_FLIGHT = 10_000
#: Threads that answer the endpoints which may compute for long (``/at``,
#: ``/within``, ``/overlaps``, layers, maps, distances between large shapes):
#: more would only queue on the interpreter lock and slow the event loop down.
THREADS = 4
# Geometries with at most this many vertices are measured on the event loop;
# larger ones in a thread, so that a long computation never stalls the loop.
_INLINE_VERTICES = 256


class ErrorBody(BaseModel):
    """What a 4xx answer says."""

    error: str
    detail: str


class InvalidRequestBody(ErrorBody):
    """What a 422 answer says: the error, and each field that was wrong."""

    fields: list[dict[str, Any]]


# Every 4xx and 503 answer: its body, and what it means.
_ERRORS: dict[int, tuple[type[BaseModel], str]] = {
    400: (ErrorBody, "a bad request, and why"),
    404: (ErrorBody, "no such layer, feature or path"),
    405: (ErrorBody, "a method other than GET"),
    414: (ErrorBody, "the query string is too long"),
    422: (InvalidRequestBody, "a parameter missing or out of range, field by field"),
    431: (ErrorBody, "the request line and headers are too large"),
    503: (ErrorBody, "too many requests in flight; retry after a second"),
}


def _json(content: Any, status: int = 200, headers: Any = None) -> Response:
    """A JSON answer (UTF-8, compact), serialised by orjson."""
    return Response(
        orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def _error_body(error: str, detail: str) -> bytes:
    return orjson.dumps({"error": error, "detail": detail})


_QUERY_TOO_LONG = _error_body(
    "query too long", f"the query string is over {MAX_QUERY_BYTES} bytes"
)
_HEAD_TOO_LARGE = _error_body(
    "headers too large",
    f"the request line and headers are over {MAX_HEAD_BYTES} bytes",
)


class _Bounds:
    """Pure ASGI middleware: refuse oversized requests, shed past the in-flight cap.

    Checked on the parsed request, before routing: the query string, the
    request line and headers (the server protocol checks the raw bytes too),
    and the number of requests this worker holds. ``/health`` is never shed.
    """

    def __init__(
        self,
        app: Any,
        max_in_flight: int = MAX_IN_FLIGHT,
        direct: dict[str, Callable[[bytes], bytes | None]] | None = None,
        named: dict[str, Callable[[str, bytes], bytes | None]] | None = None,
    ) -> None:
        self.app = app
        self.in_flight = 0
        self.max_in_flight = max_in_flight
        # Routes answered here when their query is plain (see _direct_routes);
        # anything else goes on to the application, which says what is wrong.
        self.direct = direct or {}
        # Routes with a name in the path ("/features/NAME"), by their prefix:
        # called with the rest of the path and the query.
        self.named = named or {}
        self.overloaded = _error_body(
            "overloaded",
            f"the service holds {max_in_flight} requests already; retry in a second",
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope["query_string"]
        head = len(scope.get("raw_path") or scope["path"]) + len(query)
        head += sum(len(k) + len(v) + 4 for k, v in scope["headers"])
        if len(query) > MAX_QUERY_BYTES:
            await self._refuse(send, 414, _QUERY_TOO_LONG)
        elif head > MAX_HEAD_BYTES:
            await self._refuse(send, 431, _HEAD_TOO_LARGE)
        elif self.in_flight >= self.max_in_flight and scope["path"] != "/health":
            await self._refuse(send, 503, self.overloaded, [(b"retry-after", b"1")])
        else:
            self.in_flight += 1
            try:
                body = None
                if scope["method"] == "GET":
                    body = self._direct(scope["path"], query)
                if body is None:
                    await self.app(scope, receive, send)
                else:
                    await self._refuse(send, 200, body)
            finally:
                self.in_flight -= 1

    def _direct(self, path: str, query: bytes) -> bytes | None:
        """The answer of a direct route, or None to go on to the application."""
        route = self.direct.get(path)
        if route is not None:
            return route(query)
        prefix, slash, rest = path.rpartition("/")
        named = self.named.get(prefix + slash)
        return named(rest, query) if named is not None else None

    @staticmethod
    async def _refuse(
        send: Any, status: int, body: bytes, extra: Sequence[Any] = ()
    ) -> None:
        """Send a whole JSON answer (a refusal, or a direct route's 200)."""
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *extra,
        ]
        start = {"type": "http.response.start", "status": status, "headers": headers}
        await send(start)
        await send({"type": "http.response.body", "body": body})


class _Answers:
    """The last answers of a deterministic query, as bytes: a small LRU memo.

    Only answers of at most ``largest`` bytes are kept, at most ``size`` of
    them, so the memory it holds is bounded (``size * largest``). Thread-safe.
    """

    def __init__(self, size: int = 64, largest: int = 128 * 1024) -> None:
        import threading
        from collections import OrderedDict

        self.size, self.largest = size, largest
        self._kept: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()

    async def get(self, key: Any, compute: Callable[[], Any]) -> Response:
        """The answer for ``key``: kept, or computed now in a thread (and kept)."""
        body = self.kept(key)
        if body is None:
            body = await run_in_threadpool(self._compute, key, compute)
        return Response(body, media_type="application/json")

    def kept(self, key: Any) -> bytes | None:
        """The answer for ``key`` if it is kept, else None."""
        with self._lock:
            body = self._kept.get(key)
            if body is not None:
                self._kept.move_to_end(key)
        return body

    def _compute(self, key: Any, compute: Callable[[], Any]) -> bytes:
        """Compute the answer for ``key`` now, serialise it, and keep it."""
        body = orjson.dumps(compute(), option=orjson.OPT_NON_STR_KEYS)
        if len(body) <= self.largest:
            with self._lock:
                self._kept[key] = body
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return body


# A coordinate as plain decimal text; anything else (exponents, "nan",
# spaces) is left to the application's validation.
_DECIMAL = re.compile(r"-?\d{1,3}(\.\d{1,15})?")


def _plain_query(query: bytes, names: tuple[str, ...]) -> dict[str, str] | None:
    """The query's parameters when they are exactly ``names``, once each."""
    from urllib.parse import parse_qsl

    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    params = dict(pairs)
    if len(pairs) != len(names) or set(params) != set(names):
        return None
    return params


def _direct_routes(
    at_body: Callable[[float, float, str | None], Any],
    distance_body: Callable[[str, str, Any, Any], Any],
    place: Callable[[str], Any],
    small: Callable[[Any], bool],
) -> dict[str, Callable[[bytes], bytes | None]]:
    """``/at`` and ``/distance`` answered without FastAPI's per-request work.

    The two queries that a dashboard sends most are answered in the bounds
    middleware when their query string is plain: exactly their parameters,
    coordinates as decimals in range, and places that resolve to points or
    small shapes. The answer is built by the same function the FastAPI route
    calls, so it is the same bytes. Anything else (another parameter, a
    date, a value out of range, an unknown name, a large shape) returns None
    and goes on to the FastAPI route, which validates it and, where it is
    wrong, answers the documented 4xx.
    """

    def at(query: bytes) -> bytes | None:
        params = _plain_query(query, ("lon", "lat"))
        if params is None:
            return None
        lon, lat = params["lon"], params["lat"]
        if not (_DECIMAL.fullmatch(lon) and _DECIMAL.fullmatch(lat)):
            return None
        x, y = float(lon), float(lat)
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            return None
        return orjson.dumps(at_body(x, y, None), option=orjson.OPT_NON_STR_KEYS)

    def distance(query: bytes) -> bytes | None:
        params = _plain_query(query, ("a", "b"))
        if params is None:
            return None
        a, b = params["a"], params["b"]
        if not (1 <= len(a) <= 200 and 1 <= len(b) <= 200):
            return None
        try:
            where_a, where_b = place(a), place(b)
            if not (small(where_a) and small(where_b)):
                return None
            body = distance_body(a, b, where_a, where_b)
        except ClaimsmapError:
            return None
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)

    return {"/at": at, "/distance": distance}


# A ``limit`` as plain digits within 1..MAX_FEATURES, as FastAPI reads it.
_LIMIT = re.compile(r"[1-9]\d{0,3}")


def _named_routes(
    feature_body: Callable[[str], Any],
    features: _Answers,
    layers: _Answers,
    layer_key: Callable[[str, int], Any],
    small: Callable[[Any], bool],
) -> dict[str, Callable[[str, bytes], bytes | None]]:
    """``/features/{name}`` and ``/layers/{id}`` answered without FastAPI's work.

    Their answers never change, so they are kept as bytes (``features`` and
    ``layers``, bounded memos). A feature is answered here when the query is
    empty and the name (the path's last segment, percent-decoded by the
    server as for FastAPI's path parameter) finds a small feature; a layer
    when the query is at most a plain ``limit`` and the same question was
    answered by the FastAPI route before. Anything else returns None and goes
    on to the FastAPI route, which computes it, or says what is wrong.
    """

    def feature(name: str, query: bytes) -> bytes | None:
        if query or not 1 <= len(name) <= 200:
            return None
        body = features.kept(name)
        if body is None:
            try:
                if not small(name):
                    return None
                body = features._compute(name, lambda: feature_body(name))
            except ClaimsmapError:
                return None
        return body

    def layer(layer_id: str, query: bytes) -> bytes | None:
        if not 1 <= len(layer_id) <= 100:
            return None
        limit = MAX_FEATURES
        if query:
            params = _plain_query(query, ("limit",))
            if params is None or not _LIMIT.fullmatch(params["limit"]):
                return None
            limit = int(params["limit"])
            if limit > MAX_FEATURES:
                return None
        try:
            key = layer_key(layer_id, limit)
        except ClaimsmapError:
            return None
        return layers.kept(key)

    return {"/features/": feature, "/layers/": layer}


async def _answer(light: bool, compute: Callable[[], Any]) -> Response:
    """Compute and serialise on the event loop if ``light``, else in a thread.

    Endpoints whose work is always long are plain ``def``: FastAPI runs them in
    a thread. Those that are often light decide with this, request by request.
    """
    if light:
        return _json(compute())
    return await run_in_threadpool(lambda: _json(compute()))


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
# Every worldview the library knows, as the values FastAPI accepts.
WorldviewQ = Annotated[
    Literal[WORLDVIEWS] | None,  # type: ignore[valid-type]
    Query(),
]
Limit = Annotated[int, Query(ge=1, le=5000, description="most features returned")]
LayerId = Annotated[str, Path(min_length=1, max_length=100)]
FeatureName = Annotated[str, Path(min_length=1, max_length=200)]
PresetName = Annotated[str, Path(pattern=r"^[a-z-]{1,40}$")]


# Values that are JSON-safe as they are (their exact types, not subclasses).
_SAFE = frozenset({str, int, bool, type(None)})


def _clean(value: Any) -> Any:
    """JSON-safe values: NaN and infinities as null, numpy scalars as Python."""
    if type(value) in _SAFE:
        return value
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


def create_app(
    *, cors_origins: Sequence[str] | None = None, max_in_flight: int | None = None
) -> Any:
    """The FastAPI application.

    Parameters
    ----------
    cors_origins : sequence of str, optional
        Origins allowed to call the service from a browser (CORS); ``["*"]``
        allows any. By default none, or those ``serve`` passes to its worker
        processes (``uvicorn claimsmap.server:create_app --factory`` builds the
        app in each worker, without arguments).
    max_in_flight : int, optional
        Requests one worker holds at once before it answers 503 (never to
        ``/health``); by default ``MAX_IN_FLIGHT``, or what ``serve`` was given.
    """
    import anyio.to_thread

    import claimsmap as cm
    from claimsmap import __version__
    from claimsmap.catalog import layers as layer_table
    from claimsmap.catalog import resolve_layer
    from claimsmap.maps.presets import PRESETS
    from claimsmap.places import distance as geodesic_distance
    from claimsmap.places import parse
    from claimsmap.queries import SCHEMA_VERSION, WITHIN_COLUMNS, at_records

    settings = json.loads(os.environ.get(_SETTINGS_ENV, "{}"))
    if cors_origins is None:
        cors_origins = settings.get("cors_origins", [])
    if max_in_flight is None:
        max_in_flight = settings.get("max_in_flight", MAX_IN_FLIGHT)

    @contextlib.asynccontextmanager
    async def warm(_: Any) -> Any:
        # Load the layers and build the indexes once, before the first request,
        # rather than in every worker thread that the first burst would start.
        cm.at(123.47, 25.74)
        cm.find("Uotsuri-jima")
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield

    app = FastAPI(
        lifespan=warm,
        responses={
            status: {"model": model, "description": description}
            for status, (model, description) in _ERRORS.items()
        },
        title="claimsmap",
        version=__version__,
        description="The sourced, geodesic atlas of claims in the western Pacific. "
        "Distances are geodesic on WGS84; points are (lon, lat) degrees. "
        f"Answers follow query schema version {SCHEMA_VERSION} (docs/queries.md).",
    )

    # The bounds first, then CORS around them, so that refusals carry CORS
    # headers too and a browser can read why.
    def place(text: str) -> Any:
        # A "LON,LAT" pair is checked here; a name is found when it is used.
        return parse(text)

    def small(where: Any) -> bool:
        """Whether a place is a point or a shape with few vertices."""
        if isinstance(where, tuple):
            return True
        if isinstance(where, str):
            return small_shape(where)  # the atlas never changes: kept
        return small_shape.__wrapped__(where)

    @functools.lru_cache(maxsize=1024)
    def small_shape(where: Any) -> bool:
        import shapely

        try:
            geometry = cm.find(where).geometry
        except ClaimsmapError:
            return False  # the query itself will say what is wrong
        return bool(shapely.get_num_coordinates(geometry) <= _INLINE_VERTICES)

    def at_body(lon: float, lat: float, date: str | None) -> Any:
        areas, nearest = at_records(lon, lat, date=date)
        return _clean(
            {
                "schema_version": SCHEMA_VERSION,
                "point": [lon, lat],
                "date": date,
                "areas": areas,
                "nearest_land": nearest,
            }
        )

    def distance_body(a: str, b: str, where_a: Any, where_b: Any) -> Any:
        result = geodesic_distance(where_a, where_b)
        return _clean({"from": a, "to": b, **result.to_dict()})

    def feature_body(name: str) -> Any:
        feature = cm.find(name)
        data = dict(feature.__geo_interface__)
        # The geometry is tuples of Python floats already: only the
        # properties need cleaning, not every coordinate.
        properties = {**data["properties"], "layer": feature.layer}
        data["properties"] = _clean(properties)
        return data

    def layer_key(layer_id: str, limit: int, at: Any = None, worldview: Any = None):
        # The shipped layers never change: the same question, the same answer.
        return (resolve_layer(layer_id), at, worldview, limit)

    layer_answers, feature_answers = _Answers(), _Answers(size=256)
    direct = _direct_routes(at_body, distance_body, place, small)
    named = _named_routes(
        feature_body, feature_answers, layer_answers, layer_key, small
    )
    app.add_middleware(_Bounds, max_in_flight=max_in_flight, direct=direct, named=named)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET"],
            allow_headers=["*"],
        )

    def error(status: int, err: Exception) -> Response:
        return _json({"error": type(err).__name__, "detail": str(err)}, status)

    @app.exception_handler(UnknownLayerError)
    async def unknown_layer(_: Request, err: UnknownLayerError) -> Response:
        return error(404, err)

    @app.exception_handler(UnknownNameError)
    async def unknown_name(_: Request, err: UnknownNameError) -> Response:
        return error(404, err)

    @app.exception_handler(ClaimsmapError)
    async def bad_input(_: Request, err: ClaimsmapError) -> Response:
        return error(400, err)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> Response:
        # An unknown path (404) or a method other than GET (405).
        body = {"error": _REASONS.get(err.status_code, "error"), "detail": err.detail}
        if err.status_code == 404 and err.detail == "Not Found":
            body["detail"] = "no such path; the endpoints are listed at /docs"
        elif err.status_code == 405:
            body["detail"] = "every endpoint answers GET only"
        return _json(body, err.status_code, err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> Response:
        fields = jsonable_encoder(err.errors())
        detail = "; ".join(
            f"{'.'.join(str(p) for p in f['loc'])}: {f['msg']}" for f in fields
        )
        body = {"error": "invalid request", "detail": detail, "fields": fields}
        return _json(body, 422)

    health_body = orjson.dumps(
        {"status": "ok", "version": __version__, "schema_version": SCHEMA_VERSION}
    )

    @app.get("/health", summary="Is the service up", response_model=dict[str, Any])
    async def health() -> Response:
        return Response(health_body, media_type="application/json")

    @app.get(
        "/layers",
        summary="The shipped layers, with their sources",
        response_model=list[dict[str, Any]],
    )
    def list_layers() -> Response:
        return _json(_clean(layer_table().reset_index().to_dict("records")))

    @app.get(
        "/layers/{layer_id}",
        summary="One layer as GeoJSON",
        response_model=dict[str, Any],
    )
    async def get_layer(
        layer_id: LayerId,
        at: Day = None,
        worldview: WorldviewQ = None,
        limit: Limit = MAX_FEATURES,
    ) -> Response:
        def compute() -> Any:
            frame = cm.load(resolve_layer(layer_id), at=at, worldview=worldview)
            return _feature_collection(frame, limit)

        key = layer_key(layer_id, limit, at, worldview)
        return await layer_answers.get(key, compute)

    @app.get(
        "/features/{name}",
        summary="One feature, by id or any name in any language, as GeoJSON",
        response_model=dict[str, Any],
    )
    async def get_feature(
        name: FeatureName,
    ) -> Response:
        return await _answer(small(name), lambda: feature_body(name))

    @app.get(
        "/distance",
        summary="Minimum geodesic distance between two places",
        response_model=dict[str, Any],
    )
    async def get_distance(a: Place, b: Place) -> Response:
        where_a, where_b = place(a), place(b)
        return await _answer(
            small(where_a) and small(where_b),
            lambda: distance_body(a, b, where_a, where_b),
        )

    @app.get(
        "/at",
        summary="Claims, zones, ADIZs and exercise areas at a point, and the "
        "nearest land",
        response_model=dict[str, Any],
    )
    async def get_at(lon: Lon, lat: Lat, date: Day = None) -> Response:
        # The present atlas is indexed before serving: a query of it takes
        # about a millisecond. Another day is indexed on first use, in a thread.
        return await _answer(date is None, lambda: at_body(lon, lat, date))

    @app.get(
        "/within",
        summary="Features within a geodesic distance of a place",
        response_model=dict[str, Any],
    )
    def get_within(
        place_: Annotated[str, Query(alias="place", min_length=1, max_length=200)],
        radius: Annotated[float, Query(gt=0, le=5000)],
        unit: UnitQ = "km",
        kind: Annotated[list[str] | None, Query(max_length=12)] = None,
        date: Day = None,
        limit: Limit = 500,
    ) -> Response:
        found = cm.within(place(place_), radius, unit, date=date, kinds=kind)
        data = _feature_collection(found[[*WITHIN_COLUMNS, "geometry"]], limit)
        data["schema_version"] = SCHEMA_VERSION
        return _json(data)

    @app.get(
        "/overlaps",
        summary="Overlaps of claims and zones, geodesic km²",
        response_model=dict[str, Any],
    )
    def get_overlaps(
        a: Annotated[str, Query(min_length=1, max_length=100)],
        b: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        geometry: bool = False,
        limit: Limit = 500,
    ) -> Response:
        table = cm.overlaps(a, b)
        if geometry:
            return _json(_feature_collection(table, limit))
        rows = table.drop(columns="geometry").head(limit).to_dict("records")
        return _json(_clean({"schema_version": SCHEMA_VERSION, "overlaps": rows}))

    @app.get(
        "/maps/{preset}",
        summary="A preset map as one self-contained HTML page",
        response_class=HTMLResponse,
        # Errors are JSON here too, not the page's text/html.
        responses={
            status: {
                "description": "no such preset" if status == 400 else description,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                    }
                },
            }
            for status, (model, description) in _ERRORS.items()
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


_REASONS = {404: "not found", 405: "method not allowed"}
# How ``serve`` passes its settings to the worker processes, which build the
# app from an import string: a JSON object of create_app's arguments.
_SETTINGS_ENV = "CLAIMSMAP_SERVE_SETTINGS"


def _raise_open_files_limit() -> None:
    """Let this process hold as many connections as the system allows it."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 65536
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    cors_origins: Sequence[str] = (),
    workers: int = 1,
    max_in_flight: int = MAX_IN_FLIGHT,
) -> None:
    """Run the service with uvicorn until interrupted.

    Parameters
    ----------
    host, port : str, int
        Where to listen.
    cors_origins : sequence of str
        Origins allowed to call the service from a browser; none by default.
    workers : int
        Worker processes, each with its own copy of the atlas and indexes
        (about 270 MB resident each); each uses about one core at most.
    max_in_flight : int
        Requests one worker holds at once before it answers 503 (never to
        ``/health``).
    """
    import uvicorn

    if workers < 1:
        raise ClaimsmapError(f"--workers must be 1 or more; got {workers}")
    if max_in_flight < 1:
        raise ClaimsmapError(f"--max-in-flight must be 1 or more; got {max_in_flight}")
    try:
        import httptools  # noqa: F401

        http = "claimsmap._http:BoundedHttpTools"
    except ImportError:  # pragma: no cover - without uvicorn[standard]
        http = "h11"
    _raise_open_files_limit()
    os.environ[_SETTINGS_ENV] = json.dumps(
        {"cors_origins": list(cors_origins), "max_in_flight": max_in_flight}
    )
    uvicorn.run(
        "claimsmap.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=http,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        log_level="warning",
        # Connections wait in the kernel's queue rather than being refused.
        backlog=4096,
        timeout_keep_alive=5,
    )


@contextlib.contextmanager
def running(
    port: int | None = None,
    *,
    cors_origins: Sequence[str] = (),
    workers: int = 1,
    max_in_flight: int = MAX_IN_FLIGHT,
    timeout: float = 60,
) -> Any:
    """Run ``claimsmap serve`` in a child process on loopback; yield its URL.

    For notebooks, tests and benchmarks: the server is stopped when the block
    ends. ``port`` defaults to a free one; ``workers`` and ``max_in_flight``
    are ``serve --workers`` and ``--max-in-flight``.

    Yields
    ------
    tuple of (str, subprocess.Popen)
        The base URL (``http://127.0.0.1:PORT``) and the server process.
    """
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    import httpx

    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "claimsmap", "serve", "--port", str(port)]
    cmd += ["--workers", str(workers), "--max-in-flight", str(max_in_flight)]
    for origin in cors_origins:
        cmd += ["--cors", origin]
    url = f"http://127.0.0.1:{port}"
    # Messages go to a file, not a pipe, which a long run could fill up.
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
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
                    proc.wait()
                    log.seek(0)
                    err = log.read().strip()[-500:]
                    raise ClaimsmapError(f"the server did not start: {err}")
                time.sleep(0.2)
            yield url, proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
