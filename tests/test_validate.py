"""`python -m xlib validate`: the baseline beside published numbers, every task outside the tolerance flagged.

Run on the smoke study's results against a made-up published table whose numbers sit at known
distances from the baseline's own scores (computed here independently of xlib.validate).
"""

from pathlib import Path

import pandas as pd
import pytest

from xlib import cli
from xlib.paths import runs_root
from xlib.study import smoke_results
from xlib.tasks import get_task
from xlib.validate import XTREME_LANGUAGES, compare, published_baselines

ROOT = Path(__file__).resolve().parents[1]
CITATION = "made up for the test"


def _baseline_mean(results: pd.DataFrame, task: str, metric: str, languages) -> float:
    """Return the baseline's score on ``task``: seeds averaged per language, then the languages."""
    rows = results[
        (results.condition == "baseline")
        & (results.target == task)
        & (results.metric == metric)
        & (results.split == get_task(task).eval_split)
        & results.language.isin(languages)
    ]
    assert rows.language.nunique() == len(languages), (task, metric)
    return rows.groupby("language").value.mean().mean()


def _made_up_table(results: pd.DataFrame) -> pd.DataFrame:
    xnli_langs, udpos_langs = get_task("mini-xnli").languages, get_task("mini-udpos").languages
    rows = [  # (task, language, metric, published value)
        ("mini-xnli", "avg", "accuracy", _baseline_mean(results, "mini-xnli", "accuracy", xnli_langs) + 0.4),
        ("mini-udpos", "avg", "f1", _baseline_mean(results, "mini-udpos", "f1", udpos_langs) - 3.0),
        ("mini-xquad", "en", "f1", _baseline_mean(results, "mini-xquad", "f1", ["en"]) + 0.9),
        ("xnli", "avg", "accuracy", 79.2),  # a target the smoke study does not run
    ]
    return pd.DataFrame(
        [
            {
                "source": "made_up",
                "system": "XLM-R",
                "split": "test",
                "task": task,
                "language": lang,
                "metric": metric,
                "value": value / 100,
                "scale": "0-1",
                "citation": CITATION,
            }
            for task, lang, metric, value in rows
        ]
    )


def test_validate_flags_every_task_outside_the_tolerance(tmp_path, capsys):
    results = pd.read_csv(smoke_results())
    table = _made_up_table(results)
    published = tmp_path / "published.csv"
    table.to_csv(published, index=False)
    argv = [
        "validate",
        str(ROOT / "params" / "smoke.yaml"),
        "--runs-dir",
        str(runs_root()),
        "--published",
        str(published),
    ]
    assert cli.main(argv + ["--tolerance", "1"]) == 1
    out = capsys.readouterr().out
    assert "outside tolerance: mini-udpos\n" in out and "no score for: xnli" in out
    saved = pd.read_csv(runs_root() / "smoke" / "validation.csv").set_index("task")
    assert saved.loc["mini-udpos", "status"] == "outside"
    assert saved.loc["mini-udpos", "difference"] == pytest.approx(3.0, abs=1e-6)
    assert saved.loc["mini-xnli", "status"] == "ok" and saved.loc["mini-xquad", "status"] == "ok"
    assert saved.loc["mini-xnli", "difference"] == pytest.approx(-0.4, abs=1e-6)
    assert saved.loc["xnli", "status"].startswith("no score")
    assert (saved["citation"] == CITATION).all()
    # a tighter tolerance catches mini-xquad too; a looser one, without the unscored row, passes
    assert cli.main(argv + ["--tolerance", "0.5"]) == 1
    assert "outside tolerance: mini-udpos, mini-xquad\n" in capsys.readouterr().out
    table[table.task != "xnli"].to_csv(published, index=False)
    assert cli.main(argv + ["--tolerance", "3.5"]) == 0
    assert "outside tolerance: none" in capsys.readouterr().out


def test_another_condition_is_compared_when_asked():
    results = pd.read_csv(smoke_results())
    table = _made_up_table(results).assign(value=lambda t: t.value * 100)
    ours = compare(results, table, tolerance=100.0, condition="mini-squad").set_index("task")
    squad = (
        results[
            (results.condition == "mini-squad")
            & (results.target == "mini-udpos")
            & (results.metric == "f1")
            & (results.split == "test")
        ]
        .groupby("language")
        .value.mean()
        .mean()
    )
    baseline = _baseline_mean(results, "mini-udpos", "f1", get_task("mini-udpos").languages)
    assert ours.loc["mini-udpos", "ours"] == pytest.approx(squad) and squad != pytest.approx(baseline)


def test_shipped_published_baselines_have_a_source_per_number():
    table = published_baselines()
    assert set(table.system) == {"XLM-R", "XLM-R (jiant)"} and table.citation.str.len().gt(10).all()
    assert table.value.between(0, 100).all()
    jiant_de = table[(table.task == "bucc2018") & (table.language == "de")]
    assert jiant_de.value.tolist() == pytest.approx([77.7])  # .777 in the source, 0-1 scale
    for task, languages in XTREME_LANGUAGES.items():  # XTREME's lists sit inside the registered (XTREME-R) ones
        assert set(languages.split()) <= set(get_task(task).languages), task


def test_negative_tolerance_and_a_table_without_columns_are_refused(tmp_path):
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        compare(
            pd.DataFrame(columns=["condition", "target", "language", "split", "metric", "seed", "value"]),
            published_baselines(),
            -1,
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("task,value\nxnli,79\n")
    with pytest.raises(ValueError, match="missing source, system, split, language, metric, scale, citation"):
        published_baselines(bad)
