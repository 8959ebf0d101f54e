"""The licences a publisher relies on: in the repository, declared for the wheel.

Building a wheel is too slow for the suite; instead every licence text is
checked to exist where the package loads it, and pyproject.toml to declare it
both as package data (inside ``claimsmap/``) and as a licence file (the
wheel's ``.dist-info/licenses/``), with a licence expression that names every
licence shipped.
"""

from __future__ import annotations

import fnmatch
import glob
import tomllib
from pathlib import Path

import pytest

import claimsmap as cm
from claimsmap.credits import BUNDLED, CREDIT, licence_file

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(cm.__file__).parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OFL = "SIL OPEN FONT LICENSE Version 1.1"


def _present(item):
    """The notice files of ``item`` that are in the package (a folder: its files)."""
    path = licence_file(item)
    if path is None or not path.exists():
        return []
    return sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]


def test_the_code_is_mit_and_names_its_authors():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the claimsmap authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_the_curated_layers_are_cc0_and_the_catalog_says_so():
    text = (PACKAGE / "data" / "LICENSE-data.txt").read_text(encoding="utf-8")
    for part in ("CC0 1.0 Universal", "Statement of Purpose", "Waiver.", "Fallback."):
        assert part in text
    # Each layer's licence is CC0 (the compilation) or public domain (Natural
    # Earth's shapes), as NOTICE and the data licence say.
    for layer, licence in cm.layers()["licence"].items():
        assert licence.startswith(("CC0-1.0", "Public domain")), layer


@pytest.mark.parametrize("item", BUNDLED, ids=lambda b: b.name.split(" (")[0])
def test_each_bundled_work_has_its_notice_in_the_package_and_in_notice(item):
    notice = " ".join((ROOT / "NOTICE").read_text(encoding="utf-8").split())
    assert item.name.split(" (")[0] in notice
    if item.licence == "public domain":
        assert item.notice == ""
        return
    assert item.notice in notice
    found = _present(item)
    if item.licence == "OFL-1.1":
        # The font comes with its OFL text, or not at all.
        fonts = [
            p for p in found if p.suffix.lower() in (".woff2", ".woff", ".otf", ".ttf")
        ]
        texts = [
            p for p in found if OFL in p.read_text(encoding="utf-8", errors="replace")
        ]
        assert bool(fonts) <= bool(texts), "a font without its OFL text"
        return
    assert found, f"{item.notice} is missing"
    text = found[0].read_text(encoding="utf-8")
    marker = {
        "CC0-1.0": "CC0 1.0 Universal",
        "ISC": "Permission to use, copy, modify, and/or distribute",
        "BSD-2-Clause": "Redistribution and use in source and binary forms",
    }[item.licence]
    assert marker in text


def test_pyproject_puts_every_notice_in_the_wheel():
    project = PYPROJECT["project"]
    expression = project["license"]
    shipped = {"MIT"} | {b.licence for b in BUNDLED if b.licence != "public domain"}
    if not any(_present(b) for b in BUNDLED if b.licence == "OFL-1.1"):
        shipped.discard("OFL-1.1")  # no font shipped yet
    assert set(expression.split(" AND ")) == shipped
    patterns = project["license-files"]
    # Each pattern matches a file (a build fails otherwise, PEP 639).
    for pattern in patterns:
        assert glob.glob(pattern, root_dir=ROOT), pattern
    licence_files = {"LICENSE", "NOTICE"} | {
        str(p.relative_to(ROOT)) for b in BUNDLED for p in _present(b)
    }
    for name in licence_files:
        if name.startswith("src/claimsmap/maps/static/fonts/"):
            continue  # the font's OFL text ships as package data beside it
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["claimsmap"]
    for b in BUNDLED:
        for path in _present(b):
            inside = str(path.relative_to(PACKAGE))
            assert any(fnmatch.fnmatch(inside, p) for p in data), inside
    assert "data/LICENSE-*.txt" in data and "maps/static/fonts/*" in data


def test_the_readme_says_what_to_credit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert CREDIT in readme
    assert "NOTICE" in readme and "LICENSE" in readme
    assert CREDIT in (ROOT / "NOTICE").read_text(encoding="utf-8")
