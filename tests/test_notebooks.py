"""The notebooks run, top to bottom, in a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb")
)


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "store notebooks without outputs"
    )
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    for cell in nb.cells:
        if cell.cell_type == "code" and (
            ".plot(" in cell.source or "overlaps_chart(" in cell.source
        ):
            images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert len(images) == 1, "a chart shows once, inline"
    last = nb.cells[-1]["outputs"]
    assert any("text/html" in o.get("data", {}) for o in last), (
        "the map displays inline"
    )
