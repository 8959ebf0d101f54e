"""Errors raised by claimsmap.

Every error derives from :class:`ClaimsmapError`, so a caller can catch them
all at once; each message names what was wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "ClaimsmapError",
    "CoordinateError",
    "InvalidFeatureError",
    "InvalidLayerError",
    "UnknownLayerError",
    "UnknownNameError",
]


class ClaimsmapError(Exception):
    """Base class of every error claimsmap raises."""


class UnknownLayerError(ClaimsmapError, KeyError):
    """A layer id that is not in the catalog."""

    def __str__(self) -> str:
        # KeyError quotes its message; show it as written.
        return str(self.args[0]) if self.args else ""


class UnknownNameError(ClaimsmapError, KeyError):
    """A feature name or id that the gazetteer does not know."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidLayerError(ClaimsmapError, ValueError):
    """A layer file that cannot be read: malformed, truncated or wrong CRS."""


class InvalidFeatureError(InvalidLayerError):
    """A feature whose properties or geometry break the atlas schema."""


class CoordinateError(ClaimsmapError, ValueError):
    """A coordinate out of range, or a lon/lat pair given in the wrong order."""
