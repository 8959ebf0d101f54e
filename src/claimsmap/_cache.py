"""The one on-disk cache for results that take seconds to compute.

Zones, the atlas's zone index and the name index are kept here between
processes. Each entry is one file named by a digest of its key, the data's
version (the sha256 of ``catalog.json``, which lists every layer's sha256) and
the code's version (a sha256 of the package's source files), so a change to
either starts afresh rather than serving a stale answer.

A file holds a header line (a magic string and the sha256 of the payload)
and the pickled payload. It is written to a temporary file in the same folder
and renamed over the target, so two processes that fill the same entry at
once each leave a whole file and a reader never sees half of one. A file
whose digest does not match (damaged, truncated, written by someone else) is
removed and computed again, never trusted.

Entries of other versions (an older claimsmap, or another install sharing
the folder) that have not been read for :data:`STALE_AFTER_S` are removed
whenever a new entry is kept, so upgrades do not leave old entries behind;
reading an entry marks it as in use.

The folder is the platform's user cache folder (``~/.cache/claimsmap`` on
Linux) unless the environment variable :data:`ENV_DIR` names another.

.. warning::
   Entries are pickles. The cache folder must be the user's own, like the
   package itself: whoever can write there can run code in the process that
   reads it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import tempfile
import time as _time
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "ENV_DIR",
    "STALE_AFTER_S",
    "cache_dir",
    "cached",
    "clear",
    "entries",
    "get",
    "put",
    "version_key",
]

#: The environment variable that moves the cache folder.
ENV_DIR = "CLAIMSMAP_CACHE_DIR"
_MAGIC = b"claimsmap-cache/1 "
_SUFFIX = ".pickle"
#: Entries of another version unread for this long (seconds) are removed.
STALE_AFTER_S = 24 * 3600.0

T = TypeVar("T")


def cache_dir() -> Path:
    """The cache folder: ``$CLAIMSMAP_CACHE_DIR``, else the user cache folder.

    Examples
    --------
    >>> cache_dir().name in {"claimsmap", "Cache"} or ENV_DIR in os.environ
    True
    """
    moved = os.environ.get(ENV_DIR)
    if moved:
        return Path(moved).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimsmap", appauthor=False))


@functools.cache
def version_key() -> str:
    """A digest of the data's and the code's versions, shared by every entry.

    The data's version is ``catalog.json`` (it holds every layer file's
    sha256); the code's is every ``.py`` file of the package.
    """
    digest = hashlib.sha256()
    package = resources.files("claimsmap")
    digest.update((package / "data" / "geojson" / "catalog.json").read_bytes())
    root = Path(str(package))
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _tag() -> str:
    """The version part of an entry's file name."""
    return version_key()[:12]


def _path(namespace: str, key: Any) -> Path:
    text = json.dumps([namespace, key, version_key()], sort_keys=True, default=repr)
    name = hashlib.sha256(text.encode()).hexdigest()[:40]
    return cache_dir() / f"{namespace}-{_tag()}-{name}{_SUFFIX}"


def _prune(folder: Path) -> None:
    """Remove entries of other versions that nobody has read for a while.

    Only files that are cache entries (they begin with the header) are
    touched; anything else in the folder is left alone.
    """
    now = _time.time()
    current = f"-{_tag()}-"
    for path in folder.glob(f"*{_SUFFIX}"):
        if current in path.name or path.name.startswith("."):
            continue
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime < STALE_AFTER_S:
                continue
            with path.open("rb") as f:
                if f.read(len(_MAGIC)) != _MAGIC:
                    continue
            path.unlink()


def get(namespace: str, key: Any) -> Any | None:
    """The value kept for ``(namespace, key)``, or None when there is none.

    A damaged file is removed and reported as missing.
    """
    path = _path(namespace, key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, payload = data.partition(b"\n")
    if head[: len(_MAGIC)] == _MAGIC:
        expected = head[len(_MAGIC) :].decode("ascii", "replace")
        if hashlib.sha256(payload).hexdigest() == expected:
            try:
                value = pickle.loads(payload)
            except Exception:  # any failure to unpickle means rebuild
                pass
            else:
                with contextlib.suppress(OSError):
                    os.utime(path)  # in use: not stale for another version
                return value
    with contextlib.suppress(OSError):
        path.unlink()
    return None


_warned = False


def put(namespace: str, key: Any, value: Any) -> Path | None:
    """Keep ``value`` for ``(namespace, key)``, atomically; return the file.

    When the folder cannot be written, warn once and return None: the cache
    only saves time, so the caller's answer stands without it.
    """
    global _warned
    path = _path(namespace, key)
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    header = _MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n"
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.")
        with os.fdopen(fd, "wb") as out:
            out.write(header)
            out.write(payload)
        os.replace(tmp, path)
        _prune(path.parent)
        return path
    except OSError as err:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if not _warned:
            _warned = True
            warnings.warn(
                f"claimsmap cannot keep results in {path.parent} "
                f"({err.strerror or err}); answers are computed afresh each time. "
                f"Set {ENV_DIR} to a "
                "writable folder to keep them.",
                RuntimeWarning,
                stacklevel=3,
            )
        return None


def cached(
    namespace: str, key: Any, compute: Callable[[], T], *, enabled: bool = True
) -> T:
    """The kept value for ``(namespace, key)``, computing and keeping it if missing.

    Parameters
    ----------
    namespace : str
        What kind of result (``"zones"``, ``"zone-index"``, ...); it begins
        the file's name.
    key : JSON-able
        What the result depends on besides the data and the code.
    compute : callable
        Makes the value when it is not kept.
    enabled : bool
        False computes afresh and neither reads nor writes the cache.
    """
    if not enabled:
        return compute()
    value = get(namespace, key)
    if value is None:
        value = compute()
        put(namespace, key, value)
    return value


def entries() -> list[Path]:
    """The files in the cache folder, finished entries only."""
    folder = cache_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{_SUFFIX}") if not p.name.startswith("."))


def clear() -> tuple[int, int]:
    """Remove every entry (and stray temporary files); return (files, bytes)."""
    folder = cache_dir()
    files = size = 0
    if not folder.is_dir():
        return 0, 0
    for path in folder.iterdir():
        if path.is_file() and (path.suffix == _SUFFIX or path.name.startswith(".")):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
                path.unlink()
                files += 1
    return files, size
