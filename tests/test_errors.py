"""Error analysis of kept predictions (xlib.errors), on every fixture task's run and on two conditions."""

import pandas as pd
import pytest

from helpers_runs import write_fixture_runs
from xlib import errors


@pytest.fixture(scope="module")
def study(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("errors-runs")
    write_fixture_runs(tiny_model_dir, root, conditions=("baseline", "other"))
    return root


@pytest.mark.parametrize(
    "task,which",
    [
        ("xnli", "label"),
        ("xcopa", "label"),
        ("udpos", "tags"),
        ("panx", "tags"),
        ("mlqa", "answers"),
        ("tatoeba", "ranking"),
        ("mewslix", "ranking"),
        ("lareqa", "ranking"),
        ("bucc2018", "ranking"),
    ],
)
def test_each_kind_gets_its_tables(study, task, which):
    records = errors.load_run(study, "baseline", task)
    assert errors.kind(records) == which
    tables = errors.report(records, n=5)
    assert tables and all(isinstance(t, pd.DataFrame) for t in tables.values())
    counts, differing = errors.side_by_side(records, errors.load_run(study, "other", task))
    assert counts.to_numpy().sum() == len(records)
    assert len(differing) == counts.to_numpy().sum() - sum(counts.loc[k, k] for k in counts.index if k in counts)


def test_tables_count_what_they_say():
    records = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "language": "de",
            "split": "test",
            "gold": ["x", "x", "y", "y"],
            "prediction": ["x", "y", "x", "y"],
            "confidence": [0.9, 0.8, 0.95, 0.6],
            "score": [100.0, 0, 0, 100.0],
        }
    )
    matrix = errors.confusion_matrix(records)
    assert matrix.loc["x", "y"] == 1 and matrix.loc["y", "x"] == 1 and matrix.to_numpy().trace() == 2
    assert errors.confident_mistakes(records)["id"].tolist() == ["c", "b"]
    tags = pd.DataFrame(
        {
            "id": ["s1", "s2"],
            "language": "de",
            "split": "test",
            "gold": [["NOUN", "VERB", "NOUN"], ["ADJ", "NOUN"]],
            "prediction": [["NOUN", "NOUN", "NOUN"], ["NOUN", "NOUN"]],
            "tp": [0, 0],
            "n_pred": [1, 1],
            "n_gold": [2, 2],
        }
    )
    scores = errors.tag_scores(tags).set_index("tag")
    assert scores.loc["NOUN", "precision"] == pytest.approx(60.0) and scores.loc["NOUN", "recall"] == 100.0
    confused = errors.confused_tags(tags)
    assert confused.iloc[0][["gold", "predicted", "count"]].tolist() in (["ADJ", "NOUN", 1], ["VERB", "NOUN", 1])
    ranks = errors.gold_ranks(
        pd.DataFrame({"id": ["q1", "q2"], "language": "de", "prediction": [["e", "g"], ["e"]], "gold": [["g"], ["z"]]})
    )
    assert ranks["rank"].iloc[0] == 2 and pd.isna(ranks["rank"].iloc[1])


def test_missing_run_and_language_are_named(study):
    with pytest.raises(FileNotFoundError, match="no finished run 'target--nope--xnli--s0'"):
        errors.load_run(study, "nope", "xnli")
    with pytest.raises(ValueError, match="no predictions in language 'fr'"):
        errors.load_run(study, "baseline", "xnli", language="fr")
