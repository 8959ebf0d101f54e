"""Render every preset to docs/img/preset-NAME.png and write docs/gallery.md.

    python scripts/build_gallery.py

Each image is made by the command a user runs,
``claimsmap map --preset NAME --png FILE``, in headless Chromium. The charts
(docs/img/chart-*.png) follow, drawn by ``Presence.plot`` and
``claimsmap.charts.overlaps_chart`` as a user calls them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from claimsmap.maps.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"


def main() -> None:
    names = ["atlas", *PRESETS]
    lines = [
        "# Gallery",
        "",
        "Each preset as `claimsmap map --preset NAME --png FILE.png` renders it "
        "(headless Chromium, 1400 × 1000, without the interactive controls; "
        "`--scale 2` doubles the pixels, `--pdf` and `--svg` give vectors for "
        "print). The HTML maps are interactive: layers "
        "switch on and off, every feature has a popup with its names, claimants, "
        "holder and source.",
        "",
    ]
    for name in names:
        picture(name, IMG / f"preset-{name}.png")
        description = (
            PRESETS[name].description
            if name in PRESETS
            else (
                "Every layer of the atlas, layered by kind, with a 200 km ring from "
                "JGSDF Camp Ishigaki."
            )
        )
        lines += [f"## `{name}`", ""]
        if name == "seed":
            lines += seed_question()
        lines += [
            description,
            "",
            f"```sh\nclaimsmap map --preset {name} -o {name}.html\n```",
            "",
            f"![{name}](img/preset-{name}.png)",
            "",
        ]
    picture("seed", IMG / "preset-seed-zh.png", "--lang", "zh")
    lines += charts()
    (ROOT / "docs" / "gallery.md").write_text("\n".join(lines), encoding="utf-8")


def picture(name: str, png: Path, *options: str) -> None:
    """Render a preset as a user does: ``claimsmap map --preset NAME --png``."""
    command = [sys.executable, "-m", "claimsmap", "map", "--preset", name]
    subprocess.run([*command, *options, "--png", str(png)], check=True)


def seed_question() -> list[str]:
    """The question the seed map answers, with its areas measured now."""
    import shapely

    import claimsmap as cm
    from claimsmap.geodesy import area

    claimed = shapely.union_all(cm.load("prc-claimed-not-controlled").geometry.values)
    held = shapely.union_all(cm.load("prc-controlled").geometry.values)
    land = shapely.union_all(cm.load("basemap-ne10m").geometry.values)
    dashed = shapely.union_all(cm.load("prc-dashed-line-area").geometry.values)
    sea = claimed.difference(land)
    km2 = {
        "held": area(held) / 1e6,
        "land": area(claimed.intersection(land)) / 1e6,
        "sea": area(sea) / 1e6,
        "dashed": area(sea.intersection(dashed)) / 1e6,
    }
    return [
        "> *Where does China (the PRC) hold the land, and where does it claim "
        "but not hold it, including most of the South China Sea?*",
        "",
        "The map this project began with asks that question in two colours. "
        f"Measured on the ellipsoid, the PRC holds {km2['held']:,.0f} km² and "
        "claims without holding "
        f"{km2['land']:,.0f} km² of land (Taiwan, Arunachal Pradesh and the "
        f"Himalayan valleys, two areas of Bhutan, the islands others hold) and "
        f"{km2['sea']:,.0f} km² of sea, {km2['dashed']:,.0f} km² of it inside "
        "the dashed line.",
        "",
        "In Chinese, with the names the PRC uses "
        "(`claimsmap map --preset seed --lang zh --png seed-zh.png`):",
        "",
        "![seed, names in Chinese](img/preset-seed-zh.png)",
        "",
        "In English:",
        "",
    ]


def charts() -> list[str]:
    """Draw the gallery's charts into docs/img; return their section of the page."""
    import numpy as np

    import claimsmap as cm
    from claimsmap.synthetic import loiter_track

    # The patrol of notebook 05: around Uotsuri-shima on every day of 2024
    # but eleven, 60 nm away on those.
    away = set(np.random.default_rng(2024).choice(366, 11, replace=False))
    patrol = loiter_track(
        (123.476, 25.743),
        6,
        "2024-01-01",
        366,
        inside_days=[d for d in range(366) if d not in away],
        away=(124.6, 26.6),
    )
    result = cm.presence(patrol, "jpn-senkaku-territorial-sea")
    source = "synthetic positions (claimsmap.synthetic), no real vessel"
    for kind in ("calendar", "months"):
        result.plot(kind, path=IMG / f"chart-presence-{kind}.png", source=source)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "claimsmap",
            "overlaps",
            "prc-claimed-not-controlled",
            "land-claims",
            "--chart",
            str(IMG / "chart-overlaps-land.png"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    days = result.total.iloc[0]
    return [
        "## Charts",
        "",
        "Days present in a zone, as `Presence.plot` draws them: a synthetic "
        "patrol in Japan's territorial sea around the Senkakus on "
        f"{days.periods} of {days.of} days of 2024.",
        "",
        '```python\nresult.plot("calendar", source=..., path="days.png")\n```',
        "",
        "![days present, calendar](img/chart-presence-calendar.png)",
        "",
        '```python\nresult.plot("months", source=..., path="months.png")\n```',
        "",
        "![days present, by month](img/chart-presence-months.png)",
        "",
        "Land the PRC claims and does not hold, by area (geodesic km²):",
        "",
        "```sh\nclaimsmap overlaps prc-claimed-not-controlled land-claims "
        "--chart land.png\n```",
        "",
        "![overlaps in km²](img/chart-overlaps-land.png)",
        "",
    ]


if __name__ == "__main__":
    main()
