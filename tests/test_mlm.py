"""Continued multilingual MLM during phase (ii): masking, the batch share, weight tying, training and saving."""

import json
from pathlib import Path

import pytest
import torch

from xlib.mlm import MLM_TASK, add_mlm, build_mlm_model, check_options, mask_features, mlm_examples_needed
from xlib.train import TrainConfig, task_weights

SENTENCES = [
    "mola tiku ren sapo vel dunar kis oppa lume tarek nivo bessa",
    "дома кира лот ψαρι λυκο οδος 3 7 12 .",
    "tiku ren 7 sapo .",
    "vel",
]


def test_masking_is_80_10_10_with_labels_only_at_masked_tokens(tiny_model_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    feats = mask_features(SENTENCES, tok, 400, max_length=32, mask_prob=0.15, seed=0)
    assert len(feats) == 400
    originals = {tuple(tok(s, truncation=True, max_length=32)["input_ids"]) for s in SENTENCES}
    masked = kept = replaced = total = 0
    for f in feats:
        assert len(f["input_ids"]) == len(f["labels"]) == len(f["attention_mask"])
        assert any(l != -100 for l in f["labels"])  # never an empty loss
        restored = [l if l != -100 else i for i, l in zip(f["input_ids"], f["labels"])]
        assert tuple(restored) in originals  # labels hold the original ids
        for i, l in zip(f["input_ids"], f["labels"]):
            total += 1
            if l == -100:
                continue
            if i == tok.mask_token_id:
                masked += 1
            elif i == l:
                kept += 1
            else:
                replaced += 1
        assert f["input_ids"][0] == tok.bos_token_id and f["labels"][0] == -100  # specials never masked
    chosen = masked + kept + replaced
    assert 0.12 < chosen / total < 0.30  # 15 % of the non-special tokens (+ forced ones)
    assert 0.7 < masked / chosen < 0.9 and kept / chosen < 0.2 and replaced / chosen < 0.2
    again = mask_features(SENTENCES, tok, 400, max_length=32, seed=0)
    assert again == feats and mask_features(SENTENCES, tok, 400, max_length=32, seed=1) != feats


@pytest.mark.parametrize("hp", [{}, {"sampling_cap": 50}, {"sampling": "temperature", "temperature": 2.0}])
def test_mlm_share_of_batches_matches_the_ratio(hp):
    cfg = TrainConfig.from_dict(hp)
    sizes = {"a": 300, "b": 40}
    for ratio in (0.25, 0.5):
        n = mlm_examples_needed(sizes, ratio, cfg)
        share = task_weights({**sizes, MLM_TASK: n}, cfg)[MLM_TASK]
        if hp.get("sampling_cap") and ratio == 0.5:
            assert n == 50 and share == pytest.approx(50 / 140)  # the cap bounds the share
        else:
            assert share == pytest.approx(ratio, abs=0.01)


def test_options_are_checked_key_by_key():
    assert check_options({"languages": ["en"], "corpus": "synthetic"}) == []
    errors = check_options({"languages": [], "corpus": {"de": "x.txt"}, "ratio": 1.5, "mask_prob": 0, "colour": 1})
    text = "\n".join(errors)
    for part in (
        "unknown key 'colour'",
        "languages: expected a non-empty list",
        "ratio: expected a number strictly",
        "mask_prob: expected",
    ):
        assert part in text
    assert "corpus: no file for language(s) fr" in "\n".join(
        check_options({"languages": ["fr"], "corpus": {"de": "x"}})
    )


def test_mlm_head_is_tied_to_the_shared_encoder(tiny_model_dir):
    from transformers import AutoModelForSequenceClassification

    task = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir, num_labels=3)
    mlm = build_mlm_model(tiny_model_dir, task)
    assert mlm.roberta is task.roberta
    assert mlm.get_output_embeddings().weight is task.roberta.embeddings.word_embeddings.weight
    assert not hasattr(mlm.roberta, "pooler") or mlm.roberta.pooler is None or mlm.roberta is task.roberta


def test_mlm_continuation_trains_the_shared_encoder_and_saves_an_encoder(tiny_model_dir, tmp_path):
    from safetensors.torch import load_file
    from xlib.pipeline import run_intermediate

    corpus = tmp_path / "de.txt"
    corpus.write_text("\n".join(SENTENCES * 5) + "\n", encoding="utf-8")
    data = {"data_dir": str(Path(__file__).parent / "fixtures" / "intermediate")}
    options = {
        "mlm": {
            "languages": ["de", "sov"],
            "corpus": {"de": str(corpus), "sov": str(corpus)},
            "ratio": 0.5,
            "sentences": 10,
        }
    }
    hp = {"learning_rate": 1e-3, "max_steps": 8, "batch_size": 4, "max_length": 32}
    report = run_intermediate(["sst2"], tiny_model_dir, str(tmp_path / "out"), hp, seed=0, data=data, options=options)
    assert {e["task"] for e in report["log"]} == {"sst2", MLM_TASK}
    assert {r["task"] for r in report["rows"]} == {"sst2"}  # MLM is not evaluated as a task
    weights = load_file(str(Path(report["encoder"]) / "model.safetensors"))
    assert not any("lm_head" in k or "classifier" in k for k in weights)
    before = load_file(str(Path(tiny_model_dir) / "model.safetensors"))
    key = next(k for k in before if k.endswith("word_embeddings.weight"))
    saved = next(v for k, v in weights.items() if k.endswith("word_embeddings.weight"))
    assert not torch.equal(before[key], saved)
    config = json.loads((Path(report["encoder"]) / "config.json").read_text())
    assert config.get("architectures") in (None, [], ["XLMRobertaModel"])  # the bare encoder, no MLM head


def test_add_mlm_rejects_bad_options_and_reports_the_share(tiny_model_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    cfg = TrainConfig.from_dict({"max_length": 32})
    models = {"t": AutoModelForSequenceClassification.from_pretrained(tiny_model_dir, num_labels=2)}
    features = {"t": [{"input_ids": [0, 5, 2], "attention_mask": [1, 1, 1], "labels": 0}] * 30}
    with pytest.raises(ValueError, match="mlm: corpus: expected 'synthetic'"):
        add_mlm(dict(models), dict(features), {"languages": ["en"], "corpus": 3}, tiny_model_dir, tok, cfg, 0)
    summary = add_mlm(
        models,
        features,
        {"languages": ["en", "sov"], "corpus": "synthetic", "sentences": 20, "ratio": 0.25},
        tiny_model_dir,
        tok,
        cfg,
        0,
    )
    assert summary["mlm_sentences"] == 40 and len(features[MLM_TASK]) == 10
    assert summary["mlm_share"] == pytest.approx(0.25)
    assert list(models) == ["t", MLM_TASK]
