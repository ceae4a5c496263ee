"""What a run's numbers depend on besides its parameters: code, libraries, model bytes, threads, device.

Every finished run records this in ``run.json`` under ``environment``; ``python -m xlib diff``
(:mod:`xlib.difference`) reads it back to say why two studies' results may differ.
"""

from __future__ import annotations

import hashlib
import platform
import socket
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path


# the libraries whose versions can change a score (the floats of training or the data they read)
LIBRARIES = ("torch", "transformers", "tokenizers", "datasets", "accelerate", "sentencepiece", "numpy")
# files of a model directory that say nothing about what it computes (pretrain.json holds build timings)
NOT_MODEL_CONTENT = {"pretrain.json", "README.md", "training_args.bin"}


@lru_cache(maxsize=1)
def code_version() -> dict:
    """Return ``{"xlib", "commit", "dirty"}``: the package version and, in a git checkout, its commit and state.

    ``dirty`` is True when tracked or untracked (not ignored) files differ from the commit; commit
    and dirty are None outside a git checkout (an installed package).
    """
    root = Path(__file__).resolve().parents[1]
    try:
        version = metadata.version("xlib")
    except metadata.PackageNotFoundError:
        version = None

    def git(*args) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout if out.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    inside = top is not None and Path(top.strip()).resolve() == root  # not a repository that merely holds it
    commit = git("rev-parse", "HEAD") if inside else None
    status = git("status", "--porcelain") if commit else None
    return {
        "xlib": version,
        "commit": commit.strip() if commit else None,
        "dirty": None if status is None else bool(status.strip()),
    }


@lru_cache(maxsize=1)
def library_versions() -> dict:
    """Return ``{library: installed version or None}`` for the libraries that can change a score."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@lru_cache(maxsize=1)
def cpu_name() -> str:
    """Return the processor's model name (``/proc/cpuinfo``; else what ``platform`` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _files_signature(directory: Path) -> tuple:
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name not in NOT_MODEL_CONTENT
    )


@lru_cache(maxsize=64)
def _directory_digest(directory: str, signature: tuple) -> str:
    h = hashlib.sha256()
    for name, _size, _mtime in signature:
        h.update(name.encode() + b"\0")
        with open(Path(directory) / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


def model_digest(model: str | Path) -> str | None:
    """Return a SHA-256 over the files of a local model directory (names and bytes, build logs excluded).

    A hub id is looked up in the local Hugging Face cache only (no network): ``hub:<id>@<commit>``
    when a snapshot is there, else None.
    """
    path = Path(model)
    if path.is_dir():
        return _directory_digest(str(path.resolve()), _files_signature(path))
    try:
        from huggingface_hub import snapshot_download

        snapshot = Path(snapshot_download(str(model), local_files_only=True))
    except Exception:  # noqa: BLE001  (not cached, not a hub id, or the hub library missing)
        return None
    return f"hub:{model}@{snapshot.name}"


def device_name(device: int | str | None, gpus: int = 0) -> str:
    """Return ``cpu``, or ``cuda:<name>`` of the GPU a run was given."""
    if device is None and not gpus:
        return "cpu"
    try:
        import torch

        if torch.cuda.is_available():
            return f"cuda:{torch.cuda.get_device_name(0)}"
    except Exception:  # noqa: BLE001
        pass
    return "cpu"


def run_environment(model: str | None, threads: int, device: int | str | None = None, gpus: int = 0) -> dict:
    """Return what a run's numbers depend on besides its parameters.

    ``model`` is the checkpoint the run starts from (its content hash is recorded), ``threads`` the
    torch CPU thread count the run was given, ``device`` the GPU it was given (None on CPU).
    """
    return {
        "code": code_version(),
        "libraries": library_versions(),
        "model": model,
        "model_sha256": model_digest(model) if model else None,
        "threads": int(threads),
        "device": device_name(device, gpus),
        "cpu": cpu_name(),
        "host": socket.gethostname(),
    }
