"""Vendor the browser assets that claimsmap inlines into every map.

The maps are single HTML files that work with no network, so Leaflet's script
and stylesheet are inlined, not fetched from a CDN. This script fetches the
pinned package from the npm registry with ``npm pack``, checks its integrity,
rewrites the stylesheet's image references into data URIs, and writes the
files and a manifest (versions, integrity, sha256 of each output) to
``src/claimsmap/maps/static/``.

    python scripts/vendor_assets.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import ROOT, npm_pack, write_atomic

STATIC = ROOT / "src" / "claimsmap" / "maps" / "static"
PACKAGES = {
    "leaflet": {
        "version": "1.9.4",
        "integrity": "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3"
        "GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        "licence": "BSD-2-Clause",
        "files": {
            "package/dist/leaflet.js": "leaflet.js",
            "package/dist/leaflet.css": "leaflet.css",
            "package/LICENSE": "LICENSE-leaflet.txt",
        },
    },
}


def inline_images(css: str, tar: tarfile.TarFile, css_dir: str) -> str:
    """Replace ``url(images/x.png)`` with data URIs so no request is made."""

    def data_uri(match: re.Match[str]) -> str:
        member = tar.extractfile(f"{css_dir}/{match.group(1)}")
        assert member is not None
        payload = base64.b64encode(member.read()).decode()
        return f"url(data:image/png;base64,{payload})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


def vendor(tar: tarfile.TarFile, files: dict[str, str]) -> dict[str, str]:
    """Write the package's files to static/; return their sha256 by name."""
    outputs = {}
    for member_name, out_name in files.items():
        member = tar.extractfile(member_name)
        assert member is not None
        text = member.read().decode("utf-8")
        if out_name.endswith(".css"):
            text = inline_images(text, tar, member_name.rsplit("/", 1)[0])
        path = STATIC / out_name
        write_atomic(path, text)
        outputs[out_name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return outputs


def main() -> None:
    STATIC.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"script": "scripts/vendor_assets.py", "packages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in PACKAGES.items():
            tarball = npm_pack(name, spec["version"], spec["integrity"], Path(tmp))
            with tarfile.open(tarball) as tar:
                outputs = vendor(tar, spec["files"])
            manifest["packages"][name] = {
                "version": spec["version"],
                "integrity": spec["integrity"],
                "licence": spec["licence"],
                "sha256": outputs,
            }
    write_atomic(STATIC / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {', '.join(sorted(p.name for p in STATIC.iterdir()))}")


if __name__ == "__main__":
    main()
