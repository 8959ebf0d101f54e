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
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]

_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$")


def _place(text: str) -> Any:
    """A ``LON,LAT`` pair or a feature name."""
    from claimsmap.geodesy import check_lonlat

    match = _POINT.match(text)
    if match:
        return check_lonlat(float(match[1]), float(match[2]), what=f"point {text!r}")
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

    if args.sources or args.targets:
        if args.a or args.b or not (args.sources and args.targets):
            raise ClaimsmapError(
                "give either two places, or --from PLACE... and --to PLACE..."
            )
        _distance_matrix(args)
        return
    if not (args.a and args.b):
        raise ClaimsmapError("give two places: claimsmap distance A B")
    a, b = _place(args.a), _place(args.b)
    result = distance(a, b)
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
    from claimsmap.io import read_file
    from claimsmap.maps import Map

    preset = args.preset
    m = Map.preset(preset)
    for path in args.add or []:
        frame = read_file(path)
        m.add_layer(frame, name=os.path.basename(path))
    if args.png:
        png = m.save_png(args.png)
        print(f"wrote {png} ({png.stat().st_size / 1e3:.0f} kB)", file=sys.stderr)
        if not args.output:
            return
    out = args.output or f"claimsmap-{preset}.html"
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


def _cmd_overlaps(args: argparse.Namespace) -> None:
    from claimsmap.overlaps import overlaps

    table = overlaps(args.a, args.b)
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


def _distance_matrix(args: argparse.Namespace) -> None:
    from claimsmap.queries import distances

    sources = [_place(p) for p in args.sources]
    targets = [_place(p) for p in args.targets]
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
    from claimsmap.queries import AT_COLUMNS, at

    lon, lat = check_lonlat(args.lon, args.lat, what="point")
    found = at(lon, lat, date=args.date)
    nearest = found.attrs["nearest"]
    if args.format == "json":
        _print_json(
            {
                "schema_version": found.attrs["schema_version"],
                "point": [lon, lat],
                "date": args.date,
                "areas": found[AT_COLUMNS].to_dict("records"),
                "nearest_land": nearest,
            }
        )
        return
    _write_table(
        found,
        args.format,
        AT_COLUMNS,
        lambda r: (
            f"{r['kind']:<13} {r['name']}  [{' '.join(r['claimants'])}]  "
            f"{r['source_url']}"
        ),
    )
    if args.format == "text" and nearest:
        print(
            f"nearest land: {nearest['name']} ({nearest['id']}), "
            f"{nearest['distance_km']:,.2f} km / {nearest['distance_nmi']:,.2f} nmi"
        )


def _cmd_within(args: argparse.Namespace) -> None:
    from claimsmap.queries import WITHIN_COLUMNS, within

    found = within(
        _place(args.place), args.radius, args.unit, date=args.date, kinds=args.kind
    )
    _write_table(
        found,
        args.format,
        WITHIN_COLUMNS,
        lambda r: f"{r['distance_km']:>10,.2f} km  {r['name']} ({r['id']})",
    )


def _cmd_presence(args: argparse.Namespace) -> None:
    import pandas as pd

    from claimsmap.presence import presence

    result = presence(
        args.file,
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
                "tz": result.tz,
                "start": result.start.isoformat(),
                "end": result.end.isoformat(),
                "periods_total": result.periods_total,
                "positions": result.positions,
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
        print("\n".join(line for line in lines if line.split(":")[0] in shown))
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")


def _cmd_synthetic(args: argparse.Namespace) -> None:
    from pathlib import Path

    from claimsmap.errors import ClaimsmapError
    from claimsmap.io import atomic_path
    from claimsmap.synthetic import synthetic_ais

    table = synthetic_ais(
        args.vessels, args.start, args.days, interval_s=args.interval, seed=args.seed
    )
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ClaimsmapError(f"{out}: give a .csv or .parquet file name")
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
    from claimsmap.io import export

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
    serve(args.host, args.port, cors_origins=args.cors or ())


def _cmd_validate(args: argparse.Namespace) -> None:
    from claimsmap.io import read_file

    frame = read_file(args.file)
    print(f"{args.file}: {len(frame)} features, all valid", file=sys.stderr)


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import pyproj
    import shapely

    lines = [f"claimsmap {version('claimsmap')}"]
    for dist in (
        "geopandas",
        "shapely",
        "pyproj",
        "folium",
        "pyogrio",
        "fiona",
        "xyzservices",
    ):
        try:
            lines.append(f"  {dist} {version(dist)}")
        except PackageNotFoundError:
            lines.append(f"  {dist} not installed")
    import pyogrio

    lines.append(f"  GEOS {shapely.geos_version_string}")
    lines.append(f"  PROJ {pyproj.proj_version_str}")
    lines.append(f"  GDAL {pyogrio.__gdal_version_string__}")
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
    p.add_argument("lon", type=float, help="longitude, degrees east")
    p.add_argument("lat", type=float, help="latitude, degrees north")
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
    p.add_argument("radius", type=float, help="the distance, in --unit")
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
        "chunks. A vessel is present over each visit (consecutive positions "
        "inside, at most --max-gap apart); longer silences are gaps.",
    )
    p.add_argument("file", help="positions: .csv, .parquet or .geoparquet")
    p.add_argument(
        "--zones",
        action="append",
        metavar="LAYER",
        help="a layer of areas (repeatable); default every atlas zone",
    )
    p.add_argument("--by", choices=["day", "hour"], default="day")
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
    p.add_argument("--chunk-rows", type=int, default=1_000_000)
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
    p.add_argument("--vessels", type=int, default=50)
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--start", default="2024-01-01")
    p.add_argument("--interval", type=float, default=600.0, help="seconds")
    p.add_argument("--seed", type=int, default=0)
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
        description="Render a preset map to one HTML file that needs no network.",
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
        "--format", choices=["text", "json", "csv", "geojson"], default="text"
    )
    p.set_defaults(func=_cmd_zones)

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
    p.set_defaults(func=_cmd_overlaps)

    p = sub.add_parser(
        "serve",
        help="run the HTTP service (FastAPI on uvicorn)",
        description="Serve the atlas's queries over HTTP, with an OpenAPI schema at "
        "/openapi.json and its docs at /docs. Needs claimsmap[server].",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="allow browser calls from this origin (repeatable; '*' for any)",
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
    from claimsmap.errors import AmbiguousNameWarning

    if issubclass(category, AmbiguousNameWarning):
        print(f"claimsmap: note: {message}", file=sys.stderr)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from claimsmap.errors import ClaimsmapError

    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            args.func(args)
    except (ClaimsmapError, FileNotFoundError) as err:
        print(f"claimsmap: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as err:
        if os.environ.get("CLAIMSMAP_DEBUG"):
            raise
        print(
            f"claimsmap: internal error: {type(err).__name__}: {err} "
            "(set CLAIMSMAP_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
