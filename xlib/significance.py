"""Paired significance of the gain of each condition over the baseline, from the runs' kept predictions.

The unit resampled is the **test example**: every condition and seed is scored on the same test
examples of a (target, language), so one bootstrap draw picks the same examples (with replacement)
for every condition and seed, and every score is recomputed on that draw from the per-example
columns of ``predictions.parquet`` (:func:`xlib.predictions.metric`: mean per-example score, or micro
F1 of summed counts for tagging and BUCC). With several seeds, each draw also resamples each
condition's seeds with replacement, independently per condition (seed 0 of one condition is no
replicate of seed 0 of another). **Languages are not resampled**: the intervals are about these
languages, not a population of languages. The draws are made by :mod:`xlib.paired_draws`.

Three families of comparisons, each corrected for its own number of comparisons ``m``:

- per (condition, target, language): the gain in the task metric (points);
- per (condition, target): the mean over the zero-shot languages of those gains;
- ΔMLEM per condition (:mod:`xlib.mlem`, recomputed on every draw: normalisation included).

Each comparison gets a two-sided bootstrap p-value (twice the smaller share of draws on either
side of zero, (count + 1) / (B + 1)), a p-value adjusted by ``correction`` (``holm``, ``bh`` for
Benjamini–Hochberg, or ``none``), ``significant`` = adjusted p < ``alpha``, the raw 95% percentile
interval (``ci_low``, ``ci_high``) and an interval at the corrected level (``adj_low``,
``adj_high``): Bonferroni's 1 - alpha/m for Holm, Benjamini–Yekutieli's false-coverage-rate level
1 - R·alpha/m (R = number of significant comparisons) for BH, the raw one for ``none``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import analysis, predictions
from .corrections import ALPHA, adjust
from .paired_draws import _eval_records, _matrix, _seed_draws, _seed_mean, cell_draws

# ------------------------------------------------------------------------------------ loading


def load_predictions(study_dir) -> pd.DataFrame:
    """Return the prediction records of every finished phase-(iii) run under ``study_dir`` with condition, target, seed, run_id.

    A run without ``predictions.parquet`` or with an unreadable one raises an error naming the run and file.
    """
    from .rundir import is_finished

    root = Path(study_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no runs directory {root}")
    frames = []
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir() and is_finished(p)):
        meta = json.loads((run_dir / "run.json").read_text())
        if meta.get("phase") != "target":
            continue
        frame = predictions.read(run_dir)
        frames.append(
            frame.assign(
                condition=meta["condition"], target=meta["target"], seed=int(meta["seed"]), run_id=meta["run_id"]
            )
        )
    if not frames:
        raise FileNotFoundError(f"{root}: no finished phase-(iii) run with predictions")
    return pd.concat(frames, ignore_index=True)


def p_value(gain_draws: np.ndarray) -> float:
    """Return the two-sided bootstrap p-value of gain draws: 2 x the smaller share on either side of 0, (k+1)/(B+1)."""
    d = np.asarray(gain_draws, dtype=float)
    d = d[np.isfinite(d)]
    if d.size == 0 or np.all(d == d[0]) and d[0] == 0:
        return 1.0
    below = (np.sum(d <= 0) + 1) / (d.size + 1)
    above = (np.sum(d >= 0) + 1) / (d.size + 1)
    return float(min(1.0, 2 * min(below, above)))


def _interval(d: np.ndarray, level: float) -> tuple[float, float]:
    from .bootstrap import percentile_interval

    return percentile_interval(d, level)


def _finish(rows: list[dict], gain_draws: list[np.ndarray], correction: str, alpha: float) -> pd.DataFrame:
    """Return ``rows`` with p-values, the correction, significance and raw and corrected intervals."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["p_value"] = [p_value(d) for d in gain_draws]
    frame["p_adjusted"] = adjust(frame["p_value"], correction)
    frame["significant"] = frame["p_adjusted"] < alpha
    m = len(frame)
    rejected = int(frame["significant"].sum())
    level = {"holm": 1 - alpha / m, "bh": 1 - max(rejected, 1) * alpha / m, "none": 1 - alpha}[correction]
    raw = [_interval(d, 1 - alpha) for d in gain_draws]
    adjusted = [_interval(d, level) for d in gain_draws]
    frame["ci_low"], frame["ci_high"] = [r[0] for r in raw], [r[1] for r in raw]
    frame["adj_low"], frame["adj_high"] = [a[0] for a in adjusted], [a[1] for a in adjusted]
    frame["correction"], frame["m"], frame["adj_level"] = correction, m, level
    return frame


def paired_gains(
    records: pd.DataFrame,
    baseline: str = "baseline",
    by: str = "language",
    correction: str = "holm",
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = ALPHA,
    include_english: bool = False,
    paired: bool = True,
    source_language: str = analysis.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return the gain of every condition over ``baseline`` with paired-bootstrap intervals and corrected tests.

    ``by="language"``: one row per (condition, target, language); ``by="target"``: per (condition, target),
    the mean over languages (English left out unless ``include_english``). Columns condition, target,
    [language,] gain, ci_low, ci_high, p_value, p_adjusted, significant, adj_low, adj_high, correction,
    m, adj_level, n_examples, n_seeds. ``paired=False`` draws each run's examples independently (the
    unpaired bootstrap, for comparison only).
    """
    if by not in ("language", "target"):
        raise ValueError(f"by={by!r}; expected 'language' or 'target'")
    adjust([], correction)
    cells, draws = cell_draws(records, n_boot, seed, paired)
    if baseline not in set(cells["condition"]):
        raise ValueError(
            f"baseline condition {baseline!r} has no predictions; conditions: "
            f"{', '.join(analysis.condition_order(cells['condition'].unique()))}"
        )
    seed_draws = _seed_draws(cells, n_boot, seed)
    rows, gains = [], []
    conditions = [c for c in analysis.condition_order(cells["condition"].unique(), baseline) if c != baseline]
    for condition in conditions:
        for target in sorted(cells.loc[cells["condition"] == condition, "target"].unique()):
            per_language, n_examples = {}, {}
            languages = analysis.language_order(cells.loc[cells["target"] == target, "language"].unique())
            for language in languages:
                mask = ((cells["target"] == target) & (cells["language"] == language)).to_numpy()
                t_seeds, t_idx = seed_draws[condition]
                c_seeds, c_idx = seed_draws[baseline]
                treated = _seed_mean(_matrix(cells, draws, condition, t_seeds, mask), t_idx)
                control = _seed_mean(_matrix(cells, draws, baseline, c_seeds, mask), c_idx)
                if np.isnan(treated[0]) or np.isnan(control[0]):
                    continue  # missing on one side: no gain, never a zero
                per_language[language] = treated - control
                n_examples[language] = int(cells.loc[mask, "n_examples"].iloc[0])
            n_seeds = len(seed_draws[condition][0])
            if by == "language":
                for language, d in per_language.items():
                    rows.append(
                        {
                            "condition": condition,
                            "target": target,
                            "language": language,
                            "gain": float(d[0]),
                            "n_examples": n_examples[language],
                            "n_seeds": n_seeds,
                        }
                    )
                    gains.append(d[1:])
                continue
            used = [l for l in per_language if include_english or l != source_language]
            if not used:
                continue
            d = np.mean([per_language[l] for l in used], axis=0)
            rows.append(
                {
                    "condition": condition,
                    "target": target,
                    "gain": float(d[0]),
                    "n_examples": int(sum(n_examples[l] for l in used)),
                    "n_seeds": n_seeds,
                    "n_languages": len(used),
                }
            )
            gains.append(d[1:])
    return _finish(rows, gains, correction, alpha)


def _normalize_draws(values: np.ndarray, method: str) -> np.ndarray:
    """Return (cells x draws) ``values`` normalised per draw over the cells, as :func:`xlib.mlem.normalize`."""
    if method == "none":
        return values / 100.0
    if method == "minmax":
        low, high = values.min(axis=0), values.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        return np.where(high > low, (values - low) / span, 0.5)
    if values.shape[0] < 2:
        return np.full(values.shape, 0.5)
    sd = values.std(axis=0, ddof=1)
    ok = np.isfinite(sd) & (sd > 0)
    z = np.clip((values - values.mean(axis=0)) / np.where(ok, sd, 1.0), -2.0, 2.0)
    return np.where(ok, (z + 2.0) / 4.0, 0.5)


def paired_mlem(
    records: pd.DataFrame,
    baseline: str = "baseline",
    normalize: str = "minmax",
    mode: str = "joint",
    include_english: bool = True,
    correction: str = "holm",
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = ALPHA,
    source_language: str = analysis.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Return ΔMLEM per condition with a paired bootstrap over test examples (and seeds), MLEM recomputed per draw.

    Columns condition, delta, ci_low, ci_high, p_value, p_adjusted, significant, adj_low, adj_high,
    correction, m, adj_level, n_seeds, n_languages. ``delta`` equals :func:`xlib.mlem.mlem`'s on the
    same runs; the interval keeps the languages fixed (they are not resampled).
    """
    from .mlem import MODES, NORMALIZATIONS, _check_choice

    _check_choice("normalize", normalize, NORMALIZATIONS)
    _check_choice("mode", mode, MODES)
    adjust([], correction)
    cells, draws = cell_draws(records, n_boot, seed, paired=True)
    if baseline not in set(cells["condition"]):
        raise ValueError(f"baseline condition {baseline!r} has no predictions")
    normalized = np.full(draws.shape, np.nan)
    groups = ["target"] if mode == "joint" else ["condition", "seed", "target"]
    for _, part in cells.groupby(groups, sort=False):
        normalized[part.index] = _normalize_draws(draws[part.index], normalize)
    if not include_english:
        keep = (cells["language"] != source_language).to_numpy()
        cells, normalized = cells[keep].reset_index(drop=True), normalized[keep]
    languages = analysis.language_order(cells["language"].unique())
    seed_draws = _seed_draws(cells, n_boot, seed)
    headline = {}
    for condition, (seeds, idx) in seed_draws.items():
        per_language = []
        for language in languages:
            # A[m, l] per seed: mean over the tasks that have the language
            matrix = np.full((len(seeds), draws.shape[1]), np.nan)
            for i, s in enumerate(seeds):
                rows = (
                    (cells["condition"] == condition) & (cells["seed"] == s) & (cells["language"] == language)
                ).to_numpy()
                if rows.any():
                    matrix[i] = normalized[rows].mean(axis=0)
            per_language.append(_seed_mean(matrix, idx))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            headline[condition] = np.nanmean(np.vstack(per_language), axis=0)
    rows, gains = [], []
    for condition in analysis.condition_order(headline, baseline):
        if condition == baseline:
            continue
        d = headline[condition] - headline[baseline]
        rows.append(
            {
                "condition": condition,
                "delta": float(d[0]),
                "n_seeds": len(seed_draws[condition][0]),
                "n_languages": len(languages),
            }
        )
        gains.append(d[1:])
    return _finish(rows, gains, correction, alpha)


def one_seed_warning(records: pd.DataFrame) -> str | None:
    """Return a plain warning when some condition has a single seed (intervals then cover test examples only), else None."""
    seeds = records.groupby("condition")["seed"].nunique()
    single = sorted(seeds[seeds < 2].index)
    if not single:
        return None
    return (
        f"WARNING: {len(single)} condition(s) have ONE seed ({', '.join(map(str, single))}). Their intervals "
        "cover the sampling of test examples only, not the variation between training runs (seeds), which "
        "is often as large as the effects studied here. Read them as a lower bound on the uncertainty; "
        "run at least three seeds before drawing conclusions."
    )


def has_predictions(study_dir) -> bool:
    """Return whether ``study_dir`` has finished phase-(iii) runs and every one of them keeps ``predictions.parquet``."""
    from .rundir import is_finished

    root = Path(study_dir)
    runs = (
        [p for p in sorted(root.iterdir()) if p.is_dir() and p.name.startswith("target--") and is_finished(p)]
        if root.is_dir()
        else []
    )
    return bool(runs) and all((p / predictions.FILE).exists() for p in runs)


def _span(values: pd.Series) -> str:
    """Return ``min–max`` of ``values``, or the one value when they are all equal."""
    low, high = int(values.min()), int(values.max())
    return str(low) if low == high else f"{low}–{high}"


def explain(records: pd.DataFrame, correction: str, alpha: float = ALPHA, families: dict | None = None) -> str:
    """Return, in words (Markdown), what the paired intervals of ``records`` cover and how they were corrected.

    ``families`` maps a family name to its number of comparisons ``m`` (shown with the correction).
    """
    scored = _eval_records(records)
    n_examples = scored.groupby(["target", "language"])["id"].nunique()
    seeds = scored.groupby("condition")["seed"].nunique()
    name = {"holm": "Holm's step-down", "bh": "Benjamini–Hochberg's", "none": "no"}[correction]
    level = {
        "holm": "Bonferroni level 1 - α/m",
        "bh": "false-coverage-rate level 1 - R·α/m (R = significant comparisons)",
        "none": f"level {1 - alpha:.0%}",
    }[correction]
    lines = [
        f"**What each interval covers.** Every interval here comes from a paired bootstrap over **test examples**: "
        f"each draw picks, with replacement, the same test examples of a (target, language) for the condition and "
        f"for the baseline ({_span(n_examples)} examples per target and language, "
        f"{len(n_examples)} (target, language) test sets), and rescores both from their kept predictions.",
        f"**Seeds:** {_span(seeds)} per condition; "
        + (
            "each draw also resamples every condition's seeds, so the intervals include the variation between "
            "training runs."
            if seeds.min() > 1
            else "with one seed there is nothing to resample: the intervals do not include the variation between "
            "training runs."
        ),
        "**Languages are fixed:** the per-target gain and ΔMLEM average the study's languages, which are not "
        "resampled; the intervals speak about these languages, not about other languages.",
        f"**Multiple comparisons:** stars and `significant` use {name} correction at α = {alpha:g} within each "
        "family"
        + (" (" + "; ".join(f"{k}: m = {v}" for k, v in families.items()) + ")" if families else "")
        + f"; `ci_low`/`ci_high` are the uncorrected {1 - alpha:.0%} intervals, `adj_low`/`adj_high` the "
        f"intervals at the {level}.",
    ]
    warning = one_seed_warning(records)
    if warning:
        lines.append(f"**{warning}**")
    return "\n\n".join(lines)
