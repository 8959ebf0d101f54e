"""Charts of presence and overlaps, drawn with matplotlib, ready to publish.

:func:`presence_chart` (behind :meth:`claimsmap.Presence.plot`) draws the days
on which any vessel was in a zone, as a calendar (one cell a day: the picture
behind "355 of 366 days") or as monthly bars; :func:`overlaps_chart` draws the
shared area of each pair in a :func:`claimsmap.overlaps` table as bars of
geodesic km². Each chart says in its title what it counts and carries a source
line (the data's origin, as the caller gives it, and claimsmap);
:func:`save` writes it atomically as PNG, SVG or PDF.

matplotlib is imported when a chart is drawn (extra ``[charts]``). Figures are
made without pyplot, so no window opens and nothing is kept in pyplot's list
of figures; in a Jupyter kernel they are made through pyplot and closed at
once, so that the returned figure shows once, inline.
"""

from __future__ import annotations

import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from claimsmap.errors import ClaimsmapError, OutputError, printable
from claimsmap.io import atomic_path, check_output

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHART_FORMATS",
    "KINDS",
    "PRESENT_COLOUR",
    "ChartKind",
    "check_chart_path",
    "overlaps_chart",
    "presence_chart",
    "save",
]

#: The kinds of presence chart: a cell a day, or a bar a month.
ChartKind = Literal["calendar", "months"]
KINDS: tuple[str, ...] = ("calendar", "months")
#: File extensions :func:`save` writes, and matplotlib's format for each.
CHART_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: The colour of a day (or of the part of a bar) with a vessel present.
PRESENT_COLOUR = "#1f5f8b"
#: The colour of a day in the range with no vessel present.
ABSENT_COLOUR = "#e3e3e3"
#: The colour of an overlap's bar.
OVERLAP_COLOUR = "#b5552b"
#: At most this many zones are drawn at once (one panel each).
MAX_PANELS = 12
#: At most this many months are drawn as a calendar (one row each).
MAX_CALENDAR_MONTHS = 120
# No dates in the files (see save).
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": "claimsmap"},
    "svg": {"Date": None, "Creator": "claimsmap"},
    "pdf": {"CreationDate": None, "Creator": "claimsmap"},
}
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _matplotlib() -> None:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(
            "charts need matplotlib: pip install 'claimsmap[charts]'"
        ) from None


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (where figures display inline)."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    return hasattr(get_ipython(), "kernel")


def _figure(width: float, height: float) -> Figure:
    """A new figure of ``width`` × ``height`` inches, outside pyplot's care.

    In a Jupyter kernel it is made by pyplot (which sets up inline display)
    and closed at once, so that it is displayed once, as the cell's value.
    """
    _matplotlib()
    if _in_kernel():
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(width, height))
        plt.close(fig)
        fig.set_layout_engine("constrained")
        return fig
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _check_options(
    path: str | os.PathLike[str] | None, source: Any, title: Any
) -> Path | None:
    """Check what every chart takes, before any drawing; return the path or None."""
    for name, value in (("source", source), ("title", title)):
        if value is not None and not isinstance(value, str):
            raise ClaimsmapError(
                f"{name}={value!r}: give text, e.g. "
                + (
                    "source='AIS positions: Global Fishing Watch'"
                    if name == "source"
                    else "title='Days in the zone, 2024'"
                )
            )
    return None if path is None else check_chart_path(path)


def check_chart_path(path: str | os.PathLike[str], name: str = "path") -> Path:
    """Check where a chart is to be written, before it is drawn.

    Parameters
    ----------
    path : str or path
        The file: its extension names the format (``.png``, ``.svg``, ``.pdf``).
    name : str
        How the caller calls the argument, for messages (``--chart`` on the
        command line).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        For another extension, or a place no file can be written (see
        :func:`claimsmap.io.check_output`).

    Examples
    --------
    >>> check_chart_path("days.gif")
    Traceback (most recent call last):
    ...
    claimsmap.errors.OutputError: path='days.gif': cannot write '.gif'; give a .png, ...
    """
    if not isinstance(path, str | os.PathLike):
        raise ClaimsmapError(
            f"{name}={path!r}: give a file name ending in .png, .svg or .pdf"
        )
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_FORMATS:
        raise OutputError(
            f"{name}={printable(os.fspath(path))!r}: cannot write "
            f"{suffix or 'a file without an extension'!r}; give a .png, .svg or "
            ".pdf file"
        )
    return check_output(path, CHART_FORMATS)


def save(fig: Figure, path: str | os.PathLike[str], *, dpi: float = 200) -> Path:
    """Write a chart atomically, in the format its extension names.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart.
    path : str or path
        The file: ``.png`` (at ``dpi`` dots per inch), ``.svg`` or ``.pdf``
        (vector, for print). A reader never sees a half-written file.
    dpi : float
        Resolution of a PNG, in dots per inch.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        When the extension is not one of those, or the file cannot be written
        there (see :func:`claimsmap.io.check_output`).
    """
    target = check_chart_path(path)
    fmt = CHART_FORMATS[target.suffix.lower()]
    from matplotlib import rc_context

    # A fixed salt for the SVG's ids, as the dates are left out: the same
    # chart gives the same bytes. A PDF embeds TrueType fonts (not Type 3), so
    # that its text stays text in a layout or drawing program.
    with (
        atomic_path(target) as tmp,
        rc_context({"svg.hashsalt": "claimsmap", "pdf.fonttype": 42}),
    ):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return target


def _source_line(fig: Figure, source: str | None, what: str = "") -> None:
    """The line under the chart: what was measured, the data's origin, claimsmap."""
    parts = [what] if what else []
    if source is not None and source.strip():
        parts.append(f"Source: {source.strip().rstrip('.')}.")
    parts.append("Chart: claimsmap.")
    fig.supxlabel(
        _wrap(" ".join(parts), 130), x=0.02, ha="left", fontsize=8, color="#555555"
    )


# --- presence ----------------------------------------------------------------


def _days_present(result: Any, zone: str) -> pd.DatetimeIndex:
    """The local dates on which any vessel was in ``zone`` (an hour counts its day)."""
    periods = result.periods
    stamps = periods.loc[periods["zone"] == zone, "period"]
    if result.by == "hour":
        stamps = stamps.dt.tz_convert(result.tz).dt.tz_localize(None)
    return pd.DatetimeIndex(stamps.dt.normalize().unique()).sort_values()


def _date_range(result: Any) -> pd.DatetimeIndex:
    """Every local date of the analysis range, first to last."""
    first, last = (
        t.tz_convert(result.tz).tz_localize(None).normalize()
        for t in (result.start, result.end)
    )
    return pd.date_range(first, last, freq="D")


def _zones_to_draw(result: Any, zone: Any) -> list[str]:
    """The zones given, checked; by default those with presence, most days first."""
    known = list(result.zones)
    if zone is None:
        entered = result.periods["zone"].unique()
        days = pd.Series(
            [len(_days_present(result, z)) for z in entered], index=entered, dtype=int
        )
        chosen = list(days.sort_values(ascending=False, kind="stable").index)
        if not chosen:
            if len(known) == 1:
                return known
            raise ClaimsmapError(
                "zone=None: no vessel was present in any zone, so there is "
                "nothing to draw; give zone= one of the zones to draw it empty"
            )
        if len(chosen) > MAX_PANELS:
            raise ClaimsmapError(
                f"zone=None: vessels were present in {len(chosen)} zones, and a "
                f"chart draws at most {MAX_PANELS}; give zone= one zone id or a "
                f"list of them, e.g. zone={chosen[0]!r}"
            )
        return [str(z) for z in chosen]
    zones = [zone] if isinstance(zone, str) else zone
    if not isinstance(zones, list | tuple) or not zones:
        raise ClaimsmapError(
            f"zone={zone!r}: give a zone id or a list of zone ids of this result"
        )
    for name in zones:
        if name not in known:
            listed = ", ".join(map(str, known[:8])) + (
                ", ..." if len(known) > 8 else ""
            )
            raise ClaimsmapError(
                f"zone={name!r}: not a zone of this result; give one of {listed}"
            )
    if len(zones) > MAX_PANELS:
        raise ClaimsmapError(
            f"zone: {len(zones)} zones given; a chart draws at most {MAX_PANELS}"
        )
    return [str(z) for z in zones]


def presence_chart(
    result: Any,
    kind: ChartKind = "calendar",
    zone: str | list[str] | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    source: str | None = None,
    title: str | None = None,
) -> Figure:
    """Days on which any vessel was in a zone, as a calendar or monthly bars.

    Parameters
    ----------
    result : Presence
        What :func:`claimsmap.presence` returned. Days are the local dates of
        its ``tz``; counted by the hour, a day with any hour present counts.
    kind : {"calendar", "months"}
        ``"calendar"``: one row a month, one cell a day of the analysis range,
        coloured when a vessel was present (the cells of days present are the
        figure's patches with ``gid`` the ISO date and the ``PRESENT_COLOUR``).
        ``"months"``: per month, a bar of the days present in front of a grey
        bar of the month's days in the range.
    zone : str or list of str, optional
        The zone id(s) to draw, one panel each; by default every zone in
        which a vessel was present, most days first (at most 12).
    path : str or path, optional
        Also write the chart there, atomically (``.png``, ``.svg``, ``.pdf``;
        see :func:`save`).
    source : str, optional
        Where the positions came from, for the source line under the chart
        ("Source: ...; Chart: claimsmap").
    title : str, optional
        The title; by default it says what is counted, in which zone.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ClaimsmapError
        For a ``kind``, ``zone``, ``source`` or ``path`` that cannot be drawn,
        each named in the message.

    Examples
    --------
    >>> from claimsmap import presence
    >>> from claimsmap.synthetic import loiter_track
    >>> track = loiter_track((123.476, 25.743), 5, "2024-01-01", 40,
    ...                      inside_days=range(0, 40, 2), away=(124.5, 26.5))
    >>> result = presence(track, "jpn-senkaku-territorial-sea")
    >>> fig = presence_chart(result, "calendar")
    >>> sum(p.get_gid() is not None and p.get_label() == "present"
    ...     for p in fig.axes[0].patches)
    20
    >>> presence_chart(result, "pie")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: kind='pie': give 'calendar' or 'months'
    """
    if kind not in KINDS:
        raise ClaimsmapError(f"kind={kind!r}: give 'calendar' or 'months'")
    for name in ("periods", "zones", "by", "tz", "start", "end"):
        if not hasattr(result, name):
            raise ClaimsmapError(
                f"result of type {type(result).__name__}: give what "
                "claimsmap.presence() returned"
            )
    target = _check_options(path, source, title)
    zones = _zones_to_draw(result, zone)
    dates = _date_range(result)
    months = pd.period_range(dates[0], dates[-1], freq="M")
    if kind == "calendar" and len(months) > MAX_CALENDAR_MONTHS:
        raise ClaimsmapError(
            f"kind='calendar': the range spans {len(months)} months and a "
            f"calendar draws at most {MAX_CALENDAR_MONTHS}; give kind='months', "
            "or count a shorter range with presence(start=, end=)"
        )
    present = {z: _days_present(result, z) for z in zones}
    span = _Span(dates, months, months[0].year == months[-1].year)
    if kind == "calendar":
        heights = [len(months) * 0.26 + 0.9 for _ in zones]
        width = 9.0
    else:
        heights = [2.8 for _ in zones]
        width = max(7.0, min(14.0, 3.0 + 0.45 * len(months)))
    fig = _figure(width, sum(heights) + 1.0)
    between = (
        f"{_day(dates[0])} to {_day(dates[-1])}" if len(dates) > 1 else _day(dates[0])
    )
    axes = fig.subplots(len(zones), 1, squeeze=False, height_ratios=heights)[:, 0]
    for i, (ax, z) in enumerate(zip(axes, zones, strict=True)):
        days = present[z]
        if kind == "calendar":
            _draw_calendar(ax, span, days, legend=i == len(zones) - 1)
        else:
            _draw_months(ax, span, days, legend=i == 0)
        counted = f"{len(days)} of {len(dates)} days"
        if len(zones) == 1:
            ax.set_title(
                f"{counted}, {between} (dates in {result.tz})", loc="left", fontsize=10
            )
        else:
            ax.set_title(f"{z}: {counted}", loc="left", fontsize=10)
    if title is None:
        title = (
            f"Days with a vessel present in {zones[0]}"
            if len(zones) == 1
            else "Days with a vessel present, by zone"
        )
    fig.suptitle(_wrap(title, 80), x=0.02, ha="left", fontsize=13, fontweight="bold")
    what = "" if len(zones) == 1 else f"{between}, dates in {result.tz}."
    _source_line(fig, source, what)
    if target is not None:
        save(fig, target)
    return fig


@dataclass(frozen=True)
class _Span:
    """The analysis range: its local dates, its months, whether in one year."""

    dates: pd.DatetimeIndex
    months: pd.PeriodIndex
    one_year: bool


def _day(day: pd.Timestamp) -> str:
    """``1 Jan 2024``, in English whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _month_label(month: pd.Period, one_year: bool) -> str:
    name = _MONTHS[month.month - 1]
    return name if one_year else f"{name} {month.year}"


def _draw_calendar(ax: Axes, span: _Span, days: pd.DatetimeIndex, legend: bool) -> None:
    """One row a month, one cell a day; present days coloured, tagged by date."""
    from matplotlib.patches import Patch, Rectangle

    dates, months, one_year = span.dates, span.months, span.one_year
    row_of = {m: i for i, m in enumerate(months)}
    present = set(days)
    for day in dates:
        row = row_of[day.to_period("M")]
        here = day in present
        ax.add_patch(
            Rectangle(
                (day.day - 1, row),
                0.86,
                0.86,
                facecolor=PRESENT_COLOUR if here else ABSENT_COLOUR,
                edgecolor="none",
                gid=day.strftime("%Y-%m-%d"),
                label="present" if here else "absent",
            )
        )
    ax.set_xlim(-0.3, 31.2)
    ax.set_ylim(len(months) + 0.1, -0.2)
    ax.set_yticks([i + 0.43 for i in range(len(months))])
    ax.set_yticklabels([_month_label(m, one_year) for m in months], fontsize=8)
    ax.set_xticks([d - 1 + 0.43 for d in (1, 5, 10, 15, 20, 25, 31)])
    ax.set_xticklabels(["1", "5", "10", "15", "20", "25", "31"], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_aspect("equal")
    if not legend:
        return
    ax.legend(
        handles=[
            Patch(facecolor=PRESENT_COLOUR, label="a vessel present"),
            Patch(facecolor=ABSENT_COLOUR, label="none present"),
        ],
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        ncols=2,
        fontsize=8,
        frameon=False,
    )


def _draw_months(ax: Axes, span: _Span, days: pd.DatetimeIndex, legend: bool) -> None:
    """Per month: days present, in front of the month's days in the range."""
    dates, months, one_year = span.dates, span.months, span.one_year
    of = pd.Series(1, index=dates.to_period("M")).groupby(level=0).size()
    got = pd.Series(1, index=days.to_period("M")).groupby(level=0).size()
    of = of.reindex(months, fill_value=0)
    got = got.reindex(months, fill_value=0)
    x = range(len(months))
    ax.bar(x, of.to_numpy(), width=0.8, color=ABSENT_COLOUR, label="days in the range")
    bars = ax.bar(
        x, got.to_numpy(), width=0.8, color=PRESENT_COLOUR, label="days present"
    )
    ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(list(x))
    ax.set_xticklabels(
        [_month_label(m, one_year) for m in months],
        fontsize=8,
        rotation=0 if one_year else 90,
    )
    ax.set_ylabel("days", fontsize=9)
    ax.set_ylim(0, 33)
    ax.tick_params(labelsize=8)
    ax.set_xlim(-0.6, max(len(months), 6) - 0.4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not legend:
        return
    ax.legend(
        fontsize=8,
        frameon=False,
        ncols=2,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        reverse=True,
    )


# --- overlaps ----------------------------------------------------------------


def _wrap(text: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def overlaps_chart(
    frame: Any,
    *,
    path: str | os.PathLike[str] | None = None,
    source: str | None = None,
    title: str | None = None,
    top: int = 25,
) -> Figure:
    """The shared area of each overlapping pair, as bars of geodesic km².

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        What :func:`claimsmap.overlaps` returned: ``a_name``, ``b_name`` and
        ``area_km2`` (km² on the WGS84 ellipsoid) per pair. Each bar's length
        is the pair's ``area_km2``, unchanged.
    path : str or path, optional
        Also write the chart there, atomically (``.png``, ``.svg``, ``.pdf``;
        see :func:`save`).
    source : str, optional
        The data's origin for the source line; by default the claimsmap atlas.
    title : str, optional
        The title; by default it says what is measured, and names the one
        claim or zone all the pairs share, if they do.
    top : int
        Draw the ``top`` largest pairs (the subtitle says how many are left
        out).

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar a pair, largest on top, labelled with its km².

    Raises
    ------
    ClaimsmapError
        For a ``frame`` without those columns or rows, a bad ``top``,
        ``source`` or ``path``, each named in the message.

    Examples
    --------
    >>> from claimsmap import overlaps
    >>> table = overlaps("prc-claimed-not-controlled", "land-claims")
    >>> fig = overlaps_chart(table)
    >>> bars = fig.axes[0].containers[0]
    >>> [round(b.get_width()) for b in bars][:2]
    [69590, 1536]
    >>> overlaps_chart(table.iloc[:0])
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: frame has no rows: there is no overlap to draw
    """
    if not isinstance(frame, pd.DataFrame):
        raise ClaimsmapError(
            f"frame of type {type(frame).__name__}: give the GeoDataFrame "
            "claimsmap.overlaps() returned"
        )
    missing = [c for c in ("a_name", "b_name", "area_km2") if c not in frame]
    if missing:
        raise ClaimsmapError(
            f"frame has no {missing[0]!r} column; give the GeoDataFrame "
            "claimsmap.overlaps() returned"
        )
    if frame.empty:
        raise ClaimsmapError("frame has no rows: there is no overlap to draw")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ClaimsmapError(f"top={top!r}: give a whole number of bars, 1 or more")
    target = _check_options(path, source, title)
    rows = frame.sort_values("area_km2", ascending=False, kind="stable").head(top)
    same_a = frame["a_name"].nunique() == 1
    same_b = frame["b_name"].nunique() == 1
    if same_a and not same_b:
        labels = list(rows["b_name"])
        shared = str(rows["a_name"].iloc[0])
    elif same_b and not same_a:
        labels = list(rows["a_name"])
        shared = str(rows["b_name"].iloc[0])
    else:
        labels = [
            f"{a} × {b}" for a, b in zip(rows["a_name"], rows["b_name"], strict=True)
        ]
        shared = ""
    labels = [_wrap(str(label)) for label in labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = _figure(9.0, 1.6 + 0.2 * lines + 0.16 * len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    areas = rows["area_km2"].astype(float).to_numpy()
    bars = ax.barh(y, areas, color=OVERLAP_COLOUR, height=0.7, label="km²")
    ax.bar_label(
        bars,
        labels=[f"{a:,.0f} km²" if a >= 10 else f"{a:,.2f} km²" for a in areas],
        fontsize=8,
        padding=3,
    )
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("shared area, km² (geodesic, WGS84 ellipsoid)", fontsize=9)
    ax.set_xlim(0, areas.max() * 1.18)
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title is None:
        title = (
            f"Area shared with “{shared}”, km²"
            if shared
            else "Where claims and zones overlap, in km²"
        )
    fig.suptitle(_wrap(title, 80), x=0.01, ha="left", fontsize=12, fontweight="bold")
    if len(frame) > len(rows):
        ax.set_title(
            f"the {len(rows)} largest of {len(frame)} overlaps", loc="left", fontsize=9
        )
    _source_line(
        fig,
        "the claimsmap atlas (CC0)" if source is None else source,
        "Areas on the WGS84 ellipsoid.",
    )
    if target is not None:
        save(fig, target)
    return fig
