"""The miniature's pretrained model is a function of its settings: two builds give the same bytes.

Each build runs in its own process, from its own working directory, into its own empty cache, under
different thread settings (tokenizers' and Rayon's parallelism, torch's threads) and with another
hash seed, so nothing that could differ between two users' builds is shared by the two sides.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = {
    "sentences_per_language": 150,
    "vocab_size": 200,
    "hidden_size": 16,
    "num_layers": 1,
    "num_heads": 2,
    "intermediate_size": 32,
    "max_length": 32,
    "steps": 6,
    "batch_size": 8,
}
BUILD = (
    "import json, sys, torch; from xlib.synth.pretrain import ensure_pretrained; "
    "torch.set_num_threads(int(sys.argv[2])); "
    "print(ensure_pretrained(json.loads(sys.argv[1]), log=lambda *a: None))"
)
SETTINGS = [
    {"TOKENIZERS_PARALLELISM": "true", "RAYON_NUM_THREADS": "4", "PYTHONHASHSEED": "1", "OMP_NUM_THREADS": "3"},
    {"TOKENIZERS_PARALLELISM": "false", "RAYON_NUM_THREADS": "1", "PYTHONHASHSEED": "2", "OMP_NUM_THREADS": "1"},
]


def build_in_fresh_process(tmp_path: Path, name: str, env: dict, torch_threads: int) -> Path:
    """Return the model directory that a separate process built into an empty cache under ``tmp_path/name``."""
    import json

    work, cache = tmp_path / name / "cwd", tmp_path / name / "cache"
    work.mkdir(parents=True)
    environ = {**os.environ, **env, "XLIB_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", BUILD, json.dumps(TINY), str(torch_threads)],
        cwd=work,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    path = Path(out.stdout.strip().splitlines()[-1])
    assert path.parent == cache
    return path


def digest(path: Path) -> str:
    """Return the SHA-256 of one file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_of_one_setting_are_byte_identical(tmp_path):
    a = build_in_fresh_process(tmp_path, "a", SETTINGS[0], torch_threads=3)
    b = build_in_fresh_process(tmp_path, "b", SETTINGS[1], torch_threads=1)
    assert a.name == b.name
    for name in ("tokenizer.json", "model.safetensors", "config.json", "tokenizer_config.json"):
        assert digest(a / name) == digest(b / name), f"{name} differs between two builds of one setting"


def test_another_setting_gives_another_model(tmp_path):
    """The comparison above can fail: a build that really differs (one more step) has other weights."""
    from xlib.synth.pretrain import PretrainConfig, build

    base = PretrainConfig.from_dict(TINY)
    other = PretrainConfig.from_dict({**TINY, "steps": TINY["steps"] + 1})
    for cfg, name in ((base, "base"), (other, "other")):
        build(cfg, tmp_path / name, log=lambda *a: None)
    assert digest(tmp_path / "base" / "tokenizer.json") == digest(tmp_path / "other" / "tokenizer.json")
    assert digest(tmp_path / "base" / "model.safetensors") != digest(tmp_path / "other" / "model.safetensors")


def test_build_restores_the_callers_thread_count(tmp_path):
    import torch

    from xlib.synth.pretrain import PretrainConfig, build

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        build(PretrainConfig.from_dict({**TINY, "threads": 2}), tmp_path / "m", log=lambda *a: None)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("texts", [["a b c"] * 3, []])
def test_special_tokens_come_first_even_on_a_tiny_corpus(texts):
    """A corpus far smaller than the vocabulary still gives the special tokens ids 0-4; no corpus is an error."""
    from xlib.synth.pretrain import train_tokenizer

    if not texts:
        with pytest.raises(Exception):
            train_tokenizer(texts, vocab_size=50)
        return
    tok = train_tokenizer(texts, vocab_size=50)
    assert tok.convert_ids_to_tokens([0, 1, 2, 3, 4]) == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
