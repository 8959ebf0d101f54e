"""The ``claimsmap`` command: layers, features, distances and maps from a shell.

Human text by default; ``--format json`` (``csv``, ``geojson`` where they fit)
writes machine output on stdout for other tools. Messages go to stderr. Exit
status: 0 ok, 2 bad input (unknown name, bad coordinate, broken file), 1 an
internal error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["main"]


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number"
            ) from None
        if value < low or (high is not None and value > high):
            allowed = f"{low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{value}: give {allowed}")
        return value

    return parse


def _pixels(text: str) -> tuple[int, int]:
    """An argparse ``type``: ``WIDTHxHEIGHT`` in CSS pixels, each 100 to 10000."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(
            f"{text!r}: give WIDTHxHEIGHT in pixels, such as 1400x1000"
        )
    width, height = (int(p) for p in parts)
    if not (100 <= width <= 10_000 and 100 <= height <= 10_000):
        raise argparse.ArgumentTypeError(f"{text}: give 100 to 10000 pixels each way")
    return width, height


def _real(
    low: float = -math.inf, high: float = math.inf, *, above: bool = False
) -> Callable[[str], float]:
    """An argparse ``type``: a finite number from ``low`` (``above`` it) to ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{value}: give a finite number")
        if value < low or (above and value == low) or value > high:
            if high == math.inf:
                allowed = f"more than {low:g}" if above else f"{low:g} or more"
            else:
                allowed = (
                    f"more than {low:g} and at most {high:g}"
                    if above
                    else f"{low:g} to {high:g}"
                )
            raise argparse.ArgumentTypeError(f"{value:g}: give {allowed}")
        return value

    return parse


def _speed(text: str) -> float | None:
    """An argparse ``type``: knots above 0, or ``none`` for no limit."""
    if text.strip().lower() == "none":
        return None
    return _real(0, above=True)(text)


def _iso_time(text: str) -> str:
    """An argparse ``type``: a date or time pandas reads (kept as text)."""
    import pandas as pd

    try:
        ok = not pd.isna(pd.Timestamp(text))
    except (ValueError, TypeError, OverflowError):
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give an ISO date or time, e.g. 2024-01-01 or 2024-01-01T06:00Z"
        )
    return text


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _print_json(value: Any) -> None:
    json.dump(_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _cmd_layers(args: argparse.Namespace) -> None:
    from claimsmap.catalog import layers

    table = layers()
    if args.format == "json":
        _print_json(table.reset_index().to_dict("records"))
    elif args.format == "csv":
        sys.stdout.write(table.to_csv())
    else:
        width = max(len(i) for i in table.index)
        for lid, row in table.iterrows():
            print(
                f"{lid:<{width}}  {row['feature_count']:>4}  "
                f"{row['kind']:<12} {row['title']}"
            )


def _cmd_show(args: argparse.Namespace) -> None:
    from claimsmap.gazetteer import find

    feature = find(args.name)
    if args.format == "geojson":
        _print_json(feature.__geo_interface__)
        return
    if args.format == "json":
        record = dict(feature.properties)
        record["layer"] = feature.layer
        record["geometry"] = feature.__geo_interface__["geometry"]
        _print_json(record)
        return
    p = feature.properties
    print(f"{p['name']}  ({p['id']}, layer {feature.layer})")
    for lang, name in (p.get("names") or {}).items():
        print(f"  name [{lang}]: {name}")
    print(f"  kind: {p['kind']}")
    if p.get("claimants"):
        print(f"  claimants: {', '.join(p['claimants'])}")
    if p.get("controller"):
        print(
            f"  controller: {p['controller']}"
            + (f" since {p['since']}" if p.get("since") else "")
        )
    if p.get("operator"):
        print(f"  operator: {p['operator']}")
    geom = feature.geometry
    if geom.geom_type == "Point":
        print(
            f"  location: {geom.x:.6f} E, {geom.y:.6f} N "
            f"(lon, lat; precision {p['precision_m']} m)"
        )
    else:
        w, s, e, n = geom.bounds
        print(f"  {geom.geom_type}, bounds {w:.4f}..{e:.4f} E, {s:.4f}..{n:.4f} N")
    if p.get("published_coords"):
        print(f"  published: {p['published_coords']}")
    print(f"  source: {p['source']}")
    print(f"  source_url: {p['source_url']}")


def _cmd_distance(args: argparse.Namespace) -> None:
    from claimsmap.errors import ClaimsmapError
    from claimsmap.geodesy import distance
    from claimsmap.places import resolve

    if args.sources or args.targets:
        if args.a or args.b or not (args.sources and args.targets):
            raise ClaimsmapError(
                "give either two places, or --from PLACE... and --to PLACE..."
            )
        _distance_matrix(args)
        return
    if not (args.a and args.b):
        raise ClaimsmapError("give two places: claimsmap distance A B")
    result = distance(resolve(args.a), resolve(args.b))
    record = {"from": args.a, "to": args.b, **result.to_dict()}
    if args.format == "json":
        _print_json(record)
    elif args.format == "csv":
        out = io.StringIO()
        flat = {
            **record,
            "a": f"{result.a[0]},{result.a[1]}",
            "b": f"{result.b[0]},{result.b[1]}",
        }
        writer = csv.DictWriter(out, fieldnames=list(flat))
        writer.writeheader()
        writer.writerow(flat)
        sys.stdout.write(out.getvalue())
    else:
        az = (
            ""
            if math.isnan(result.azimuth_deg)
            else f", initial azimuth {result.azimuth_deg % 360:.1f}°"
        )
        print(f"{args.a} → {args.b}: {result.km:,.3f} km = {result.nmi:,.3f} nmi{az}")
        print(
            f"  nearest points (lon, lat): {result.a[0]:.6f}, {result.a[1]:.6f} → "
            f"{result.b[0]:.6f}, {result.b[1]:.6f}  (geodesic, WGS84)"
        )


def _cmd_map(args: argparse.Namespace) -> None:
    from claimsmap.io import check_output, read_file

    preset = args.preset
    pictures = {"png": args.png, "pdf": args.pdf, "svg": args.svg}
    wanted = {fmt: path for fmt, path in pictures.items() if path}
    out = args.output or (None if wanted else f"claimsmap-{preset}.html")
    for target in (*wanted.values(), out):
        if target:
            check_output(target)
    # The user's layers are read first, so a broken file stops the command
    # before the preset's map is drawn.
    added = [(read_file(path), os.path.basename(path)) for path in args.add or []]
    from claimsmap.maps import Map

    m = Map.preset(preset, lang=args.lang)
    for frame, name in added:
        m.add_layer(frame, name=name)
    if wanted:
        written = m.export(
            **wanted,
            width=args.size[0],
            height=args.size[1],
            scale=args.scale,
            controls=args.controls,
        )
        for picture in written.values():
            size = picture.stat().st_size / 1e3
            print(f"wrote {picture} ({size:.0f} kB)", file=sys.stderr)
    if not out:
        return
    path = m.save(out)
    print(
        f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB); open it in a browser",
        file=sys.stderr,
    )


def _write_table(frame: Any, fmt: str, columns: list[str], text: Any) -> None:
    """A GeoDataFrame as JSON records, CSV (no geometry), GeoJSON, or text."""
    if fmt == "geojson":
        sys.stdout.write(frame.to_json(ensure_ascii=False, drop_id=True) + "\n")
    elif fmt == "json":
        _print_json(frame[columns].to_dict("records"))
    elif fmt == "csv":
        flat = frame[columns].copy()
        for column in flat.columns:
            if flat[column].map(lambda v: isinstance(v, list)).any():
                flat[column] = flat[column].map(" ".join)
        sys.stdout.write(flat.to_csv(index=False))
    else:
        for _, row in frame.iterrows():
            print(text(row))


def _cmd_zones(args: argparse.Namespace) -> None:
    from claimsmap.maritime import zones

    frame = zones(
        args.party.upper(),
        args.kind,
        view=args.view,
        at=args.at,
        land=not args.no_land,
        against=args.against.upper() if args.against else None,
        cache=not args.no_cache,
    )
    columns = ["id", "party", "zone", "view", "limit_nmi", "area_km2", "sources"]
    _write_table(
        frame,
        args.format,
        columns,
        lambda r: (
            f"{r['party']}  {r['zone']:<16} {r['area_km2']:>14,.1f} km²  "
            f"(to {r['limit_nmi']:g} nmi, {r['view']}; {len(r['sources'])} sources)"
        ),
    )


def _cmd_cache(args: argparse.Namespace) -> None:
    from claimsmap import _cache

    folder = _cache.cache_dir()
    if args.action == "clear":
        files, size = _cache.clear()
        print(f"removed {files} file(s), {size:,} bytes, from {folder}")
        return
    kept = _cache.entries()
    size = sum(p.stat().st_size for p in kept)
    if args.format == "json":
        _print_json({"folder": str(folder), "entries": len(kept), "bytes": size})
    else:
        print(f"{folder}: {len(kept)} entries, {size:,} bytes")


def _cmd_overlaps(args: argparse.Namespace) -> None:
    from claimsmap.overlaps import overlaps

    if args.chart is not None:
        from claimsmap.charts import check_chart_path

        check_chart_path(args.chart, "--chart")
    table = overlaps(args.a, args.b)
    if args.chart is not None and not table.empty:
        from claimsmap.charts import overlaps_chart

        layers = " and ".join(x for x in (args.a, args.b) if x)
        overlaps_chart(table, path=args.chart, source=f"claimsmap atlas ({layers})")
    columns = [c for c in table.columns if c != "geometry"]
    _write_table(
        table,
        args.format,
        columns,
        lambda r: (
            f"{r['area_km2']:>14,.1f} km²  {r['a_name']} "
            f"[{' '.join(r['a_claimants'])}] × {r['b_name']} "
            f"[{' '.join(r['b_claimants'])}]"
        ),
    )
    if args.format == "text" and table.empty:
        print("no overlaps", file=sys.stderr)
    if args.chart is not None and table.empty:
        from claimsmap.errors import ClaimsmapError

        raise ClaimsmapError(
            f"--chart {args.chart}: there are no overlaps to draw; no file written"
        )


def _distance_matrix(args: argparse.Namespace) -> None:
    from claimsmap.places import resolve
    from claimsmap.queries import distances

    sources = [resolve(p) for p in args.sources]
    targets = [resolve(p) for p in args.targets]
    matrix = distances(sources, targets, args.unit)
    matrix.index, matrix.columns = args.sources, args.targets
    if args.format == "json":
        _print_json(
            {
                "schema_version": matrix.attrs["schema_version"],
                "unit": args.unit,
                "from": args.sources,
                "to": args.targets,
                "values": matrix.to_numpy().tolist(),
            }
        )
    elif args.format == "csv":
        sys.stdout.write(matrix.to_csv(index_label=f"from \\ to ({args.unit})"))
    else:
        sys.stdout.write(matrix.round(3).to_string() + f"\n({args.unit})\n")


def _cmd_at(args: argparse.Namespace) -> None:
    from claimsmap.geodesy import check_lonlat
    from claimsmap.queries import AT_COLUMNS, SCHEMA_VERSION, at, at_records

    lon, lat = check_lonlat(args.lon, args.lat, what="point")

    def line(r: dict[str, Any]) -> str:
        return (
            f"{r['kind']:<13} {r['name']}  [{' '.join(r['claimants'])}]  "
            f"{r['source_url']}"
        )

    if args.format in ("csv", "geojson"):
        found = at(lon, lat, date=args.date)
        _write_table(found, args.format, AT_COLUMNS, line)
        return
    # Text and JSON come from plain records: no table library to load.
    areas, nearest = at_records(lon, lat, date=args.date)
    if args.format == "json":
        _print_json(
            {
                "schema_version": SCHEMA_VERSION,
                "point": [lon, lat],
                "date": args.date,
                "areas": [{c: a[c] for c in AT_COLUMNS} for a in areas],
                "nearest_land": nearest,
            }
        )
        return
    for area in areas:
        print(line(area))
    if nearest:
        print(
            f"nearest land: {nearest['name']} ({nearest['id']}), "
            f"{nearest['distance_km']:,.2f} km / {nearest['distance_nmi']:,.2f} nmi"
        )


def _cmd_within(args: argparse.Namespace) -> None:
    from claimsmap.places import resolve
    from claimsmap.queries import WITHIN_COLUMNS, within

    found = within(
        resolve(args.place), args.radius, args.unit, date=args.date, kinds=args.kind
    )
    _write_table(
        found,
        args.format,
        WITHIN_COLUMNS,
        lambda r: f"{r['distance_km']:>10,.2f} km  {r['name']} ({r['id']})",
    )


def _ais_positions(args: argparse.Namespace) -> Any:
    """An NMEA log or a known AIS export, read and cleaned; other files as they are.

    Files named by their columns (--vessel, --time, --lon, --lat) are other
    tables, read in chunks by presence itself.
    """
    from claimsmap.vessels import is_ais_file, read_ais

    columns = (args.lon, args.lat)
    if not is_ais_file(args.file, vessel=args.vessel, time=args.time, columns=columns):
        for given, option in (
            (args.default_time is not None, "--default-time"),
            (args.max_speed != 50.0, "--max-speed"),
        ):
            if given:
                print(
                    f"claimsmap: note: {option} applies to NMEA logs and known AIS "
                    f"exports read whole; {args.file} is read as a table of its "
                    "own, as it is",
                    file=sys.stderr,
                )
        return args.file
    frame = read_ais(
        args.file, default_time=args.default_time, max_speed_kn=args.max_speed
    )
    if frame.attrs.get("defaulted"):
        print(
            f"claimsmap: note: {args.file}: {frame.attrs['defaulted']:,} position "
            "reports took --default-time, so no position was judged by speed",
            file=sys.stderr,
        )
    dropped, lines = frame.attrs["dropped"], frame.attrs.get("lines", {})
    failed = [
        f"{dropped[kind]:,} {what} (line{'s' if len(lines[kind]) > 1 else ''} "
        f"{', '.join(map(str, lines[kind]))}{', ...' if dropped[kind] > 5 else ''})"
        for kind, what in (
            ("bad_checksum", "failed their checksum"),
            ("undecodable", "could not be decoded"),
        )
        if dropped.get(kind)
    ]
    if failed:
        print(
            f"claimsmap: note: {args.file}: sentences skipped: {'; '.join(failed)}",
            file=sys.stderr,
        )
    return frame


def _cmd_presence(args: argparse.Namespace) -> None:
    import pandas as pd

    from claimsmap.presence import _dropped_line, presence

    result = presence(
        _ais_positions(args),
        args.zones or None,
        by=args.by,
        tz=args.tz,
        max_gap=args.max_gap,
        vessel=args.vessel,
        time=args.time,
        columns=(args.lon, args.lat),
        start=args.start,
        end=args.end,
        chunk_rows=args.chunk_rows,
        flag=args.flag,
        ship_type=args.ship_type,
        group_by=args.group_by,
    )
    table = {
        "total": result.total,
        "vessels": result.by_vessel,
        "periods": result.periods,
        "visits": result.visits,
        "gaps": result.gaps,
    }[args.table]
    if args.table == "total" and not args.all_zones:
        table = table[table.periods > 0]
    if args.format == "json":
        records = table.astype(object)
        for c in table.columns:  # times as ISO 8601 text; none as null
            if str(table[c].dtype).startswith("datetime"):
                records[c] = [None if pd.isna(t) else t.isoformat() for t in table[c]]
        _print_json(
            {
                "schema": "claimsmap.presence/1",
                "table": args.table,
                "by": result.by,
                "group_by": result.group_by,
                "tz": result.tz,
                "start": result.start.isoformat(),
                "end": result.end.isoformat(),
                "periods_total": result.periods_total,
                "positions": result.positions,
                "dropped": result.dropped,
                "rows": records.to_dict("records"),
            }
        )
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    elif args.table == "total":
        unit = f"{result.by}s"
        print(
            f"{result.positions:,} positions, {result.start:%Y-%m-%d %H:%M} to "
            f"{result.end:%Y-%m-%d %H:%M} UTC; {unit} in {result.tz}"
        )
        lines = result.summary().splitlines()
        shown = set(table.zone.astype(str))
        zone_of = [line.split(":")[0].split(", ")[0] for line in lines]
        print("\n".join(x for x, z in zip(lines, zone_of, strict=True) if z in shown))
        if result.dropped:
            print(_dropped_line(result.dropped))
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")


def _cmd_synthetic(args: argparse.Namespace) -> None:
    from claimsmap.io import atomic_path, check_output
    from claimsmap.synthetic import synthetic_ais

    out = check_output(args.output, suffixes=(".csv", ".parquet"))
    suffix = out.suffix.lower()
    table = synthetic_ais(
        args.vessels, args.start, args.days, interval_s=args.interval, seed=args.seed
    )
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)
    print(
        f"wrote {out}: {len(table):,} synthetic positions of {args.vessels} vessels",
        file=sys.stderr,
    )


def _cmd_export(args: argparse.Namespace) -> None:
    from claimsmap.catalog import load, resolve_layer
    from claimsmap.io import EXPORT_FORMATS, check_output, export

    check_output(args.to, suffixes=EXPORT_FORMATS)
    frames = {}
    for name in args.layers:
        layer_id = resolve_layer(name)
        frames[layer_id] = load(layer_id, at=args.date, worldview=args.worldview)
    path = export(frames, args.to)
    total = sum(len(f) for f in frames.values())
    print(f"wrote {path}: {len(frames)} layer(s), {total} features", file=sys.stderr)


def _cmd_serve(args: argparse.Namespace) -> None:
    from claimsmap.server import serve

    print(
        f"claimsmap: serving on http://{args.host}:{args.port} "
        f"(OpenAPI at /openapi.json, docs at /docs); Ctrl-C stops it",
        file=sys.stderr,
    )
    serve(
        args.host,
        args.port,
        cors_origins=args.cors or (),
        workers=args.workers,
        max_in_flight=args.max_in_flight,
    )


def _cmd_validate(args: argparse.Namespace) -> None:
    from claimsmap.io import read_file

    frame = read_file(args.file)
    print(f"{args.file}: {len(frame)} features, all valid", file=sys.stderr)


#: The distributions whose versions ``--version`` prints after claimsmap's.
_DISTRIBUTIONS = (
    "geopandas",
    "shapely",
    "pyproj",
    "folium",
    "pyogrio",
    "fiona",
    "xyzservices",
)


def _libraries() -> dict[str, str]:
    """The GEOS, PROJ and GDAL versions, asked of the bindings (slow to import)."""
    import pyogrio
    import pyproj
    import shapely

    return {
        "GEOS": shapely.geos_version_string,
        "PROJ": pyproj.proj_version_str,
        "GDAL": pyogrio.__gdal_version_string__,
    }


def _versions() -> str:
    """Versions of claimsmap, its dependencies, their C libraries and Python.

    The distributions' versions are read from their metadata, without importing
    them. The C libraries' versions come with the bindings' builds, so they are
    asked of the bindings once and kept in the cache under the bindings'
    versions: later runs import none of them.
    """
    from importlib.metadata import PackageNotFoundError, version

    from claimsmap import _cache

    lines = [f"claimsmap {version('claimsmap')}"]
    found: dict[str, str | None] = {}
    for dist in _DISTRIBUTIONS:
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = None
        lines.append(f"  {dist} {found[dist] or 'not installed'}")
    bindings = {dist: found[dist] for dist in ("shapely", "pyproj", "pyogrio")}
    libraries = _cache.cached("library-versions", bindings, _libraries)
    lines.extend(f"  {name} {number}" for name, number in libraries.items())
    lines.append(f"  Python {sys.version.split()[0]}")
    return "\n".join(lines)


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print versions and exit")

    def __call__(
        self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any
    ) -> None:
        print(_versions())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimsmap",
        description="The sourced, geodesic atlas of claims in the western Pacific.",
        epilog="Distances are geodesic on WGS84; points are LON,LAT in degrees.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("layers", help="list the shipped layers")
    p.add_argument("--format", choices=["text", "json", "csv"], default="text")
    p.set_defaults(func=_cmd_layers)

    p = sub.add_parser(
        "show", help="show one feature, by id or any name in any language"
    )
    p.add_argument(
        "name", help='an id or a name, e.g. "Uotsuri-jima", "钓鱼岛", "Diaoyu Dao"'
    )
    p.add_argument("--format", choices=["text", "json", "geojson"], default="text")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser(
        "distance",
        help="minimum geodesic distance between two places (km, nmi, azimuth)",
        description="Minimum geodesic distance on WGS84 between two places, each a "
        'feature name or id, or a point "LON,LAT" in degrees (longitude first). '
        "Result in kilometres and nautical miles (1852 m), with the initial "
        "azimuth in degrees clockwise from north and the two nearest points.",
    )
    p.add_argument("a", nargs="?", help='a feature name or "LON,LAT"')
    p.add_argument("b", nargs="?", help='a feature name or "LON,LAT"')
    p.add_argument(
        "--from",
        dest="sources",
        nargs="+",
        metavar="PLACE",
        help="sources of a distance matrix (with --to)",
    )
    p.add_argument(
        "--to", dest="targets", nargs="+", metavar="PLACE", help="targets of the matrix"
    )
    p.add_argument(
        "--unit", choices=["km", "nmi", "m"], default="km", help="for the matrix"
    )
    p.add_argument("--format", choices=["text", "json", "csv"], default="text")
    p.set_defaults(func=_cmd_distance)

    p = sub.add_parser(
        "at",
        help="every claim, zone, ADIZ and exercise area at a point",
        description="Every claim area, zone, ADIZ and exercise area of the atlas "
        "containing the point LON LAT (degrees, longitude first), with claimants, "
        "holder and source, and the nearest island or land with its geodesic "
        "distance.",
    )
    p.add_argument("lon", type=_real(), help="longitude, degrees east")
    p.add_argument("lat", type=_real(), help="latitude, degrees north")
    p.add_argument("--date", help="the day (ISO date); default today")
    p.add_argument(
        "--format", choices=["text", "json", "csv", "geojson"], default="text"
    )
    p.set_defaults(func=_cmd_at)

    p = sub.add_parser(
        "within",
        help="features within a geodesic distance of a place",
        description="Features of the atlas within RADIUS (geodesic, WGS84) of a "
        'place (a feature name or "LON,LAT"), nearest first.',
    )
    p.add_argument("place", help='a feature name or "LON,LAT"')
    p.add_argument(
        "radius", type=_real(0, above=True), help="the distance, in --unit (> 0)"
    )
    p.add_argument("--unit", choices=["km", "nmi", "m"], default="km")
    p.add_argument("--kind", action="append", help="only this kind (repeatable)")
    p.add_argument("--date", help="the day (ISO date); default today")
    p.add_argument(
        "--format", choices=["text", "json", "csv", "geojson"], default="text"
    )
    p.set_defaults(func=_cmd_within)

    p = sub.add_parser(
        "presence",
        help="days (or hours) vessels spent in zones, from a file of positions",
        description="Count the days (or hours) each vessel was present in each "
        "zone, from a CSV, Parquet or GeoParquet file of positions read in "
        "chunks, or from an NMEA AIS log or a MarineCadastre or Danish "
        "Maritime Authority CSV export (recognised by their content, and "
        "cleaned: duplicates, impossible positions and jumps faster than "
        "--max-speed are dropped and counted). A vessel is present over each "
        "visit (consecutive positions inside, at most --max-gap apart); "
        "longer silences are gaps.",
    )
    p.add_argument(
        "file",
        help="positions: .csv, .parquet, .geoparquet, an NMEA log or an AIS export",
    )
    p.add_argument(
        "--zones",
        action="append",
        metavar="LAYER",
        help="a layer of areas (repeatable); default every atlas zone",
    )
    p.add_argument("--by", choices=["day", "hour"], default="day", help="the period")
    p.add_argument(
        "--group-by",
        choices=["flag", "ship_type"],
        help="count per zone and flag (from the MMSI) or ship type as well",
    )
    p.add_argument(
        "--flag",
        action="append",
        metavar="ISO3",
        help="only vessels of this flag, e.g. CHN (repeatable)",
    )
    p.add_argument(
        "--ship-type",
        action="append",
        metavar="TYPE",
        help="only vessels of this ship type, e.g. 'law enforcement' (repeatable; "
        "needs a ship_type column)",
    )
    p.add_argument("--tz", default="UTC", help="the days' time zone, e.g. Asia/Tokyo")
    p.add_argument("--max-gap", default="6h", help="longest silence inside (6h)")
    p.add_argument(
        "--start",
        help="first day (or hour) counted, read in --tz (default: first position)",
    )
    p.add_argument(
        "--end", help="last day (or hour) counted, included (default: last position)"
    )
    p.add_argument("--vessel", default="vessel", help="vessel id column")
    p.add_argument("--time", default="time", help="time column")
    p.add_argument("--lon", default="lon", help="longitude column")
    p.add_argument("--lat", default="lat", help="latitude column")
    p.add_argument(
        "--default-time",
        type=_iso_time,
        help="NMEA logs: the time of position reports whose line has none "
        "(default: such a report is an error)",
    )
    p.add_argument(
        "--max-speed",
        type=_speed,
        default=50.0,
        help="NMEA logs and AIS exports: drop positions reached faster than "
        "this, in knots (default 50; 'none' keeps them)",
    )
    p.add_argument(
        "--chunk-rows",
        type=_whole(1),
        default=1_000_000,
        help="positions read at a time (default 1000000)",
    )
    p.add_argument(
        "--table",
        choices=["total", "vessels", "periods", "visits", "gaps"],
        default="total",
        help="what to print (default: per zone, periods present of the total)",
    )
    p.add_argument(
        "--all-zones", action="store_true", help="list zones no vessel entered too"
    )
    p.add_argument("--format", choices=["text", "json", "csv"], default="text")
    p.set_defaults(func=_cmd_presence)

    p = sub.add_parser(
        "synthetic-ais",
        help="write a file of synthetic (made-up) AIS positions",
        description="Generated vessel tracks for trying presence and locate: "
        "merchant ships on geodesic legs between ports, patrols loitering near "
        "features, transponder gaps. Not observations; vessel ids start 999.",
    )
    p.add_argument("-o", "--output", required=True, help="a .csv or .parquet file")
    p.add_argument("--vessels", type=_whole(1), default=50)
    p.add_argument("--days", type=_whole(1, 36500), default=7)
    p.add_argument(
        "--start", type=_iso_time, default="2024-01-01", help="the first day (UTC)"
    )
    p.add_argument(
        "--interval",
        type=_real(1, 86400),
        default=600.0,
        help="seconds between positions, 1 to 86400 (default 600)",
    )
    p.add_argument("--seed", type=_whole(0), default=0)
    p.set_defaults(func=_cmd_synthetic)

    p = sub.add_parser(
        "export",
        help="write layers to GeoJSON, GeoPackage, FlatGeobuf or GeoParquet",
        description="Write one or more layers to FILE, in the format of its "
        "extension (.geojson, .gpkg, .fgb, .parquet), atomically, with every "
        "property (sources included). A GeoPackage has a table per layer, named "
        "after it; the other formats stack the layers with a 'layer' column.",
    )
    p.add_argument("layers", nargs="+", metavar="LAYER", help="layer ids")
    p.add_argument("--to", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--date", help="only the state on this day (ISO date)")
    p.add_argument(
        "--worldview", help="as this party claims it (CHN, JPN, TWN, ...; de-facto)"
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "map",
        help="write a self-contained HTML map (works offline)",
        description="Render a preset map to one HTML file that needs no network, "
        "and/or to pictures (PNG, SVG, PDF) drawn in headless Chromium without the "
        "interactive controls.",
    )
    p.add_argument(
        "--preset",
        default="atlas",
        help="atlas (default: every layer), seed (China: controlled and claimed), "
        "senkaku, taiwan-strait or south-china-sea",
    )
    p.add_argument(
        "-o", "--output", help="the HTML file (default claimsmap-PRESET.html)"
    )
    p.add_argument(
        "--add",
        action="append",
        metavar="FILE",
        help="add a layer file of your own (GeoJSON/GeoPackage in EPSG:4326)",
    )
    p.add_argument(
        "--png",
        metavar="FILE",
        help="also (or, without -o, only) write a PNG rendered in headless Chromium",
    )
    p.add_argument(
        "--svg",
        metavar="FILE",
        help="also (or, without -o, only) write SVG for print: shapes as paths, "
        "text as text",
    )
    p.add_argument(
        "--pdf",
        metavar="FILE",
        help="also (or, without -o, only) write a one-page vector PDF",
    )
    p.add_argument(
        "--scale",
        type=_real(0, 8, above=True),
        default=1.0,
        help="device pixels per CSS pixel of the PNG (2: twice the pixels each "
        "way; default 1)",
    )
    p.add_argument(
        "--size",
        type=_pixels,
        default=(1400, 1000),
        metavar="WxH",
        help="the picture's size in CSS pixels (default 1400x1000)",
    )
    p.add_argument(
        "--controls",
        action="store_true",
        help="keep the zoom buttons, layer switcher and date slider in the "
        "picture (left out by default)",
    )
    p.add_argument(
        "--lang",
        default="en",
        help="language of the place names: en (default), zh, zh-Hant, ja, ko, vi, "
        "tl, ms, id; a name missing in it is given in English",
    )
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser(
        "zones",
        help="a party's territorial sea, contiguous zone and EEZ (geodesic)",
        description="Build a party's maritime zones on WGS84 from its baselines, "
        "coastline and the features it claims, each entitled by its status: "
        "territorial sea 0-12 nmi, contiguous zone 12-24 nmi, EEZ 12-200 nmi. "
        "Areas are geodesic, in km².",
    )
    p.add_argument(
        "party", help="ISO alpha-3 code: CHN, TWN, JPN, PHL, VNM, MYS, BRN, IDN"
    )
    p.add_argument(
        "--kind",
        choices=["territorial-sea", "contiguous-zone", "eez"],
        help="one zone (default: all three)",
    )
    p.add_argument(
        "--view",
        choices=["as-claimed", "award"],
        default="as-claimed",
        help="feature status as each party claims it (default) or per the 2016 award",
    )
    p.add_argument("--at", metavar="DATE", help="the day (ISO date); default today")
    p.add_argument(
        "--no-land",
        action="store_true",
        help="measure from declared baselines and features only, not the coastline",
    )
    p.add_argument(
        "--against", metavar="PARTY", help="cut at the median line with PARTY"
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="compute afresh: neither read nor keep zones in the cache",
    )
    p.add_argument(
        "--format", choices=["text", "json", "csv", "geojson"], default="text"
    )
    p.set_defaults(func=_cmd_zones)

    p = sub.add_parser(
        "cache",
        help="show or empty the folder of kept results (zones)",
        description="Zones take seconds to build and are kept in a cache folder: "
        "$CLAIMSMAP_CACHE_DIR, else the user cache folder. 'info' shows the folder, "
        "its entries and their size; 'clear' removes them.",
    )
    p.add_argument(
        "action",
        choices=["info", "clear"],
        nargs="?",
        default="info",
        help="info (default): the folder, its entries and bytes; clear: remove them",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_cmd_cache)

    p = sub.add_parser(
        "overlaps",
        help="where claims and zones overlap, with geodesic areas",
        description="Pairwise overlaps of the polygons of one layer, or of two "
        "layers, with the overlap's geodesic area in km² and its share of each.",
    )
    p.add_argument("a", metavar="LAYER", help="a layer id (see `claimsmap layers`)")
    p.add_argument("b", metavar="LAYER", nargs="?", help="a second layer (optional)")
    p.add_argument(
        "--format", choices=["text", "json", "csv", "geojson"], default="text"
    )
    p.add_argument(
        "--chart",
        metavar="FILE",
        help="also draw the overlaps as bars of km² into FILE (.png, .svg or .pdf; "
        "needs claimsmap[charts])",
    )
    p.set_defaults(func=_cmd_overlaps)

    p = sub.add_parser(
        "serve",
        help="run the HTTP service (FastAPI on uvicorn)",
        description="Serve the atlas's queries over HTTP, with an OpenAPI schema at "
        "/openapi.json and its docs at /docs. Needs claimsmap[server]. Limits: a "
        "query string over 4 KiB is a 414, a request line and headers over 16 KiB "
        "a 431, an answer holds at most 5,000 features; requests queue, and only "
        "past --max-in-flight in one worker are they answered 503 (never "
        "/health). Each worker holds about 270 MB.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    p.add_argument(
        "--port", type=_whole(1, 65535), default=8000, help="port (default 8000)"
    )
    p.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="allow browser calls from this origin (repeatable; '*' for any)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes, each about one core and its own copy of the atlas "
        "(default 1)",
    )
    p.add_argument(
        "--max-in-flight",
        type=int,
        default=10_000,
        metavar="N",
        help="requests one worker holds at once; past them it answers 503, except "
        "to /health (default 10000)",
    )
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("validate", help="check a layer file against the atlas schema")
    p.add_argument("file")
    p.set_defaults(func=_cmd_validate)
    return parser


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A name that means several places is said in one line on stderr."""
    from claimsmap.errors import AmbiguousNameWarning, printable

    if issubclass(category, AmbiguousNameWarning):
        print(f"claimsmap: note: {printable(message)}", file=sys.stderr)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from claimsmap.errors import ENVIRONMENT_ERRNOS, ClaimsmapError, printable

    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            args.func(args)
    except ClaimsmapError as err:
        print(f"claimsmap: error: {printable(err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as err:
        # The machine's errors (a file missing or unreadable, a disk full) are
        # not the program's: the path and the reason, without a bug report.
        if err.errno is None and isinstance(err, FileNotFoundError):
            message = str(err)  # raised with its own message
        elif err.errno in ENVIRONMENT_ERRNOS:
            where = f"{err.filename}: " if err.filename is not None else ""
            message = f"{where}{err.strerror}"
        else:
            return _internal(err)
        print(f"claimsmap: error: {printable(message)}", file=sys.stderr)
        return 2
    except Exception as err:
        return _internal(err)
    return 0


def _internal(err: Exception) -> int:
    """Report an error of claimsmap itself (exit 1), or re-raise it to debug."""
    from claimsmap.errors import printable

    if os.environ.get("CLAIMSMAP_DEBUG"):
        raise err
    print(
        f"claimsmap: internal error: {type(err).__name__}: {printable(err)} "
        "(set CLAIMSMAP_DEBUG=1 for the traceback, and please report it)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
