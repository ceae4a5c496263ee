"""The miniature's bars (issue 14) read off a study's ``results.csv``: do its models learn, do the controls show?

``python tools/miniature_checks.py [runs/miniature/results.csv]`` prints, for every trained target,
the baseline's English score and zero-shot mean (normalised: (score - chance) / (100 - chance);
chance 33.3 for 3-way NLI, 50 for 2-way choice, 0 for F1 and EM/F1), the Spearman correlation of
the baseline's per-language normalised score (mean over the trained targets) with
``similarity_to_english``, the gain of ``translate-train`` over the baseline on mini-xnli in the mean
over the six zero-shot languages per seed, and the gain of ``control-shuffled`` per target (mean
over seeds and zero-shot languages, with each seed's value). Headline metrics as in the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scipy.stats import spearmanr  # noqa: E402

from xlib import analysis  # noqa: E402
from xlib.synth.languages import similarity_to_english  # noqa: E402

CHANCE = {"mini-xnli": 100 / 3, "mini-xcopa": 50.0}
TRAINED = ["mini-xnli", "mini-xcopa", "mini-udpos", "mini-panx", "mini-xquad"]
SOURCE = "en"


def normalised(target: str, score: float) -> float:
    """Return ``score`` as the share of the way from chance to perfect on ``target``."""
    chance = CHANCE.get(target, 0.0)
    return (score - chance) / (100.0 - chance)


def checks(results_csv: str | Path, log=print) -> dict:
    """Print the bars of the miniature for ``results_csv`` and return them as a dict."""
    scores = analysis.headline_scores(analysis.add_em_f1(results_csv))
    scores["norm"] = [normalised(t, v) for t, v in zip(scores.target, scores.value)]
    out = {"seeds": sorted(scores.seed.unique().tolist())}
    log(f"seeds: {out['seeds']}")
    base = scores[scores.condition == "baseline"]
    for target in [t for t in TRAINED if t in set(base.target)]:
        rows = base[base.target == target]
        en = rows[rows.language == SOURCE].groupby("seed")["norm"].mean()
        zs = rows[rows.language != SOURCE].groupby("seed")["norm"].mean()
        raw_en = rows[rows.language == SOURCE]["value"].mean()
        raw_zs = rows[rows.language != SOURCE]["value"].mean()
        out[target] = {"en": en.mean(), "zero_shot": zs.mean()}
        log(
            f"baseline {target}: en {raw_en:.1f} (normalised {en.mean():.2f}; seeds {', '.join(f'{v:.2f}' for v in en)}"
            f") | zero-shot mean {raw_zs:.1f} (normalised {zs.mean():.2f}; seeds {', '.join(f'{v:.2f}' for v in zs)})"
            f"  bars: en>=0.5 {'yes' if en.mean() >= 0.5 else 'NO'}, zero-shot>=0.2 {'yes' if zs.mean() >= 0.2 else 'NO'}"
        )
    trained = base[base.target.isin(TRAINED) & (base.language != SOURCE)]
    per_language = trained.groupby("language")["norm"].mean()
    rho = spearmanr(per_language.to_numpy(), [similarity_to_english(l) for l in per_language.index]).correlation
    out["spearman"] = rho
    log(
        "baseline per-language normalised score (mean over trained targets and seeds): "
        + ", ".join(f"{l} {v:.3f}" for l, v in per_language.sort_values(ascending=False).items())
    )
    log(f"Spearman with similarity_to_english: {rho:.2f}  bar >=0.7: {'yes' if rho >= 0.7 else 'NO'}")
    zero_shot = scores[scores.language != SOURCE].groupby(["condition", "target", "seed"])["value"].mean()
    for condition in ("translate-train", "control-shuffled"):
        if condition not in zero_shot.index.get_level_values(0):
            continue
        for target in sorted(set(zero_shot.loc[condition].index.get_level_values(0))):
            gain = (zero_shot.loc[(condition, target)] - zero_shot.loc[("baseline", target)]).dropna()
            out[(condition, target)] = gain.tolist()
            log(
                f"{condition} - baseline on {target} (zero-shot mean, points): mean {gain.mean():+.1f}; per seed "
                + ", ".join(f"s{s} {g:+.1f}" for s, g in gain.items())
            )
    log(
        "\nscores (headline metric, mean over the seven languages, English included; mean over seeds "
        "[lowest, highest seed]):"
    )
    per_seed = scores.groupby(["condition", "target", "seed"])["value"].mean().unstack("seed")
    table = per_seed.apply(lambda r: f"{r.mean():.1f} [{r.min():.1f}, {r.max():.1f}]", axis=1).unstack("target")
    log("| condition | " + " | ".join(table.columns) + " |")
    log("|---|" + "---|" * len(table.columns))
    for condition, row in table.iterrows():
        log(f"| {condition} | " + " | ".join(row.fillna("n/a")) + " |")
    return out


def corrected_tests(runs_dir, log=print, n_boot: int = 1000, seed: int = 0) -> dict:
    """Print and return the figures' corrected tests from the runs' kept predictions.

    The same calls and settings as ``render_study_figures`` (paired bootstrap over test examples and
    seeds, Holm): the gain of each condition on each target's zero-shot mean, and ΔMLEM per condition.
    """
    from xlib import significance

    records = significance.load_predictions(runs_dir)
    gains = significance.paired_gains(records, "baseline", "target", "holm", n_boot, seed)
    log(f"\ncorrected tests (paired bootstrap over test examples and seeds, Holm over {gains['m'].iloc[0]}):")
    for row in gains.itertuples():
        log(
            f"{row.condition} - baseline on {row.target}: {row.gain:+.1f} points, adjusted interval "
            f"[{row.adj_low:+.1f}, {row.adj_high:+.1f}], p_adj {row.p_adjusted:.3f}"
            + ("  significant" if row.significant else "")
        )
    deltas = significance.paired_mlem(records, "baseline", correction="holm", n_boot=n_boot, seed=seed)
    for row in deltas.itertuples():
        log(
            f"ΔMLEM x100 {row.condition}: {100 * row.delta:+.1f}, adjusted interval [{100 * row.adj_low:+.1f}, "
            f"{100 * row.adj_high:+.1f}] (Holm over {row.m}), p_adj {row.p_adjusted:.3f}"
            + ("  significant" if row.significant else "")
        )
    return {"gains": gains, "mlem": deltas}


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "runs/miniature/results.csv"
    checks(path)
    if any(Path(path).parent.glob("target--*/predictions.parquet")):  # a runs directory, not the committed copy
        corrected_tests(Path(path).parent)
