"""docs/adding.md, done by a test: a new target task is one registry entry plus one fixture in its release format.

The toy task below is a sentence classification task in English and German whose files are TSV
(``<split>.<lang>.tsv``: text, label) under ``tests/fixtures/toy/toy-sentiment/``. Nothing else in
the package is edited: params validation, the plan, training, zero-shot evaluation, the XTREME-R
aggregate and the compute estimate all read the task from its ``TaskSpec``.
"""

from dataclasses import replace
from pathlib import Path

import pytest

from xlib.loaders.sources import cap, task_dir
from xlib.tasks import TaskSpec, get_task, register
from xlib.tasks.spec import _REGISTRY

FIXTURES = Path(__file__).parent / "fixtures" / "toy"


def load_toy(spec, split, language, data_dir=None, sizes=None, **_options):
    """Return the toy task's examples of ``split`` in ``language`` from ``<data_dir>/toy-sentiment/``."""
    folder = task_dir(spec.name, data_dir)
    if folder is None:
        raise FileNotFoundError(f"task {spec.name!r}: set data.data_dir to a folder holding {spec.name}/")
    lines = (folder / f"{split}.{language}.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip()]
    examples = [
        {"id": f"{split}-{language}-{i}", "text": text, "text_pair": None, "label": spec.labels.index(label)}
        for i, (text, label) in enumerate(rows)
    ]
    return cap(examples, split, sizes)


@pytest.fixture
def toy_task():
    """Register the toy target task (the one registry entry) for the test, and remove it afterwards."""
    spec = register(
        TaskSpec(
            name="toy-sentiment",
            format="classification",
            role="target",
            languages=("en", "de"),
            metric="accuracy",
            labels=("negative", "positive"),
            category="classification",
            train_size=12,
            display_name="Toy sentiment",
            description="Sentence polarity; a test's example of adding a target task.",
            loader=load_toy,
        )
    )
    yield spec
    _REGISTRY.pop(spec.name, None)


def test_a_toy_target_task_needs_one_registry_entry_and_one_fixture(toy_task, tiny_model_dir, tmp_path):
    import pandas as pd

    from xlib import compute, pipeline, scores
    from xlib.params import load
    from xlib.planning import plan

    params_file = tmp_path / "toy.yaml"
    params_file.write_text(
        f"study: toy\nmodel: {tiny_model_dir}\nseeds: [0]\nconditions: {{baseline: []}}\n"
        f"targets: [toy-sentiment]\ndata: {{data_dir: {FIXTURES}}}\n"
        "target: {max_steps: 2, batch_size: 4, max_length: 16}\n"
    )
    study = load(params_file)  # the params checks know the task
    (run,) = plan(study, tmp_path / "runs")
    assert run.target == "toy-sentiment" and run.run_id == "target--baseline--toy-sentiment--s0"

    report = pipeline.run(run.parameters, str(tmp_path / "out"))  # what target.ipynb calls
    rows = pd.DataFrame(report["rows"])
    test = rows[rows["split"] == "test"]
    assert sorted(test["language"]) == ["de", "en"] and set(test["metric"]) == {"accuracy"}
    assert dict(zip(test["language"], test["n"])) == {"en": 6, "de": 8}
    assert len(report["predictions"]) == 6 + 6 + 8  # every scored example kept: English dev, then en and de test

    results = test.assign(condition="baseline", target="toy-sentiment", seed=0)
    table = scores.xtreme_r_score(results)
    assert table.loc["baseline", "classification"] == pytest.approx(test["value"].mean())  # its category
    assert compute.train_size("toy-sentiment", study) == 12
    assert get_task("toy-sentiment").title == "Toy sentiment"


def test_the_toy_task_is_gone_after_the_test():
    with pytest.raises(ValueError, match="unknown task 'toy-sentiment'"):
        get_task("toy-sentiment")


@pytest.mark.parametrize(
    "changes,message",
    [
        (
            {"format": "tagging", "scoring": "bleu"},
            "the tagging format has no scoring 'bleu'; expected one of spans, tokens",
        ),
        ({"format": "classification", "scoring": "tokens"}, "no scoring 'tokens'; expected none"),
        ({"format": "tabular"}, "unknown format 'tabular'"),
        ({"role": "pretraining"}, "unknown role 'pretraining'"),
    ],
)
def test_register_rejects_a_scoring_the_format_does_not_offer(changes, message):
    spec = TaskSpec(name="bad-task", format="classification", role="target", languages=("en",), metric="accuracy")
    with pytest.raises(ValueError, match=message):
        register(replace(spec, **changes))
    assert "bad-task" not in _REGISTRY
    register(replace(spec, format="tagging", scoring="tokens"))  # a scoring the format declares is fine
    _REGISTRY.pop("bad-task")
