"""Subset Noto Sans CJK to the characters the maps draw; write WOFF2 and OFL.txt.

Every map page embeds ``src/claimsmap/maps/static/fonts/claimsmap-cjk.woff2``
so that Chinese and Japanese names render on machines without CJK fonts. The
subset holds exactly the CJK characters of
:func:`claimsmap.maps._fonts.needed_characters` (every popup of the atlas as
drawn, the layer titles and the label lists); the tests fail when new data
brings a character the subset lacks, and then this script is run again:

    python scripts/build_font.py [--source NotoSansCJK-Regular.ttc]

The source is Debian's ``fonts-noto-cjk`` (SIL Open Font License 1.1); the
face is Noto Sans CJK SC, in its simplified Chinese forms: the pages mark no
language, so the regional forms are not kept (a Japanese or traditional
Chinese name is drawn in the SC face's forms of the same characters). The
licence text is copied beside the subset with the font's own copyright line.
The output is reproducible: the same source and characters give the same
bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import ROOT, write_atomic

sys.path.insert(0, str(ROOT / "src"))
from claimsmap.maps._fonts import FONT_FILE, needed_characters

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUT = ROOT / "src" / "claimsmap" / "maps" / "static" / FONT_FILE


def face_index(source: Path, face: str) -> int:
    """The number of ``face`` in a font collection (0 for a single font)."""
    from fontTools.ttLib import TTCollection

    if source.suffix.lower() not in {".ttc", ".otc"}:
        return 0
    collection = TTCollection(str(source), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(4) == face:
            return index
    raise SystemExit(f"{source}: no face named {face!r}")


def subset(source: Path, chars: set[str], face: str = FACE) -> tuple[bytes, str]:
    """The WOFF2 subset of ``face`` holding ``chars``, and its copyright notice."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(
        str(source),
        fontNumber=face_index(source, face),
        lazy=False,
        recalcTimestamp=False,
    )
    notice = font["name"].getDebugName(0) or ""
    missing = sorted(c for c in chars if ord(c) not in font.getBestCmap())
    if missing:
        raise SystemExit(f"{face} has no glyph for {''.join(missing)}")
    options = ft_subset.Options()
    options.flavor = "woff2"
    # The pages draw horizontal text and mark no language, so the regional
    # forms (locl), vertical forms and proportional metrics would never be
    # used; without them, and without hints (screens and print both scale
    # outlines), the subset is less than half the size.
    options.layout_features = ["ccmp", "kern"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue(), notice


def licence_text(notice: str) -> str:
    """OFL 1.1 as Debian's copyright file gives it, under the font's notice."""
    raw = COPYRIGHT.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    match = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, flags=re.MULTILINE)
    if match is None:
        raise SystemExit(f"{COPYRIGHT}: no SIL-1.1 licence text")
    body = "\n".join(
        "" if line.strip() == "." else line[1:] for line in match.group(1).splitlines()
    )
    return (
        f"claimsmap-cjk.woff2 is a subset of {FACE} (Noto Sans CJK), made by\n"
        "scripts/build_font.py. It is licensed under the SIL Open Font License,\n"
        "Version 1.1, as is the font it comes from.\n\n"
        f"{notice}\n\n{body.strip()}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args(argv)
    chars = needed_characters()
    data, notice = subset(args.source, chars)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(OUT, data)
    write_atomic(OUT.parent / "OFL.txt", licence_text(notice))
    info = {
        "source": f"{FACE} ({args.source.name}, Debian fonts-noto-cjk)",
        "licence": "OFL-1.1",
        "characters": len(chars),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    print(json.dumps(info, ensure_ascii=False))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(data) / 1e3:.0f} kB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
