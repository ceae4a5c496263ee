"""Where the project's files live: the checkout, its runs, its cache."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the checkout's root (the directory holding ``notebooks/`` and ``params/``), else the cwd."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "params").is_dir() else Path.cwd()


def cache_root() -> Path:
    """Return the cache directory for built models (``XLIB_CACHE`` or ``<project>/.cache/xlib``)."""
    return Path(os.environ.get("XLIB_CACHE") or project_root() / ".cache" / "xlib")


def runs_root() -> Path:
    """Return where the notebooks' default studies keep their runs (``XLIB_RUNS`` or ``<project>/runs``)."""
    return Path(os.environ.get("XLIB_RUNS") or project_root() / "runs")
