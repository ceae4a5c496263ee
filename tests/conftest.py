"""Shared fixtures: no network, a tiny random model built offline, temporary caches."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# The notebooks' default (smoke) study runs into a per-session directory, never into the user's runs/;
# notebook kernels started by nbval inherit this environment.
if not os.environ.get("XLIB_RUNS"):
    import tempfile

    os.environ["XLIB_RUNS"] = tempfile.mkdtemp(prefix="xlib-test-runs-")

import pytest  # noqa: E402

WORDS = ("mola tiku ren sapo vel dunar kis oppa lume tarek nivo bessa дома кира лот ψαρι λυκο οδος 3 7 12 .").split()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny random XLM-R-architecture model and tokenizer saved with save_pretrained."""
    import random

    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    from xlib.synth.pretrain import train_tokenizer

    rng = random.Random(0)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(400)]
    tok = train_tokenizer(texts, vocab_size=120)
    cfg = XLMRobertaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    out = tmp_path_factory.mktemp("tiny-model")
    import torch

    with torch.random.fork_rng():  # the same weights whichever test builds it first, global RNG untouched
        torch.manual_seed(0)
        model = XLMRobertaForMaskedLM(cfg)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return str(out)


@pytest.fixture(scope="session")
def tiny_local_results(tmp_path_factory):
    """The runs directory of tests/fixtures/params/tiny.yaml run once, uninterrupted, by the local executor.

    The reference that the executor and fault-injection tests compare their results with
    (``helpers_cluster.assert_same_study``); it builds its own pretrained model, as each of them does.
    """
    from helpers_cluster import TINY, run_cli

    runs = tmp_path_factory.mktemp("tiny-local")
    out = run_cli("run", TINY, "--runs-dir", runs, "--no-figures")
    assert out.returncode == 0, out.stderr[-3000:]
    return runs
