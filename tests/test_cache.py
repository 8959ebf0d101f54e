"""Zones kept on disk: concurrent writers, damaged files, the switches and the CLI.

Each test gets its own cache folder (``CLAIMSMAP_CACHE_DIR``), so what it
finds there is what it wrote; the zone is the Senkakus' territorial sea from
Japan's islands alone, a fraction of a second to build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings

import pytest
import shapely

import claimsmap as cm
from claimsmap import _cache, maritime

ZONE = ("JPN", "territorial-sea")
OPTIONS = {"land": False}
BUILD = (
    "import claimsmap as cm; "
    f"cm.zones({ZONE[0]!r}, {ZONE[1]!r}, land=False); print('built')"
)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty cache folder of the test's own, and no zones kept in memory."""
    path = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV_DIR, str(path))
    monkeypatch.setattr(maritime, "_KEPT", type(maritime._KEPT)())
    return path


def key():
    """The cache key of ZONE with OPTIONS."""
    return maritime._request(*ZONE, "as-claimed", None, False, None, None).key()


def same(a, b):
    """Two zone frames hold the same rows and geometries."""
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert all(shapely.equals_exact(a.geometry, b.geometry, tolerance=0))
    assert a.crs == b.crs == "EPSG:4326"


def test_a_zone_is_kept_and_a_fresh_copy_comes_back(folder):
    first = cm.zones(*ZONE, **OPTIONS)
    (entry,) = _cache.entries()
    assert entry.parent == folder and entry.name.startswith("zones-")
    # Changing what was returned changes nothing that is kept.
    first.loc[0, "area_km2"] = -1.0
    first["sources"].iloc[0].append("not-a-source")
    again = cm.zones(*ZONE, **OPTIONS)
    assert again["area_km2"].iloc[0] > 0
    assert "not-a-source" not in again["sources"].iloc[0]
    same(again, cm.zones(*ZONE, **OPTIONS, cache=False))


def test_cache_false_neither_reads_nor_writes(folder):
    cm.zones(*ZONE, **OPTIONS, cache=False)
    assert _cache.entries() == []
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimsmap",
            "zones",
            "JPN",
            "--no-land",
            "--kind",
            "territorial-sea",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert _cache.entries() == []


def test_the_environment_variable_moves_the_folder(tmp_path, monkeypatch, folder):
    cm.zones(*ZONE, **OPTIONS)
    assert [p.parent for p in _cache.entries()] == [folder]
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv(_cache.ENV_DIR, str(elsewhere))
    assert _cache.cache_dir() == elsewhere
    cm.zones(*ZONE, **OPTIONS)
    assert [p.parent for p in _cache.entries()] == [elsewhere]


def test_two_processes_filling_one_entry_at_once_leave_a_whole_file(folder):
    env = {**os.environ, _cache.ENV_DIR: str(folder)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "built", err
    (entry,) = _cache.entries()
    assert sorted(p.name for p in folder.iterdir()) == [entry.name]  # no temp left
    kept = _cache.get("zones", key())
    assert kept is not None  # its digest matched: a whole file
    same(kept, cm.zones(*ZONE, **OPTIONS, cache=False))


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty"])
def test_a_damaged_entry_is_rebuilt_not_trusted(folder, monkeypatch, damage):
    fresh = cm.zones(*ZONE, **OPTIONS, cache=False)
    cm.zones(*ZONE, **OPTIONS)
    (entry,) = _cache.entries()
    data = entry.read_bytes()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    elif damage == "garbage":
        data = b"claimsmap-cache/1 " + b"0" * 64 + b"\n" + os.urandom(len(data))
    else:
        data = b""
    entry.write_bytes(data)
    monkeypatch.setattr(maritime, "_KEPT", type(maritime._KEPT)())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = cm.zones(*ZONE, **OPTIONS)
    same(got, fresh)
    (rebuilt,) = _cache.entries()
    assert rebuilt.read_bytes() != data
    same(_cache.get("zones", key()), fresh)


def test_the_cli_shows_and_clears_the_folder(folder):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "claimsmap", "cache", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, _cache.ENV_DIR: str(folder)},
        )

    cm.zones(*ZONE, **OPTIONS)
    cm.zones("JPN", "contiguous-zone", land=False)
    size = sum(p.stat().st_size for p in _cache.entries())
    proc = run("info")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{folder}: 2 entries, {size:,} bytes"
    proc = run("clear")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"removed 2 file(s), {size:,} bytes, from {folder}"
    assert _cache.entries() == []
    assert run("info", "--format", "json").stdout.count('"entries": 0') == 1


def test_entries_of_other_versions_unread_for_a_day_are_removed(folder):
    """Upgrades leave nothing behind; another install's live entries stay."""
    day_old = time.time() - _cache.STALE_AFTER_S - 60
    header = _cache._MAGIC + b"0" * 64 + b"\n"
    folder.mkdir()
    stale = folder / ("zones-0123456789ab-" + "f" * 40 + ".pickle")
    old_format = folder / ("names-" + "e" * 40 + ".pickle")
    live = folder / ("zones-ba9876543210-" + "d" * 40 + ".pickle")
    foreign = folder / "notes.pickle"  # not an entry: never touched
    for path in (stale, old_format, live, foreign):
        path.write_bytes((b"" if path is foreign else header) + b"payload")
    for path in (stale, old_format, foreign):
        os.utime(path, (day_old, day_old))
    mine = _cache.put("test", "k", {"a": 1})
    assert mine is not None and _cache._tag() in mine.name
    assert not stale.exists() and not old_format.exists()
    assert live.exists() and foreign.exists()
    # Reading an entry marks it as in use, so another version keeps it.
    os.utime(mine, (day_old, day_old))
    assert _cache.get("test", "k") == {"a": 1}
    assert time.time() - mine.stat().st_mtime < 60
