"""Percentile bootstrap intervals over seeds and languages (NumPy only, fixed RNG seed).

The arrays handled here are score matrices with one row per seed and one column per language;
NaN marks a missing cell and is skipped by every mean (it never counts as zero).
"""

from __future__ import annotations

import warnings

import numpy as np

LEVEL = 0.95


def nanmean(values: np.ndarray, axis) -> np.ndarray:
    """Return the mean over ``axis`` skipping NaN, NaN (without a warning) where every value is NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def percentile_interval(samples: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Return the (low, high) percentile interval of the finite ``samples`` (NaN, NaN when there are none)."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return float(low), float(high)


def resample_mean(matrix: np.ndarray, seed_idx: np.ndarray, lang_idx: np.ndarray) -> np.ndarray:
    """Return, per resample, the mean over resampled languages of the mean over resampled seeds.

    ``matrix`` is (seeds x languages); ``seed_idx`` is (B x n_seeds) and ``lang_idx`` (B x n_picked)
    hold the indices drawn with replacement. Missing cells are skipped at both levels.
    """
    per_language = nanmean(matrix[seed_idx], axis=1)  # (B, languages)
    picked = np.take_along_axis(per_language, lang_idx, axis=1)  # (B, n_picked)
    return nanmean(picked, axis=1)


def delta_samples(treated: np.ndarray, control: np.ndarray, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """Return ``n_boot`` bootstrap draws of mean(treated) - mean(control) over seeds and languages.

    Both matrices are (seeds x languages) on the same language columns. Languages are resampled
    once per draw for both sides (paired); seeds are resampled independently on each side, since
    a seed of one condition is no replicate of the same seed of another.
    """
    treated, control = np.asarray(treated, dtype=float), np.asarray(control, dtype=float)
    if treated.ndim != 2 or control.ndim != 2 or treated.shape[1] != control.shape[1]:
        raise ValueError(
            f"expected two (seeds x languages) matrices with the same languages, "
            f"got shapes {treated.shape} and {control.shape}"
        )
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    rng = np.random.default_rng(seed)
    n_lang = treated.shape[1]
    lang_idx = rng.integers(0, n_lang, size=(n_boot, n_lang))
    treated_idx = rng.integers(0, treated.shape[0], size=(n_boot, treated.shape[0]))
    control_idx = rng.integers(0, control.shape[0], size=(n_boot, control.shape[0]))
    return resample_mean(treated, treated_idx, lang_idx) - resample_mean(control, control_idx, lang_idx)


def delta_interval(
    treated: np.ndarray, control: np.ndarray, n_boot: int = 1000, seed: int = 0, level: float = LEVEL
) -> tuple[float, float]:
    """Return the (low, high) percentile bootstrap interval of mean(treated) - mean(control)."""
    return percentile_interval(delta_samples(treated, control, n_boot, seed), level)


def correlation_interval(
    x, y, method: str = "pearson", n_boot: int = 1000, seed: int = 0, level: float = LEVEL
) -> tuple[float, float, float]:
    """Return (r, low, high): the correlation of paired ``x``, ``y`` and its bootstrap interval over pairs.

    ``method`` is ``pearson`` or ``spearman`` (Pearson on average ranks). Resamples in which one side
    is constant give no correlation and are skipped.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if method not in ("pearson", "spearman"):
        raise ValueError(f"unknown correlation method {method!r}; expected pearson or spearman")
    r = _correlation(x[None, :], y[None, :], method)[0]
    if x.size < 3:
        return r, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    low, high = percentile_interval(_correlation(x[idx], y[idx], method), level)
    return r, low, high


def _ranks(values: np.ndarray) -> np.ndarray:
    """Return the average ranks of each row of ``values`` (ties share their mean rank)."""
    order = np.argsort(values, axis=1, kind="stable")
    ranks = np.empty_like(values, dtype=float)
    rows = np.arange(values.shape[0])[:, None]
    ranks[rows, order] = np.arange(values.shape[1], dtype=float)[None, :]
    out = np.empty_like(ranks)
    for i in range(values.shape[0]):  # average tied ranks
        _, inverse, counts = np.unique(values[i], return_inverse=True, return_counts=True)
        sums = np.bincount(inverse, weights=ranks[i])
        out[i] = (sums / counts)[inverse]
    return out


def _correlation(x: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    """Return the row-wise correlation of ``x`` and ``y`` (NaN for rows where a side is constant)."""
    if x.shape[1] < 2:
        return np.full(x.shape[0], np.nan)
    if method == "spearman":
        x, y = _ranks(x), _ranks(y)
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    denom = np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc).sum(axis=1) / denom
    r[(np.ptp(x, axis=1) == 0) | (np.ptp(y, axis=1) == 0)] = np.nan  # a constant side has no correlation
    return np.clip(r, -1.0, 1.0)
