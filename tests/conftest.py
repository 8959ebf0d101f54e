from __future__ import annotations

import os
import shutil
import subprocess
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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's, via Playwright).

    Every browser test opens its own page in it; starting Chromium costs about
    a second, so it is started once.
    """
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `python3 tasks.py test` installs it")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


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


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KiB file system, mounted for the test (root only)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root and mount(8)")
    folder = tmp_path / "tiny"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
