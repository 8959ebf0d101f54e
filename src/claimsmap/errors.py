"""Errors raised by claimsmap.

Every error derives from :class:`ClaimsmapError`, so a caller can catch them
all at once; each message names what was wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousNameWarning",
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


class AmbiguousNameWarning(UserWarning):
    """A name shared by several places: which was chosen, how to ask for the rest.

    Attributes
    ----------
    name : str
        The name as given.
    chosen : str
        The id of the feature chosen.
    others : tuple of str
        The ids of the other features the name belongs to; give one of them
        (or its full name) to mean it.
    """

    def __init__(self, message: str, name: str, chosen: str, others: tuple[str, ...]):
        super().__init__(message)
        self.name = name
        self.chosen = chosen
        self.others = others
