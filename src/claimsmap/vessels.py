r"""Vessel positions as people have them: raw NMEA AIS logs and public CSV exports.

:func:`read_ais` reads a file into one table of positions, ``vessel`` (the
MMSI), ``time`` (UTC), ``lon``, ``lat``, with what each vessel's static reports
say of it (``name``, ``call_sign``, ``ship_type_code``, ``ship_type``), and
:func:`clean` drops the positions that cannot be counted, saying how many of
each kind it dropped. The table goes straight into :func:`claimsmap.presence`.

Formats read:

* **NMEA 0183 AIS** (``!AIVDM``, ``!AIVDO``, any talker), decoded by pyais:
  one sentence a line, with or without an NMEA 4.10 tag block
  (``\s:rec1,c:1704067200*hh\!AIVDM,...``) or a leading timestamp (epoch
  seconds or ISO 8601 before the sentence), or after a Gatehouse ``$PGHP``
  line. Position reports (types 1, 2, 3, 18, 19, 27) are positions; static
  reports (5, 24 parts A and B, and 19) give the name, call sign and ship type.
* **US MarineCadastre** exports (``MMSI,BaseDateTime,LAT,LON,...`` to 2023;
  ``mmsi,base_date_time,longitude,latitude,...`` since), and the **Danish
  Maritime Authority**'s (``# Timestamp,Type of mobile,MMSI,Latitude,...``,
  times as ``31/12/2023 23:59:59``): recognised by their header.
* Any other CSV, with ``columns={"vessel": ..., "time": ..., "lon": ...,
  "lat": ...}``.

Ship types are ITU-R M.1371-5 (02/2014), Annex 8, Table 53, "Type of ship and
cargo type": https://www.itu.int/rec/R-REC-M.1371-5-201402-I/en
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from claimsmap.errors import ClaimsmapError, printable
from claimsmap.geodesy import GEOD

__all__ = [
    "DROPPED",
    "LAYOUTS",
    "MAX_SPEED_KN",
    "POSITION_TYPES",
    "STATIC_TYPES",
    "Layout",
    "clean",
    "decode_lines",
    "format_of",
    "read_ais",
    "ship_type",
]

#: The fastest a vessel is taken to go, in knots (1852 m an hour); a position
#: reached faster than this from the vessel's last one is dropped. Planing
#: patrol craft reach 40-45 knots; nothing that stays at sea for days goes 50.
MAX_SPEED_KN = 50.0
#: AIS message types that carry a position: Class A (1, 2, 3), Class B (18,
#: 19) and long-range (27) position reports.
POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
#: AIS message types that carry a vessel's name, call sign or type.
STATIC_TYPES = frozenset({5, 19, 24})
#: The kinds of dropped report, in the order they are counted.
DROPPED = (
    "bad_checksum",
    "undecodable",
    "not_a_vessel",
    "not_available",
    "impossible",
    "duplicate",
    "too_fast",
)
STANDARD = ("vessel", "time", "lon", "lat")
STATIC = ("name", "call_sign", "ship_type_code")
COLUMNS = (*STANDARD, *STATIC, "ship_type")

# ITU-R M.1371-5, Annex 8, Table 53 (second digit of 30-39 and 50-59 is the
# type itself; for 20-29, 40-49, 60-99 the first digit is the type).
_TYPE_TEXT: dict[int, str] = {
    30: "fishing",
    31: "towing",
    32: "towing",  # "length of the tow exceeds 200 m or breadth exceeds 25 m"
    33: "dredging or underwater operations",
    34: "diving operations",
    35: "military operations",
    36: "sailing",
    37: "pleasure craft",
    50: "pilot vessel",
    51: "search and rescue",
    52: "tug",
    53: "port tender",
    54: "anti-pollution",
    55: "law enforcement",
    56: "local vessel",  # "spare - for assignments to local vessels"
    57: "local vessel",
    58: "medical transport",
    59: "noncombatant",  # "according to RR Resolution No. 18 (Mob-83)"
}
_TYPE_DECADE = {
    2: "wing in ground",
    4: "high-speed craft",
    6: "passenger",
    7: "cargo",
    8: "tanker",
    9: "other",
}


def ship_type(code: int | None) -> str | None:
    """The ITU-R M.1371 "type of ship and cargo" of an AIS ship type code.

    Returns ``None`` for 0 ("not available") and for no code; codes the table
    reserves are ``"reserved"``, and 100-199 ``"regional use"``.

    Examples
    --------
    >>> ship_type(55), ship_type(30), ship_type(79), ship_type(0)
    ('law enforcement', 'fishing', 'cargo', None)
    >>> ship_type(38), ship_type(150), ship_type(256)
    ('reserved', 'regional use', None)
    """
    if code is None or pd.isna(code) or not 1 <= int(code) <= 255:
        return None
    code = int(code)
    if code in _TYPE_TEXT:
        return _TYPE_TEXT[code]
    if 20 <= code <= 99 and code // 10 in _TYPE_DECADE:
        return _TYPE_DECADE[code // 10]
    if 100 <= code <= 199:
        return "regional use"
    return "reserved"


# The Danish Maritime Authority writes the ship type as text; these are its
# words for the types of Table 53 (others are kept, in lower case).
_DMA_TYPES = {
    "undefined": None,
    "unknown": None,
    "military": "military operations",
    "pleasure": "pleasure craft",
    "pilot": "pilot vessel",
    "sar": "search and rescue",
    "towing long/wide": "towing",
    "medical": "medical transport",
    "dredging": "dredging or underwater operations",
    "diving": "diving operations",
    "hsc": "high-speed craft",
    "wig": "wing in ground",
    "spare 1": "local vessel",
    "spare 2": "local vessel",
    "not party to conflict": "noncombatant",
}


@dataclass(frozen=True)
class Layout:
    """A published CSV layout: its columns for the standard ones, and its source."""

    name: str
    title: str
    columns: dict[str, str]
    source: str
    #: The time's format (strptime), when it is not ISO 8601.
    time_format: str | None = None
    #: The column that says what sent a report, and the values that are no vessel.
    sender: tuple[str, frozenset[str]] | None = None
    #: Text that stands for a missing name or call sign.
    missing: frozenset[str] = frozenset()


#: The CSV layouts recognised by their header, without options.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "marinecadastre",
            "US MarineCadastre (NOAA / BOEM) AIS, 2009-2023",
            {
                "vessel": "MMSI",
                "time": "BaseDateTime",
                "lat": "LAT",
                "lon": "LON",
                "name": "VesselName",
                "call_sign": "CallSign",
                "ship_type_code": "VesselType",
            },
            "https://marinecadastre.gov/ais/ (daily AIS_YYYY_MM_DD.zip; data "
            "dictionary: times 2023-06-15T00:00:04, UTC)",
        ),
        Layout(
            "marinecadastre-csv2",
            "US MarineCadastre (NOAA / BOEM) AIS, csv2 export",
            {
                "vessel": "mmsi",
                "time": "base_date_time",
                "lon": "longitude",
                "lat": "latitude",
                "name": "vessel_name",
                "call_sign": "call_sign",
                "ship_type_code": "vessel_type",
            },
            "https://hub.marinecadastre.gov/pages/vesseltraffic (ais-YYYY-MM-DD"
            ".csv.zst; times 2025-01-01 00:00:00, UTC)",
        ),
        Layout(
            "dma",
            "Danish Maritime Authority AIS (aisdk)",
            {
                "vessel": "MMSI",
                "time": "# Timestamp",
                "lat": "Latitude",
                "lon": "Longitude",
                "name": "Name",
                "call_sign": "Callsign",
                "ship_type": "Ship type",
            },
            "https://web.ais.dk/aisdata/ (aisdk-YYYY-MM-DD.zip; times "
            "31/12/2023 23:59:59, UTC)",
            time_format="%d/%m/%Y %H:%M:%S",
            sender=("Type of mobile", frozenset({"Base Station", "AtoN"})),
            missing=frozenset({"Unknown"}),
        ),
    )
}


def read_ais(
    path: str | os.PathLike[str],
    *,
    columns: dict[str, str] | None = None,
    default_time: Any = None,
    max_speed_kn: float | None = MAX_SPEED_KN,
) -> pd.DataFrame:
    r"""Read AIS positions from an NMEA log or a CSV export, cleaned.

    Parameters
    ----------
    path : str or PathLike
        An NMEA 0183 log (any name; ``.gz`` is read compressed) or a CSV file
        (``.csv``, or ``.csv.gz``/``.zip``/``.zst``). Which one it is, and which
        CSV layout, is read from its first lines.
    columns : dict, optional
        For a CSV in another layout: its column for each of ``vessel``,
        ``time``, ``lon`` (degrees east), ``lat`` (degrees north), and
        optionally ``name``, ``call_sign``, ``ship_type_code``.
    default_time : str or Timestamp, optional
        The time of NMEA position reports whose line gives none (no tag block
        ``c:``, no leading timestamp, no ``$PGHP`` line before). Without it,
        such a report is an error that names the file and line: presence is
        counted in time, and a position without one cannot be placed.
    max_speed_kn : float or None
        Positions reached faster than this, in knots, are dropped (see
        :func:`clean`); ``None`` keeps them. When any report of a log took
        ``default_time``, no report is judged by speed (their times are not
        known), and ``attrs["defaulted"]`` says how many took it.

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (MMSI, int64), ``time`` (UTC), ``lon``, ``lat`` (degrees,
        WGS84), ``name``, ``call_sign``, ``ship_type_code`` (ITU-R M.1371
        code, nullable integer) and ``ship_type`` (its text, see
        :func:`ship_type`), sorted by time. Text columns hold ``str`` or
        ``None`` (object dtype). ``attrs["dropped"]`` counts the
        reports dropped, by kind (:data:`DROPPED`); ``attrs["lines"]`` gives
        the first few line numbers of the sentences that failed, by kind.

    Raises
    ------
    ClaimsmapError
        The file is missing, empty or unreadable, a CSV matches no known layout and
        ``columns`` is not given (the message lists its columns and those
        needed), or a position report has no time and ``default_time`` is
        not given.

    Examples
    --------
    >>> from pyais.encode import encode_dict
    >>> import tempfile
    >>> sentence = encode_dict({"type": 1, "mmsi": 416000001,
    ...                         "lon": 123.5, "lat": 25.75})[0]
    >>> log = Path(tempfile.mkdtemp()) / "ais.nmea"
    >>> _ = log.write_text(f"\\c:1704067200*58\\{sentence}\n")
    >>> read_ais(log)[["vessel", "time", "lon", "lat"]]
          vessel                      time    lon    lat
    0  416000001 2024-01-01 00:00:00+00:00  123.5  25.75
    """
    path = Path(path)
    if path.is_dir():
        raise ClaimsmapError(f"{printable(path)}: is a directory; give a file")
    if not path.exists():
        raise ClaimsmapError(f"{printable(path)}: no such file")
    head = _head(path)
    if not head.strip():
        raise ClaimsmapError(
            f"{printable(path)}: the file is empty; give an NMEA log or a CSV "
            "export with positions"
        )
    if columns is None and _is_nmea(path, head):
        frame = _read_nmea(path, _default_time(default_time))
        if frame.attrs.get("defaulted"):
            # Reports that all took one time cannot be judged by speed.
            max_speed_kn = None
    else:
        frame = _read_csv(path, columns)
    return clean(frame, max_speed_kn=max_speed_kn)


def check_columns(path: Path, names: list[str], wanted: list[str]) -> None:
    """Raise if a table lacks a column: name the file, its columns and those needed."""
    missing = [c for c in wanted if c not in names]
    if missing:
        listed = printable(", ".join(names))
        needed = printable(", ".join(wanted))
        raise ClaimsmapError(
            f"{printable(path)}: no column {missing[0]!r} (columns: {listed}; "
            f"needed: {needed}); name the columns with --vessel, --time and "
            "--lon/--lat"
        )


def is_ais_file(
    path: str | os.PathLike[str],
    *,
    vessel: str = "vessel",
    time: str = "time",
    columns: tuple[str, str] = ("lon", "lat"),
) -> bool:
    """Whether ``presence`` reads this file with :func:`read_ais`.

    An NMEA log or a CSV export in a known layout is, unless columns are
    named (a table of one's own, then read in chunks as it is).
    """
    named = (vessel, time, tuple(columns)) != ("vessel", "time", ("lon", "lat"))
    return not named and format_of(path) is not None


def format_of(path: str | os.PathLike[str]) -> str | None:
    """What :func:`read_ais` would read the file as, without options.

    ``"nmea"``, the name of a CSV layout of :data:`LAYOUTS`, or ``None`` for
    anything else (a table with other columns, Parquet, a missing file).
    """
    path = Path(path)
    if not path.is_file() or path.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
        return None
    if _is_nmea(path):
        return "nmea"
    try:
        names = _header(path)
    except ClaimsmapError:
        return None
    layout = _match(names)
    return None if layout is None else layout.name


def _default_time(value: Any) -> int | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
        bad = pd.isna(stamp)
    except (ValueError, TypeError):
        bad = True
    if bad:
        raise ClaimsmapError(
            f"default_time={value!r}: give an ISO 8601 time, e.g. 2024-01-01T00:00Z"
        )
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return int(stamp.value)


# --- NMEA ---------------------------------------------------------------------

# A sentence starts at its tag block (backslash) or its '!' or '$'.
_START = re.compile(rb"[\\!$]")
_STARTS = (b"\\", b"!", b"$")
_AIS = re.compile(rb"![A-Z]{2}VD[MO],")
_SEPARATORS = b" \t,;|:"


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _head(path: Path) -> bytes:
    """The file's first 64 KiB (decompressed)."""
    try:
        with _open(path) as file:
            return file.read(1 << 16)
    except (OSError, EOFError) as exc:
        raise ClaimsmapError(f"{printable(path)}: cannot be read ({exc})") from None


def _is_nmea(path: Path, head: bytes | None = None) -> bool:
    """Whether the file's first 64 KiB hold an AIS sentence, or only NMEA lines.

    ``head`` is those bytes, when the caller has read them already.
    """
    if path.suffix.lower() in (".csv", ".zip", ".zst") or path.name.lower().endswith(
        ".csv.gz"
    ):
        return False
    if head is None:
        head = _head(path)
    if _AIS.search(head) is not None:
        return True
    # A log with no AIS sentence near its top ($GPGGA, $PGHP, tag blocks...).
    lines = [line.strip() for line in head.splitlines()[:-1] or head.splitlines()]
    lines = [line for line in lines if line and not line.startswith(b"#")]
    return bool(lines) and all(line.startswith(_STARTS) for line in lines)


def _leading_time(text: bytes) -> int | None:
    """A receiver's timestamp before the sentence, in ns since 1970 UTC.

    Epoch seconds (or milliseconds, 13 digits) or ISO 8601, naive times as UTC.
    """
    word = text.strip(_SEPARATORS).decode("ascii", "replace")
    word = word.removesuffix(" UTC").strip()
    if _EPOCH.fullmatch(word):
        return _epoch_ns(word)
    try:
        stamp = dt.datetime.fromisoformat(word)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return _ns(stamp)


def _ns(stamp: dt.datetime) -> int | None:
    """A zoned time in ns since 1970 UTC; ``None`` outside 1970-2261."""
    seconds = (stamp - _1970).total_seconds()
    if not 0 <= seconds < _LAST:
        return None
    return (stamp - _1970) // dt.timedelta(microseconds=1) * 1000


_1970 = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The last second whose nanoseconds fit in int64 (in 2262), rounded down a year.
_LAST = 9_190_000_000


_EPOCH = re.compile(r"\d+(\.\d*)?")


def _epoch_ns(text: str) -> int | None:
    """Epoch seconds as text (13 whole digits: milliseconds) in whole ns, exactly.

    ``None`` past 2261 (beyond int64 nanoseconds).

    >>> _epoch_ns("1717200005.123"), _epoch_ns("1717200005123")
    (1717200005123000000, 1717200005123000000)
    """
    whole, _, fraction = text.partition(".")
    ns = int(whole) * 10**9 + int((fraction + "0" * 9)[:9])
    # 1e12 seconds is the year 33658; 1e12 milliseconds is 2001.
    ns = ns // 1000 if int(whole) >= 10**12 else ns
    return ns if ns < _LAST * 10**9 else None


def _checksums_hold(raw: bytes) -> bool:
    """Whether a line's tag block and sentence match their checksums.

    Asked of lines pyais could not parse, so that a damaged line is counted
    as failing its checksum, as it would be had it parsed.
    """
    from pyais.util import checksum

    parts = raw.split(b"\\")
    pieces = [parts[1], parts[2]] if raw[:1] == b"\\" and len(parts) > 2 else [raw]
    for piece in pieces:
        body, star, given = piece.rpartition(b"*")
        if piece[:1] in b"!$":
            body = body[1:]
        try:
            if star and checksum(body) != int(given[:2], 16):
                return False
        except ValueError:
            return False
    return True


@dataclass
class _Part:
    sentence: Any
    line: int
    time: int | None


class _Decoder:
    """Turns the lines of a log into positions and static reports, counting failures."""

    def __init__(self, source: str, default_time: int | None) -> None:
        try:
            from pyais.exceptions import AISBaseException
            from pyais.messages import (
                AISSentence,
                GatehouseSentence,
                NMEASentenceFactory,
            )
        except ImportError as exc:
            raise ClaimsmapError(
                f"{source}: reading an NMEA log needs pyais: "
                "pip install 'claimsmap[ais]'"
            ) from exc
        self.produce = NMEASentenceFactory.produce
        self.assemble = AISSentence.assemble_from_iterable
        self.gatehouse_sentence = GatehouseSentence
        self.failure = AISBaseException
        self.source = source
        self.default_time = default_time
        self.defaulted = 0  # position reports that took default_time
        self.dropped = dict.fromkeys(DROPPED, 0)
        self.lines: dict[str, list[int]] = {}
        self.rows: list[tuple[int, int, float, float]] = []
        self.static: dict[int, dict[str, Any]] = {}
        self.parts: dict[tuple[Any, ...], list[_Part]] = {}
        self.poisoned: set[tuple[Any, ...]] = set()
        self.gatehouse: int | None = None
        self.other = 0

    def fail(self, kind: str, line: int) -> None:
        self.dropped[kind] += 1
        seen = self.lines.setdefault(kind, [])
        if len(seen) < 5:
            seen.append(line)

    def feed(self, raw: bytes, number: int) -> None:
        raw = raw.strip()
        if not raw or raw[:1] == b"#":
            return
        when = None
        if raw[:1] not in _STARTS:
            found = _START.search(raw)
            if found is None:
                self.fail("undecodable", number)
                return
            when = _leading_time(raw[: found.start()])
            if when is None:
                self.fail("undecodable", number)
                return
            raw = raw[found.start() :]
        sentence: Any  # an AISSentence or a GatehouseSentence
        try:
            sentence = self.produce(raw)
        except (self.failure, ValueError, TypeError, IndexError):
            if raw[:1] == b"$" or (raw[:1] == b"\\" and b"\\$" in raw):
                return  # another instrument's sentence ($GPGGA, ...)
            self.fail("undecodable" if _checksums_hold(raw) else "bad_checksum", number)
            return
        if isinstance(sentence, self.gatehouse_sentence):
            if not sentence.is_valid:
                self.fail("bad_checksum", number)
                return
            self.gatehouse = _ns(sentence.timestamp.replace(tzinfo=dt.UTC))
            if self.gatehouse is None:
                self.fail("undecodable", number)
            return
        tag = sentence.tag_block
        if tag is not None:
            tag.init()
            if not tag.is_valid:
                self.fail("bad_checksum", number)
                return
            stamp = tag.receiver_timestamp
            if stamp:
                if stamp.isascii() and stamp.isdigit() and len(stamp) <= 10:
                    seconds = int(stamp)  # whole seconds, the common case
                    when = seconds * 1_000_000_000 if seconds < _LAST else None
                elif _EPOCH.fullmatch(stamp):
                    when = _epoch_ns(stamp)
                if when is None:
                    self.fail("undecodable", number)
                    return
        if when is None:
            when = self.gatehouse
        self.gatehouse = None
        if sentence.is_single:
            if sentence.is_valid:
                self.message(sentence, number, when)
            else:
                self.fail("bad_checksum", number)
            return
        self.part(sentence, number, when)

    def part(self, sentence: Any, number: int, when: int | None) -> None:
        """One part of a message in several: kept until the message is whole."""
        slot = (
            sentence.seq_id,
            sentence.channel,
            sentence.talker_id,
            sentence.type,
            sentence.frag_cnt,
        )
        if not sentence.is_valid:
            self.fail("bad_checksum", number)
            self.parts.pop(slot, None)
            self.poisoned.add(slot)  # its other parts are not counted again
            return
        if sentence.frag_num == 1:
            if slot in self.parts:  # the last message never ended
                self.fail("undecodable", self.parts[slot][0].line)
            self.poisoned.discard(slot)
            self.parts[slot] = [_Part(sentence, number, when)]
        elif slot in self.parts and len(self.parts[slot]) == sentence.frag_num - 1:
            self.parts[slot].append(_Part(sentence, number, when))
        else:
            if slot not in self.poisoned:
                self.fail("undecodable", number)  # a part without its first
            return
        parts = self.parts[slot]
        if len(parts) == sentence.frag_cnt:
            del self.parts[slot]
            try:
                whole = self.assemble([p.sentence for p in parts])
            except (self.failure, ValueError, IndexError):
                self.fail("undecodable", parts[0].line)
                return
            first = next((p.time for p in parts if p.time is not None), None)
            self.message(whole, parts[0].line, first)

    def message(self, sentence: Any, line: int, when: int | None) -> None:
        """A whole message: a position, a static report, or another kind."""
        message: Any  # one of pyais's many message classes
        try:
            message = sentence.decode()
        except (self.failure, ValueError, IndexError, TypeError, KeyError):
            self.fail("undecodable", line)
            return
        kind = message.msg_type
        if message.mmsi is None:  # a payload cut short
            self.fail("undecodable", line)
            return
        if kind in STATIC_TYPES:
            self.remember(message)
        if kind not in POSITION_TYPES:
            if kind not in STATIC_TYPES:
                self.other += 1
            return
        if when is None and self.default_time is not None:
            when = self.default_time
            self.defaulted += 1
        if when is None:
            raise ClaimsmapError(
                f"{self.source}, line {line}: a position report (type {kind}) "
                "without a time (no tag block c:, no timestamp before the "
                "sentence, no $PGHP line before it); give the time of such "
                "reports with default_time= (--default-time on the command line)"
            )
        if message.lon is None or message.lat is None:
            self.fail("undecodable", line)
            return
        self.rows.append((message.mmsi, when, message.lon, message.lat))

    def remember(self, message: Any) -> None:
        known = self.static.setdefault(int(message.mmsi), {})
        name = getattr(message, "shipname", None)
        call = getattr(message, "callsign", None)
        code = getattr(message, "ship_type", None)
        if name:
            known["name"] = name
        if call:
            known["call_sign"] = call
        if code is not None and int(code):
            known["ship_type_code"] = int(code)

    def finish(self) -> pd.DataFrame:
        for parts in self.parts.values():
            self.fail("undecodable", parts[0].line)
        self.parts.clear()
        if self.rows:
            vessel, when, lon, lat = (np.array(c) for c in zip(*self.rows, strict=True))
        else:
            vessel, when = np.empty(0, np.int64), np.empty(0, np.int64)
            lon, lat = np.empty(0), np.empty(0)
        frame = pd.DataFrame(
            {
                "vessel": vessel.astype(np.int64),
                "time": pd.DatetimeIndex(when.astype("datetime64[ns]")).tz_localize(
                    "UTC"
                ),
                "lon": lon.astype(float),
                "lat": lat.astype(float),
            }
        )
        static = pd.DataFrame.from_dict(self.static, orient="index")
        codes, vessels = pd.factorize(frame.vessel)
        for name in STATIC:
            values = static[name] if name in static else pd.Series(dtype=object)
            # One object per vessel, on each of its rows.
            per_vessel = values.reindex(vessels).to_numpy(dtype=object)
            frame[name] = _objects(per_vessel[codes], frame.index)
        frame = _typed(frame)
        frame.attrs["dropped"] = {
            k: v
            for k, v in self.dropped.items()
            if k in ("bad_checksum", "undecodable")
        }
        frame.attrs["lines"] = self.lines
        frame.attrs["defaulted"] = self.defaulted
        return frame


def _read_nmea(path: Path, default_time: int | None) -> pd.DataFrame:
    decoder = _Decoder(printable(path), default_time)
    with _open(path) as file:
        for number, raw in enumerate(file, 1):
            decoder.feed(raw, number)
    return decoder.finish()


def decode_lines(
    lines: Iterable[bytes | str], default_time: Any = None, source: str = "<lines>"
) -> pd.DataFrame:
    """Decode NMEA lines (as :func:`read_ais` reads a log), before cleaning."""
    decoder = _Decoder(source, _default_time(default_time))
    for number, line in enumerate(lines, 1):
        decoder.feed(line.encode() if isinstance(line, str) else line, number)
    return decoder.finish()


# --- CSV ----------------------------------------------------------------------


def _header(path: Path) -> list[str]:
    """The CSV's column names (compressed files through pandas)."""
    try:
        head = pd.read_csv(path, nrows=0, dtype=str)
    except (ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        raise ClaimsmapError(
            f"{printable(path)}: not a readable CSV file or NMEA log ({printable(exc)})"
        ) from None
    return [str(c) for c in head.columns]


def _match(names: list[str]) -> Layout | None:
    """The first layout whose columns the header has."""
    return next(
        (lay for lay in LAYOUTS.values() if set(lay.columns.values()) <= set(names)),
        None,
    )


def _layout(path: Path, names: list[str]) -> Layout:
    layout = _match(names)
    if layout is not None:
        return layout
    known = "; ".join(
        f"{layout.title} ({', '.join(list(layout.columns.values())[:4])})"
        for layout in LAYOUTS.values()
    )
    raise ClaimsmapError(
        f"{printable(path)}: not an NMEA log and no known CSV layout (columns: "
        f"{printable(', '.join(names))}); needed: a vessel id, a time, lon and "
        f"lat, named with columns={{'vessel': ..., 'time': ..., 'lon': ..., "
        f"'lat': ...}} (--vessel, --time, --lon, --lat on the command line). "
        f"Known layouts: {known}"
    )


def _read_csv(path: Path, columns: dict[str, str] | None) -> pd.DataFrame:
    names = _header(path)
    if columns is None:
        layout = _layout(path, names)
    else:
        unknown = sorted(set(columns) - set(COLUMNS))
        if unknown:
            raise ClaimsmapError(
                f"columns={columns!r}: unknown key {unknown[0]!r}; give columns for "
                f"{', '.join(COLUMNS[:-1])}"
            )
        layout = Layout("custom", "custom", dict(columns), "")
    wanted = [layout.columns[c] for c in STANDARD if c in layout.columns]
    if len(wanted) < len(STANDARD):
        lacking = [c for c in STANDARD if c not in layout.columns]
        raise ClaimsmapError(
            f"columns={columns!r}: no column given for {', '.join(lacking)}; "
            "give one for each of vessel, time, lon, lat"
        )
    check_columns(path, names, list(layout.columns.values()))
    read = list(layout.columns.values())
    if layout.sender:
        read.append(layout.sender[0])
    try:
        raw = pd.read_csv(
            path, usecols=read, dtype=str, keep_default_na=False, engine="pyarrow"
        )
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise ClaimsmapError(
            f"{printable(path)}: not a readable CSV file ({printable(exc)})"
        ) from None
    where = printable(path)
    dropped = dict.fromkeys(("not_a_vessel",), 0)
    if layout.sender:
        sender = raw[layout.sender[0]].isin(layout.sender[1])
        dropped["not_a_vessel"] = int(sender.sum())
        raw = raw[~sender]
    col = layout.columns
    frame = pd.DataFrame(
        {
            "vessel": _ids(raw[col["vessel"]], where, col["vessel"]),
            "time": _times(raw[col["time"]], where, col["time"], layout.time_format),
            "lon": _numbers(raw[col["lon"]], where, col["lon"]),
            "lat": _numbers(raw[col["lat"]], where, col["lat"]),
        }
    )
    for name in ("name", "call_sign"):
        if name in col:
            text = raw[col[name]].str.strip()
            words = _shared_text(text, lambda t: t not in layout.missing and t)
            frame[name] = _objects(words, frame.index)
    if "ship_type_code" in col:
        frame["ship_type_code"] = _numbers(
            raw[col["ship_type_code"]], where, col["ship_type_code"]
        )
    if "ship_type" in col:
        text = raw[col["ship_type"]].str.strip().str.lower()
        words = _shared_text(text, lambda t: _DMA_TYPES.get(t, t or None))
        frame["ship_type"] = _objects(words, frame.index)
    frame = _typed(frame)
    # As in a log, each vessel's last values given are on all its rows, so
    # that rows which left them empty are counted with the rest.
    codes = pd.factorize(frame.vessel.to_numpy())[0]
    for name in (*STATIC, "ship_type"):
        values = frame[name].to_numpy(dtype=object)
        given = np.nonzero(~pd.isna(values))[0]
        last = np.full(codes.max(initial=-1) + 1, -1)
        np.maximum.at(last, codes[given], given)
        row = last[codes]
        filled = values[np.maximum(row, 0)]
        filled[row < 0] = None
        frame[name] = pd.Series(filled, index=frame.index, dtype=frame[name].dtype)
    frame.attrs["dropped"] = dropped
    return frame


def _shared_text(text: pd.Series, word: Callable[[str], Any]) -> np.ndarray:
    """``word(t)`` of each text as an object array, one ``str`` per distinct text.

    A name repeated on a million rows is one object, not a million; a falsy
    word is ``None``.
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    words = np.array([word(t) or None for t in uniques] + [None], dtype=object)
    return words[codes]


def _objects(values: np.ndarray, index: pd.Index) -> pd.Series:
    """A column of these objects as they are.

    pandas would copy text into a ``str`` column, and back into a new ``str``
    per row when asked for objects.
    """
    return pd.Series(values, index=index, dtype=object)


def _floats(values: pd.Series) -> np.ndarray | None:
    """Text as floats (empty: NaN) through pyarrow; ``None`` if any is not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pa.array(values, type=pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        numbers = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=float)


def _ids(values: pd.Series, where: str, name: str) -> np.ndarray:
    ids = _floats(values)
    if ids is None or (ids % 1 != 0).any():  # a NaN (empty) is no id either
        parsed = pd.to_numeric(values.str.strip(), errors="coerce")
        row = int(np.argmax((parsed % 1 != 0).to_numpy()))
        raise ClaimsmapError(
            f"{where}, data row {values.index[row] + 1}: the MMSI "
            f"{values.iloc[row]!r} in column {name!r} is not a whole number; "
            "give 9-digit MMSIs"
        )
    return ids.astype(np.int64)


def _numbers(values: pd.Series, where: str, name: str) -> np.ndarray:
    numbers = _floats(values)
    if numbers is None:
        text = values.str.strip()
        parsed = pd.to_numeric(text, errors="coerce")
        row = int(np.argmax((parsed.isna() & (text != "")).to_numpy()))
        raise ClaimsmapError(
            f"{where}, data row {values.index[row] + 1}: {values.iloc[row]!r} in "
            f"column {name!r} is not a number"
        )
    return numbers


def _arrow_times(values: pd.Series, fmt: str | None) -> pd.DatetimeIndex | None:
    """The times through pyarrow, or ``None`` where it cannot read them all.

    pyarrow reads a day's file thirty times as fast as pandas; where it
    cannot, pandas reads the times and says which row it could not.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, type=pa.string())
    try:
        if fmt is not None:
            stamps = pc.strptime(text, format=fmt, unit="s")
            # strptime rolls 29/02/2023 over to 1 March (pandas refuses it):
            # only times whose day is the day written are taken.
            if fmt.startswith("%d"):
                written = pc.struct_field(
                    pc.extract_regex(text, r"^(?P<day>\d+)"), "day"
                ).cast(pa.int64())
                agree = pc.equal(pc.day(stamps), written)
            else:
                agree = pc.equal(pc.strftime(stamps, format=fmt), text)
            if not pc.all(agree).as_py():
                return None
            stamps = stamps.cast(pa.timestamp("ns"))
        else:
            try:  # ISO 8601 without a zone: UTC
                stamps = pc.cast(text, pa.timestamp("ns"))
            except pa.ArrowInvalid:  # with one, every time
                stamps = pc.cast(text, pa.timestamp("ns", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if stamps.null_count:
        return None
    ns = np.asarray(stamps.cast(pa.int64()).to_numpy(zero_copy_only=False))
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")


def _times(
    values: pd.Series, where: str, name: str, fmt: str | None
) -> pd.DatetimeIndex:
    fast = _arrow_times(values, fmt)
    if fast is not None:
        return fast
    try:
        times = pd.to_datetime(values, utc=True, format=fmt or "ISO8601")
    except (ValueError, TypeError):
        parsed = pd.to_datetime(
            values, utc=True, format=fmt or "ISO8601", errors="coerce"
        )
        row = int(np.argmax(parsed.isna().to_numpy()))
        raise ClaimsmapError(
            f"{where}, data row {values.index[row] + 1}: the time "
            f"{values.iloc[row]!r} in column "
            f"{name!r} cannot be read; "
            + (f"this layout writes {fmt}" if fmt else "give ISO 8601 times")
        ) from None
    if times.isna().any():
        row = int(np.argmax(times.isna().to_numpy()))
        raise ClaimsmapError(
            f"{where}, data row {values.index[row] + 1}: the time is missing"
        )
    return pd.DatetimeIndex(times).as_unit("ns")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of :data:`COLUMNS`, typed; the ship type's text from its code."""
    n = len(frame)
    for name in ("name", "call_sign"):
        if name not in frame:
            frame[name] = np.full(n, None, dtype=object)
    code = frame.get("ship_type_code")
    if code is None:
        code = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    code = pd.Series(code, index=frame.index).astype("Float64").astype("Int64")
    frame["ship_type_code"] = code
    if "ship_type" not in frame:
        texts = {c: ship_type(c) for c in code.dropna().unique()}
        frame["ship_type"] = code.map(texts).astype(object).to_numpy()
    # Text columns hold str or None, whatever pandas would infer.
    for name in ("name", "call_sign", "ship_type"):
        values = frame[name].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame[list(COLUMNS)]


# --- cleaning -----------------------------------------------------------------


def check_max_speed(max_speed_kn: float | None) -> None:
    """Raise unless ``max_speed_kn`` is a positive speed in knots, or None."""
    if max_speed_kn is not None and not max_speed_kn > 0:
        raise ClaimsmapError(
            f"max_speed_kn={max_speed_kn!r}: give a positive speed in knots, e.g. 50"
        )


def clean(
    positions: pd.DataFrame, *, max_speed_kn: float | None = MAX_SPEED_KN
) -> pd.DataFrame:
    """Drop the positions that cannot be counted, and say how many of each.

    In this order:

    * ``not_available``: AIS's "not available" values, latitude 91 or
      longitude 181, and empty coordinates or times;
    * ``impossible``: a latitude beyond ±90° or a longitude beyond ±180°, and
      (0, 0), which receivers without a fix send;
    * ``duplicate``: the same vessel, time and position again (one report
      heard by several stations);
    * ``too_fast``: a position the vessel could only have reached from its
      last one at more than ``max_speed_kn`` knots (the geodesic on WGS84
      over the time between them, at least one second). A lone position
      away from both its neighbours (a spike) is dropped first, and so is
      the first (last) position of a track when the next (previous) two
      agree with each other and not with it, so that one bad first
      position does not cost the whole track; then each position is
      measured from the last one kept.

    Parameters
    ----------
    positions : pandas.DataFrame
        ``vessel``, ``time`` (UTC), ``lon``, ``lat`` (degrees), and any other
        columns, which are kept.
    max_speed_kn : float or None
        Knots; ``None`` keeps fast jumps.

    Returns
    -------
    pandas.DataFrame
        The positions kept, sorted by time then vessel, with
        ``attrs["dropped"]``: the counts of every kind of :data:`DROPPED`
        (counts already in ``positions.attrs["dropped"]``, such as the NMEA
        sentences that failed, are carried over).

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "vessel": [1, 1, 1, 1, 1, 2],
    ...     "time": pd.to_datetime(["2024-01-01T00:00Z", "2024-01-01T00:00Z",
    ...                             "2024-01-01T01:00Z", "2024-01-01T02:00Z",
    ...                             "2024-01-01T03:00Z", "2024-01-01T00:00Z"]),
    ...     "lon": [123.0, 123.0, 123.1, 130.0, 123.2, 0.0],
    ...     "lat": [25.0, 25.0, 25.0, 25.0, 25.0, 0.0]})
    >>> kept = clean(frame)
    >>> kept.lon.tolist()
    [123.0, 123.1, 123.2]
    >>> {k: v for k, v in kept.attrs["dropped"].items() if v}
    {'impossible': 1, 'duplicate': 1, 'too_fast': 1}
    """
    check_max_speed(max_speed_kn)
    for name in STANDARD:
        if name not in positions.columns:
            raise ClaimsmapError(
                f"positions have no column {name!r} (columns: "
                f"{', '.join(map(str, positions.columns))}); give "
                "vessel, time, lon and lat"
            )
    dropped = dict.fromkeys(DROPPED, 0)
    for kind, count in positions.attrs.get("dropped", {}).items():
        dropped[kind] = dropped.get(kind, 0) + int(count)
    lines = positions.attrs.get("lines", {})
    lon = positions.lon.to_numpy(dtype=float)
    lat = positions.lat.to_numpy(dtype=float)
    missing = np.isnan(lon) | np.isnan(lat) | (lat == 91) | (lon == 181)
    missing |= positions.time.isna().to_numpy()
    impossible = ~missing & (
        (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lon == 0) & (lat == 0))
    )
    dropped["not_available"] += int(missing.sum())
    dropped["impossible"] += int(impossible.sum())
    rows = np.nonzero(~(missing | impossible))[0]
    t = _utc_ns(positions.time.iloc[rows])
    codes = pd.factorize(positions.vessel.to_numpy()[rows], sort=True)[0]
    lon, lat = lon[rows], lat[rows]
    # Sorted by vessel, time and position, a duplicate follows its first.
    order = np.lexsort((lat, lon, t, codes))
    c, tt, x, y = codes[order], t[order], lon[order], lat[order]
    twice = np.zeros(len(order), dtype=bool)
    twice[1:] = (c[1:] == c[:-1]) & (tt[1:] == tt[:-1])
    twice[1:] &= (x[1:] == x[:-1]) & (y[1:] == y[:-1])
    dropped["duplicate"] += int(twice.sum())
    order = order[~twice]
    if max_speed_kn is not None and len(order):
        fast = _too_fast(
            codes[order], t[order], lon[order], lat[order], max_speed_kn * 1852 / 3600
        )
        dropped["too_fast"] += int(fast.sum())
        order = order[~fast]
    order = order[np.lexsort((codes[order], t[order]))]  # by time, then vessel
    frame = positions.iloc[rows[order]].reset_index(drop=True)
    frame["time"] = pd.DatetimeIndex(t[order].view("datetime64[ns]")).tz_localize("UTC")
    frame.attrs = {"dropped": dropped, "lines": lines}
    if "defaulted" in positions.attrs:
        frame.attrs["defaulted"] = positions.attrs["defaulted"]
    return frame


def _utc_ns(values: pd.Series) -> np.ndarray:
    """Times as int64 ns since 1970 UTC (naive times and ISO text as UTC)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        times = values.dt.tz_convert("UTC")
    else:
        times = pd.to_datetime(values, utc=True, format="ISO8601")
    return np.asarray(pd.DatetimeIndex(times).as_unit("ns").asi8, dtype=np.int64)


def _speeds(
    code: np.ndarray, t: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Metres a second from each position to the next of the same vessel (NaN: none)."""
    n = len(t)
    speed = np.full(max(n - 1, 0), np.nan)
    same = code[1:] == code[:-1]
    if same.any():
        _, _, metres = GEOD.inv(
            lon[:-1][same], lat[:-1][same], lon[1:][same], lat[1:][same]
        )
        seconds = np.maximum((t[1:][same] - t[:-1][same]) / 1e9, 1.0)
        speed[same] = np.asarray(metres) / seconds
    return speed


def _too_fast(
    code: np.ndarray, t: np.ndarray, lon: np.ndarray, lat: np.ndarray, limit: float
) -> np.ndarray:
    """Which positions (sorted by vessel, then time) are reached too fast."""
    keep = np.ones(len(t), dtype=bool)
    while True:
        idx = np.nonzero(keep)[0]
        speed = _speeds(code[idx], t[idx], lon[idx], lat[idx])
        fast = speed > limit  # NaN (another vessel) is not fast
        linked = ~np.isnan(speed)
        into = np.concatenate([[False], fast])
        out = np.concatenate([fast, [False]])
        has_prev = np.concatenate([[False], linked])
        has_next = np.concatenate([linked, [False]])
        spike = into & out
        # A track's first (last) position, far from a next (previous) one
        # that its own next (previous) agrees with.
        after_ok = np.concatenate([has_next[1:] & ~out[1:], [False]])
        before_ok = np.concatenate([[False], has_prev[:-1] & ~into[:-1]])
        spike |= ~has_prev & out & after_ok
        spike |= ~has_next & into & before_ok
        if not spike.any():
            break
        keep[idx[spike]] = False
    # What is left: measured from the last position kept (the loop's last
    # round measured it, with nothing dropped). Between two fast jumps every
    # step is within the limit, so the walk skips to the next.
    kept = code[idx]  # sorted: each vessel's rows are one run
    for vessel in np.unique(kept[:-1][fast]):
        first, end = np.searchsorted(kept, [vessel, vessel + 1])
        rows = idx[first:end]
        jumps = np.nonzero(fast[first : end - 1])[0]
        j = int(jumps[0])
        last, i, step = rows[j], j + 1, 8
        while i < len(rows):
            # The next positions, measured from the last kept a block at a
            # time (doubling while none is within reach).
            block = rows[i : i + step]
            _, _, metres = GEOD.inv(
                np.full(len(block), lon[last]),
                np.full(len(block), lat[last]),
                lon[block],
                lat[block],
            )
            seconds = np.maximum((t[block] - t[last]) / 1e9, 1.0)
            reached = np.asarray(metres) / seconds <= limit
            if not reached.any():
                keep[block] = False
                i, step = i + len(block), min(2 * step, 4096)
                continue
            first_ok = int(np.argmax(reached))
            keep[block[:first_ok]] = False
            i, step = i + first_ok, 8
            later = jumps[jumps >= i]
            if not len(later):
                break
            last, i = rows[later[0]], int(later[0]) + 1
    return ~keep
