"""The miniature's diagnostic tools: the surface-difference shortcut baseline and the probe's training language."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.miniature_probe import phase2_heads, trained_in, translate_train_options  # noqa: E402
from tools.nli_surface_baseline import difference, lookup_accuracy  # noqa: E402

from xlib.synth.tasks import generate  # noqa: E402
from xlib.tasks import get_task  # noqa: E402
from xlib.tasks.spec import _REGISTRY  # noqa: E402


def pair(text, text_pair, label):
    return {"text": text, "text_pair": text_pair, "label": label}


def test_difference_counts_tokens_as_multisets():
    assert difference(pair("a b b c .", "a b c d e .", 0)) == (1, 2)
    assert difference(pair("x y .", "x y .", 0)) == (0, 0)


def test_lookup_learns_a_deterministic_rule_and_misses_unseen_values():
    train = [pair("a b .", "a .", 0), pair("a b .", "a b c .", 1), pair("c d .", "c .", 0)]
    assert lookup_accuracy(train, [pair("e f .", "e .", 0), pair("e .", "e g .", 1)]) == 100.0
    assert lookup_accuracy(train, [pair("e f g .", "e .", 0)]) == 0.0  # (2, 0) never seen in training


def test_the_shortcut_beats_chance_on_mini_xnli_in_every_language():
    # a floor for models that compare the two sentences: far above the 33.3% chance in every language
    for lang in get_task("mini-xnli").languages:
        train = generate("mini-xnli", "train", lang, 600)
        test = generate("mini-xnli", "test", lang, 90)
        assert lookup_accuracy(train, test) > 50.0, lang


def test_probe_trains_a_synthetic_target_in_another_language():
    name = trained_in("mini-xnli", "sva")
    try:
        spec = get_task(name)
        assert spec.train_language == "sva" and spec.languages == get_task("mini-xnli").languages
        assert spec.load("train", "sva", sizes={"train": 5}) == generate("mini-xnli", "train", "sva", 5)
        assert spec.load("test", "en", sizes={"test": 3}) == generate("mini-xnli", "test", "en", 3)
    finally:
        _REGISTRY.pop(name, None)  # other tests walk the registry


def test_probe_scores_translate_trains_own_head_in_every_language(tiny_model_dir):
    from xlib.params import load_params

    params = load_params(ROOT / "params" / "miniature.yaml")
    params["data"] = {**params["data"], "sizes": {"train": 8, "dev": 4, "test": 6}}
    scores = phase2_heads(params, tiny_model_dir, 2, 0, {"batch_size": 4, "max_length": 48})
    assert sorted(scores) == sorted(get_task("mini-xnli").languages)
    for value in scores.values():  # 6 test examples each: multiples of 100/6
        assert 0.0 <= value <= 100.0 and round(value * 6 / 100, 6) == round(value * 6 / 100)


def test_probe_trains_translate_train_with_the_options_the_study_passes():
    # the probe's positive control once passed the languages in data only, so phase (ii) saw English alone
    from xlib.params import load_params

    params = load_params(ROOT / "params" / "miniature.yaml")
    options = translate_train_options(params)
    assert options == {"translate": params["conditions"]["translate-train"]["translate"]}
    assert len(options["translate"]["languages"]) == 6


def test_study_time_groups_runs_by_condition_and_target(tmp_path):
    import json

    from tools.study_time import study_time

    for rid, run in {
        "intermediate--tt--s0": {"phase": "intermediate", "condition": "tt", "target": "", "seconds": 30.0},
        "target--b--x--s0": {"phase": "target", "condition": "b", "target": "x", "seconds": 2.0},
        "target--tt--x--s0": {"phase": "target", "condition": "tt", "target": "x", "seconds": 4.0},
    }.items():
        (tmp_path / rid).mkdir()
        (tmp_path / rid / "run.json").write_text(json.dumps(run))
    assert study_time(tmp_path) == {"phase (ii), tt": [30.0], "x": [2.0, 4.0]}


def test_alignment_probe_finds_translations_through_shared_names_only():
    """tools/alignment_probe.py on the shipped model: one row per layer, one share per language; the
    languages that share names and digits with English find far more translations than cyr and grk."""
    from tools.alignment_probe import LANGS, search_accuracy
    from xlib.synth.pretrain import SHIPPED_MODEL

    table = search_accuracy(str(SHIPPED_MODEL), sentences=100)
    assert len(table) == 5 and all(len(row) == len(LANGS) - 1 for row in table)  # embeddings + 4 layers
    assert all(0 <= v <= 100 for row in table for v in row)
    sva, cyr, grk = table[0][0], table[0][4], table[0][5]
    assert sva > 20 and max(cyr, grk) < 10


def test_alignment_finetune_pairs_cycle_languages_and_flip_polarity():
    """tools/alignment_finetune.py's parallel pairs: the other language cycles through the six (cyr and
    grk in their scripts), the English side realises the stream's meanings, and the negated English
    differs from the English wherever the passage has an event or a state."""
    import random

    from tools.alignment_finetune import LANGS, parallel_pairs
    from xlib.synth.realize import say
    from xlib.synth.sampling import corpus_meanings
    from xlib.synth.world import get_world

    pairs = parallel_pairs(12, 1)
    assert len(pairs) == 12 and all(len(p) == 3 for p in pairs)
    assert LANGS.index("cyr") == 4 and LANGS.index("grk") == 5
    assert any("\u0400" <= ch <= "\u04ff" for ch in pairs[4][1] + pairs[10][1])
    assert any("\u0370" <= ch <= "\u03ff" for ch in pairs[5][1] + pairs[11][1])
    assert all(english != other for english, other, _ in pairs)
    meaning, kw = corpus_meanings(get_world(), random.Random(777), 1)[0]
    assert say(get_world(), meaning, "en", **kw) == pairs[0][0]
    assert sum(english != negated for english, _, negated in pairs) >= 6


def test_greedy_match_scores_ignore_padding_and_peak_on_identical_sentences():
    """Each token's best cosine, averaged both ways: 1 for a sentence against itself, the same with
    padding added, lower against a different sentence."""
    import torch

    from tools.alignment_finetune import greedy_match_scores

    torch.manual_seed(0)
    states = torch.randn(2, 5, 8)
    mask = torch.ones(2, 5, dtype=torch.long)
    scores = greedy_match_scores(states, mask, states, mask)
    assert torch.allclose(scores.diagonal(), torch.ones(2))
    assert scores[0, 1] < 0.99 and scores[1, 0] < 0.99
    padded = torch.cat([states, torch.randn(2, 3, 8)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(2, 3, dtype=torch.long)], dim=1)
    assert torch.allclose(greedy_match_scores(states, mask, padded, padded_mask), scores)
    assert torch.allclose(greedy_match_scores(padded, padded_mask, states, mask), scores)


def test_alignment_finetune_is_deterministic_and_moves_the_model(tmp_path):
    """Two 2-step runs of tools/alignment_finetune.py give the same bytes, different from the start."""
    import hashlib

    from tools.alignment_finetune import main
    from xlib.synth.pretrain import SHIPPED_MODEL

    digests = []
    for name in ("a", "b"):
        main([str(tmp_path / name), "--steps", "2", "--token-level", "--hard-negatives", "--mse", "0.1"])
        digests.append(hashlib.sha256((tmp_path / name / "model.safetensors").read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert digests[0] != hashlib.sha256((SHIPPED_MODEL / "model.safetensors").read_bytes()).hexdigest()


def test_probe_confusion_counts_test_predictions_per_language():
    """tools/miniature_probe.py --confusion: gold>predicted counts of the test split only, per language."""
    from tools.miniature_probe import confusion

    rows = [
        {"language": "en", "split": "test", "gold": 0, "prediction": 0},
        {"language": "en", "split": "test", "gold": 0, "prediction": 1},
        {"language": "en", "split": "test", "gold": 0, "prediction": 1},
        {"language": "en", "split": "dev", "gold": 2, "prediction": 2},
        {"language": "sva", "split": "test", "gold": 2, "prediction": 1},
    ]
    assert confusion(rows) == {"en": {"0>0": 1, "0>1": 2}, "sva": {"2>1": 1}}


def test_surface_rule_learnt_in_english_transfers_to_every_language(capsys):
    """tools/nli_surface_baseline.py --train-language en: the language-blind rule learnt on English
    pairs labels every other language's mini-xnli test set well above chance (the task admits a
    comparison that transfers); an unknown training language is refused by name."""
    import pytest

    from tools.nli_surface_baseline import main

    main(["--train-language", "en", "--train", "1000", "--test", "90"])
    lines = capsys.readouterr().out.splitlines()
    assert "learnt in en" in lines[0]
    scores = {line.split(":")[0].strip(): float(line.split(":")[1]) for line in lines[1:]}
    assert set(scores) == {"en", "sva", "svb", "sov", "vso", "cyr", "grk"}
    assert scores["en"] > 85 and all(v > 50 for lang, v in scores.items() if lang != "en")
    with pytest.raises(SystemExit, match="--train-language: expected one of"):
        main(["--train-language", "xx"])


def test_untrained_encoder_keeps_shape_and_tokenizer_and_redraws_weights(tmp_path):
    """tools/untrained_encoder.py: the shipped model's config and tokenizer, seeded fresh weights."""
    import hashlib

    from safetensors.torch import load_file

    from tools.untrained_encoder import main
    from xlib.synth.pretrain import SHIPPED_MODEL

    main([str(tmp_path / "a")])
    main([str(tmp_path / "b")])
    main([str(tmp_path / "c"), "--seed", "1"])
    digest = {n: hashlib.sha256((tmp_path / n / "model.safetensors").read_bytes()).hexdigest() for n in "abc"}
    assert digest["a"] == digest["b"] != digest["c"]
    fresh, trained = load_file(tmp_path / "a" / "model.safetensors"), load_file(SHIPPED_MODEL / "model.safetensors")
    assert {k: v.shape for k, v in fresh.items()} == {k: v.shape for k, v in trained.items()}
    key = "roberta.embeddings.word_embeddings.weight"
    assert not (fresh[key] == trained[key]).all()
    assert (tmp_path / "a" / "tokenizer.json").read_text() == (SHIPPED_MODEL / "tokenizer.json").read_text()


def test_alignment_finetune_edit_pair_fraction_changes_the_corpus(tmp_path, monkeypatch):
    """--edit-pair-fraction replaces the params' edit_pair_fraction before the corpus is built."""
    import pytest

    import xlib.synth.pretrain as pretrain
    from tools.alignment_finetune import main

    seen = []

    def record(cfg):
        seen.append(cfg.edit_pair_fraction)
        raise SystemExit("stop once the corpus settings are known")

    monkeypatch.setattr(pretrain, "_documents", record)
    for argv in (["--edit-pair-fraction", "0.5"], []):
        with pytest.raises(SystemExit, match="corpus settings"):
            main([str(tmp_path / "m"), "--steps", "1", *argv])
    assert seen == [0.5, 0.0]
