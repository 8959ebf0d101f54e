"""Who the vessels are: choosing them by flag and ship type, and grouping them.

A vessel's flag is the one its id announces (:func:`claimsmap.flags.flag`),
when the id is a ship's (or a craft's tied to a ship: :data:`VESSEL_KINDS`); its
ship type is the latest non-empty ``ship_type`` among its positions (static
reports give it, and a reader such as :func:`claimsmap.read_ais` joins it onto
each position). Both belong to the vessel, not to a position, so choosing
vessels drops their visits and gaps whole and never cuts a track: the answer
is the same whether the positions come in one frame, in chunks or in Dask
partitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from claimsmap.errors import ClaimsmapError
from claimsmap.flags import check_flags, mmsi_kind
from claimsmap.flags import flag as mmsi_flag

__all__ = ["GROUPS", "Group", "Selection", "ShipTypes", "selection"]

#: What presence can be counted per, besides the zone.
Group = Literal["flag", "ship_type"]
GROUPS = ("flag", "ship_type")
#: The kinds of MMSI (:data:`claimsmap.flags.KINDS`) whose flag is a vessel's.
VESSEL_KINDS = ("ship", "craft")
#: The column that carries each position's ship type.
SHIP_TYPE = "ship_type"


def _texts(value: Any, argument: str) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    out = [str(v).strip().casefold() for v in values]
    if not out or not all(out):
        raise ClaimsmapError(
            f"{argument}={value!r}: give one or more ship types, such as "
            "'law enforcement' or ['fishing', 'cargo']"
        )
    return out


@dataclass(frozen=True)
class Selection:
    """The vessels to count, and what to count them per."""

    flags: tuple[str, ...] | None = None
    ship_types: tuple[str, ...] | None = None
    group_by: Group | None = None

    @property
    def needs_types(self) -> bool:
        """Whether the positions' ``ship_type`` column must be read."""
        return self.ship_types is not None or self.group_by == "ship_type"

    def choose(
        self, visits: pd.DataFrame, gaps: pd.DataFrame, vessels: Any, types: ShipTypes
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The visits and gaps of the chosen vessels, and a table of those vessels.

        ``vessels`` are the ids of every vessel among the positions.
        """
        ids = pd.unique(np.asarray(vessels, dtype=object))
        kinds = mmsi_kind(ids)
        # Only a ship's number (or a craft's, tied to its ship) flags a
        # vessel: a group call, coast station, aircraft, aid to navigation,
        # handheld or mistyped number is no vessel of that flag.
        flagged = np.isin(kinds, VESSEL_KINDS)
        info = pd.DataFrame(
            {
                "vessel": ids,
                "flag": np.where(flagged, mmsi_flag(ids), None),
                "mmsi_kind": kinds,
            }
        )
        if self.needs_types:
            known = types.latest()
            info[SHIP_TYPE] = [known.get(v) for v in ids]
        keep = np.ones(len(info), dtype=bool)
        if self.flags is not None:
            keep &= info["flag"].isin(self.flags).to_numpy()
        if self.ship_types is not None:
            folded = info[SHIP_TYPE].map(
                lambda t: t.casefold() if isinstance(t, str) else None
            )
            keep &= folded.isin(self.ship_types).to_numpy()
        info = info[keep]
        try:
            info = info.sort_values("vessel", ignore_index=True)
        except TypeError:  # ids of mixed types keep the order they came in
            info = info.reset_index(drop=True)
        chosen = set(info.vessel.tolist())
        return (
            visits[visits.vessel.isin(chosen).to_numpy()],
            gaps[gaps.vessel.isin(chosen).to_numpy()],
            info,
        )


def selection(
    flag: str | Iterable[str] | None = None,
    ship_type: str | Iterable[str] | None = None,
    group_by: str | None = None,
) -> Selection:
    """Check presence's ``flag=``, ``ship_type=`` and ``group_by=`` at once."""
    if group_by is not None and group_by not in GROUPS:
        raise ClaimsmapError(
            f"group_by={group_by!r}: give one of {', '.join(GROUPS)} "
            "(by= is the period, day or hour)"
        )
    return Selection(
        flags=None if flag is None else tuple(check_flags(flag)),
        ship_types=None if ship_type is None else tuple(_texts(ship_type, "ship_type")),
        group_by=group_by,  # type: ignore[arg-type]
    )


class ShipTypes:
    """Each vessel's latest ship type, gathered chunk by chunk.

    The latest is the one of the last position in time that has one; at equal
    times, the greatest text, so the answer never depends on the order the
    chunks or partitions come in.
    """

    def __init__(self) -> None:
        self.seen: dict[Any, tuple[int, str]] = {}

    def add(
        self, codes: np.ndarray, vessels: Any, times: np.ndarray, types: pd.Series
    ) -> None:
        """Take in one chunk: vessel codes into ``vessels``, int64 times, types."""
        which, found = pd.factorize(types, use_na_sentinel=True)
        texts = [v.strip() if isinstance(v, str) else "" for v in found]
        names = sorted({t for t in texts if t})
        if not names:
            return
        place = {name: i for i, name in enumerate(names)}
        # A type's rank orders equal times; the last slot is for a missing one.
        rank_of = np.array([place.get(t, -1) for t in texts] + [-1], dtype=np.int64)
        rank = rank_of[which]
        known = rank >= 0
        code, t, rank = codes[known], times[known], rank[known]
        latest = np.full(len(vessels), np.iinfo(np.int64).min, dtype=np.int64)
        last = pd.Series(t).groupby(code).max()
        latest[last.index.to_numpy()] = last.to_numpy()
        tie = t == latest[code]
        best = pd.Series(rank[tie]).groupby(code[tie]).max()
        self.update(
            {
                vessels[c]: (int(latest[c]), names[r])
                for c, r in zip(best.index.tolist(), best.tolist(), strict=True)
            }
        )

    def update(self, other: dict[Any, tuple[int, str]]) -> None:
        """Take in another gatherer's :attr:`seen`."""
        for vessel, value in other.items():
            if vessel not in self.seen or value > self.seen[vessel]:
                self.seen[vessel] = value

    def latest(self) -> dict[Any, str]:
        """Ship type by vessel."""
        return {vessel: value[1] for vessel, value in self.seen.items()}


def check_types_column(columns: Iterable[Any], source: str) -> None:
    """Refuse positions without a ``ship_type`` column, naming what they have."""
    columns = [str(c) for c in columns]
    if SHIP_TYPE not in columns:
        raise ClaimsmapError(
            f"{source}: no column 'ship_type' (columns: {', '.join(columns)}); "
            "ship_type= and group_by='ship_type' need each vessel's ship type: "
            "read raw AIS with cm.read_ais (which joins it from static reports), "
            "or add a 'ship_type' column"
        )
