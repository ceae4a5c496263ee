"""tools/miniature_checks.py reads the miniature's bars off a results table (hand-made rows here)."""

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from miniature_checks import checks, normalised  # noqa: E402

LANGS = ["en", "sva", "svb", "sov", "vso", "cyr", "grk"]


def rows(condition, seed, scores):
    return [
        {
            "study": "m",
            "run_id": f"{condition}-{seed}",
            "condition": condition,
            "intermediate": "",
            "target": "mini-xnli",
            "language": lang,
            "split": "test",
            "metric": "accuracy",
            "seed": seed,
            "value": value,
        }
        for lang, value in zip(LANGS, scores)
    ]


def test_bars_from_a_results_table(tmp_path):
    base = [90, 80, 70, 65, 50, 40, 35]  # falls with distance from English
    table = (
        rows("baseline", 0, base)
        + rows("baseline", 1, [v + 2 for v in base])
        + rows("translate-train", 0, [90] + [v + 10 for v in base[1:]])
        + rows("translate-train", 1, [92] + [v + 4 for v in base[1:]])
    )
    path = tmp_path / "results.csv"
    pd.DataFrame(table).to_csv(path, index=False)
    out = checks(path, log=lambda *_: None)
    assert out["seeds"] == [0, 1]
    assert out["mini-xnli"]["en"] == pytest.approx(normalised("mini-xnli", 91))
    assert out["mini-xnli"]["zero_shot"] == pytest.approx(normalised("mini-xnli", sum(base[1:]) / 6 + 1))
    assert out["spearman"] == pytest.approx(1.0)
    assert out[("translate-train", "mini-xnli")] == pytest.approx([10.0, 2.0])  # per seed, zero-shot mean
    assert normalised("mini-xcopa", 75) == 0.5 and normalised("mini-udpos", 50) == 0.5


def test_corrected_tests_read_the_kept_predictions(tiny_model_dir, tmp_path):
    """corrected_tests prints the figures' tests: its gains are the results table's, Holm over every comparison."""
    from helpers_runs import write_fixture_runs
    from miniature_checks import corrected_tests

    from xlib import analysis

    results = write_fixture_runs(
        tiny_model_dir, tmp_path, conditions=("baseline", "other", "third"), tasks=["xnli", "udpos"]
    )
    lines = []
    out = corrected_tests(tmp_path, log=lines.append, n_boot=50)
    wide = analysis.gain_by_target(results)
    gains = out["gains"]
    assert sorted(zip(gains["condition"], gains["target"])) == [
        ("other", "udpos"),
        ("other", "xnli"),
        ("third", "udpos"),
        ("third", "xnli"),
    ]
    for row in gains.itertuples():
        assert row.gain == pytest.approx(wide.loc[row.condition, row.target])
        assert row.adj_low <= row.gain <= row.adj_high
    assert "Holm over 4" in lines[0]
    assert len(lines) == 1 + 4 + 2  # a header, one line per gain, one ΔMLEM line per condition
    assert sorted(out["mlem"]["condition"]) == ["other", "third"]
