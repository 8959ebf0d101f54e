from __future__ import annotations

import os
import shutil
import tempfile

import pyogrio
import pyproj
import pytest
import shapely


def pytest_configure(config):
    """One cache folder for the session, never the user's own.

    Set before anything is collected, so doctests and the command lines the
    tests start (which inherit the environment) share it.
    """
    folder = tempfile.mkdtemp(prefix="claimsmap-test-cache-")
    os.environ["CLAIMSMAP_CACHE_DIR"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_report_header(config):
    chromium = shutil.which("chromium") or "not found"
    return [
        f"GEOS {shapely.geos_version_string}, PROJ {pyproj.proj_version_str}, "
        f"GDAL {pyogrio.__gdal_version_string__}",
        f"chromium: {chromium}",
    ]


@pytest.fixture
def feature_props():
    """A valid set of feature properties, to break one field at a time."""
    return {
        "id": "test-feature",
        "name": "Test Feature",
        "names": {"en": "Test Feature"},
        "kind": "feature",
        "claimants": ["JPN"],
        "controller": "JPN",
        "since": "2012-09-11",
        "until": None,
        "status": "island",
        "status_basis": None,
        "source": "A gazette, 2012",
        "source_url": "https://example.org/gazette",
        "precision_m": 100,
    }
