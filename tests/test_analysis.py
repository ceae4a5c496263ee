"""xlib.analysis on a hand-built results table whose gains are computed by hand below (and xlib.published)."""

import math

import pandas as pd
import pytest

from xlib import analysis, published

# Headline (test split) scores per (condition, target, language): one value per seed (seed 0, seed 1).
# "qa" also gets exact_match = em_f1 - 10 and f1 = em_f1 + 10, so a wrong metric choice shows.
SCORES = {
    ("baseline", "cls", "en"): (80, 82),
    ("baseline", "cls", "de"): (70, 72),
    ("baseline", "cls", "sw"): (60, 62),
    ("baseline", "qa", "en"): (50, 54),
    ("baseline", "qa", "de"): (40, 40),
    ("baseline", "qa", "sw"): (30, 34),
    ("task-a", "cls", "en"): (84, 84),
    ("task-a", "cls", "de"): (75, 77),
    ("task-a", "cls", "sw"): (60, 60),
    ("task-a", "qa", "en"): (52, 52),
    ("task-a", "qa", "de"): (46, 44),  # task-a / qa / sw: missing
    ("multi-task", "cls", "en"): (80, 80),
    ("multi-task", "cls", "de"): (71, 71),
    ("multi-task", "cls", "sw"): (63, 65),
    ("multi-task", "qa", "en"): (56,),
    ("multi-task", "qa", "de"): (42,),
    ("multi-task", "qa", "sw"): (36,),  # one seed
}


def _row(condition, target, language, split, metric, seed, value):
    return {
        "study": "toy",
        "run_id": f"{condition}-{target}-s{seed}",
        "condition": condition,
        "intermediate": "" if condition == "baseline" else condition,
        "target": target,
        "language": language,
        "split": split,
        "metric": metric,
        "seed": seed,
        "value": float(value),
    }


def make_results() -> pd.DataFrame:
    rows = []
    for (condition, target, language), values in SCORES.items():
        for seed, value in enumerate(values):
            if target == "qa":
                rows += [
                    _row(condition, target, language, "test", "exact_match", seed, value - 10),
                    _row(condition, target, language, "test", "f1", seed, value + 10),
                    _row(condition, target, language, "test", "em_f1", seed, value),
                ]
            else:
                rows.append(_row(condition, target, language, "test", "accuracy", seed, value))
    # English dev rows used for model selection: must never enter the analysis.
    for condition in ("baseline", "task-a", "multi-task"):
        for target, metric in (("cls", "accuracy"), ("qa", "em_f1")):
            rows.append(_row(condition, target, "en", "dev", metric, 0, 99.0))
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0).reset_index(drop=True)  # order must not matter


@pytest.fixture
def results():
    return make_results()


def _gain(frame, condition, target, language):
    hit = frame[(frame.condition == condition) & (frame.target == target) & (frame.language == language)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# ---------------------------------------------------------------------------------------- headline_scores


def test_headline_scores_one_row_per_key_and_em_f1_for_qa(results):
    scores = analysis.headline_scores(results)
    assert not scores.duplicated(["condition", "target", "language", "seed"]).any()
    assert set(scores[scores.target == "qa"].metric) == {"em_f1"}
    assert set(scores[scores.target == "cls"].metric) == {"accuracy"}
    assert set(scores.split) == {"test"}  # English dev rows left out
    assert len(scores) == sum(len(v) for v in SCORES.values())
    en = scores[(scores.condition == "baseline") & (scores.target == "qa") & (scores.language == "en")]
    assert sorted(en.value) == [50.0, 54.0]


def test_headline_scores_explicit_mapping(results):
    scores = analysis.headline_scores(results, headline={"qa": "f1"})
    qa = scores[scores.target == "qa"]
    assert set(qa.metric) == {"f1"}
    de = qa[(qa.condition == "baseline") & (qa.language == "de")]
    assert list(de.value) == [50.0, 50.0]
    assert set(scores[scores.target == "cls"].metric) == {"accuracy"}  # unnamed target: default choice


def test_headline_priority_order():
    rows = []
    for metric, value in (("precision", 1), ("recall", 2), ("f1", 3)):
        rows.append(_row("baseline", "tag", "de", "test", metric, 0, value))
    for metric, value in (("f1", 4), ("accuracy", 5)):
        rows.append(_row("baseline", "mixed", "de", "test", metric, 0, value))
    rows.append(_row("baseline", "ret", "de", "test", "map@20", 0, 6))
    scores = analysis.headline_scores(pd.DataFrame(rows)).set_index("target")
    assert scores.loc["tag", "metric"] == "f1" and scores.loc["tag", "value"] == 3
    assert scores.loc["mixed", "metric"] == "accuracy" and scores.loc["mixed", "value"] == 5
    assert scores.loc["ret", "metric"] == "map@20"


def test_a_registered_target_s_headline_is_its_declared_metric():
    """The registry's TaskSpec.metric wins over the priority list (kept for targets the registry does not know)."""
    rows = [
        _row("baseline", "mini-udpos", "de", "test", metric, 0, value)
        for metric, value in (("accuracy", 9), ("f1", 3), ("precision", 1))
    ]
    rows += [
        _row("baseline", "mixed", "de", "test", metric, 0, value) for metric, value in (("f1", 4), ("accuracy", 5))
    ]
    scores = analysis.headline_scores(pd.DataFrame(rows)).set_index("target")
    assert scores.loc["mini-udpos", "metric"] == "f1" and scores.loc["mini-udpos", "value"] == 3  # TaskSpec.metric
    assert scores.loc["mixed", "metric"] == "accuracy"  # not registered
    assert analysis.headline_scores(pd.DataFrame(rows), headline={"mini-udpos": "accuracy"}).value.max() == 9
    lacking = pd.DataFrame([_row("baseline", "mini-xquad", "de", "test", "f1", 0, 1)])
    with pytest.raises(ValueError, match=r"'mini-xquad': its headline metric 'em_f1' \(TaskSpec.metric\)"):
        analysis.headline_scores(lacking)


def test_headline_errors(results):
    with pytest.raises(ValueError, match="bleu"):
        analysis.headline_scores(results, headline={"qa": "bleu"})
    odd = pd.DataFrame([_row("baseline", "odd", "de", "test", "bleu", 0, 1)])
    with pytest.raises(ValueError, match="odd"):
        analysis.headline_scores(odd)
    with pytest.raises(ValueError, match="value"):
        analysis.headline_scores(results.drop(columns="value"))


def test_headline_scores_reads_csv(results, tmp_path):
    path = tmp_path / "results.csv"
    results.to_csv(path, index=False)
    pd.testing.assert_frame_equal(analysis.headline_scores(path), analysis.headline_scores(results))


# ---------------------------------------------------------------------------------------- gain_by_language


def test_gain_by_language_hand_computed(results):
    gains = analysis.gain_by_language(results)
    assert list(gains.columns) == ["condition", "target", "language", "gain", "score", "baseline_score", "n_seeds"]
    assert "baseline" not in set(gains.condition)
    expected = {
        ("task-a", "cls", "en"): 3.0,
        ("task-a", "cls", "de"): 5.0,
        ("task-a", "cls", "sw"): -1.0,
        ("task-a", "qa", "en"): 0.0,
        ("task-a", "qa", "de"): 5.0,
        ("multi-task", "cls", "en"): -1.0,
        ("multi-task", "cls", "de"): 0.0,
        ("multi-task", "cls", "sw"): 3.0,
        ("multi-task", "qa", "en"): 4.0,
        ("multi-task", "qa", "de"): 2.0,
        ("multi-task", "qa", "sw"): 4.0,
    }
    assert len(gains) == len(expected)
    for key, gain in expected.items():
        row = _gain(gains, *key)
        assert row.gain == pytest.approx(gain), key
        assert row.gain == pytest.approx(row.score - row.baseline_score)
    row = _gain(gains, "task-a", "cls", "de")
    assert (row.score, row.baseline_score, row.n_seeds) == (76.0, 71.0, 2)
    assert _gain(gains, "multi-task", "qa", "sw").n_seeds == 1
    # ordering: conditions by condition_order, languages English first
    assert list(dict.fromkeys(gains.condition)) == ["task-a", "multi-task"]
    assert list(gains[(gains.condition == "task-a") & (gains.target == "cls")].language) == ["en", "de", "sw"]


def test_gain_by_language_drops_missing_cells(results):
    gains = analysis.gain_by_language(results)
    assert _gain(gains, "multi-task", "qa", "sw").gain == pytest.approx(4.0)
    assert gains[(gains.condition == "task-a") & (gains.target == "qa") & (gains.language == "sw")].empty
    # and a language missing from the baseline is dropped too
    no_base_sw = results[~((results.condition == "baseline") & (results.language == "sw"))]
    gains = analysis.gain_by_language(no_base_sw)
    assert "sw" not in set(gains.language)
    assert not gains.gain.isna().any()


def test_gain_by_language_english_flag(results):
    assert "en" not in set(analysis.gain_by_language(results, include_english=False).language)
    assert "en" in set(analysis.gain_by_language(results).language)


def test_gain_by_language_other_baseline_and_missing_baseline(results):
    gains = analysis.gain_by_language(results, baseline="task-a")
    assert set(gains.condition) == {"baseline", "multi-task"}
    assert _gain(gains, "baseline", "cls", "de").gain == pytest.approx(-5.0)
    with pytest.raises(ValueError, match="nope"):
        analysis.gain_by_language(results, baseline="nope")


# ---------------------------------------------------------------------------------------- gain_by_target


def test_gain_by_target_zero_shot_default(results):
    wide = analysis.gain_by_target(results)
    assert list(wide.index) == ["task-a", "multi-task"]
    assert list(wide.columns) == ["cls", "qa"]
    assert wide.loc["task-a", "cls"] == pytest.approx((5 - 1) / 2)
    assert wide.loc["task-a", "qa"] == pytest.approx(5.0)  # sw missing: not (5 + 0) / 2
    assert wide.loc["multi-task", "cls"] == pytest.approx((0 + 3) / 2)
    assert wide.loc["multi-task", "qa"] == pytest.approx((2 + 4) / 2)


def test_gain_by_target_include_english(results):
    wide = analysis.gain_by_target(results, include_english=True)
    assert wide.loc["task-a", "cls"] == pytest.approx((3 + 5 - 1) / 3)
    assert wide.loc["task-a", "qa"] == pytest.approx((0 + 5) / 2)
    assert wide.loc["multi-task", "cls"] == pytest.approx((-1 + 0 + 3) / 3)
    assert wide.loc["multi-task", "qa"] == pytest.approx((4 + 2 + 4) / 3)


def test_gain_by_target_missing_target_is_nan(results):
    partial = results[~((results.condition == "multi-task") & (results.target == "qa"))]
    wide = analysis.gain_by_target(partial)
    assert math.isnan(wide.loc["multi-task", "qa"])
    assert wide.loc["multi-task", "cls"] == pytest.approx(1.5)


def test_gain_by_target_only_baseline_is_empty(results):
    assert analysis.gain_by_target(results[results.condition == "baseline"]).empty


# ---------------------------------------------------------------------------------------- transfer gap


def test_transfer_gap(results):
    gap = analysis.transfer_gap(results).set_index(["condition", "target"])
    assert gap.loc[("baseline", "cls"), "gap"] == pytest.approx(81 - (71 + 61) / 2)
    assert gap.loc[("baseline", "qa"), "gap"] == pytest.approx(52 - (40 + 32) / 2)
    assert gap.loc[("task-a", "qa"), "gap"] == pytest.approx(52 - 45)
    assert gap.loc[("task-a", "qa"), "n_languages"] == 1
    assert gap.loc[("multi-task", "cls"), "source_score"] == pytest.approx(80)
    no_en = results[~((results.condition == "task-a") & (results.language == "en"))]
    assert ("task-a", "cls") not in analysis.transfer_gap(no_en).set_index(["condition", "target"]).index


# ---------------------------------------------------------------------------------------- ordering


def test_condition_order():
    conditions = ["multi-task", "xnli", "baseline", "mnli", "squad", "mnli"]
    assert analysis.condition_order(conditions) == ["baseline", "mnli", "squad", "xnli", "multi-task"]
    assert analysis.condition_order(["mnli+squad", "multi-task", "b", "a"]) == ["a", "b", "multi-task", "mnli+squad"]
    assert analysis.condition_order(["b", "a"]) == ["a", "b"]


def test_language_order():
    assert analysis.language_order(["sw", "de", "en", "ar", "de"]) == ["en", "ar", "de", "sw"]
    similarity = {"sw": 0.1, "de": 0.9, "ar": 0.5, "en": 1.0}
    assert analysis.language_order(["sw", "de", "en", "ar"], similarity) == ["en", "de", "ar", "sw"]
    # languages without a similarity come last, alphabetically; ties alphabetically
    assert analysis.language_order(["zh", "sw", "de", "en", "ar"], {"sw": 0.5, "de": 0.5}) == [
        "en",
        "de",
        "sw",
        "ar",
        "zh",
    ]


# ---------------------------------------------------------------------------------------- intervals


def test_gain_intervals_per_target_match_gain_by_target(results):
    intervals = analysis.gain_intervals(results, n_boot=300).set_index(["condition", "target"])
    wide = analysis.gain_by_target(results)
    for condition in wide.index:
        for target in wide.columns:
            row = intervals.loc[(condition, target)]
            assert row.gain == pytest.approx(wide.loc[condition, target])
            assert row.ci_low <= row.gain <= row.ci_high
            assert row.significant == (row.ci_low > 0 or row.ci_high < 0)
    # task-a / qa has one zero-shot language (de) but two seeds on each side: seeds still vary
    assert not math.isnan(intervals.loc[("task-a", "qa"), "ci_low"])
    again = analysis.gain_intervals(results, n_boot=300).set_index(["condition", "target"])
    pd.testing.assert_frame_equal(intervals, again)


def test_gain_intervals_per_language_need_two_seeds(results):
    per_language = analysis.gain_intervals(results, by="language", n_boot=200)
    gains = analysis.gain_by_language(results)
    assert len(per_language) == len(gains)
    row = per_language[
        (per_language.condition == "task-a") & (per_language.target == "cls") & (per_language.language == "de")
    ].iloc[0]
    assert row.gain == pytest.approx(5.0)
    # multi-task has one seed on qa: no interval there, never significant; two seeds on cls: intervals
    multi = per_language[per_language.condition == "multi-task"]
    assert multi[multi.target == "qa"].ci_low.isna().all() and not multi[multi.target == "qa"].significant.any()
    assert multi[multi.target == "cls"].ci_low.notna().all()
    with pytest.raises(ValueError, match="by="):
        analysis.gain_intervals(results, by="seed")


def test_add_em_f1_only_where_missing():
    rows = [_row("baseline", "qa", "de", "test", m, 0, v) for m, v in (("exact_match", 40), ("f1", 60))]
    rows += [_row("baseline", "qa", "sw", "test", m, 0, v) for m, v in (("exact_match", 40), ("f1", 60), ("em_f1", 1))]
    out = analysis.add_em_f1(pd.DataFrame(rows))
    em_f1 = out[out.metric == "em_f1"].set_index("language")["value"]
    assert em_f1["de"] == 50.0 and em_f1["sw"] == 1.0 and len(em_f1) == 2


# ---------------------------------------------------------------------------------------- published numbers


def test_published_numbers_have_sources_and_the_documented_values():
    table = published.load_published()
    assert table["citation"].str.len().gt(10).all() and table["source"].notna().all()
    assert set(table["split"]) == {"test", "dev"}
    jiant = table[table.source == "jiant_pr128"]
    assert jiant[jiant.task == "tatoeba"].language.nunique() == 36
    assert jiant[jiant.task == "tatoeba"].value.mean() == pytest.approx(31.0, abs=0.05)  # jiant-dev PR #128: mean 31.0
    assert jiant[jiant.task == "bucc2018"].value.mean() == pytest.approx(71.5, abs=0.05)  # jiant-dev PR #128: mean 71.5
    gains = published.published_gains()
    assert gains.loc[published.PUBLISHED_LABELS["mt5_readme"], "tydiqa"] == pytest.approx(76.0 - 65.1)
    assert gains.loc[published.PUBLISHED_LABELS["rembert_t16"], "panx"] == pytest.approx(64.0 - 65.4)
    assert gains.loc[published.PUBLISHED_LABELS["rembert_t16"], "xquad"] == pytest.approx(78.7 - 76.6)
    assert math.isnan(gains.loc[published.PUBLISHED_LABELS["mt5_readme"], "udpos"])
    assert gains[["bucc2018", "tatoeba"]].isna().all().all()  # submission's retrieval test numbers: not found
    em = published.published_gains(metric_for_qa="exact_match")
    assert em.loc[published.PUBLISHED_LABELS["rembert_t16"], "tydiqa"] == pytest.approx(59.5 - 45.0)


def test_the_evaluation_split_is_the_tasks_declared_one_where_the_results_hold_it():
    from xlib.analysis import headline_scores

    rows = [
        {
            "condition": "baseline",
            "target": target,
            "language": lang,
            "split": split,
            "metric": "accuracy",
            "seed": 0,
            "value": 50.0,
        }
        for target in ("mini-xnli", "not-registered")
        for split, langs in (("test", ["en"]), ("validation", ["en", "sva"]))
        for lang in langs
    ]
    splits = headline_scores(pd.DataFrame(rows)).groupby("target")["split"].first().to_dict()
    assert splits == {
        "mini-xnli": "test",  # TaskSpec.eval_split, though scored in fewer languages
        "not-registered": "validation",
    }  # no spec: the split scored in the most languages
    only_validation = [r for r in rows if r["split"] == "validation"]  # a params file chose validation
    assert set(headline_scores(pd.DataFrame(only_validation))["split"]) == {"validation"}
