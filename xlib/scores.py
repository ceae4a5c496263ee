"""The scores reported beside MLEM (``docs/mlem.md``): the official XTREME-R aggregate, the transfer gap,
normalised gains, fairness across languages and a LEXTREME-style score.

Every function takes the long results table of :func:`xlib.study.collect` (a DataFrame or the path of
``results.csv``), except :func:`fairness`, which takes :func:`xlib.mlem.language_aggregates`' table.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import analysis
from .mlem import SOURCE_LANGUAGE, _check_baseline, _clean, _order, cell_scores

# ---------------------------------------------------------------------------------------------------------
# The official XTREME-R aggregate (evaluate.py: per-task mean over languages, group means, overall mean)


CATEGORY_ORDER = ("classification", "structured", "qa", "retrieval")


def _registered_task(target: str):
    """Return the registered ``TaskSpec`` of ``target``, or None for a target the registry does not know."""
    from .tasks import get_task

    try:
        return get_task(target)
    except ValueError:
        return None


def _task_category(target: str) -> str:
    """Return the XTREME-R category of ``target``: its registered ``TaskSpec.category`` ("" when unregistered)."""
    spec = _registered_task(target)
    return spec.category if spec is not None else ""


def _official_languages(scores):
    """Return ``scores`` restricted to each registered task's language list; warn where a condition lacks some.

    evaluate.py averages a task over exactly its ``TASK2LANGS`` list (and fails when a language file is
    missing); here a language outside the list is left out and a partial list is averaged with a warning
    that names the task, the condition and the missing languages. Unregistered targets are kept whole.
    """
    kept = []
    for target, rows in scores.groupby("target", sort=False):
        spec = _registered_task(target)
        languages = tuple(spec.languages) if spec is not None else ()
        if languages:
            rows = rows[rows["language"].isin(languages)]
            for condition, cond_rows in rows.groupby("condition", sort=False):
                missing = [lang for lang in languages if lang not in set(cond_rows["language"])]
                if missing:
                    warnings.warn(
                        f"XTREME-R score: {target!r} of condition {condition!r} averages "
                        f"{len(languages) - len(missing)} of its {len(languages)} languages "
                        f"(missing: {', '.join(missing)}); the official score needs all of them",
                        stacklevel=3,
                    )
        kept.append(rows)
    return pd.concat(kept) if kept else scores


def xtreme_r_score(results, headline=None):
    """Return the XTREME-R scores per condition: index condition; a column per task, per category, and ``xtreme_r``.

    As google-research/xtreme's evaluate.py: each task's score is its metric averaged uniformly over
    the task's languages (QA: ``em_f1`` = (EM + F1) / 2; seeds are averaged first), a category score is
    the mean of its tasks (classification, structured prediction, QA, retrieval: ``TaskSpec.category``)
    and ``xtreme_r`` the mean over all tasks. A condition lacking a task gets NaN where it enters. A
    registered task is averaged over its own language list only (:func:`_official_languages`: a language
    outside it is left out; a missing one is warned about, and the mean covers the languages present).
    """
    scores = _official_languages(analysis.headline_scores(analysis.add_em_f1(results), headline))
    means = scores.groupby(["condition", "target", "language"], as_index=False)["value"].mean()
    wide = means.pivot_table(index="condition", columns="target", values="value", aggfunc="mean")
    wide = wide.reindex(index=analysis.condition_order(wide.index), columns=sorted(wide.columns))
    out = wide.copy()
    categories = {t: _task_category(t) for t in wide.columns}
    for category in CATEGORY_ORDER:
        tasks = [t for t, c in categories.items() if c == category]
        if tasks:
            out[category] = wide[tasks].mean(axis=1, skipna=False)
    out["xtreme_r"] = wide.mean(axis=1, skipna=False)
    out.index.name, out.columns.name = "condition", None
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------------------
# Beside MLEM


def transfer_gap_change(
    results, baseline: str = "baseline", headline=None, source_language: str = SOURCE_LANGUAGE
) -> pd.DataFrame:
    """Return the transfer gap per condition and target and its change: columns condition, target, gap, baseline_gap, change.

    ``gap`` is English minus the mean of the other languages (:func:`xlib.analysis.transfer_gap`);
    ``change = gap - baseline_gap`` (negative: intermediate training narrowed the gap).
    """
    gap = analysis.transfer_gap(_clean(results), headline, source_language)
    _check_baseline(gap["condition"].unique(), baseline)
    base = gap[gap["condition"] == baseline][["target", "gap"]].rename(columns={"gap": "baseline_gap"})
    out = gap.merge(base, on="target", how="left")
    out["change"] = out["gap"] - out["baseline_gap"]
    return out[["condition", "target", "gap", "baseline_gap", "change"]]


def normalized_gain(results, baseline: str = "baseline", headline=None) -> pd.DataFrame:
    """Return the normalised gain per condition, target and language: ``(s_k - s_base) / (100 - s_base)``.

    Columns condition, target, language, score, baseline_score, normalized_gain (scores averaged over
    seeds; NaN where the baseline already scores 100).
    """
    gains = analysis.gain_by_language(_clean(results), baseline, headline)
    head = 100.0 - gains["baseline_score"]
    gains["normalized_gain"] = gains["gain"] / head.where(head != 0)
    return gains[["condition", "target", "language", "score", "baseline_score", "normalized_gain"]]


def gini(values) -> float:
    """Return the Gini coefficient of non-negative ``values`` (0 = all equal; NaN if empty or all zero)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0 or x.sum() == 0:
        return float("nan")
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2.0 * x.size**2 * x.mean()))


def fairness(
    aggregates: pd.DataFrame, include_english: bool = True, source_language: str = SOURCE_LANGUAGE
) -> pd.DataFrame:
    """Return fairness across languages of ``A[m, ·]`` per condition.

    ``aggregates`` is :func:`language_aggregates`' table. Columns: condition, n_languages, min_language,
    min, max, range, sd (population, ddof=0), cv (sd / mean), gini.
    """
    if not include_english:
        aggregates = aggregates[aggregates["language"] != source_language]
    rows = []
    for condition, part in aggregates.groupby("condition", sort=False):
        part = part.dropna(subset=["aggregate"])
        x = part["aggregate"].to_numpy(dtype=float)
        if x.size == 0:
            continue
        worst = part.sort_values(["aggregate", "language"]).iloc[0]
        mean, sd = float(x.mean()), float(x.std(ddof=0))
        rows.append(
            {
                "condition": condition,
                "n_languages": int(x.size),
                "min_language": worst["language"],
                "min": float(x.min()),
                "max": float(x.max()),
                "range": float(x.max() - x.min()),
                "sd": sd,
                "cv": sd / mean if mean else float("nan"),
                "gini": gini(x),
            }
        )
    columns = ["condition", "n_languages", "min_language", "min", "max", "range", "sd", "cv", "gini"]
    return _order(pd.DataFrame(rows, columns=columns))


def lextreme_score(
    results, headline=None, include_english: bool = True, source_language: str = SOURCE_LANGUAGE
) -> pd.DataFrame:
    """Return a LEXTREME-style score per condition: columns condition, task_aggregate, language_aggregate, lextreme.

    On raw scores averaged over seeds: ``task_aggregate`` = mean over tasks of each task's mean over
    languages; ``language_aggregate`` = mean over languages of each language's mean over tasks;
    ``lextreme`` = their harmonic mean.
    """
    cells = cell_scores(results, headline)
    if not include_english:
        cells = cells[cells["language"] != source_language]
    means = cells.groupby(["condition", "target", "language"], as_index=False)["score"].mean()
    task = means.groupby(["condition", "target"])["score"].mean().groupby("condition").mean()
    language = means.groupby(["condition", "language"])["score"].mean().groupby("condition").mean()
    out = pd.DataFrame({"task_aggregate": task, "language_aggregate": language}).reset_index()
    a, b = out["task_aggregate"], out["language_aggregate"]
    out["lextreme"] = (2 * a * b / (a + b)).where((a + b) != 0, 0.0)
    return _order(out)[["condition", "task_aggregate", "language_aggregate", "lextreme"]]
