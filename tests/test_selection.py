"""Dev-based checkpoint selection / early stopping (jiant's protocol) and the params-chosen evaluation split."""

import json
import shutil
from pathlib import Path

import pytest
import torch

from xlib import pipeline
from xlib.params import ParamsError, load_params
from xlib.selection import DevSelection
from xlib.tasks import get_task

FIX = Path(__file__).parent / "fixtures" / "xtreme"
ROOT = Path(__file__).resolve().parents[1]


def test_selection_keeps_the_best_weights_and_stops_after_patience_validations_without_gain():
    model = torch.nn.Linear(2, 1)
    scores = iter([1.0, 3.0, 2.0, 2.5, 9.0])
    selection = DevSelection(lambda m: next(scores), eval_every=10, patience=2)
    assert [s for s in range(1, 36) if selection.due(s, 35)] == [10, 20, 30, 35]
    stops = []
    for step in (10, 20, 30, 40):
        with torch.no_grad():
            model.weight.fill_(step)  # the weights "after" this step
        stops.append(selection.update(step, model))
    assert stops == [False, False, False, True]  # best at step 20, then two validations without a gain
    entry = selection.restore(model)
    assert entry == {"step": 20, "task": "dev-selection-best", "best_dev_score": 3.0, "validations": 4}
    assert torch.all(model.weight == 20)
    never = DevSelection(lambda m: 0.0, eval_every=1, patience=0)
    assert not any(never.update(s, model) for s in range(1, 50))  # patience 0: select, never stop early


def test_training_with_dev_selection_returns_the_best_validated_model(tiny_model_dir):
    hp = {
        "learning_rate": 5e-2,
        "max_steps": 6,
        "batch_size": 4,
        "max_length": 48,
        "warmup_ratio": 0.0,
        "select_on_dev": True,
        "eval_every": 2,
        "patience": 10,
        "eval_examples": None,
    }
    model, tok, log, cfg, rows = pipeline.train_target("xnli", tiny_model_dir, hp, data={"data_dir": str(FIX)})
    checks = [e for e in log if e.get("task") == "dev-selection"]
    assert [e["step"] for e in checks] == [2, 4, 6]
    best = max(checks, key=lambda e: e["dev_score"])
    final = log[-1]
    assert final["task"] == "dev-selection-best"
    assert final["step"] == best["step"] and final["best_dev_score"] == best["dev_score"]
    import pandas as pd  # the intermediate notebook's view of the log: one cell per (step, task)

    assert pd.DataFrame(log).pivot(index="step", columns="task", values="loss").shape[0] >= 3
    dev = next(r["value"] for r in rows if r["metric"] == "accuracy" and r["split"] == "dev")
    assert dev == pytest.approx(best["dev_score"])  # the model handed back is the best one, rescored


def test_the_weights_handed_back_are_those_of_the_best_validation(tiny_model_dir, monkeypatch):
    """Scripted dev scores (best at step 4 of 6): training returns step 4's weights, not the last ones."""
    seen = {}
    scores = iter([0.1, 0.9, 0.2])

    def scripted(specs, tokenizer, cfg, data):
        def score(shared):
            seen[len(seen) * 2 + 2] = shared.encoder().embeddings.word_embeddings.weight.detach().clone()
            return next(scores)

        return score

    monkeypatch.setattr(pipeline, "dev_score", scripted)
    hp = {
        "learning_rate": 5e-2,
        "max_steps": 6,
        "batch_size": 4,
        "max_length": 48,
        "warmup_ratio": 0.0,
        "select_on_dev": True,
        "eval_every": 2,
        "patience": 5,
    }
    model, *_ = pipeline.train_target("xnli", tiny_model_dir, hp, data={"data_dir": str(FIX)})
    final = model.roberta.embeddings.word_embeddings.weight.detach()
    assert sorted(seen) == [2, 4, 6] and not torch.equal(seen[4], seen[6])
    assert torch.equal(final, seen[4])


def test_validation_split_reads_each_tasks_dev_sets(tmp_path):
    shutil.copytree(FIX / "mlqa", tmp_path / "mlqa")
    dev = tmp_path / "mlqa" / "MLQA_V1" / "dev"
    dev.mkdir()
    data = json.loads((FIX / "mlqa" / "MLQA_V1" / "test" / "test-context-de-question-de.json").read_text("utf-8"))
    for article in data["data"]:  # the dev set: the same paragraphs with other questions
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                qa["question"], qa["id"] = "Dev: " + qa["question"], "dev-" + qa["id"]
    (dev / "dev-context-de-question-de.json").write_text(json.dumps(data), encoding="utf-8")
    mlqa = get_task("mlqa").load("validation", "de", data_dir=str(tmp_path))
    assert mlqa and all(e["question"].startswith("Dev: ") for e in mlqa)  # MLQA_V1/dev, not test nor SQuAD's dev
    xnli = get_task("xnli")
    assert xnli.load("validation", "de", data_dir=str(FIX)) == xnli.load("dev", "de", data_dir=str(FIX))
    xquad = get_task("xquad")  # one split: validation is it
    assert xquad.load("validation", "de", data_dir=str(FIX)) == xquad.load("test", "de", data_dir=str(FIX))


def test_params_choose_the_evaluation_split(tiny_model_dir):
    report = pipeline.run_target(
        "tatoeba",
        tiny_model_dir,
        {"max_length": 32, "eval_split": "validation"},
        languages=["de"],
        data={"data_dir": str(FIX)},
        predict={"layer": 1},
    )
    assert {r["split"] for r in report["rows"]} == {"validation"}
    phang, xtreme_r = (load_params(ROOT / "params" / f"{n}.yaml")["target"] for n in ("phang2020", "xtreme_r"))
    assert (
        phang["eval_split"],
        phang["select_on_dev"],
        phang["eval_every"],
        phang["patience"],
        phang["eval_examples"],
    ) == ("validation", True, 1000, 30, 500)
    assert xtreme_r["eval_split"] == "test"


def test_bad_selection_options_are_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "study: t\nmodel: synthetic\nseeds: [0]\nconditions: {baseline: []}\ntargets: [mini-xnli]\n"
        "target: {eval_split: train, patience: -1, eval_every: 0}\n"
    )
    with pytest.raises(ParamsError) as info:
        load_params(path)
    message = str(info.value)
    assert "target.eval_split: expected one of test, validation, got 'train'" in message
    assert "target.patience: expected a value >= 0" in message and "target.eval_every: expected a value >= 1" in message
