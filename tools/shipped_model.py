"""Rebuild the shipped miniature model from the committed settings and compare it byte for byte.

``python tools/shipped_model.py`` runs ``python -m xlib pretrain params/miniature.yaml`` in a fresh
process with an empty cache and the shipped model switched off (``XLIB_SHIPPED_MODEL=0``), so the
model is built from the params' ``pretrain:`` settings, then compares every file of the build with
``xlib/data/miniature_model/`` (``pretrain.json`` without its wall-clock ``seconds``) and exits 1 on
any difference. ``--update`` copies the build into ``xlib/data/miniature_model/`` instead (to ship a
model for new settings). The build takes as long as the pretraining (about 20 minutes on one thread
of the 2-core machine). The floats depend on the machine's CPU instructions: compare on the kind
of machine that built the shipped files (``pretrain.json`` records the settings, not the processor).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "xlib" / "data" / "miniature_model"


def comparable(path: Path) -> bytes:
    """Return the bytes of ``path`` that must match (``pretrain.json`` without ``seconds``)."""
    if path.name == "pretrain.json":
        summary = json.loads(path.read_text())
        summary.pop("seconds", None)
        return json.dumps(summary, sort_keys=True).encode()
    return path.read_bytes()


def build(params: Path, cache: Path) -> Path:
    """Build the model of ``params`` into ``cache`` with ``python -m xlib pretrain`` and return its directory."""
    env = {**os.environ, "XLIB_CACHE": str(cache), "XLIB_SHIPPED_MODEL": "0", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "xlib", "pretrain", str(params)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def compare(built: Path, shipped: Path = SHIPPED) -> list[str]:
    """Return the names of the files that differ between ``built`` and ``shipped`` (missing ones included)."""
    names = sorted({p.name for p in built.iterdir()} | {p.name for p in shipped.iterdir()})
    return [
        n
        for n in names
        if not (built / n).is_file() or not (shipped / n).is_file() or comparable(built / n) != comparable(shipped / n)
    ]


def main(argv: list[str]) -> int:
    """Rebuild, then compare with (or ``--update``) the shipped model; return the exit status."""
    update = "--update" in argv
    params = ROOT / "params" / "miniature.yaml"
    with tempfile.TemporaryDirectory(prefix="xlib-shipped-") as cache:
        built = build(params, Path(cache))
        for f in sorted(built.iterdir()):
            print(f"{f.name}: {f.stat().st_size} bytes, sha256 {hashlib.sha256(f.read_bytes()).hexdigest()[:16]}")
        if update:
            shutil.rmtree(SHIPPED, ignore_errors=True)
            SHIPPED.mkdir(parents=True)
            for f in sorted(built.iterdir()):
                shutil.copyfile(f, SHIPPED / f.name)
            print(f"copied the build into {SHIPPED}")
            return 0
        differ = compare(built)
    print("identical to the shipped model" if not differ else f"DIFFERENT from the shipped model: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
