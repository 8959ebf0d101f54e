"""Shared helpers for the build scripts: the catalog, atomic writes, npm packages."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "claimsmap" / "data" / "geojson"
CATALOG = DATA / "catalog.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to a temporary file beside ``path``, then rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_geojson(features: list[dict], name: str | None = None) -> str:
    """Serialise a FeatureCollection, one feature a line, in the given order."""
    head = '{"type": "FeatureCollection", '
    if name:
        head += f'"name": {json.dumps(name)}, '
    lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return head + '"features": [\n' + lines + "\n]}\n"


def load_catalog() -> dict:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def save_catalog(catalog: dict) -> None:
    write_atomic(CATALOG, json.dumps(catalog, ensure_ascii=False, indent=2) + "\n")


def check_integrity(tarball: Path, integrity: str) -> None:
    """Compare a tarball with an npm ``integrity`` string (``sha512-...``)."""
    algo, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest())
    if digest.decode() != expected:
        raise SystemExit(f"{tarball.name}: integrity mismatch, expected {integrity}")


def npm_pack(name: str, version: str, integrity: str, workdir: Path) -> Path:
    """Fetch a pinned package tarball from the npm registry and check it."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    check_integrity(tarball, integrity)
    return tarball
