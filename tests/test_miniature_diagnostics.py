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
