"""How the modules depend on each other, and what a command imports.

The data flows one way (docs/architecture.md): names become geometries in
``places``, above ``geodesy``; ``maps``, ``cli`` and ``server`` only present.
The graph is read from the source with ``ast``, every import included (those
inside functions too), so a lazy import cannot hide an arrow.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import claimsmap as cm

PACKAGE = Path(cm.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file imports, anywhere in it, by full name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            # ``from claimsmap import geodesy`` imports the submodule.
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if candidate in MODULES:
                    found.add(candidate)
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _ours(name: str) -> set[str]:
    """The claimsmap modules ``name`` imports (the package root left out)."""
    return {m for m in GRAPH[name] if m in MODULES and m != "claimsmap"}


def test_the_graph_sees_every_module_and_known_arrows():
    assert {"claimsmap.geodesy", "claimsmap.places", "claimsmap.maps._map"} <= set(
        MODULES
    )
    # Imports inside functions count, and ``from claimsmap import x`` too.
    assert "claimsmap.places" in _ours("claimsmap.cli")
    assert "claimsmap._cache" in _ours("claimsmap.gazetteer")


def test_geodesy_takes_geometries_and_never_resolves_names():
    above = {
        "claimsmap.gazetteer",
        "claimsmap.places",
        "claimsmap.catalog",
        "claimsmap.queries",
        "claimsmap.maritime",
        "claimsmap.io",
    }
    assert not _ours("claimsmap.geodesy") & above
    assert not {"geopandas", "pandas", "folium"} & GRAPH["claimsmap.geodesy"]


def test_names_resolve_in_one_place():
    # Only places (and gazetteer itself) turn names into geometries for the
    # modules that measure or present.
    for name in ("claimsmap.queries", "claimsmap.maps._map", "claimsmap.server"):
        assert "claimsmap.places" in _ours(name), name
    assert "claimsmap.geodesy" in _ours("claimsmap.places")
    assert "claimsmap.places" not in _ours("claimsmap.gazetteer")


def test_nothing_imports_cli_or_server():
    allowed = {
        "claimsmap.__main__": {"claimsmap.cli"},  # ``python -m claimsmap``
        "claimsmap.cli": {"claimsmap.server"},  # ``claimsmap serve`` starts it
        # The service's own HTTP protocol, loaded by uvicorn inside the server.
        "claimsmap._http": {"claimsmap.server"},
    }
    for name in MODULES:
        found = _ours(name) & {"claimsmap.cli", "claimsmap.server"}
        found -= allowed.get(name, set())
        assert not found, f"{name} imports {found}"


def test_no_two_modules_import_each_other():
    cycles = {
        tuple(sorted((a, b)))
        for a in MODULES
        for b in _ours(a)
        if a in _ours(b) and "claimsmap" not in (a, b)
    }
    assert not cycles
    assert "claimsmap.maps._map" not in _ours("claimsmap.maps.presets")


def test_only_maps_import_folium():
    for name in MODULES:
        if name.startswith("claimsmap.maps"):
            continue
        assert not {"folium", "branca"} & {m.split(".")[0] for m in GRAPH[name]}, name


def test_lazy_names_match_the_real_imports():
    """Every public name is in the lazy table and in the TYPE_CHECKING block."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    checked: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    for alias in stmt.names:
                        checked[alias.name] = stmt.module.removeprefix("claimsmap.")
    public = set(cm.__all__) - {"__version__"}
    assert checked == {name: cm._MODULE_OF[name] for name in public}
    assert set(cm._MODULE_OF) == public
    assert set(cm.__all__) <= set(dir(cm))
    for name in public:
        module = __import__(f"claimsmap.{cm._MODULE_OF[name]}", fromlist=[name])
        assert getattr(cm, name) is getattr(module, name)
    with pytest.raises(AttributeError, match="no attribute 'nowhere'"):
        cm.nowhere  # noqa: B018


def _modules_after(*code: str) -> set[str]:
    """Which heavy libraries a fresh interpreter has imported after ``code``."""
    heavy = ("geopandas", "pandas", "folium", "pyarrow", "pyogrio", "fiona")
    script = "\n".join(
        [
            "import sys",
            *code,
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))",
        ]
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split("\n")[-2].split())


def test_import_claimsmap_imports_nothing_heavy():
    assert _modules_after("import claimsmap") == set()


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["distance", "Ishigaki", "Uotsuri-jima"],
        ["show", "Ishigaki"],
        ["at", "123.47", "25.74"],
        ["at", "114.2", "10.9", "--format", "json"],
    ],
    ids=["version", "distance", "show", "at", "at-json"],
)
def test_a_warm_command_skips_geopandas_pandas_and_folium(argv):
    """Once the caches are built, these commands need only shapely and pyproj."""
    call = (
        "import contextlib, io\n"
        "from claimsmap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        status = main({argv!r})\n"
        "    except SystemExit as done:  # --version exits\n"
        "        status = done.code\n"
        "assert not status, status"
    )
    _modules_after(call)  # builds the caches if they are cold
    assert _modules_after(call) == set()
