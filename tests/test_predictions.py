"""Every phase-(iii) run keeps its per-example predictions; the metric recomputed from them equals the run's scores."""

import pandas as pd
import pytest

from helpers_runs import FIXTURE_LANGS, write_fixture_runs
from xlib import predictions
from xlib.tasks import get_task


@pytest.fixture(scope="module")
def fixture_runs(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture-runs")
    return root, write_fixture_runs(tiny_model_dir, root)


@pytest.mark.parametrize("task", sorted(FIXTURE_LANGS))
def test_metric_from_records_equals_the_scored_rows(fixture_runs, task):
    root, results = fixture_runs
    spec = get_task(task)
    run = root / f"target--baseline--{task}--s0"
    frame = predictions.read(run)
    assert list(frame.columns[:5]) == predictions.BASE_COLUMNS
    assert set(frame["language"]) == set(FIXTURE_LANGS[task]) and set(frame["split"]) == {spec.eval_split}
    scored = results[(results.target == task) & (results.metric == spec.metric)].set_index("language")["value"]
    if spec.format == "qa":  # the per-question score is (EM + F1) / 2, its mean the em_f1 row
        scored = results[(results.target == task) & (results.metric == "em_f1")].set_index("language")["value"]
    recomputed = predictions.scores_by_language(frame).set_index("language")["value"]
    pd.testing.assert_series_equal(recomputed.sort_index(), scored.sort_index(), check_names=False, rtol=1e-9)
    counts = frame.groupby("language").size()
    assert (counts > 0).all()


def test_format_specific_columns(fixture_runs):
    root, _ = fixture_runs
    xnli = predictions.read(root / "target--baseline--xnli--s0")
    assert set(xnli["prediction"]) <= set(get_task("xnli").labels)
    assert xnli["confidence"].between(1 / 3, 1).all() and xnli["probabilities"].map(len).eq(3).all()
    tatoeba = predictions.read(root / "target--baseline--tatoeba--s0")
    assert (tatoeba["top_k"].map(lambda ids: ids[0]) == tatoeba["prediction"]).all()
    mewslix = predictions.read(root / "target--baseline--mewslix--s0")
    assert mewslix["prediction"].map(len).max() <= 20
    udpos = predictions.read(root / "target--baseline--udpos--s0")
    assert (udpos["prediction"].map(len) == udpos["gold"].map(len)).all() and udpos["tp"].le(udpos["n_gold"]).all()
    bucc = predictions.read(root / "target--baseline--bucc2018--s0")
    assert {"margin", "tp", "n_pred", "n_gold"} <= set(bucc.columns)


def test_micro_f1_matches_seqeval_on_split_counts():
    from xlib import metrics

    gold = [["B-PER", "I-PER", "O"], ["I-LOC", "O", "B-ORG"], ["O"]]
    pred = [["B-PER", "I-PER", "O"], ["B-LOC", "O", "O"], ["B-PER"]]
    rows = [predictions._span_counts(g, p, by_tag=False) for g, p in zip(gold, pred)]
    frame = pd.DataFrame(rows)
    assert predictions.metric(frame) == pytest.approx(metrics.tag_f1(gold, pred)["f1"])
    assert predictions.micro_f1(0, 3, 2) == 0.0


def test_run_without_predictions_is_named(tmp_path):
    run = tmp_path / "target--baseline--xnli--s0"
    run.mkdir()
    with pytest.raises(FileNotFoundError, match="target--baseline--xnli--s0.*predictions.parquet"):
        predictions.read(run)
    (run / "predictions.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        predictions.read(run)


def test_run_target_report_writes_predictions_beside_metrics(tiny_model_dir, tmp_path):
    from xlib import pipeline, rundir

    hparams = {"learning_rate": 1e-3, "max_steps": 2, "batch_size": 8, "max_length": 32}
    report = pipeline.run_target(
        "mini-xnli",
        tiny_model_dir,
        hparams,
        languages=["sva"],
        data={"sizes": {"train": 16, "dev": 8, "test": 8}},
        perturb=["char"],
    )
    rundir.write_report(tmp_path, report)
    frame = predictions.read(tmp_path)
    assert sorted(set(zip(frame["split"], frame["language"]))) == [("dev", "en"), ("test", "sva"), ("test-char", "sva")]
    assert "predictions" not in (tmp_path / "metrics.json").read_text()
    by = predictions.scores_by_language(frame).set_index(["split", "language"])["value"]
    for row in report["rows"]:
        assert by[(row["split"], row["language"])] == pytest.approx(row["value"])


def test_a_target_run_without_predictions_fails_and_counts_nothing(tmp_path):
    """A phase-(iii) notebook that writes metrics.json but no predictions.parquet is a failed run, never a finished one."""
    from test_reliability import _notebook
    from xlib.rundir import execute_run, is_finished, Run

    nb = _notebook(tmp_path / "nb.ipynb", "from xlib.rundir import write_report\nwrite_report(out_dir, {'rows': []})")
    outcome = execute_run(Run("target--c--t--s0", "target", nb, "c", 0), tmp_path / "study")
    assert not outcome.ok and "without writing predictions.parquet" in outcome.error
    assert not is_finished(tmp_path / "study" / "target--c--t--s0")
    kept = execute_run(
        Run(
            "target--c--u--s0",
            "target",
            _notebook(
                tmp_path / "ok.ipynb",
                "from xlib.rundir import write_report\nwrite_report(out_dir, {'rows': [], 'predictions': "
                "[{'id': 'a', 'language': 'de', 'split': 'test', 'prediction': 'x', 'gold': 'x', 'score': 100.0}]})",
            ),
            "c",
            0,
        ),
        tmp_path / "study",
    )
    assert kept.ok and predictions.read(tmp_path / "study" / "target--c--u--s0")["score"].tolist() == [100.0]
