"""Days present from a large file of positions: throughput and memory, and the peer.

    .venv/bin/python benchmarks/bench_presence.py [--positions 100000000]

Writes a Parquet file of synthetic AIS (claimsmap.synthetic; made-up vessels
at ten-minute intervals), then counts days present in every atlas zone from
the file with ``claimsmap.presence(path)`` in a fresh process, twice: on a
file of the first tenth and on the whole file, to show that the peak memory
does not grow with the number of positions. Then, on the first million
positions, the geopandas way (read everything, ``sjoin``, count distinct days
per zone) beside claimsmap, after checking that both count the same days.

Reading raw AIS: the synthetic positions encoded as NMEA type 1 sentences
after a tag block with their time (``\\c:1704067200*hh\\!AIVDO,...``), read by
``claimsmap.read_ais`` (decode, checksums, static join and cleaning) beside
pyais alone decoding the same file with its ``FileReaderStream`` (message,
then the tag block's time), with and without checking checksums, in the same
run. ``--nmea-only`` runs only this part.

Reading a public export: the synthetic positions written in the Danish
Maritime Authority's layout (26 columns, names repeated on every row), read
by ``claimsmap.read_ais`` (layout, types, non-vessels, static fill and
cleaning) in a fresh process, beside ``pandas.read_csv`` of the same file
alone (pyarrow engine), with each one's time and peak memory.
``--exports-only`` runs only this part.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
from _timing import timed

import claimsmap as cm
from claimsmap.locate import atlas_zones
from claimsmap.synthetic import synthetic_ais

RUN = """
import json, sys, time
import claimsmap as cm
from claimsmap.locate import atlas_index

def peak_mb():
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the
    # parent's over exec on Linux).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

atlas_index()  # the zone index, built once per process (about a second)
base = peak_mb()
start = time.perf_counter()
result = cm.presence(sys.argv[1], chunk_rows=int(sys.argv[2]), progress=False)
seconds = time.perf_counter() - start
print(json.dumps({"positions": result.positions, "seconds": seconds,
                  "peak_mb": peak_mb(), "base_mb": base, "visits": len(result.visits)}))
"""


def write_files(small: Path, large: Path, positions: int) -> int:
    """Synthetic AIS in batches of 40 vessels over a year, until enough rows.

    The first tenth goes to ``small`` too.
    """
    writers: dict[Path, pq.ParquetWriter] = {}
    written, batch = 0, 0
    while written < positions:
        table = synthetic_ais(vessels=40, start="2024-01-01", days=366, seed=batch)
        table["vessel"] += 100_000 * batch  # each batch its own vessels
        table = table.drop(columns="kind").iloc[: positions - written]
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        targets = [large] + ([small] if written < positions // 10 else [])
        for path in targets:
            part = arrow if path == large else arrow.slice(0, positions // 10 - written)
            if path not in writers:
                writers[path] = pq.ParquetWriter(path, arrow.schema)
            writers[path].write_table(part, row_group_size=1_000_000)
        written += len(table)
        batch += 1
        print(f"\r  writing {written / 1e6:.0f} M positions", end="", file=sys.stderr)
    for writer in writers.values():
        writer.close()
    print(file=sys.stderr)
    return written


def measure(path: Path, chunk: int) -> dict:
    """claimsmap.presence on the file, in a fresh process: time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(path), str(chunk)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def write_nmea(path: Path, positions: int) -> int:
    """Synthetic positions as tagged NMEA sentences; how many were written."""
    from pyais.encode import encode_dict
    from pyais.util import checksum

    days = min(366, 2 * positions // (40 * 144) + 2)  # ten-minute positions, gaps
    table = synthetic_ais(vessels=40, start="2024-01-01", days=days, seed=0)
    table = table.iloc[:positions]
    with path.open("w") as out:
        for vessel, when, lon, lat in zip(
            table.vessel, table.time, table.lon, table.lat, strict=True
        ):
            (sentence,) = encode_dict(
                {"type": 1, "mmsi": int(vessel), "lon": lon, "lat": lat}
            )
            tag = f"c:{int(when.timestamp())}"
            out.write(f"\\{tag}*{checksum(tag.encode()):02X}\\{sentence}\n")
    return len(table)


def pyais_alone(path: Path, check: bool) -> int:
    """What a pyais user writes: each message's MMSI, time and position."""
    from pyais.stream import FileReaderStream

    rows = []
    for message in FileReaderStream(str(path)):
        if check and not message.is_valid:
            continue
        decoded = message.decode()
        tag = message.tag_block
        tag.init()
        rows.append(
            (decoded.mmsi, int(tag.receiver_timestamp), decoded.lon, decoded.lat)
        )
    return len(rows)


def nmea(positions: int) -> None:
    from claimsmap.vessels import read_ais

    clock = time.process_time

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ais.nmea"
        n = write_nmea(path, positions)
        mb = path.stat().st_size / 1e6
        # Rounds of the three in turn, the best of each in CPU seconds of this
        # process, so that other work on the machine weighs on all alike.
        t_plain = t_check = t_ours = float("inf")
        for _ in range(3):
            seconds, got = timed(lambda: pyais_alone(path, check=False), 1, clock)
            t_plain = min(t_plain, seconds)
            seconds, _ = timed(lambda: pyais_alone(path, check=True), 1, clock)
            t_check = min(t_check, seconds)
            seconds, frame = timed(lambda: read_ais(path), 1, clock)
            t_ours = min(t_ours, seconds)
        assert got == n and len(frame) + frame.attrs["dropped"]["too_fast"] == n
        print(f"{n:,} NMEA sentences ({mb:.0f} MB), positions per CPU second:")
        print(
            f"  pyais alone, FileReaderStream + decode + tag time: {n / t_plain:10,.0f}"
        )
        print(
            f"  pyais alone, the same checking checksums:          {n / t_check:10,.0f}"
        )
        print(
            f"  claimsmap.read_ais (checksums, cleaning, table):   {n / t_ours:10,.0f}"
            f"  ({t_ours / t_check:.2f}x pyais's time with checksums, "
            f"{t_ours / t_plain:.2f}x without)"
        )


EXPORT_RUN = """
import json, sys, time
start = time.perf_counter()
if sys.argv[2] == "claimsmap":
    from claimsmap.vessels import read_ais
    rows = len(read_ais(sys.argv[1]))
else:
    import pandas as pd
    rows = len(pd.read_csv(sys.argv[1], engine="pyarrow"))
seconds = time.perf_counter() - start
peak = max(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:")) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))
"""

DMA_HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,"
    "SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
    "Type of position fixing device,Draught,Destination,ETA,Data source type,"
    "A,B,C,D"
)


def write_dma(path: Path, rows: int) -> int:
    """Synthetic positions in the DMA's CSV layout; how many rows were written."""
    days = min(366, 2 * rows // (200 * 144) + 2)
    table = synthetic_ais(vessels=200, start="2024-01-01", days=days, seed=1)
    table = table.iloc[:rows]
    stamps = table.time.dt.strftime("%d/%m/%Y %H:%M:%S")
    with path.open("w") as out:
        out.write(DMA_HEADER + "\n")
        for when, vessel, lon, lat in zip(
            stamps, table.vessel, table.lon, table.lat, strict=True
        ):
            out.write(
                f"{when},Class A,{vessel},{lat:.6f},{lon:.6f},Under way using engine,"
                f"0.0,10.1,100.0,100,Unknown,CALL{vessel % 1000},SHIP {vessel},"
                "Cargo,,20,100,GPS,5.0,SOMEWHERE,,AIS,10,90,10,10\n"
            )
    return len(table)


def exports(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "aisdk.csv"
        n = write_dma(path, rows)
        mb = path.stat().st_size / 1e6
        print(f"{n:,} rows in the DMA's layout ({mb:.0f} MB of CSV):")
        got = {}
        for who in ("pandas", "claimsmap"):
            out = subprocess.run(
                [sys.executable, "-c", EXPORT_RUN, str(path), who],
                check=True,
                capture_output=True,
                text=True,
            )
            got[who] = json.loads(out.stdout)
        pandas, ours = got["pandas"], got["claimsmap"]
        assert pandas["rows"] == n >= ours["rows"]
        print(
            f"  pandas.read_csv alone (pyarrow):           {pandas['seconds']:6.2f} s, "
            f"peak memory {pandas['peak_mb']:,.0f} MB"
        )
        print(
            f"  claimsmap.read_ais (typed, filled, clean): {ours['seconds']:6.2f} s, "
            f"peak memory {ours['peak_mb']:,.0f} MB "
            f"({ours['seconds'] / pandas['seconds']:.2f}x the time, "
            f"{ours['peak_mb'] / pandas['peak_mb']:.2f}x the memory)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=100_000_000)
    parser.add_argument("--chunk-rows", type=int, default=1_000_000)
    parser.add_argument("--peer-positions", type=int, default=1_000_000)
    parser.add_argument("--nmea-positions", type=int, default=200_000)
    parser.add_argument("--nmea-only", action="store_true")
    parser.add_argument("--export-rows", type=int, default=2_000_000)
    parser.add_argument("--exports-only", action="store_true")
    args = parser.parse_args()
    if args.nmea_only:
        nmea(args.nmea_positions)
        return
    if args.exports_only:
        exports(args.export_rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ais.parquet"
        tenth = Path(tmp) / "ais-tenth.parquet"
        n = write_files(tenth, path, args.positions)
        size = path.stat().st_size / 1e9
        print(f"{n:,} synthetic positions, {size:.2f} GB of Parquet")
        for file in (tenth, path):
            r = measure(file, args.chunk_rows)
            rate = r["positions"] / r["seconds"] / 1e6
            print(
                f"  claimsmap.presence from the file, {r['positions']:>13,} positions: "
                f"{r['seconds']:7.1f} s, {rate:5.2f} M/s, "
                f"peak memory {r['peak_mb']:,.0f} MB "
                f"({r['base_mb']:,.0f} MB before reading), {r['visits']:,} visits"
            )

        m = min(args.peer_positions, n)
        head = next(pq.ParquetFile(path).iter_batches(batch_size=m)).to_pandas()
        zones = atlas_zones()
        start = time.perf_counter()
        ours = cm.presence(head, zones, progress=False)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        points = gpd.GeoDataFrame(
            head, geometry=gpd.points_from_xy(head.lon, head.lat), crs=4326
        )
        joined = gpd.sjoin(points, zones[["id", "geometry"]], predicate="intersects")
        theirs = (
            joined.assign(day=joined.time.dt.floor("D")).groupby("id")["day"].nunique()
        )
        t_peer = time.perf_counter() - start
        mine = ours.total.set_index("zone").periods
        mine = mine[mine > 0]
        mine.index = mine.index.astype(str)
        assert mine.sort_index().equals(theirs.sort_index().rename("periods")), (
            "claimsmap and geopandas count different days"
        )
        print(
            f"  first {m:,} positions, days per zone (identical counts): "
            f"claimsmap {t_ours:.2f} s, geopandas sjoin + groupby {t_peer:.2f} s, "
            f"ratio {t_peer / t_ours:.0f}x"
        )
    nmea(args.nmea_positions)
    exports(args.export_rows)


if __name__ == "__main__":
    main()
