"""Errors raised by claimsmap.

Every error derives from :class:`ClaimsmapError`, so a caller can catch them
all at once; each message names what was wrong and what to do.
"""

from __future__ import annotations

import errno
import re

__all__ = [
    "ENVIRONMENT_ERRNOS",
    "AmbiguousNameWarning",
    "ClaimsmapError",
    "CoordinateError",
    "InvalidFeatureError",
    "InvalidLayerError",
    "OutputError",
    "UnknownLayerError",
    "UnknownNameError",
    "printable",
]


#: The errors of the machine rather than of the program (``errno`` codes): a
#: full disk, a read-only file system, no permission, a failing device. The
#: command line reports them as bad input (exit 2) naming the path, and
#: :func:`claimsmap.io.atomic_path` as an :class:`OutputError`.
ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "ENOSPC",
        "EDQUOT",
        "EFBIG",
        "EROFS",
        "EACCES",
        "EPERM",
        "EIO",
        "ENOENT",
        "ENOTDIR",
        "EISDIR",
        "ENAMETOOLONG",
        "ELOOP",
        "EXDEV",
        "ETXTBSY",
        "EBUSY",
        "EMFILE",
        "ENFILE",
        "ENOMEM",
    )
    if hasattr(errno, name)
)


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


class OutputError(ClaimsmapError):
    """An output that cannot be written where it was asked for.

    The target is not a regular file (a folder, a device), its folder is
    missing, or the machine refused the write (disk full, read-only, no
    permission); the message names the path given and the reason.
    """


# Characters that end the line, move the cursor or reorder text on a terminal:
# C0 and C1 controls (NUL, ESC, newline, DEL...), line and paragraph
# separators, direction overrides and isolates, and lone surrogates (bytes
# that were not UTF-8).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: object) -> str:
    r"""``text`` with every control character escaped, so it prints as one line.

    Anything quoted from an input (a file's bytes, a file name, a library's
    message about them) goes through this before it reaches a message:
    newlines, NUL, terminal escapes, text direction overrides and bytes that
    were not UTF-8 are shown as Python writes them in a string (``\n``,
    ``\x00``, ``\x1b``, ``\u202e``, ``\udcff``); every other character, of
    any script, is kept.

    Examples
    --------
    >>> print(printable("lon\x00\x1b[31m,lat\n1"))
    lon\x00\x1b[31m,lat\n1
    >>> print(printable("魚釣島 — 25.7° N"))
    魚釣島 — 25.7° N
    """
    return _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], str(text))


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
