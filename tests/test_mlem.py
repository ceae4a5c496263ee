"""xlib.mlem: hand-computed MLEM on a small table, and the properties docs/mlem.md pins down."""

import math

import numpy as np
import pandas as pd
import pytest

from xlib import bootstrap, mlem, scores

# One seed. t1 and t2 are accuracy tasks; "baseline" has no t2 score in sw (a missing cell).
HAND = {
    ("baseline", "t1", "en"): 80,
    ("baseline", "t1", "de"): 60,
    ("baseline", "t1", "sw"): 50,
    ("baseline", "t2", "en"): 50,
    ("baseline", "t2", "de"): 30,
    ("k", "t1", "en"): 90,
    ("k", "t1", "de"): 70,
    ("k", "t1", "sw"): 40,
    ("k", "t2", "en"): 70,
    ("k", "t2", "de"): 30,
    ("k", "t2", "sw"): 50,
}
# Joint min-max by hand: t1 spans 40..90, t2 spans 30..70.
#   baseline: t1 en .8 de .4 sw .2 | t2 en .5 de 0     -> A: en .65, de .2, sw .2 (coverage 1)
#   k:        t1 en 1. de .6 sw 0. | t2 en 1. de 0 sw .5 -> A: en 1.0, de .3, sw .25
A_HAND = {
    ("baseline", "en"): 0.65,
    ("baseline", "de"): 0.2,
    ("baseline", "sw"): 0.2,
    ("k", "en"): 1.0,
    ("k", "de"): 0.3,
    ("k", "sw"): 0.25,
}


def _row(condition, target, language, value, seed=0, split="test", metric="accuracy"):
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


def hand_results() -> pd.DataFrame:
    rows = [_row(c, t, l, v) for (c, t, l), v in HAND.items()]
    rows += [_row(c, t, "en", 99.0, split="dev") for c in ("baseline", "k") for t in ("t1", "t2")]  # never used
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1).reset_index(drop=True)


def random_results(
    seed: int,
    conditions=("baseline", "k", "j"),
    seeds=(0, 1),
    targets=("t1", "t2", "t3"),
    languages=("en", "de", "sw", "fi", "ja"),
    missing: float = 0.15,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        _row(c, t, l, rng.uniform(10, 90), seed=s)
        for c in conditions
        for s in seeds
        for t in targets
        for l in languages
        if rng.random() >= missing
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------ hand-computed values


def test_language_aggregates_hand_computed():
    agg = mlem.language_aggregates(hand_results()).set_index(["condition", "language"])
    for key, value in A_HAND.items():
        assert agg.loc[key, "aggregate"] == pytest.approx(value), key
    assert agg.loc[("baseline", "sw"), "coverage"] == 1  # the missing t2 cell is skipped, not a zero
    assert agg.loc[("k", "sw"), "coverage"] == 2


def test_mlem_hand_computed():
    table = mlem.mlem(hand_results(), n_boot=200)
    assert list(table.columns[:5]) == ["condition", "mlem", "delta", "ci_low", "ci_high"]
    table = table.set_index("condition")
    assert table.loc["baseline", "mlem"] == pytest.approx((0.65 + 0.2 + 0.2) / 3)
    assert table.loc["k", "mlem"] == pytest.approx((1.0 + 0.3 + 0.25) / 3)
    assert table.loc["k", "delta"] == pytest.approx((1.55 - 1.05) / 3)
    assert table.loc["baseline", "delta"] == 0.0 and math.isnan(table.loc["baseline", "ci_low"])
    assert table.loc["k", "ci_low"] <= table.loc["k", "delta"] <= table.loc["k", "ci_high"]
    # three languages, one seed: every resample is a mean over 3 draws of the per-language gains .35/.1/.05
    assert table.loc["k", "ci_low"] >= 0.05 - 1e-12 and table.loc["k", "ci_high"] <= 0.35 + 1e-12


def test_mlem_zero_shot_only():
    table = mlem.mlem(hand_results(), include_english=False, n_boot=50).set_index("condition")
    assert table.loc["baseline", "mlem"] == pytest.approx(0.2)
    assert table.loc["k", "mlem"] == pytest.approx(0.275)
    assert table.loc["k", "n_languages"] == 2


def test_normalisations_by_hand():
    f = mlem._normalize_values
    assert list(f(pd.Series([30.0, 50.0, 70.0]), "minmax")) == pytest.approx([0, 0.5, 1])
    assert list(f(pd.Series([30.0, 50.0, 70.0]), "zscore")) == pytest.approx([0.25, 0.5, 0.75])  # sd (ddof=1) = 20
    clipped = f(pd.Series([0.0] * 9 + [100.0]), "zscore")  # z(100) = 90 / sqrt(1000) = 2.85 -> clipped to 2
    assert clipped.iloc[-1] == pytest.approx(1.0)
    assert clipped.iloc[0] == pytest.approx((2 - 10 / math.sqrt(1000)) / 4)
    assert list(f(pd.Series([30.0, 50.0]), "none")) == pytest.approx([0.3, 0.5])
    assert list(f(pd.Series([42.0, 42.0]), "minmax")) == [0.5, 0.5]
    assert list(f(pd.Series([42.0, 42.0]), "zscore")) == [0.5, 0.5]
    assert list(f(pd.Series([42.0]), "zscore")) == [0.5]


def test_none_normalisation_is_score_over_100():
    table = mlem.mlem(hand_results(), normalize="none", n_boot=10).set_index("condition")
    base = ((80 + 50) / 2 + (60 + 30) / 2 + 50) / 3 / 100
    assert table.loc["baseline", "mlem"] == pytest.approx(base)


def test_seeds_are_averaged_before_languages():
    rows = [_row("baseline", "t", l, v, seed=s) for (l, s, v) in (("en", 0, 10), ("en", 1, 30), ("de", 0, 20))]
    rows += [_row("k", "t", l, 50) for l in ("en", "de")]
    table = mlem.mlem(pd.DataFrame(rows), normalize="none", n_boot=10).set_index("condition")
    assert table.loc["baseline", "mlem"] == pytest.approx(((10 + 30) / 2 + 20) / 2 / 100)
    assert table.loc["baseline", "n_seeds"] == 2


def test_qa_cells_use_em_f1_and_perturbed_rows_are_ignored():
    rows = [
        _row("baseline", "qa", "de", 40, metric="exact_match"),
        _row("baseline", "qa", "de", 60, metric="f1"),
        _row("baseline", "qa", "de", 5, split="test-char", metric="exact_match"),
    ]
    cells = mlem.cell_scores(pd.DataFrame(rows))
    assert len(cells) == 1 and cells.iloc[0]["metric"] == "em_f1" and cells.iloc[0]["score"] == 50.0


def test_bad_options_and_baseline():
    with pytest.raises(ValueError, match="normalize"):
        mlem.mlem(hand_results(), normalize="rank")
    with pytest.raises(ValueError, match="mode"):
        mlem.mlem(hand_results(), mode="each")
    with pytest.raises(ValueError, match="nope"):
        mlem.mlem(hand_results(), baseline="nope")


# ------------------------------------------------------------------------------------ the specified properties


@pytest.mark.parametrize("trial", range(3))
def test_single_condition_per_condition_minmax_best_language_scores_one(trial):
    results = random_results(trial, conditions=("baseline",), seeds=(0,))
    cells = mlem.normalize(mlem.cell_scores(results), "minmax", "per_condition")
    best = cells.loc[cells.groupby("target")["score"].idxmax()]
    assert (best["normalized"] == 1.0).all()
    assert (cells.groupby("target")["normalized"].min() == 0.0).all()


def test_per_condition_mode_normalises_each_condition_on_its_own():
    joint = mlem.mlem(hand_results(), mode="joint", n_boot=10).set_index("condition")
    own = mlem.normalize(mlem.cell_scores(hand_results()), "minmax", "per_condition").set_index(
        ["condition", "target", "language"]
    )["normalized"]
    assert own[("baseline", "t1", "en")] == 1.0 and own[("k", "t1", "en")] == 1.0  # each its own best
    assert own[("baseline", "t2", "de")] == 0.0 and own[("k", "t2", "sw")] == pytest.approx(0.5)
    assert joint.loc["k", "delta"] > 0


@pytest.mark.parametrize("normalize", ["minmax", "zscore", "none"])
@pytest.mark.parametrize("trial", range(4))
def test_adding_a_constant_raises_mlem_and_keeps_language_order_per_task(normalize, trial):
    results = random_results(100 + trial)
    shifted = results.copy()
    shifted.loc[shifted["condition"] == "k", "value"] += 5.0
    before = mlem.mlem(results, normalize=normalize, n_boot=2).set_index("condition")["mlem"]
    after = mlem.mlem(shifted, normalize=normalize, n_boot=2).set_index("condition")["mlem"]
    assert after["k"] > before["k"]
    # inside condition k, every task ranks its languages (and seeds) exactly as before
    cells = [mlem.normalize(mlem.cell_scores(r), normalize, "joint") for r in (results, shifted)]
    for target in ("t1", "t2", "t3"):
        ranks = [
            c[(c.condition == "k") & (c.target == target)]
            .sort_values(["seed", "language"])["normalized"]
            .rank(method="min")
            .to_numpy()
            for c in cells
        ]
        if normalize != "zscore":  # z-scores clip at +-2, which may tie two cells: ties only, never a swap
            assert (ranks[0] == ranks[1]).all()
        else:
            order0 = np.argsort(ranks[0], kind="stable")
            assert (np.diff(ranks[1][order0]) >= 0).all()


def test_adding_a_constant_keeps_the_order_of_the_language_aggregate_without_rescaling():
    results = random_results(7)
    shifted = results.copy()
    shifted.loc[shifted["condition"] == "k", "value"] += 5.0
    for normalize, mode in (("none", "joint"), ("minmax", "per_condition"), ("zscore", "per_condition")):
        a, b = (mlem.language_aggregates(r, normalize, mode) for r in (results, shifted))
        a, b = (x[x.condition == "k"].set_index("language")["aggregate"] for x in (a, b))
        assert list(a.sort_values().index) == list(b.reindex(a.index).sort_values().index)


def test_missing_cells_never_count_as_zero():
    results = random_results(3, missing=0.0)
    dropped = results.drop(
        index=results[(results.condition == "k") & (results.target == "t1") & (results.language == "de")].index
    )
    agg = mlem.language_aggregates(dropped, "none").set_index(["condition", "language"])
    kept = dropped[(dropped.condition == "k") & (dropped.language == "de")]
    expected = kept.groupby("seed")["value"].mean().mean() / 100
    assert agg.loc[("k", "de"), "aggregate"] == pytest.approx(expected)
    assert agg.loc[("k", "de"), "coverage"] == 2
    gains = mlem.language_gains(dropped, n_boot=10)
    assert not gains["gain"].isna().any()


def test_bootstrap_is_reproducible_for_a_fixed_seed():
    results = random_results(11)
    a = mlem.mlem(results, n_boot=300, seed=5)
    b = mlem.mlem(results, n_boot=300, seed=5)
    c = mlem.mlem(results, n_boot=300, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"].iloc[1:], c["ci_low"].iloc[1:])
    g1, g2 = mlem.language_gains(results, n_boot=100, seed=1), mlem.language_gains(results, n_boot=100, seed=1)
    pd.testing.assert_frame_equal(g1, g2)


def test_bootstrap_interval_covers_the_delta_and_shrinks_with_more_seeds():
    narrow = random_results(21, seeds=tuple(range(6)))
    table = mlem.mlem(narrow, n_boot=500).set_index("condition")
    for condition in ("k", "j"):
        assert table.loc[condition, "ci_low"] <= table.loc[condition, "delta"] <= table.loc[condition, "ci_high"]


def test_language_gains_intervals_need_two_seeds():
    one_seed = mlem.language_gains(hand_results(), n_boot=50)
    assert one_seed["ci_low"].isna().all() and not one_seed["significant"].any()
    row = one_seed.set_index(["condition", "language"]).loc[("k", "de")]
    assert row["gain"] == pytest.approx(0.1)
    two = random_results(5, seeds=(0, 1, 2))
    gains = mlem.language_gains(two, n_boot=200)
    assert gains["ci_low"].notna().all()
    assert (gains["significant"] == ((gains.ci_low > 0) | (gains.ci_high < 0))).all()
    strict = mlem.language_gains(two, n_boot=200, level=1 - 0.05 / len(gains))  # Bonferroni over the cells
    assert (strict["ci_low"] <= gains["ci_low"]).all() and (strict["ci_high"] >= gains["ci_high"]).all()
    assert (strict["ci_high"] - strict["ci_low"]).sum() > (gains["ci_high"] - gains["ci_low"]).sum()
    assert strict["significant"].sum() <= gains["significant"].sum()


def test_strong_effect_is_significant():
    rows = []
    for s in range(3):
        for l in ("en", "de", "sw", "fi"):
            for t in ("t1", "t2"):
                rows.append(_row("baseline", t, l, 40 + s + (5 if l == "de" else 0), seed=s))
                rows.append(_row("k", t, l, 60 + s + (5 if l == "de" else 0), seed=s))
    table = mlem.mlem(pd.DataFrame(rows), n_boot=300).set_index("condition")
    assert table.loc["k", "ci_low"] > 0
    assert mlem.significant(table.reset_index()).tolist() == [False, True]


# ------------------------------------------------------------------------------------ MLEM-R


def _perturbed_results():
    rows = [_row(c, t, l, v) for (c, t, l), v in HAND.items()]
    # k loses 10% under char and 30% under word in t1/en: mean perturbed = 90 * (0.9 + 0.7) / 2 = 72
    rows += [
        _row("k", "t1", "en", 81, split="test-char"),
        _row("k", "t1", "en", 63, split="test-word"),
        _row("k", "t2", "en", 35, split="test-char"),
        _row("baseline", "t1", "en", 80, split="test-char"),
        _row("baseline", "t1", "de", 30, split="test-char"),
    ]
    return pd.DataFrame(rows)


def test_robustness_hand_computed():
    cells = mlem.robustness(_perturbed_results()).set_index(["condition", "target", "language"])
    assert cells.loc[("k", "t1", "en"), "perturbed"] == pytest.approx(72)
    assert cells.loc[("k", "t1", "en"), "drop"] == pytest.approx(0.2)
    assert cells.loc[("k", "t2", "en"), "drop"] == pytest.approx(0.5)
    assert cells.loc[("baseline", "t1", "de"), "drop"] == pytest.approx(0.5)
    assert len(cells) == 4  # cells without a perturbed score are left out
    by_language = mlem.robustness_by_language(_perturbed_results()).set_index(["condition", "language"])
    assert by_language.loc[("k", "en"), "drop"] == pytest.approx((0.2 + 0.5) / 2)
    assert by_language.loc[("k", "en"), "n_tasks"] == 2
    table = mlem.mlem_r(_perturbed_results()).set_index("condition")
    assert table.loc["baseline", "mlem_r"] == pytest.approx((0.0 + 0.5) / 2)
    assert table.loc["k", "delta"] == pytest.approx(0.35 - 0.25)
    # perturbed rows never enter MLEM itself
    pd.testing.assert_frame_equal(mlem.mlem(_perturbed_results(), n_boot=20), mlem.mlem(hand_results(), n_boot=20))


def test_robustness_without_perturbed_rows_is_empty():
    assert mlem.robustness(hand_results()).empty
    assert mlem.mlem_r(hand_results()).empty


# ------------------------------------------------------------------------------------ MLEM-S


def test_similarity_correlation_hand_made():
    languages = ["en", "de", "sw", "fi", "ja"]
    similarity = {"de": 0.9, "fi": 0.6, "sw": 0.4, "ja": 0.2}
    rows = []
    for l in languages:
        s = similarity.get(l, 1.0)
        rows.append(_row("baseline", "t", l, 20 + 60 * s))
        rows.append(_row("k", "t", l, 30 + 50 * s**2))  # monotone, not linear
        rows.append(_row("baseline", "u", l, 50))
        rows.append(_row("k", "u", l, 50))
    table = mlem.similarity_correlation(pd.DataFrame(rows), similarity, n_boot=200)
    table = table.set_index(["quantity", "condition"])
    assert table.loc[("aggregate", "baseline"), "pearson"] == pytest.approx(1.0)
    assert table.loc[("aggregate", "k"), "spearman"] == pytest.approx(1.0)
    assert table.loc[("aggregate", "k"), "pearson"] < 1.0
    assert table.loc[("aggregate", "k"), "n_languages"] == 4  # English excluded
    assert ("gain", "k") in table.index
    low, high = table.loc[("aggregate", "k"), ["pearson_low", "pearson_high"]]
    assert -1 <= low <= high <= 1


def test_correlation_interval_spearman_ties_and_reproducible():
    r, low, high = bootstrap.correlation_interval([1, 2, 2, 3], [10, 20, 20, 40], "spearman", n_boot=50, seed=0)
    assert r == pytest.approx(1.0)
    assert bootstrap.correlation_interval(
        [1, 2, 3, 4, 5], [2, 1, 4, 3, 5], "pearson", n_boot=100, seed=3
    ) == bootstrap.correlation_interval([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], "pearson", n_boot=100, seed=3)
    assert math.isnan(bootstrap.correlation_interval([1, 1, 1], [1, 2, 3])[0])


# ------------------------------------------------------------------------------------ reported beside MLEM


def test_fairness_and_gini_by_hand():
    assert scores.gini([1, 1, 1, 1]) == 0.0
    assert scores.gini([0, 0, 0, 4]) == pytest.approx(0.75)  # sum|xi-xj| = 24, 2 * 16 * 1 = 32
    table = scores.fairness(mlem.language_aggregates(hand_results())).set_index("condition")
    k = table.loc["k"]
    values = np.array([1.0, 0.3, 0.25])
    assert k["min_language"] == "sw" and k["min"] == pytest.approx(0.25)
    assert k["range"] == pytest.approx(0.75)
    assert k["sd"] == pytest.approx(values.std()) and k["cv"] == pytest.approx(values.std() / values.mean())
    assert table.loc["baseline", "min_language"] == "de"  # tie with sw at 0.2: alphabetical


def test_normalized_gain_and_transfer_gap_change():
    ng = scores.normalized_gain(hand_results()).set_index(["condition", "target", "language"])
    assert ng.loc[("k", "t1", "en"), "normalized_gain"] == pytest.approx((90 - 80) / (100 - 80))
    assert ng.loc[("k", "t1", "sw"), "normalized_gain"] == pytest.approx((40 - 50) / 50)
    assert ("k", "t2", "sw") not in ng.index
    gap = scores.transfer_gap_change(hand_results()).set_index(["condition", "target"])
    assert gap.loc[("baseline", "t1"), "gap"] == pytest.approx(80 - 55)
    assert gap.loc[("k", "t1"), "change"] == pytest.approx((90 - 55) - (80 - 55))
    assert gap.loc[("k", "t2"), "change"] == pytest.approx((70 - 40) - (50 - 30))


def test_lextreme_score_by_hand():
    table = scores.lextreme_score(hand_results()).set_index("condition")
    task = ((80 + 60 + 50) / 3 + (50 + 30) / 2) / 2
    language = ((80 + 50) / 2 + (60 + 30) / 2 + 50) / 3
    assert table.loc["baseline", "task_aggregate"] == pytest.approx(task)
    assert table.loc["baseline", "language_aggregate"] == pytest.approx(language)
    assert table.loc["baseline", "lextreme"] == pytest.approx(2 * task * language / (task + language))


@pytest.mark.filterwarnings("ignore:XTREME-R score")  # a hand-made table with two languages per task
def test_xtreme_r_score_by_hand():
    rows = [_row("baseline", "xnli", l, v) for l, v in (("en", 80), ("de", 70))]
    rows += [_row("baseline", "xcopa", l, v) for l, v in (("et", 60), ("sw", 50))]
    rows += [_row("baseline", "udpos", l, v, metric="f1") for l, v in (("en", 90), ("de", 80))]
    rows += [_row("baseline", "tydiqa", "en", v, metric=m) for m, v in (("exact_match", 50), ("f1", 70))]
    rows += [_row("baseline", "tydiqa", "sw", v, metric=m) for m, v in (("exact_match", 30), ("f1", 50))]
    rows += [_row("baseline", "tatoeba", l, v) for l, v in (("de", 40), ("sw", 20))]
    table = scores.xtreme_r_score(pd.DataFrame(rows)).loc["baseline"]
    assert table["xnli"] == pytest.approx(75) and table["tydiqa"] == pytest.approx(50)
    assert table["classification"] == pytest.approx((75 + 55) / 2)
    assert table["structured"] == pytest.approx(85) and table["qa"] == pytest.approx(50)
    assert table["retrieval"] == pytest.approx(30)
    assert table["xtreme_r"] == pytest.approx((75 + 55 + 85 + 50 + 30) / 5)


def test_xtreme_r_score_averages_a_task_over_its_official_languages_only():
    from xlib.tasks import get_task

    langs = get_task("xcopa").languages
    rows = [_row("baseline", "xcopa", l, 60.0 + i) for i, l in enumerate(langs)]
    rows.append(_row("baseline", "xcopa", "en", 0.0))  # English is not an XCOPA test language
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every language present: no warning
        table = scores.xtreme_r_score(pd.DataFrame(rows))
    assert table.loc["baseline", "xcopa"] == pytest.approx(60.0 + (len(langs) - 1) / 2)
    rows = [r for r in rows if r["language"] not in ("qu", "ht")]
    with pytest.warns(
        UserWarning,
        match=r"'xcopa' of condition 'baseline' averages 9 of its 11 languages "
        r"\(missing: ht, qu\)",
    ):
        partial = scores.xtreme_r_score(pd.DataFrame(rows))
    kept = [60.0 + i for i, l in enumerate(langs) if l not in ("qu", "ht")]
    assert partial.loc["baseline", "xcopa"] == pytest.approx(sum(kept) / len(kept))


# ------------------------------------------------------------------------------------ similarity to English


def test_uriel_table_covers_xtreme_r_and_is_sane():
    from xlib import similarity

    table = similarity.uriel_table()
    assert sorted(table) == sorted(similarity.XTREME_R_LANGUAGES) and len(table) == 50
    assert table["en"]["similarity"] == 1.0 and table["en"]["syntax_distance"] == 0.0
    assert all(0.0 <= row["similarity"] <= 1.0 for row in table.values())
    assert all(row["similarity"] == pytest.approx(1 - row["syntax_distance"]) for row in table.values())
    sim = similarity.similarity_to_english(["de", "nl", "ja", "ko", "en"])
    assert min(sim["de"], sim["nl"]) > max(sim["ja"], sim["ko"])  # Germanic SVO vs verb-final
    assert similarity.family("de") == "Indo-European" and similarity.family("eu") == "Basque (isolate)"


def test_similarity_synthetic_languages_and_unknown():
    from xlib import similarity
    from xlib.synth.languages import similarity_to_english as synthetic

    sim = similarity.similarity_to_english(["sva", "grk", "en"])
    assert sim == {"sva": synthetic("sva"), "grk": synthetic("grk"), "en": 1.0}
    assert similarity.family("grk") == "synthetic"
    with pytest.raises(ValueError, match="xx"):
        similarity.similarity_to_english(["de", "xx"])
    assert similarity.similarity_to_english(["de", "xx"], missing="skip").keys() == {"de"}


def test_order_languages_by_similarity_and_family():
    from xlib import similarity

    langs = ["ja", "sw", "fr", "de", "en", "yo", "it"]
    by_sim = similarity.order_languages(langs)
    sim = similarity.similarity_to_english(langs)
    assert by_sim[0] == "en" and [sim[l] for l in by_sim[1:]] == sorted(
        (sim[l] for l in langs if l != "en"), reverse=True
    )
    by_family = similarity.order_languages(langs, by="family")
    families = [similarity.family(l) for l in by_family[1:]]
    assert by_family[0] == "en" and by_family[1:4] == ["de", "it", "fr"]  # Indo-European first (most similar)
    assert families == sorted(families, key=families.index)  # each family contiguous
    assert by_family.index("sw") == by_family.index("yo") - 1 or by_family.index("yo") == by_family.index("sw") - 1
    with pytest.raises(ValueError, match="by="):
        similarity.order_languages(langs, by="size")


def test_build_uriel_table_reproduces_the_shipped_file(tmp_path):
    pytest.importorskip("lang2vec")
    from importlib import resources
    from xlib import similarity

    path = similarity.build_uriel_table(tmp_path / "uriel.csv")
    shipped = resources.files("xlib").joinpath("data", similarity.DATA_FILE).read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == shipped
