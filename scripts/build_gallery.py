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
        "(headless Chromium, 1400 × 1000). The HTML maps are interactive: layers "
        "switch on and off, every feature has a popup with its names, claimants, "
        "holder and source.",
        "",
    ]
    for name in names:
        png = IMG / f"preset-{name}.png"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "claimsmap",
                "map",
                "--preset",
                name,
                "--png",
                str(png),
            ],
            check=True,
        )
        description = (
            PRESETS[name].description
            if name in PRESETS
            else (
                "Every layer of the atlas, layered by kind, with a 200 km ring from "
                "JGSDF Camp Ishigaki."
            )
        )
        lines += [
            f"## `{name}`",
            "",
            description,
            "",
            f"```sh\nclaimsmap map --preset {name} -o {name}.html\n```",
            "",
            f"![{name}](img/preset-{name}.png)",
            "",
        ]
    lines += charts()
    (ROOT / "docs" / "gallery.md").write_text("\n".join(lines), encoding="utf-8")


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
