"""Recompute the derived fields of every catalog entry from its file.

The catalog's hand-written fields (title, kind, theme, source, licence) stay as
they are; ``feature_count``, ``geometry_type`` and ``sha256`` are computed from
the layer file, so that a test can check the catalog against the data.

    python scripts/update_catalog.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _catalog import DATA, load_catalog, save_catalog, sha256


def main() -> None:
    catalog = load_catalog()
    for layer_id, entry in catalog["layers"].items():
        path = DATA / entry["file"]
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        types = sorted({f["geometry"]["type"] for f in features})
        entry["feature_count"] = len(features)
        entry["geometry_type"] = "|".join(types)
        entry["sha256"] = sha256(path)
        print(f"{layer_id}: {len(features)} features, {entry['geometry_type']}")
    save_catalog(catalog)


if __name__ == "__main__":
    main()
