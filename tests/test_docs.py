"""The documentation site builds strictly: no broken link, no stale reference."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mkdocs_builds_strictly(tmp_path):
    # mkdocs-jupyter keeps executed notebooks keyed by their text alone: clear it,
    # so that the notebooks run against the code as it is now.
    shutil.rmtree(ROOT / ".cache" / "mkdocs-jupyter", ignore_errors=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    site = tmp_path / "site"
    for page in (
        "index.html",
        "api/index.html",
        "gallery/index.html",
        "data/index.html",
    ):
        assert (site / page).is_file(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "feature_zones" in api and "median_line" in api  # from the docstrings
    notebook = site / "notebooks" / "03-south-china-sea" / "index.html"
    assert "what the 2016 award changes" in notebook.read_text(encoding="utf-8").lower()
    # The notebooks are executed into the site: their outputs are on the pages.
    presence = site / "notebooks" / "05-vessel-presence" / "index.html"
    assert "jpn-senkaku-territorial-sea: 355 of 366 days" in presence.read_text(
        encoding="utf-8"
    )
