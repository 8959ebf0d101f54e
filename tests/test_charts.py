"""Charts of presence and overlaps: what they draw is what was counted.

The days present are known by construction (a patrol inside the Senkaku
territorial sea on chosen days), and each chart is read back from its
figure's artists: the calendar's coloured cells, the monthly bars' heights,
the overlap bars' lengths, the title and the source line. Files are read back
as PNG, SVG (parsed) and PDF.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import claimsmap as cm
from claimsmap import charts
from claimsmap.errors import ClaimsmapError, OutputError
from claimsmap.synthetic import loiter_track

from .test_cli import assert_one_line_error, run

ZONE = "jpn-senkaku-territorial-sea"
UOTSURI = (123.476, 25.743)
AWAY = (124.6, 26.6)
SOURCE = "synthetic positions (claimsmap.synthetic)"
# The patrol of notebook 05: inside on every day of 2024 but eleven.
AWAY_DAYS = {int(d) for d in np.random.default_rng(2024).choice(366, 11, replace=False)}
INSIDE = [d for d in range(366) if d not in AWAY_DAYS]
EXPECTED_DAYS = {
    (pd.Timestamp("2024-01-01") + pd.Timedelta(days=d)).strftime("%Y-%m-%d")
    for d in INSIDE
}


@pytest.fixture(scope="module")
def year():
    track = loiter_track(UOTSURI, 6, "2024-01-01", 366, inside_days=INSIDE, away=AWAY)
    return cm.presence(track, ZONE)


@pytest.fixture(scope="module")
def land():
    return cm.overlaps("prc-claimed-not-controlled", "land-claims")


def _texts(fig: Figure) -> str:
    """Every text the figure draws: its own, and its axes' titles."""
    found = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        found.append(fig._suptitle.get_text())
    if fig._supxlabel is not None:
        found.append(fig._supxlabel.get_text())
    for ax in fig.axes:
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return "\n".join(found)


def _cells(fig: Figure, ax_index: int = 0) -> dict[str, str]:
    """The calendar's cells: ISO date -> hex colour."""
    return {
        p.get_gid(): mcolors.to_hex(p.get_facecolor())
        for p in fig.axes[ax_index].patches
        if p.get_gid()
    }


def test_the_calendar_colours_exactly_the_days_present(year):
    assert len(EXPECTED_DAYS) == 355  # the construction, checked
    fig = year.plot("calendar", source=SOURCE)
    assert isinstance(fig, Figure)
    cells = _cells(fig)
    # One cell a day of 2024, and the coloured ones are the days inside.
    assert len(cells) == 366
    assert min(cells) == "2024-01-01" and max(cells) == "2024-12-31"
    coloured = {day for day, colour in cells.items() if colour == charts.PRESENT_COLOUR}
    assert coloured == EXPECTED_DAYS
    assert {c for d, c in cells.items() if d not in coloured} == {charts.ABSENT_COLOUR}
    text = _texts(fig)
    assert f"Days with a vessel present in {ZONE}" in text
    assert "355 of 366 days" in text
    assert "1 Jan 2024 to 31 Dec 2024 (dates in UTC)" in text
    assert f"Source: {SOURCE}." in text and "Chart: claimsmap." in text


def test_the_monthly_bars_are_the_days_present_of_each_month(year):
    fig = charts.presence_chart(year, "months")
    bars = {c.get_label(): c for c in fig.axes[0].containers}
    present = [int(b.get_height()) for b in bars["days present"]]
    of = [int(b.get_height()) for b in bars["days in the range"]]
    days = pd.DatetimeIndex(sorted(EXPECTED_DAYS))
    expected = (
        days.month.value_counts().sort_index().reindex(range(1, 13), fill_value=0)
    )
    assert present == expected.tolist()
    assert of == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert sum(present) == 355
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "Jan" and labels[-1] == "Dec"
    assert "Chart: claimsmap." in _texts(fig)


def test_days_are_local_dates_and_hours_count_their_day():
    # Inside from 20:00 to 23:00 UTC on 1 March: 2 March in Tokyo (UTC+9).
    track = pd.DataFrame(
        {
            "vessel": "999000001",
            "time": pd.date_range("2024-03-01T20:00Z", periods=4, freq="1h"),
            "lon": UOTSURI[0],
            "lat": UOTSURI[1],
        }
    )
    for by in ("day", "hour"):
        result = cm.presence(track, ZONE, by=by, tz="Asia/Tokyo")
        cells = _cells(result.plot())
        assert cells == {"2024-03-02": charts.PRESENT_COLOUR}, by
        assert "dates in Asia/Tokyo" in _texts(result.plot("months"))


def test_several_zones_are_panels_and_the_default_is_the_zones_with_presence():
    track = loiter_track(UOTSURI, 6, "2024-01-01", 10, inside_days=[0, 1, 5], away=AWAY)
    zones = [
        ZONE,
        "prc-diaoyu-territorial-sea",
        "prc-ecs-adiz-2013-area",
        "twn-kinmen-restricted-waters",
    ]
    result = cm.presence(track, zones)
    days = result.total.set_index("zone")["periods"]
    assert days.tolist() == [3, 3, 10, 0]  # the ADIZ holds the waiting point too
    fig = result.plot("calendar")
    # Most days first; Kinmen, where no vessel came, is left out.
    drawn = ["prc-ecs-adiz-2013-area", ZONE, "prc-diaoyu-territorial-sea"]
    assert len(fig.axes) == len(drawn)
    for i, zone in enumerate(drawn):
        coloured = [d for d, c in _cells(fig, i).items() if c == charts.PRESENT_COLOUR]
        assert len(coloured) == days[zone]
        assert fig.axes[i].get_title("left") == f"{zone}: {days[zone]} of 10 days"
    fig = result.plot("months", zone=[ZONE])
    assert len(fig.axes) == 1
    heights = [b.get_height() for b in fig.axes[0].containers[1]]
    assert heights == [3]  # 1, 2 and 6 January


def test_the_overlap_bars_are_the_frames_km2(land):
    assert len(land) >= 5
    fig = charts.overlaps_chart(land)
    ax = fig.axes[0]
    widths = [b.get_width() for b in ax.containers[0]]
    # Exactly the frame's geodesic km², largest first, nothing rescaled.
    assert widths == land["area_km2"].tolist()
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == land["b_name"].tolist()  # every pair shares a
    values = [t.get_text() for t in ax.texts]
    assert values[0] == f"{land['area_km2'].iloc[0]:,.0f} km²"
    text = _texts(fig)
    assert land["a_name"].iloc[0] in text and "km²" in text
    assert "Source: the claimsmap atlas (CC0)." in text
    assert "WGS84" in text and "Chart: claimsmap." in text
    assert "geodesic" in ax.get_xlabel()
    # top= keeps the largest and says how many were left out.
    fig = charts.overlaps_chart(land, top=2, source="my layers", title="Two")
    assert [b.get_width() for b in fig.axes[0].containers[0]] == widths[:2]
    text = _texts(fig)
    assert f"the 2 largest of {len(land)} overlaps" in text
    assert "Two" in text and "Source: my layers." in text


def test_pairs_with_different_sides_name_both():
    table = pd.DataFrame(
        {"a_name": ["A1", "A2"], "b_name": ["B1", "B2"], "area_km2": [5.0, 12.5]}
    )
    ax = charts.overlaps_chart(table).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A2 × B2", "A1 × B1"]
    assert [b.get_width() for b in ax.containers[0]] == [12.5, 5.0]


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_files_are_written_atomically_and_read_back(year, tmp_path, suffix):
    target = tmp_path / f"days{suffix}"
    target.write_bytes(b"old")
    fig = year.plot("calendar", path=target, source=SOURCE)
    data = target.read_bytes()
    # Replaced whole, and nothing else left in the folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        from PIL import Image

        with Image.open(target) as image:
            width, height = image.size
        assert (width, height) == tuple(round(v * 200) for v in fig.get_size_inches())
    elif suffix == ".svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        ids = {el.get("id") for el in root.iter()}
        # Every day's cell keeps its date as its id.
        assert {
            f"{d:%Y-%m-%d}" for d in pd.date_range("2024-01-01", "2024-12-31")
        } <= ids
        assert b"Days with a vessel present" in data or "Days" in data.decode()
    else:
        assert data.startswith(b"%PDF-")
        assert b"/FontFile2" in data  # TrueType embedded: text stays editable
        assert data.rstrip().endswith(b"%%EOF")
    # The same chart gives the same bytes (no dates, no random ids).
    again = tmp_path / f"again{suffix}"
    charts.save(fig, again)
    assert again.read_bytes() == data


def test_the_overlaps_command_draws_its_chart(tmp_path):
    target = tmp_path / "land.svg"
    layers = ["prc-claimed-not-controlled", "land-claims"]
    done = run("overlaps", *layers, "--format", "csv", "--chart", str(target))
    assert done.stdout.startswith("a_id,")
    svg = target.read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "Arunachal Pradesh" in svg
    assert "claimsmap atlas (prc-claimed-not-controlled and land-claims)" in svg
    # A chart that cannot be written is refused before any work.
    bad = run("overlaps", *layers, "--chart", str(tmp_path / "land.gif"), check=False)
    assert_one_line_error(bad, r"--chart=.*'\.gif'; give a \.png, \.svg or \.pdf")
    assert not (tmp_path / "land.gif").exists()
    none = run(
        "overlaps",
        "prc-ecs-adiz-2013-area",
        "--chart",
        str(tmp_path / "n.png"),
        check=False,
    )
    assert none.returncode == 2
    assert "there are no overlaps to draw; no file written" in none.stderr
    assert not (tmp_path / "n.png").exists()


def test_bad_arguments_name_themselves(year, land, tmp_path):
    cases = [
        (lambda: year.plot("pie"), "kind='pie'"),
        (lambda: year.plot(zone="nowhere"), "zone='nowhere': not a zone"),
        (lambda: year.plot(zone=[]), "zone=\\[\\]"),
        (lambda: year.plot(path=tmp_path / "x.gif"), "path=.*'.gif'"),
        (lambda: year.plot(path=tmp_path / "x"), "path=.*without an extension"),
        (lambda: year.plot(path=3), "path=3"),
        (lambda: year.plot(source=3), "source=3"),
        (lambda: year.plot(title=3), "title=3"),
        (lambda: charts.presence_chart(land), "result of type GeoDataFrame"),
        (lambda: charts.overlaps_chart([]), "frame of type list"),
        (
            lambda: charts.overlaps_chart(land.drop(columns="area_km2")),
            "frame has no 'area_km2'",
        ),
        (lambda: charts.overlaps_chart(land.iloc[:0]), "frame has no rows"),
        (lambda: charts.overlaps_chart(land, top=0), "top=0"),
        (lambda: charts.overlaps_chart(land, top=True), "top=True"),
    ]
    for call, message in cases:
        with pytest.raises(ClaimsmapError, match=message):
            call()
    # A path refused before drawing leaves nothing behind.
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(OutputError, match=r"folder\.png: is a directory"):
        year.plot(path=tmp_path / "folder.png")
    with pytest.raises(OutputError, match="does not exist"):
        charts.overlaps_chart(land, path=tmp_path / "missing" / "x.png")


def test_a_long_range_is_refused_as_a_calendar_but_drawn_as_months():
    track = loiter_track(UOTSURI, 6, "2014-01-01", 3, inside_days=[0], away=AWAY)
    result = cm.presence(track, ZONE, start="2014-01-01", end="2024-12-31")
    with pytest.raises(ClaimsmapError, match="kind='months'"):
        result.plot("calendar")
    fig = result.plot("months")
    heights = [b.get_height() for b in fig.axes[0].containers[1]]
    assert len(heights) == 132 and sum(heights) == 1
    assert "Jan 2014" in [t.get_text() for t in fig.axes[0].get_xticklabels()]


def test_matplotlib_is_imported_only_to_draw():
    code = (
        "import sys, claimsmap.presence, claimsmap.overlaps\n"
        "print('matplotlib' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
