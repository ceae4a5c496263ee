"""The shipped miniature model (xlib/data/miniature_model/) is the build of params/miniature.yaml's settings.

Fast checks: it records the configuration hash of the committed settings, stays under 10 MB, and a
study with those settings gets exactly its bytes (other settings do not). The slow test rebuilds it
with ``python -m xlib pretrain`` (about 20 minutes) and compares the bytes (``tools/shipped_model.py``).
"""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlib.params import load_params
from xlib.synth.pretrain import SHIPPED_MODEL, PretrainConfig, ensure_pretrained, shipped_model

ROOT = Path(__file__).resolve().parents[1]
FILES = {"config.json", "model.safetensors", "pretrain.json", "tokenizer.json", "tokenizer_config.json"}


def committed() -> PretrainConfig:
    """Return the pretrain settings of params/miniature.yaml."""
    return PretrainConfig.from_dict(load_params(ROOT / "params" / "miniature.yaml")["pretrain"])


def test_shipped_model_is_recorded_as_the_build_of_the_committed_settings():
    assert {p.name for p in SHIPPED_MODEL.iterdir()} == FILES
    summary = json.loads((SHIPPED_MODEL / "pretrain.json").read_text())
    assert summary["key"] == committed().key()
    assert PretrainConfig.from_dict(summary["config"]) == committed()
    assert sum(p.stat().st_size for p in SHIPPED_MODEL.iterdir()) < 10_000_000
    config = json.loads((SHIPPED_MODEL / "config.json").read_text())
    assert config["hidden_size"] == committed().hidden_size and config["num_hidden_layers"] == committed().num_layers


def test_the_committed_settings_get_the_shipped_bytes_and_other_settings_do_not(tmp_path, monkeypatch):
    monkeypatch.delenv("XLIB_SHIPPED_MODEL", raising=False)
    messages = []
    path = ensure_pretrained(committed(), root=tmp_path, log=messages.append)
    assert path.parent == tmp_path and path.name == f"synth-mlm-{committed().key()}"
    assert "copying the shipped" in messages[0]
    for name in FILES:
        assert (path / name).read_bytes() == (SHIPPED_MODEL / name).read_bytes(), name
    other = dataclasses.replace(committed(), steps=committed().steps + 1)
    assert shipped_model(other) is None
    monkeypatch.setenv("XLIB_SHIPPED_MODEL", "0")
    assert shipped_model(committed()) is None


@pytest.mark.slow
def test_rebuilding_the_shipped_model_gives_the_same_bytes():
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "shipped_model.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "identical to the shipped model" in out.stdout


def test_the_full_grid_uses_the_default_study_model_and_budgets():
    default = load_params(ROOT / "params" / "miniature.yaml")
    full = load_params(ROOT / "params" / "miniature_full.yaml")
    for block in ("pretrain", "data", "seeds", "intermediate", "target", "target_overrides"):
        assert full[block] == default[block], block
