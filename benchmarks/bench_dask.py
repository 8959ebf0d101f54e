"""The Dask path on a LocalCluster of 1 and 2 workers, beside one process.

    .venv/bin/python benchmarks/bench_dask.py [--positions 20000000]

Writes synthetic AIS (claimsmap.synthetic; made-up vessels at ten-minute
intervals) as Parquet files of 40 vessels each, then, from those files:

* one process: ``claimsmap.locate`` file by file, and
  ``claimsmap.presence`` over the files in turn;
* ``claimsmap.dask.locate`` and ``claimsmap.dask.presence`` on
  ``dask.dataframe.read_parquet`` of the same files, on a
  ``dask.distributed.LocalCluster`` of 1 and then 2 worker processes (one
  thread each).

Each cluster runs three ways: with Dask's defaults; with
``MALLOC_MMAP_THRESHOLD_`` at 32 MiB set before the workers start and the
task-based shuffle instead of P2P (faster on a few workers); and with that
setting and ``in_order=True``, which reduces the partitions where they are
(the files hold their vessels' positions in time order). Dask's nannies set
``MALLOC_TRIM_THRESHOLD_``, which turns off glibc's adaptive mmap threshold,
so every array above 128 KiB is mapped and unmapped afresh; numpy-heavy tasks
in worker threads pay for it in page faults.

It checks that every run gives the same answer (memberships per zone; the
periods, visits and gaps of presence) and prints positions per second. The
times include reading the files and, on the cluster, sending the zone index
to the workers; building the index (once, on the client) and starting the
cluster are not timed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow.parquet as pq
from _timing import timed
from distributed import Client, LocalCluster

import claimsmap as cm
import claimsmap.dask as cmd
from claimsmap.locate import atlas_index
from claimsmap.synthetic import synthetic_ais


def write_files(folder: Path, positions: int) -> list[Path]:
    """Batches of 40 vessels over a year, one file each, until enough rows."""
    files: list[Path] = []
    written = 0
    while written < positions:
        batch = len(files)
        table = synthetic_ais(vessels=40, start="2024-01-01", days=366, seed=batch)
        table["vessel"] += 100_000 * batch  # each file its own vessels
        table = table.drop(columns="kind").iloc[: positions - written]
        path = folder / f"ais-{batch:03d}.parquet"
        table.to_parquet(path, index=False, row_group_size=1_000_000)
        files.append(path)
        written += len(table)
        print(f"\r  writing {written / 1e6:.0f} M positions", end="", file=sys.stderr)
    print(file=sys.stderr)
    return files


def one_process(files: list[Path]) -> tuple[pd.Series, float, cm.Presence, float]:
    index = atlas_index()

    def locate_all() -> pd.Series:
        # The same work as the cluster's: the table of memberships, then counts.
        counts = pd.Series(0, index=index.ids)
        for path in files:
            frame = pd.read_parquet(path, columns=["lon", "lat"])
            table = cm.locate(frame, index)
            counts += table.zone.value_counts().reindex(index.ids).to_numpy()
        return counts

    t_locate, counts = timed(locate_all, 1)
    frames = (pd.read_parquet(path) for path in files)
    t_presence, result = timed(lambda: cm.presence(frames, progress=False), 1)
    return counts, t_locate, result, t_presence


#: Set-ups compared: Dask's defaults, and the tuning docs/vessels.md gives.
HEAP = {"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 32 << 20}
SETUPS = {
    "Dask's defaults": ({}, {}),
    "MALLOC_MMAP_THRESHOLD_=32 MiB, task shuffle": (HEAP, {"shuffle_method": "tasks"}),
    "MALLOC_MMAP_THRESHOLD_=32 MiB, in_order=True (no shuffle)": (
        HEAP,
        {"in_order": True},
    ),
}


def on_cluster(folder: Path, workers: int, environment: dict, options: dict):
    with (
        dask.config.set(environment),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster),
    ):
        # Warm up as a long-lived cluster would be: imports done, index received.
        sample = pd.read_parquet(sorted(folder.glob("*.parquet"))[0]).head(20_000)
        warm = dd.from_pandas(sample, npartitions=2)
        cmd.locate(warm).zone.value_counts().compute()
        cmd.presence(warm, **options)

        def locate_all() -> pd.Series:
            positions = dd.read_parquet(str(folder), columns=["lon", "lat"])
            zones = cmd.locate(positions).zone.value_counts().compute()
            return zones.reindex(atlas_index().ids, fill_value=0)

        t_locate, counts = timed(locate_all, 1)
        t_presence, result = timed(
            lambda: cmd.presence(dd.read_parquet(str(folder)), **options), 1
        )
    return counts, t_locate, result, t_presence


def same(a: cm.Presence, b: cm.Presence) -> bool:
    return (
        a.periods.equals(b.periods)
        and a.visits.equals(b.visits)
        and a.gaps.equals(b.gaps)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=20_000_000)
    args = parser.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_files(folder, args.positions)
        n = sum(pq.read_metadata(path).num_rows for path in files)
        print(f"{n:,} synthetic positions in {len(files)} Parquet files")
        atlas_index()
        counts, t_loc, single, t_pre = one_process(files)
        print(
            f"  one process       locate {n / t_loc / 1e6:6.2f} M/s ({t_loc:5.1f} s)"
            f"   presence {n / t_pre / 1e6:5.2f} M/s ({t_pre:5.1f} s)"
            f"   {counts.sum():,} memberships, {len(single.visits):,} visits"
        )
        for name, (environment, options) in SETUPS.items():
            print(f"  Dask LocalCluster, {name}:")
            rates = {}
            for workers in (1, 2):
                c_counts, c_loc, c_result, c_pre = on_cluster(
                    folder, workers, environment, options
                )
                assert c_counts.to_numpy().tolist() == counts.to_numpy().tolist(), (
                    f"{workers} workers: memberships per zone differ from one process"
                )
                assert same(c_result, single), (
                    f"{workers} workers: presence differs from one process"
                )
                rates[workers] = (n / c_loc, n / c_pre)
                print(
                    f"    {workers} worker{'s' if workers > 1 else ' '}  "
                    f"locate {n / c_loc / 1e6:6.2f} M/s ({c_loc:5.1f} s)"
                    f"   presence {n / c_pre / 1e6:5.2f} M/s ({c_pre:5.1f} s)"
                    "   identical to one process"
                )
            print(
                f"    2 workers vs 1: locate {rates[2][0] / rates[1][0]:.2f}x, "
                f"presence {rates[2][1] / rates[1][1]:.2f}x"
            )


if __name__ == "__main__":
    main()
