"""Render every preset to docs/img/preset-NAME.png and write docs/gallery.md.

    python scripts/build_gallery.py

Each image is made by the command a user runs,
``claimsmap map --preset NAME --png FILE``, in headless Chromium.
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
    (ROOT / "docs" / "gallery.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
