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
