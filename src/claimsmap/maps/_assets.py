"""The vendored browser assets, read from ``maps/static`` and inlined into maps."""

from __future__ import annotations

import functools
import json
from importlib import resources

__all__ = ["asset", "manifest"]


@functools.cache
def asset(name: str) -> str:
    """The text of a vendored file (``leaflet.js``, ``leaflet.css``)."""
    return (resources.files("claimsmap") / "maps" / "static" / name).read_text(
        encoding="utf-8"
    )


@functools.cache
def manifest() -> dict:
    """Versions, integrity and sha256 of the vendored packages."""
    return json.loads(asset("manifest.json"))
