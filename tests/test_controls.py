"""The controls' machinery on the smoke study: the shuffled-label condition trains on permuted labels,
translate-train trains on every language it names."""

from collections import Counter
from pathlib import Path

import pytest

from xlib import pipeline
from xlib.params import load_params
from xlib.planning import plan
from xlib.tasks import get_task

ROOT = Path(__file__).resolve().parents[1]


class Stop(Exception):
    pass


def trained_examples(monkeypatch, tmp_path, condition: dict) -> list[dict]:
    """Return the examples phase (ii) of ``condition`` (added to the smoke study) featurises for training."""
    params = load_params(ROOT / "params" / "smoke.yaml")
    params["conditions"] = {"control": condition}
    run = next(r for r in plan(params, tmp_path, base_model="unused") if r.phase == "intermediate")
    seen = []
    real = pipeline.featurize_cached

    def capture(fmt, examples, *args, **kwargs):
        seen.extend(examples)
        return real(fmt, examples[:4], *args, **kwargs)

    def stop(*_args, **_kwargs):
        raise Stop

    monkeypatch.setattr(pipeline, "featurize_cached", capture)
    monkeypatch.setattr(pipeline, "train", stop)
    from xlib.study import smoke_model

    with pytest.raises(Stop):
        pipeline.run({**run.parameters, "encoder": smoke_model()}, str(tmp_path))
    return seen


def test_shuffled_condition_trains_on_permuted_labels(monkeypatch, tmp_path):
    params = load_params(ROOT / "params" / "smoke.yaml")
    original = get_task("mini-mnli").load("train", "en", **params["data"])
    shuffled = trained_examples(monkeypatch, tmp_path, {"tasks": ["mini-mnli"], "shuffle_labels": True})
    assert [e["id"] for e in shuffled] == [e["id"] for e in original]
    assert [(e["text"], e["text_pair"]) for e in shuffled] == [(e["text"], e["text_pair"]) for e in original]
    before, after = [e["label"] for e in original], [e["label"] for e in shuffled]
    assert Counter(after) == Counter(before)  # a permutation: the same label counts
    agree = sum(a == b for a, b in zip(before, after)) / len(before)
    assert agree < 0.5, agree  # 3 balanced labels: about 1/3 agree by chance
    again = trained_examples(monkeypatch, tmp_path, {"tasks": ["mini-mnli"], "shuffle_labels": True})
    assert [e["label"] for e in again] == after  # seeded
    plain = trained_examples(monkeypatch, tmp_path, {"tasks": ["mini-mnli"], "shuffle_labels": False})
    assert [e["label"] for e in plain] == before


def test_translate_train_reads_every_language(monkeypatch, tmp_path):
    languages = ["sva", "svb", "sov", "vso", "cyr", "grk"]
    params = load_params(ROOT / "params" / "smoke.yaml")
    n = params["data"]["sizes"]["train"]
    seen = trained_examples(monkeypatch, tmp_path, {"tasks": ["mini-mnli"], "translate": {"languages": languages}})
    by_language = Counter(e["id"].split(":")[0] if ":" in e["id"] else "en" for e in seen)
    assert by_language == {lang: n for lang in ["en", *languages]}
    # the same meanings and labels in every language, realised in that language's words
    english = [e for e in seen if ":" not in e["id"]]
    for lang in languages:
        own = [e for e in seen if e["id"].startswith(f"{lang}:")]
        assert [e["label"] for e in own] == [e["label"] for e in english]
        assert sum(a["text"] != b["text"] for a, b in zip(own, english)) == n


def test_shuffled_labels_rejected_for_tasks_without_one_label(tmp_path):
    from xlib.conditions import condition_errors
    from xlib.tasks import all_tasks

    TASKS = all_tasks()
    errors = condition_errors("c", {"tasks": ["mini-squad"], "shuffle_labels": True}, TASKS)
    assert any("conditions.c.shuffle_labels" in e and "mini-squad" in e for e in errors), errors
    errors = condition_errors("c", {"tasks": ["mini-mnli"], "shuffle_labels": "yes"}, TASKS)
    assert any("expected true or false" in e for e in errors), errors
