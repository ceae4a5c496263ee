"""Paired bootstrap over test examples and the Holm / Benjamini–Hochberg corrections."""

import numpy as np
import pandas as pd
import pytest

from xlib import corrections, significance


def _records(condition, correct, seed=0, target="t", language="de"):
    return pd.DataFrame(
        {
            "id": [f"q{i}" for i in range(len(correct))],
            "language": language,
            "split": "test",
            "prediction": 0,
            "gold": 0,
            "score": 100.0 * np.asarray(correct, dtype=float),
            "condition": condition,
            "target": target,
            "seed": seed,
            "run_id": f"target--{condition}--{target}--s{seed}",
        }
    )


def test_paired_interval_excludes_zero_where_the_unpaired_one_does_not():
    """The condition is right wherever the baseline is, plus on 6 of 200 examples: +3 points, always."""
    rng = np.random.default_rng(0)
    base = rng.random(200) < 0.5
    flips = np.flatnonzero(~base)[:6]
    treated = base.copy()
    treated[flips] = True
    records = pd.concat([_records("baseline", base), _records("cond", treated)], ignore_index=True)
    paired = significance.paired_gains(records, by="language", correction="none", n_boot=2000)
    unpaired = significance.paired_gains(records, by="language", correction="none", n_boot=2000, paired=False)
    assert paired["gain"].iloc[0] == pytest.approx(3.0) and unpaired["gain"].iloc[0] == pytest.approx(3.0)
    assert paired["ci_low"].iloc[0] > 0 and paired["significant"].iloc[0]
    assert unpaired["ci_low"].iloc[0] < 0 < unpaired["ci_high"].iloc[0] and not unpaired["significant"].iloc[0]


def test_holm_and_bh_against_a_hand_computed_table():
    # p sorted: 0.001 0.008 0.039 0.041 0.042 0.060 0.074 0.205 (m = 8), given in another order
    p = [0.039, 0.001, 0.205, 0.041, 0.008, 0.074, 0.042, 0.060]
    # Holm: (m - i + 1) p_(i), running max, capped at 1:
    # 8*.001=.008, 7*.008=.056, 6*.039=.234, 5*.041=.205->.234, 4*.042=.168->.234, 3*.060=.18->.234,
    # 2*.074=.148->.234, 1*.205=.205->.234
    holm = {
        0.001: 0.008,
        0.008: 0.056,
        0.039: 0.234,
        0.041: 0.234,
        0.042: 0.234,
        0.060: 0.234,
        0.074: 0.234,
        0.205: 0.234,
    }
    # BH: m/i p_(i), running min from the top: .008, .032, .104, .082, .0672, .08, .0846, .205
    # -> min from the top: .008, .032, .0672, .0672, .0672, .08, .0846, .205
    bh = {
        0.001: 0.008,
        0.008: 0.032,
        0.039: 0.0672,
        0.041: 0.0672,
        0.042: 0.0672,
        0.060: 0.08,
        0.074: 0.0845714286,
        0.205: 0.205,
    }
    np.testing.assert_allclose(corrections.holm(p), [holm[x] for x in p])
    np.testing.assert_allclose(corrections.benjamini_hochberg(p), [bh[x] for x in p])
    assert np.isnan(corrections.holm([np.nan, 0.01])[0]) and corrections.holm([np.nan, 0.01])[1] == 0.01
    assert corrections.adjust([0.2, 0.6], "bh").tolist() == [0.4, 0.6]
    with pytest.raises(ValueError, match="bonferroni.*holm, bh, none"):
        corrections.adjust([0.1], "bonferroni")


def test_per_target_averages_languages_and_seeds_enter_the_draws():
    rng = np.random.default_rng(1)
    parts = []
    for seed in (0, 1):
        for language in ("en", "de", "fr"):
            base = rng.random(80) < 0.5
            parts.append(_records("baseline", base, seed, language=language))
            parts.append(_records("cond", base | (rng.random(80) < 0.1), seed, language=language))
    records = pd.concat(parts, ignore_index=True)
    per_language = significance.paired_gains(records, by="language", n_boot=300)
    per_target = significance.paired_gains(records, by="target", n_boot=300)
    zero_shot = per_language[per_language.language != "en"]
    assert per_target["gain"].iloc[0] == pytest.approx(zero_shot["gain"].mean())
    assert per_target["n_languages"].iloc[0] == 2 and per_target["n_seeds"].iloc[0] == 2
    assert (per_language["m"] == 3).all() and (per_language["correction"] == "holm").all()
    assert (per_language["adj_low"] <= per_language["ci_low"]).all()
    assert significance.one_seed_warning(records) is None
    assert "ONE seed" in significance.one_seed_warning(records[records.seed == 0])


def test_mismatched_examples_name_the_runs():
    records = pd.concat([_records("baseline", [1, 0, 1]), _records("cond", [1, 1])], ignore_index=True)
    with pytest.raises(
        ValueError,
        match="t/de: run 'target--cond--t--s0' scored other test examples than run 'target--baseline--t--s0'",
    ):
        significance.paired_gains(records)


def test_point_estimates_equal_the_results_table(tiny_model_dir, tmp_path):
    """On real runs (fixture tasks, two conditions): gains and ΔMLEM from predictions equal those of results.csv."""
    from helpers_runs import write_fixture_runs
    from xlib import analysis, mlem

    results = write_fixture_runs(
        tiny_model_dir,
        tmp_path,
        conditions=("baseline", "other"),
        tasks=["xnli", "udpos", "mlqa", "bucc2018", "mewslix"],
    )
    records = significance.load_predictions(tmp_path)
    per_language = significance.paired_gains(records, by="language", n_boot=50)
    expected = analysis.gain_by_language(results)
    merged = per_language.merge(expected, on=["condition", "target", "language"], suffixes=("", "_results"))
    assert len(merged) == len(expected) == len(per_language)
    np.testing.assert_allclose(merged["gain"], merged["gain_results"], atol=1e-9)
    per_target = significance.paired_gains(records, by="target", n_boot=50)
    wide = analysis.gain_by_target(results)
    for row in per_target.itertuples():
        assert row.gain == pytest.approx(wide.loc[row.condition, row.target])
    for english in (True, False):
        delta = significance.paired_mlem(records, include_english=english, n_boot=50)
        table = mlem.mlem(results, include_english=english, n_boot=10).set_index("condition")
        assert delta["delta"].iloc[0] == pytest.approx(table.loc["other", "delta"])
    import matplotlib

    matplotlib.use("Agg")
    from xlib import plots

    paths = plots.render_study_figures(
        results, tmp_path / "figures", predictions_dir=tmp_path, n_boot=20, correction="bh"
    )
    assert {p.name for p in paths} >= {"gains_by_target.png", "mlem_effects.png", "gains_xnli.png"}


def test_params_analysis_block_is_checked():
    from xlib.params import validate

    base = {"study": "s", "model": "synthetic", "seeds": [0], "conditions": {"baseline": []}, "targets": ["mini-xnli"]}
    assert validate({**base, "analysis": {"correction": "bh", "alpha": 0.01, "n_boot": 500}}) == []
    errors = validate({**base, "analysis": {"correction": "bonferroni", "alpha": 2, "n_boot": 0, "level": 1}})
    assert any("analysis.correction: 'bonferroni'" in e and "holm, bh, none" in e for e in errors)
    assert any("analysis.alpha" in e for e in errors) and any("analysis.n_boot" in e for e in errors)
    assert any("analysis: unknown key 'level'" in e for e in errors)
    assert corrections.describe("holm", 12) == "* paired bootstrap p < 0.05 after Holm correction over 12 comparisons"
