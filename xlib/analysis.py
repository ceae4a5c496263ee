"""Gains of English intermediate-task training over the baseline, from the long results table.

Every function takes the long results table written by :func:`xlib.study.collect`
(``runs/<study>/results.csv``: one row per score with the columns ``study, run_id, condition,
intermediate, target, language, split, metric, seed, value``), either as a DataFrame or as the path
of the CSV file. Scores are on a 0-100 scale, so gains are in points.

Conventions:

* one *headline* metric per target (:func:`headline_scores`), by default the task's ``TaskSpec.metric``
  (:mod:`xlib.tasks`); for a target that is not registered, the first available of :data:`HEADLINE_PRIORITY`;
* the *evaluation split* of a target is its ``TaskSpec.eval_split`` (:mod:`xlib.tasks`) when the
  results hold it; otherwise (a params file chose another split, e.g. ``validation``, or the target is
  not registered) the split scored in the most languages (the English ``dev`` rows used for model
  selection are therefore left out), ties going to ``test``;
* seeds are averaged first, then languages, so a language with more seeds weighs no more;
* a missing score is missing: a (target, language) absent on either side of a comparison is dropped,
  never counted as zero.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

# the headline of a target that is not in the task registry (results of an unknown task): the first available
HEADLINE_PRIORITY = ["em_f1", "accuracy", "f1", "map@20"]
SOURCE_LANGUAGE = "en"
KEY = ["condition", "target", "language", "seed"]
_REQUIRED = ["condition", "target", "language", "split", "metric", "seed", "value"]
_SPLIT_PREFERENCE = ["test", "validation", "dev", "train"]


def _as_frame(results) -> pd.DataFrame:
    """Return ``results`` as a DataFrame (reading it if it is a path), checking its columns."""
    if isinstance(results, (str, os.PathLike)):
        results = pd.read_csv(results)
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results must be a DataFrame or the path of results.csv, not {type(results).__name__}")
    missing = [c for c in _REQUIRED if c not in results.columns]
    if missing:
        raise ValueError(
            f"results table lacks column(s) {', '.join(missing)}; has {', '.join(map(str, results.columns))}"
        )
    return results


def add_em_f1(results) -> pd.DataFrame:
    """Return the results with an ``em_f1`` row ((EM + F1) / 2) added wherever a score has ``exact_match`` and ``f1`` but no ``em_f1``."""
    results = _as_frame(results)
    key = [c for c in results.columns if c not in ("metric", "value", "run_id", "n")]
    qa = results[results["metric"].isin(["exact_match", "f1", "em_f1"])]
    if qa.empty or not (qa["metric"] == "exact_match").any():
        return results
    wide = qa.pivot_table(index=key, columns="metric", values="value", aggfunc="mean", dropna=False)
    if "f1" not in wide or "exact_match" not in wide:
        return results
    missing = wide[
        wide["exact_match"].notna() & wide["f1"].notna() & (wide["em_f1"].isna() if "em_f1" in wide else True)
    ]
    if missing.empty:
        return results
    added = missing.reset_index()[key].assign(
        metric="em_f1", value=((missing["exact_match"] + missing["f1"]) / 2).to_numpy()
    )
    return pd.concat([results, added], ignore_index=True)


def _eval_split(target: str, rows: pd.DataFrame) -> str:
    """Return the evaluation split of one target's rows: the task's declared ``eval_split`` where present,
    else the split scored in the most languages (ties: test first)."""
    from .tasks import all_tasks

    spec = all_tasks().get(target)
    if spec is not None and spec.eval_split in set(rows["split"]):
        return spec.eval_split
    n_languages = rows.groupby("split")["language"].nunique()
    best = n_languages[n_languages == n_languages.max()].index
    rank = {s: i for i, s in enumerate(_SPLIT_PREFERENCE)}
    return sorted(best, key=lambda s: (rank.get(s, len(rank)), str(s)))[0]


def headline_scores(results, headline: Mapping[str, str] | str | None = None, split: str | None = None) -> pd.DataFrame:
    """Return one headline-metric row per (condition, target, language, seed): columns of KEY plus split, metric, value.

    ``headline`` maps a target to its metric (a single string applies to every target); targets it does
    not name get their task's ``TaskSpec.metric`` (ValueError when the results lack it), and a target
    that is not registered the first available metric of :data:`HEADLINE_PRIORITY`. ``split`` fixes the split;
    by default each target's evaluation split is used (its ``TaskSpec.eval_split``, else the split scored
    in the most languages). Duplicate
    rows of the same score are averaged; rows without a value are dropped.
    """
    from .tasks import all_tasks

    results = _as_frame(results)
    results = results[results["value"].notna()]
    registry = all_tasks()
    out = []
    for target, rows in results.groupby("target", sort=True):
        rows = rows[rows["split"] == split] if split is not None else rows[rows["split"] == _eval_split(target, rows)]
        if rows.empty:
            continue
        available = list(dict.fromkeys(rows["metric"]))
        wanted = headline if isinstance(headline, str) else (headline or {}).get(target)
        if wanted is None and target in registry:
            metric = registry[target].metric  # the task's declared headline metric
            if metric not in available:
                raise ValueError(
                    f"target {target!r}: its headline metric {metric!r} (TaskSpec.metric) is not in the "
                    f"results; available: {', '.join(map(str, available))}; pass headline={{{target!r}: ...}}"
                )
        elif wanted is not None:
            if wanted not in available:
                raise ValueError(
                    f"headline metric {wanted!r} of target {target!r} is not in the results; "
                    f"available: {', '.join(map(str, available))}"
                )
            metric = wanted
        else:
            metric = next((m for m in HEADLINE_PRIORITY if m in available), None)
            if metric is None:
                raise ValueError(
                    f"target {target!r} has none of the headline metrics {HEADLINE_PRIORITY} "
                    f"(available: {', '.join(map(str, available))}); pass headline={{{target!r}: ...}}"
                )
        out.append(rows[rows["metric"] == metric])
    columns = KEY + ["split", "metric", "value"]
    if not out:
        return pd.DataFrame(columns=columns)
    scores = pd.concat(out).groupby(KEY + ["split", "metric"], as_index=False, sort=False)["value"].mean()
    return scores[columns].sort_values(KEY, kind="stable").reset_index(drop=True)


def _seed_means(scores: pd.DataFrame) -> pd.DataFrame:
    """Return the mean over seeds and the number of seeds per (condition, target, language)."""
    return scores.groupby(["condition", "target", "language"], as_index=False).agg(
        score=("value", "mean"), n_seeds=("seed", "nunique")
    )


def gain_by_language(
    results,
    baseline: str = "baseline",
    headline=None,
    include_english: bool = True,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return the per-language gain over the baseline: columns condition, target, language, gain, score, baseline_score, n_seeds.

    ``gain`` is the mean over seeds of the condition minus the mean over seeds of ``baseline`` for the
    same target and language; ``n_seeds`` counts the condition's seeds. Only conditions other than the
    baseline appear; a (target, language) missing on either side is dropped. ``include_english=False``
    leaves out ``source_language``.
    """
    scores = headline_scores(results, headline)
    if baseline not in set(scores["condition"]):
        raise ValueError(
            f"baseline condition {baseline!r} is not in the results; "
            f"conditions: {', '.join(map(str, condition_order(scores['condition'].unique())))}"
        )
    if not include_english:
        scores = scores[scores["language"] != source_language]
    means = _seed_means(scores)
    base = means[means["condition"] == baseline][["target", "language", "score"]].rename(
        columns={"score": "baseline_score"}
    )
    gains = means[means["condition"] != baseline].merge(base, on=["target", "language"], how="inner")
    gains = gains.dropna(subset=["score", "baseline_score"])
    gains["gain"] = gains["score"] - gains["baseline_score"]
    columns = ["condition", "target", "language", "gain", "score", "baseline_score", "n_seeds"]
    return _sort_long(gains[columns])


def gain_by_target(
    results,
    baseline: str = "baseline",
    headline=None,
    include_english: bool = False,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return the mean over languages of the per-language gain, wide: index condition, columns target.

    English (``source_language``) is left out by default, so the numbers are zero-shot gains;
    ``include_english=True`` averages it in. A (condition, target) without any comparable language is NaN.
    """
    gains = gain_by_language(
        results, baseline, headline, include_english=include_english, source_language=source_language
    )
    if gains.empty:
        return _empty_wide([])
    wide = gains.pivot_table(index="condition", columns="target", values="gain", aggfunc="mean")
    wide = wide.reindex(index=condition_order(gains["condition"].unique()), columns=sorted(gains["target"].unique()))
    wide.index.name, wide.columns.name = "condition", "target"
    return wide


def transfer_gap(results, headline=None, source_language: str = SOURCE_LANGUAGE) -> pd.DataFrame:
    """Return the cross-lingual transfer gap: columns condition, target, source_score, zero_shot_score, gap, n_languages.

    ``gap`` is the ``source_language`` score minus the mean over the other languages (each averaged over
    seeds first); ``n_languages`` counts those other languages. Targets without a score in the source
    language or without any other language are left out.
    """
    means = _seed_means(headline_scores(results, headline))
    is_source = means["language"] == source_language
    source = (
        means[is_source]
        .groupby(["condition", "target"], as_index=False)["score"]
        .mean()
        .rename(columns={"score": "source_score"})
    )
    others = (
        means[~is_source]
        .groupby(["condition", "target"], as_index=False)
        .agg(zero_shot_score=("score", "mean"), n_languages=("language", "nunique"))
    )
    gap = source.merge(others, on=["condition", "target"], how="inner")
    gap["gap"] = gap["source_score"] - gap["zero_shot_score"]
    order = {c: i for i, c in enumerate(condition_order(gap["condition"].unique()))}
    gap = gap.sort_values(["condition", "target"], key=lambda s: s.map(order) if s.name == "condition" else s)
    return gap[["condition", "target", "source_score", "zero_shot_score", "gap", "n_languages"]].reset_index(drop=True)


def _empty_wide(columns: list) -> pd.DataFrame:
    """Return an empty wide table (index condition, columns target) with ``columns``."""
    return pd.DataFrame(index=pd.Index([], name="condition"), columns=pd.Index(columns, name="target"), dtype=float)


def _sort_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` sorted by condition_order, target, then language_order."""
    conditions = {c: i for i, c in enumerate(condition_order(frame["condition"].unique()))}
    languages = {l: i for i, l in enumerate(language_order(frame["language"].unique()))}
    keys = {"condition": conditions, "language": languages}
    frame = frame.sort_values(
        ["condition", "target", "language"], kind="stable", key=lambda s: s.map(keys[s.name]) if s.name in keys else s
    )
    return frame.reset_index(drop=True)


def _is_multi(condition: str) -> bool:
    """Return whether a condition name denotes several intermediate tasks at once."""
    name = str(condition).lower()
    return name.startswith("multi") or "+" in name


def condition_order(conditions: Iterable, baseline: str = "baseline") -> list:
    """Return the conditions (deduplicated) as baseline first, single tasks alphabetically, then multi-task and any others.

    A condition counts as multi-task when its name starts with ``multi`` or joins tasks with ``+``;
    ``multi-task`` itself comes first among those, the rest alphabetically.
    """
    unique = list(dict.fromkeys(conditions))
    first = [c for c in unique if c == baseline]
    rest = [c for c in unique if c != baseline]
    single = sorted((c for c in rest if not _is_multi(c)), key=str)
    multi = sorted((c for c in rest if _is_multi(c)), key=lambda c: (str(c) != "multi-task", str(c)))
    return first + single + multi


def language_order(
    languages: Iterable, similarity: Mapping[str, float] | None = None, source_language: str = SOURCE_LANGUAGE
) -> list:
    """Return the languages (deduplicated) as English first, then by decreasing similarity if given, else alphabetically.

    Languages absent from ``similarity`` follow the others, alphabetically; equal similarities are
    ordered alphabetically.
    """
    unique = list(dict.fromkeys(languages))
    first = [l for l in unique if l == source_language]
    rest = [l for l in unique if l != source_language]
    if similarity is None:
        return first + sorted(rest, key=str)
    known = sorted((l for l in rest if l in similarity), key=lambda l: (-float(similarity[l]), str(l)))
    unknown = sorted((l for l in rest if l not in similarity), key=str)
    return first + known + unknown


# ---------------------------------------------------------------------------------------- intervals


def gain_intervals(
    results,
    baseline: str = "baseline",
    by: str = "target",
    headline=None,
    include_english: bool = False,
    n_boot: int = 1000,
    seed: int = 0,
    source_language: str = SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return gains over the baseline with 95% bootstrap intervals, per target (``by="target"``) or per target and language.

    Columns condition, target, [language,] gain, ci_low, ci_high, significant. Per target, the gain is
    the mean over languages (English left out unless ``include_english``) of the seed-averaged
    per-language gain; its interval resamples languages (paired) and each side's seeds. Per language,
    only seeds vary: with fewer than two seeds on either side the interval is NaN and nothing is
    ``significant`` (an interval that excludes zero).
    """
    from . import bootstrap

    if by not in ("target", "language"):
        raise ValueError(f"by={by!r}; expected 'target' or 'language'")
    scores = headline_scores(results, headline)
    if baseline not in set(scores["condition"]):
        raise ValueError(
            f"baseline condition {baseline!r} is not in the results; "
            f"conditions: {', '.join(map(str, condition_order(scores['condition'].unique())))}"
        )
    if by == "target" and not include_english:
        scores = scores[scores["language"] != source_language]
    rows = []
    for target, part in scores.groupby("target", sort=True):
        wide = {
            c: p.pivot_table(index="seed", columns="language", values="value", aggfunc="mean")
            for c, p in part.groupby("condition", sort=False)
        }
        if baseline not in wide:
            continue
        for condition, table in wide.items():
            if condition == baseline:
                continue
            languages = [l for l in language_order(table.columns) if l in wide[baseline].columns]
            if not languages:
                continue
            treated = table.reindex(columns=languages).to_numpy(dtype=float)
            control = wide[baseline].reindex(columns=languages).to_numpy(dtype=float)
            if by == "target":
                t_mean, c_mean = bootstrap.nanmean(treated, 0), bootstrap.nanmean(control, 0)
                keep = np.isfinite(t_mean) & np.isfinite(c_mean)
                if not keep.any():
                    continue
                treated, control = treated[:, keep], control[:, keep]
                gain = float(np.mean(t_mean[keep] - c_mean[keep]))
                low = high = float("nan")
                if keep.sum() >= 2 or (treated.shape[0] >= 2 and control.shape[0] >= 2):
                    low, high = bootstrap.delta_interval(treated, control, n_boot, seed)
                rows.append({"condition": condition, "target": target, "gain": gain, "ci_low": low, "ci_high": high})
                continue
            for j, language in enumerate(languages):
                t, c = treated[:, j], control[:, j]
                t, c = t[np.isfinite(t)], c[np.isfinite(c)]
                if t.size == 0 or c.size == 0:
                    continue
                low = high = float("nan")
                if t.size >= 2 and c.size >= 2:
                    low, high = bootstrap.delta_interval(t[:, None], c[:, None], n_boot, seed)
                rows.append(
                    {
                        "condition": condition,
                        "target": target,
                        "language": language,
                        "gain": float(t.mean() - c.mean()),
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
    columns = ["condition", "target"] + (["language"] if by == "language" else []) + ["gain", "ci_low", "ci_high"]
    out = pd.DataFrame(rows, columns=columns)
    out["significant"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    if out.empty:
        return out
    if by == "language":
        return _sort_long(out)
    order = {c: i for i, c in enumerate(condition_order(out["condition"].unique(), baseline))}
    return out.sort_values(
        ["condition", "target"], key=lambda s: s.map(order) if s.name == "condition" else s, kind="stable"
    ).reset_index(drop=True)
