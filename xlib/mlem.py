"""MLEM, the study's headline metric, and the scores reported beside it (specification: ``docs/mlem.md``).

MLEM is defined by this project. It adapts the score aggregation of Ioannou, Shiamishis,
Hollenstein & Gürel (2025), arXiv 2509.22472 (normalise each task's scores across languages,
average the normalised scores per language, relative drop under perturbation, correlation with
syntactic similarity to English); ``docs/mlem.md`` lists where it departs from their code.

Every function takes the long results table of :func:`xlib.study.collect` (a DataFrame or the path of
``results.csv``). A *cell* is the score ``s[m, t, l]`` of one condition at one seed (``m``) on one
target task (``t``) in one language (``l``), on a 0-100 scale: the task's headline metric from
:func:`xlib.analysis.headline_scores` (QA: ``em_f1`` = mean of EM and F1). Missing cells are
skipped by every mean; they never count as zero.

* MLEM-1: :func:`normalize`, :func:`language_aggregates` (``A[m, l]`` with coverage), :func:`mlem`
  (headline and the effect of each intermediate condition with a bootstrap interval),
  :func:`language_gains` (the per-language vector the heatmaps draw).
* MLEM-R: :func:`robustness`, :func:`robustness_by_language`, :func:`mlem_r` (rows of the perturbed
  test sets, split ``<split>-char`` / ``<split>-word``, see :mod:`xlib.perturb`).
* MLEM-S: :func:`similarity_correlation`.
* Beside MLEM (:mod:`xlib.scores`): the XTREME-R score, the transfer gap, normalised gains,
  fairness across languages and a LEXTREME-style score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import analysis, bootstrap

NORMALIZATIONS = ("minmax", "zscore", "none")
MODES = ("joint", "per_condition")
PERTURBATIONS = ("char", "word")
SOURCE_LANGUAGE = analysis.SOURCE_LANGUAGE
_CELL = ["condition", "seed", "target", "language"]


# ------------------------------------------------------------------------------------------ cells


def _is_perturbed(split) -> bool:
    """Return whether ``split`` names a perturbed test set (``<split>-char`` / ``<split>-word``)."""
    return any(str(split).endswith(f"-{kind}") for kind in PERTURBATIONS)


def _clean(results) -> pd.DataFrame:
    """Return the results without perturbed-split rows, with ``em_f1`` added where only EM and F1 exist."""
    results = analysis.add_em_f1(analysis._as_frame(results))
    return results[~results["split"].map(_is_perturbed)]


def cell_scores(results, headline=None) -> pd.DataFrame:
    """Return one row per cell: columns condition, seed, target, language, metric, score (0-100).

    ``headline`` is passed to :func:`xlib.analysis.headline_scores` (one metric per target; default:
    the task's ``TaskSpec.metric``, e.g. ``em_f1`` for QA).
    """
    scores = analysis.headline_scores(_clean(results), headline)
    cells = scores.rename(columns={"value": "score"})[_CELL + ["metric", "score"]]
    return cells.sort_values(_CELL, kind="stable").reset_index(drop=True)


def _check_choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not supported; expected one of {', '.join(allowed)}")


def _normalize_values(values: pd.Series, method: str) -> pd.Series:
    """Return ``values`` normalised to [0, 1] with ``method`` (minmax, zscore or none)."""
    if method == "none":
        return values / 100.0
    if method == "minmax":
        low, high = values.min(), values.max()
        if high == low:
            return pd.Series(0.5, index=values.index)
        return (values - low) / (high - low)
    sd = values.std(ddof=1) if len(values) > 1 else 0.0
    if not np.isfinite(sd) or sd == 0:
        return pd.Series(0.5, index=values.index)
    z = ((values - values.mean()) / sd).clip(-2.0, 2.0)
    return (z + 2.0) / 4.0


def normalize(cells: pd.DataFrame, method: str = "minmax", mode: str = "joint") -> pd.DataFrame:
    """Return ``cells`` (from :func:`cell_scores`) with a column ``normalized`` in [0, 1].

    ``mode="joint"`` normalises each task over every condition, seed and language together (MLEM's
    default: differences between conditions survive); ``mode="per_condition"`` normalises each task
    separately for every condition and seed, as 2509.22472's code does.
    """
    _check_choice("normalize", method, NORMALIZATIONS)
    _check_choice("mode", mode, MODES)
    groups = ["target"] if mode == "joint" else ["condition", "seed", "target"]
    out = cells.copy()
    out["normalized"] = (
        out.assign(score=out["score"].astype(float))
        .groupby(groups, sort=False)["score"]
        .transform(lambda values: _normalize_values(values, method))
    )
    return out


def _seed_aggregates(results, normalize_method: str, mode: str, headline) -> pd.DataFrame:
    """Return ``A`` per (condition, seed, language): columns condition, seed, language, aggregate, coverage."""
    cells = normalize(cell_scores(results, headline), normalize_method, mode)
    cells = cells[cells["normalized"].notna()]
    return cells.groupby(["condition", "seed", "language"], as_index=False).agg(
        aggregate=("normalized", "mean"), coverage=("target", "nunique")
    )


def language_aggregates(results, normalize: str = "minmax", mode: str = "joint", headline=None) -> pd.DataFrame:
    """Return ``A[m, l]`` per condition and language: columns condition, language, aggregate, coverage, n_seeds.

    ``aggregate`` is the mean over tasks of the normalised cells, averaged over seeds; ``coverage``
    counts the tasks that entered it (a task missing in a language is skipped, not a zero).
    """
    per_seed = _seed_aggregates(results, normalize, mode, headline)
    agg = per_seed.groupby(["condition", "language"], as_index=False).agg(
        aggregate=("aggregate", "mean"), coverage=("coverage", "max"), n_seeds=("seed", "nunique")
    )
    return _order(agg)


def _order(frame: pd.DataFrame, similarity=None) -> pd.DataFrame:
    """Return ``frame`` sorted by condition order, then language order (English first)."""
    keys = {}
    if "condition" in frame:
        keys["condition"] = {c: i for i, c in enumerate(analysis.condition_order(frame["condition"].unique()))}
    if "language" in frame:
        keys["language"] = {l: i for i, l in enumerate(analysis.language_order(frame["language"].unique(), similarity))}
    by = [c for c in ("condition", "target", "language") if c in frame]
    frame = frame.sort_values(by, kind="stable", key=lambda s: s.map(keys[s.name]) if s.name in keys else s)
    return frame.reset_index(drop=True)


def _matrices(per_seed: pd.DataFrame, languages: list) -> dict:
    """Return {condition: (seeds x languages) array of A}, NaN where a cell is missing."""
    out = {}
    for condition, rows in per_seed.groupby("condition", sort=False):
        wide = rows.pivot_table(index="seed", columns="language", values="aggregate", aggfunc="mean")
        out[condition] = wide.reindex(columns=languages).to_numpy(dtype=float)
    return out


def _varies(treated: np.ndarray, control: np.ndarray) -> bool:
    """Return whether a bootstrap over these matrices can vary (two languages, or two seeds on each side)."""
    n_lang = int(np.sum(np.isfinite(treated).any(axis=0) | np.isfinite(control).any(axis=0)))
    return n_lang >= 2 or (treated.shape[0] >= 2 and control.shape[0] >= 2)


def _check_baseline(conditions, baseline: str) -> None:
    if baseline not in set(conditions):
        known = ", ".join(map(str, analysis.condition_order(conditions)))
        raise ValueError(f"baseline condition {baseline!r} is not in the results; conditions: {known}")


def mlem(
    results,
    baseline: str = "baseline",
    normalize: str = "minmax",
    mode: str = "joint",
    include_english: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
    headline=None,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return MLEM per condition: columns condition, mlem, delta, ci_low, ci_high, n_seeds, n_languages.

    ``mlem`` is the unweighted mean over languages of ``A[m, l]`` (each averaged over seeds);
    ``delta = mlem - mlem(baseline)`` with a 95% percentile bootstrap interval (``n_boot`` resamples of
    languages, paired between the two conditions, and of each condition's seeds; RNG ``seed``). The
    baseline row has delta 0 and no interval; so does a comparison with nothing to resample (one
    language and one seed). ``include_english=False`` scores zero-shot languages only.
    """
    per_seed = _seed_aggregates(results, normalize, mode, headline)
    _check_baseline(per_seed["condition"].unique(), baseline)
    if not include_english:
        per_seed = per_seed[per_seed["language"] != source_language]
    languages = analysis.language_order(per_seed["language"].unique())
    matrices = _matrices(per_seed, languages)
    headline_score = {c: float(bootstrap.nanmean(bootstrap.nanmean(m, axis=0), axis=0)) for c, m in matrices.items()}
    rows = []
    for condition in analysis.condition_order(matrices, baseline):
        m = matrices[condition]
        delta = headline_score[condition] - headline_score[baseline]
        low = high = float("nan")
        if condition == baseline:
            delta = 0.0
        elif _varies(m, matrices[baseline]):
            low, high = bootstrap.delta_interval(m, matrices[baseline], n_boot=n_boot, seed=seed)
        rows.append(
            {
                "condition": condition,
                "mlem": headline_score[condition],
                "delta": delta,
                "ci_low": low,
                "ci_high": high,
                "n_seeds": m.shape[0],
                "n_languages": int(np.isfinite(m).any(axis=0).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["condition", "mlem", "delta", "ci_low", "ci_high", "n_seeds", "n_languages"])


def significant(frame: pd.DataFrame) -> pd.Series:
    """Return a boolean Series: True where the interval [ci_low, ci_high] excludes zero."""
    return (frame["ci_low"] > 0) | (frame["ci_high"] < 0)


def language_gains(
    results,
    baseline: str = "baseline",
    normalize: str = "minmax",
    mode: str = "joint",
    n_boot: int = 1000,
    seed: int = 0,
    headline=None,
    level: float = bootstrap.LEVEL,
) -> pd.DataFrame:
    """Return ``A[k, l] - A[baseline, l]``: columns condition, language, gain, ci_low, ci_high, significant, n_seeds.

    The interval (at ``level``) resamples seeds (each side on its own); with fewer than two seeds on
    either side there is nothing to resample and it is NaN (never "significant").
    """
    per_seed = _seed_aggregates(results, normalize, mode, headline)
    _check_baseline(per_seed["condition"].unique(), baseline)
    languages = analysis.language_order(per_seed["language"].unique())
    matrices = _matrices(per_seed, languages)
    base = matrices[baseline]
    rows = []
    for condition, m in matrices.items():
        if condition == baseline:
            continue
        for j, language in enumerate(languages):
            t, c = m[:, [j]], base[:, [j]]
            t, c = t[np.isfinite(t[:, 0])], c[np.isfinite(c[:, 0])]
            if t.size == 0 or c.size == 0:
                continue  # missing on one side: no gain, never a zero
            low = high = float("nan")
            if t.shape[0] >= 2 and c.shape[0] >= 2:
                low, high = bootstrap.delta_interval(t, c, n_boot=n_boot, seed=seed, level=level)
            rows.append(
                {
                    "condition": condition,
                    "language": language,
                    "gain": float(t.mean() - c.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "n_seeds": t.shape[0],
                }
            )
    out = pd.DataFrame(rows, columns=["condition", "language", "gain", "ci_low", "ci_high", "n_seeds"])
    out.insert(5, "significant", significant(out))
    return _order(out)


# ------------------------------------------------------------------------------------------ MLEM-R


def robustness(results, headline=None, perturbations=PERTURBATIONS) -> pd.DataFrame:
    """Return the relative drop per cell: columns condition, seed, target, language, clean, perturbed, drop.

    ``perturbed`` is the mean over the perturbed test sets present (split ``<clean split>-<kind>``
    for each kind in ``perturbations``) of the same metric; ``drop = (clean - perturbed) / clean``
    on raw scores (NaN where the clean score is 0). Cells without a perturbed score are left out.
    """
    results = analysis.add_em_f1(analysis._as_frame(results))
    clean = analysis.headline_scores(results[~results["split"].map(_is_perturbed)], headline)
    rows = []
    for (target, split, metric), part in clean.groupby(["target", "split", "metric"], sort=False):
        wanted = [f"{split}-{kind}" for kind in perturbations]
        pert = results[(results["target"] == target) & results["split"].isin(wanted) & (results["metric"] == metric)]
        if pert.empty:
            continue
        # one perturbed score per cell and kind (duplicates averaged), then the mean over kinds
        pert = (
            pert.groupby(_CELL + ["split"], as_index=False)["value"]
            .mean()
            .groupby(_CELL, as_index=False)["value"]
            .mean()
            .rename(columns={"value": "perturbed"})
        )
        merged = part.rename(columns={"value": "clean"}).merge(pert, on=_CELL, how="inner")
        rows.append(merged[_CELL + ["clean", "perturbed"]])
    if not rows:
        return pd.DataFrame(columns=_CELL + ["clean", "perturbed", "drop"])
    out = pd.concat(rows, ignore_index=True)
    clean_values = out["clean"].astype(float)
    out["drop"] = (clean_values - out["perturbed"]) / clean_values.where(clean_values != 0)
    return out.sort_values(_CELL, kind="stable").reset_index(drop=True)


def robustness_by_language(results, headline=None, perturbations=PERTURBATIONS) -> pd.DataFrame:
    """Return robustness per condition and language: columns condition, language, drop, n_tasks, n_seeds (lower is more robust).

    ``drop`` is the mean over tasks of the relative drop, averaged over seeds.
    """
    cells = robustness(results, headline, perturbations).dropna(subset=["drop"])
    per_seed = cells.groupby(["condition", "seed", "language"], as_index=False).agg(
        drop=("drop", "mean"), n_tasks=("target", "nunique")
    )
    out = per_seed.groupby(["condition", "language"], as_index=False).agg(
        drop=("drop", "mean"), n_tasks=("n_tasks", "max"), n_seeds=("seed", "nunique")
    )
    return _order(out)


def mlem_r(
    results,
    baseline: str | None = "baseline",
    include_english: bool = True,
    headline=None,
    perturbations=PERTURBATIONS,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return MLEM-R per condition: columns condition, mlem_r (mean over languages of the drop), delta, n_languages.

    ``delta`` is ``mlem_r - mlem_r(baseline)`` (negative: more robust than the baseline); NaN without a
    baseline. Empty when the results hold no perturbed test sets.
    """
    by_language = robustness_by_language(results, headline, perturbations)
    if not include_english:
        by_language = by_language[by_language["language"] != source_language]
    out = by_language.groupby("condition", as_index=False).agg(
        mlem_r=("drop", "mean"), n_languages=("language", "nunique")
    )
    base = out.set_index("condition")["mlem_r"].get(baseline, np.nan) if baseline else np.nan
    out["delta"] = out["mlem_r"] - base
    return _order(out)[["condition", "mlem_r", "delta", "n_languages"]]


# ------------------------------------------------------------------------------------------ MLEM-S


def similarity_correlation(
    results,
    similarity=None,
    baseline: str = "baseline",
    normalize: str = "minmax",
    mode: str = "joint",
    n_boot: int = 1000,
    seed: int = 0,
    headline=None,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return the correlation of similarity to English with ``A[m, l]`` and with the gain, English excluded.

    Columns: condition, quantity (``aggregate`` for ``A[m, l]``, ``gain`` for ``A[k, l] - A[baseline, l]``),
    n_languages, pearson, pearson_low, pearson_high, spearman, spearman_low, spearman_high (95%
    bootstrap intervals over languages). ``similarity`` maps language -> similarity in [0, 1]; by
    default :func:`xlib.similarity.similarity_to_english` (languages it does not know are left out).
    """
    aggregates = language_aggregates(results, normalize, mode, headline)
    aggregates = aggregates[aggregates["language"] != source_language]
    if similarity is None:
        from .similarity import similarity_to_english

        similarity = similarity_to_english(aggregates["language"].unique(), missing="skip")
    sim = pd.Series({k: float(v) for k, v in dict(similarity).items()}, dtype=float)
    frames = [aggregates.assign(quantity="aggregate", value=aggregates["aggregate"])]
    if baseline in set(aggregates["condition"]):
        gains = language_gains(results, baseline, normalize, mode, n_boot=1, seed=seed, headline=headline)
        gains = gains[gains["language"] != source_language]
        frames.append(gains.assign(quantity="gain", value=gains["gain"]))
    rows = []
    for frame in frames:
        for condition, part in frame.groupby("condition", sort=False):
            part = part[part["language"].isin(sim.index)]
            x, y = sim.reindex(part["language"]).to_numpy(), part["value"].to_numpy(dtype=float)
            row = {
                "condition": condition,
                "quantity": part["quantity"].iloc[0] if len(part) else frame["quantity"].iloc[0],
                "n_languages": int(len(part)),
            }
            for method in ("pearson", "spearman"):
                r, low, high = bootstrap.correlation_interval(x, y, method, n_boot=n_boot, seed=seed)
                row.update({method: r, f"{method}_low": low, f"{method}_high": high})
            rows.append(row)
    columns = [
        "condition",
        "quantity",
        "n_languages",
        "pearson",
        "pearson_low",
        "pearson_high",
        "spearman",
        "spearman_low",
        "spearman_high",
    ]
    return _order(pd.DataFrame(rows, columns=columns)).sort_values("quantity", kind="stable").reset_index(drop=True)
