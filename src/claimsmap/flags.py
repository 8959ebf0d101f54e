"""The flag state of a vessel from its MMSI's Maritime Identification Digits.

An MMSI (Maritime Mobile Service Identity) is nine digits. Most carry a MID,
three digits the ITU allocates to an administration (412, 413 and 414 to
China, 416 to Taiwan, 431 and 432 to Japan, ...), at a place that depends on
the kind of station (Recommendation ITU-R M.585-9). With MID 412:

- ``ship``: MIDXXXXXX, ``412123456``;
- ``group`` (of ships): 0MIDXXXXX, ``041212345``;
- ``coast`` (station): 00MIDXXXX, ``004121234``;
- ``sar-aircraft``: 111MIDXXX, ``111412123``;
- ``handheld`` (VHF with DSC): 8MIDXXXXX, ``841212345``;
- ``craft`` (associated with a parent ship): 98MIDXXXX, ``984121234``;
- ``aton`` (aid to navigation): 99MIDXXXX, ``994121234``;
- ``sart``, ``mob``, ``epirb`` (970, 972, 974XXYYYY): no MID, so no flag.

A number given as an integer has lost its leading zeros (``41212345`` is the
group ``041212345``); text of up to nine digits is read the same way. The
flag is the ISO 3166-1 alpha-3 code of the area the ITU names for the MID
(``data/mid.json``, with its source and the date of the copy). An MMSI that
fits none of the forms, or whose MID the ITU has not allocated, has no flag
(``None``).

.. warning::
   The MMSI is set by whoever programs the transponder. The flag read from it
   is the one the vessel announces, not a registry's record.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from claimsmap.errors import ClaimsmapError

__all__ = ["KINDS", "check_flags", "flag", "flags", "mid_table", "mmsi_kind"]

#: The kinds of MMSI :func:`mmsi_kind` tells apart.
KINDS = (
    "ship",
    "group",
    "coast",
    "sar-aircraft",
    "handheld",
    "craft",
    "aton",
    "sart",
    "mob",
    "epirb",
    "invalid",
)
_INVALID = -1


@cache
def mid_table() -> dict[str, Any]:
    """The MID table as shipped: ``source``, ``source_url``, ``rows`` and more.

    ``rows`` are ``[mid, flag, name]``: the MID, the ISO 3166-1 alpha-3 code
    of its flag and the area's name in English.

    >>> table = mid_table()
    >>> table["source_url"]
    'https://www.itu.int/en/ITU-R/terrestrial/fmd/Pages/mid.aspx'
    >>> {mid: code for mid, code, _name in table["rows"] if mid in (412, 416)}
    {412: 'CHN', 416: 'TWN'}
    """
    path = resources.files("claimsmap") / "data" / "mid.json"
    with path.open(encoding="utf-8") as file:
        table: dict[str, Any] = json.load(file)
    return table


@cache
def _lookup() -> np.ndarray:
    """Flag by MID, 0 to 999 (``None`` where none is allocated)."""
    out = np.full(1000, None, dtype=object)
    for mid, code, _name in mid_table()["rows"]:
        out[mid] = code
    return out


@cache
def flags() -> frozenset[str]:
    """Every flag code of the MID table (ISO 3166-1 alpha-3).

    >>> {"CHN", "TWN", "JPN", "PHL", "VNM", "HKG"} <= flags()
    True
    """
    return frozenset(code for code in _lookup() if code is not None)


def _numbers(mmsi: Any) -> np.ndarray:
    """MMSIs as int64 (``-1`` for what is not one to nine digits)."""
    array = np.asarray(mmsi)
    if array.dtype.kind in "iu":
        ints = array.ravel().astype(np.int64)
        return np.where((ints >= 0) & (ints <= 999_999_999), ints, _INVALID)
    import pandas as pd

    # Each distinct value is read once (a column repeats each vessel's id).
    codes, values = pd.factorize(np.asarray(mmsi, dtype=object).ravel())
    read = np.full(len(values) + 1, _INVALID, dtype=np.int64)  # last: missing
    for i, value in enumerate(values):
        read[i] = _number(value)
    return read[codes]


def _number(value: Any) -> int:
    """One MMSI as an int, or ``-1`` if it is not one to nine digits."""
    if isinstance(value, bool | np.bool_):
        return _INVALID
    if isinstance(value, int | np.integer):
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            return _INVALID
        number = int(text)
    elif isinstance(value, float | np.floating) and float(value).is_integer():
        number = int(value)
    else:
        return _INVALID
    return number if 0 <= number <= 999_999_999 else _INVALID


def _parts(number: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each MMSI's kind (index into :data:`KINDS`) and MID (``-1`` if none)."""
    kind = np.full(len(number), KINDS.index("invalid"), dtype=np.int64)
    mid = np.full(len(number), _INVALID, dtype=np.int64)
    valid = number >= 0

    def put(mask: np.ndarray, name: str, digits: np.ndarray | None) -> None:
        mask = mask & valid & (kind == KINDS.index("invalid"))
        kind[mask] = KINDS.index(name)
        if digits is not None:
            mid[mask] = digits[mask]

    lead3, lead2, lead1 = number // 1_000_000, number // 10_000_000, number // 10**8
    # Leading zeros first: 00MIDXXXX, then 0MIDXXXXX (a MID is 2xx to 7xx).
    coast, group = number // 10_000, number // 100_000
    put((number < 10**7) & (coast >= 200) & (coast < 800), "coast", coast)
    put((number >= 10**7) & (number < 10**8) & (group >= 200), "group", group)
    put((lead1 >= 2) & (lead1 <= 7), "ship", lead3)
    put(lead3 == 111, "sar-aircraft", (number // 1000) % 1000)
    put(lead1 == 8, "handheld", (number // 100_000) % 1000)
    put(lead2 == 98, "craft", (number // 10_000) % 1000)
    put(lead2 == 99, "aton", (number // 10_000) % 1000)
    put(lead3 == 970, "sart", None)
    put(lead3 == 972, "mob", None)
    put(lead3 == 974, "epirb", None)
    # A MID of the right place but below 200 (or a 1xx ship) is no MID.
    bad = (mid >= 0) & ((mid < 200) | (mid > 799))
    kind[bad] = KINDS.index("invalid")
    mid[bad] = _INVALID
    return kind, mid


def _scalar(mmsi: Any) -> bool:
    return np.ndim(mmsi) == 0


def flag(mmsi: Any) -> Any:
    """The flag state (ISO 3166-1 alpha-3) an MMSI announces, or ``None``.

    Parameters
    ----------
    mmsi : int, str, or array-like of them
        Nine-digit identities; integers and text of fewer digits are read as
        if padded with leading zeros (a group or coast station).

    Returns
    -------
    str or None, or numpy.ndarray of them
        For one MMSI, its flag; for several, an object array of flags in the
        same order. ``None`` where the MMSI has no MID (a SART, an EPIRB), is
        malformed, or has a MID the ITU has not allocated.

    See Also
    --------
    mmsi_kind : which form of MMSI it is.

    Examples
    --------
    >>> flag(412345678), flag(416000001), flag("431999999")
    ('CHN', 'TWN', 'JPN')
    >>> flag(41200001), flag("004121234"), flag(111548123), flag(995741234)
    ('CHN', 'CHN', 'PHL', 'VNM')
    >>> flag(970123456) is None, flag(100000000) is None, flag("abc") is None
    (True, True, True)
    >>> flag([548000001, 209000000, 999999999]).tolist()
    ['PHL', 'CYP', None]
    """
    _kind, mid = _parts(_numbers(mmsi))
    out = np.full(len(mid), None, dtype=object)
    has = mid >= 0
    out[has] = _lookup()[mid[has]]
    return out[0] if _scalar(mmsi) else out


def mmsi_kind(mmsi: Any) -> Any:
    """Which form of MMSI each is: ``"ship"``, ``"coast"``, ... (:data:`KINDS`).

    >>> mmsi_kind(412345678), mmsi_kind(41234567), mmsi_kind(992351000)
    ('ship', 'group', 'aton')
    >>> mmsi_kind([111232506, 974123456, 12]).tolist()
    ['sar-aircraft', 'epirb', 'invalid']
    """
    kind, _mid = _parts(_numbers(mmsi))
    out = np.asarray(KINDS, dtype=object)[kind]
    return out[0] if _scalar(mmsi) else out


def check_flags(value: Any, argument: str = "flag") -> list[str]:
    """Flag codes as a list, each checked against the MID table.

    Codes are read in capitals (``"chn"`` is ``"CHN"``).

    >>> check_flags("chn"), check_flags(["TWN", "JPN"])
    (['CHN'], ['TWN', 'JPN'])
    """
    codes = [value] if isinstance(value, str) else list(value)
    out = []
    for code in codes:
        text = str(code).strip().upper()
        if text not in flags():
            near = difflib.get_close_matches(text, sorted(flags()), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ClaimsmapError(
                f"{argument}={code!r}: not a flag of the ITU's MID table; give "
                f"ISO 3166-1 alpha-3 codes such as 'CHN', 'TWN', 'JPN'{hint}"
            )
        out.append(text)
    if not out:
        raise ClaimsmapError(f"{argument}=[]: give at least one flag, e.g. 'CHN'")
    return out
