"""The two commands of the quick start; each sets up what it needs itself.

    python3 tasks.py map    # a virtualenv in .venv, then the default atlas map
    python3 tasks.py test   # the same, test tools and Chromium, then the suite

Only Python 3.11+ is needed to begin with. The virtualenv is made once and
refreshed when ``pyproject.toml`` changes. ``test`` installs Debian's
``chromium`` for the browser tests when it is missing and this runs as root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message: str) -> None:
    print(f"[tasks] {message}", file=sys.stderr, flush=True)


def run(*args: str | Path, **kwargs) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_venv(extra: str | None) -> None:
    """Create .venv and install claimsmap (editable) with ``extra``, once."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run by any python3
        sys.exit(
            f"claimsmap needs Python 3.11 or newer; this is {sys.version.split()[0]}"
        )
    if not PYTHON.exists():
        say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".claimsmap-{extra or 'base'}-{digest}"
    if stamp.exists():
        return
    say(f"installing claimsmap{'[' + extra + ']' if extra else ''} into .venv (once)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", spec)
    for old in VENV.glob(f".claimsmap-{extra or 'base'}-*"):
        old.unlink()
    stamp.touch()


def ensure_chromium() -> None:
    """Install Debian's chromium for the browser tests when missing (as root)."""
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    can_install = (
        shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    )
    if not can_install:
        say(
            "chromium is missing and cannot be installed here (needs root and "
            "apt-get): the browser tests will be skipped; "
            "`sudo apt-get install chromium` runs them"
        )
        return
    say("installing Debian's chromium for the browser tests (once)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "chromium",
        env=env,
    )


def task_map(args: list[str]) -> None:
    ensure_venv(None)
    out = args[0] if args else "claimsmap-atlas.html"
    run(BIN / "claimsmap", "map", "--preset", "atlas", "-o", out)


def task_test(args: list[str]) -> None:
    ensure_venv("test")
    ensure_chromium()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(PYTHON, "-m", "pytest", *args)


TASKS = {"map": task_map, "test": task_test}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(__doc__)
    try:
        TASKS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode or 1)


if __name__ == "__main__":
    main()
