"""Days in a zone from movingpandas trajectories: claimsmap beside movingpandas.

    .venv/bin/python benchmarks/bench_movingpandas.py [--vessels 200] [--days 7]

Synthetic AIS (claimsmap.synthetic, one position every ten minutes) as a
movingpandas TrajectoryCollection, one trajectory a vessel. The days each
vessel spent in the Taiwan ADIZ are counted twice: the movingpandas way
(``TrajectoryCollection.clip`` by the zone, then the distinct dates each
clipped piece spans) and with ``claimsmap.presence`` on the same collection
(with a ``max_gap`` long enough that no silence ends a visit, as clipping
knows no gaps). Both answers are printed with how many vessel-days they share:
clipping reaches to where the line between two positions crosses the
boundary, which after a transponder's silence of hours can be another day
that no position inside reaches. CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from _timing import timed

import claimsmap as cm
from claimsmap._movingpandas import import_movingpandas
from claimsmap.synthetic import synthetic_ais

ZONE = "twn-adiz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=200)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    mpd = import_movingpandas()
    warnings.simplefilter("ignore")  # movingpandas' notices about pandas 3
    ais = synthetic_ais(vessels=args.vessels, start="2024-03-01", days=args.days)
    ais = ais.assign(time=ais.time.dt.tz_localize(None))
    start = time.process_time()
    tracks = mpd.TrajectoryCollection(
        ais, traj_id_col="vessel", t="time", x="lon", y="lat"
    )
    built = time.process_time() - start
    zone = cm.load(ZONE).geometry.iloc[0]
    cm.presence(ais.iloc[:1000], ZONE)  # the zone's index, built once

    def movingpandas_days() -> set[tuple[int, pd.Timestamp]]:
        days = set()
        for piece in tracks.clip(zone).trajectories:
            vessel = int(str(piece.id).rsplit("_", 1)[0])
            first, last = piece.df.index.min(), piece.df.index.max()
            for day in pd.date_range(first.normalize(), last.normalize()):
                days.add((vessel, day))
        return days

    def claimsmap_days() -> set[tuple[int, pd.Timestamp]]:
        periods = cm.presence(tracks, ZONE, max_gap="100000D").periods
        return set(zip(periods.vessel.astype(int), periods.period, strict=True))

    peer, theirs = timed(movingpandas_days, repeat=1, clock=time.process_time)
    ours_s, ours = timed(claimsmap_days, repeat=3, clock=time.process_time)
    print(
        f"{len(ais):,} positions of {args.vessels} vessels; movingpandas builds "
        f"the collection in {built:.2f} s"
    )
    print(f"movingpandas clip + dates: {peer:.2f} s, {len(theirs)} vessel-days")
    print(f"claimsmap presence:        {ours_s:.2f} s, {len(ours)} vessel-days")
    print(f"shared: {len(ours & theirs)}; claimsmap {peer / ours_s:.0f} times as fast")


if __name__ == "__main__":
    main()
