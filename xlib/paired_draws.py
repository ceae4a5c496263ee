"""Bootstrap draws over test examples of every run's score, paired across conditions: what :mod:`xlib.significance` tests.

One draw picks the same test examples (with replacement) of a (target, language) for every condition
and seed, and every run's metric is recomputed on it from the per-example columns of
``predictions.parquet``; seeds are resampled per condition. Every stream is seeded from its keys with
``zlib.crc32``, never Python's salted ``hash()``.
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pandas as pd

from . import analysis


def _eval_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return the records of each target's evaluation split (``analysis._eval_split``: the task's ``eval_split``)."""
    parts = [
        part[part["split"] == analysis._eval_split(target, part)]
        for target, part in records.groupby("target", sort=True)
    ]
    return pd.concat(parts, ignore_index=True) if parts else records.iloc[:0]


def _stream(*keys) -> np.random.Generator:
    """Return a generator seeded from ``keys`` (ints and strings; crc32, never Python's salted hash)."""
    return np.random.default_rng([k if isinstance(k, int) else zlib.crc32(str(k).encode()) for k in keys])


def _values(part: pd.DataFrame, weights: np.ndarray) -> np.ndarray:
    """Return the metric of one run's records on every draw: ``weights`` (draws x examples) counts how often each
    example is drawn (a row of ones: every example once), so each draw is one matrix product."""
    if "tp" in part and part["tp"].notna().all():
        tp, n_pred, n_gold = (weights @ part[c].to_numpy(float) for c in ("tp", "n_pred", "n_gold"))
        with np.errstate(invalid="ignore", divide="ignore"):
            precision, recall = tp / n_pred, tp / n_gold
            f1 = 200.0 * precision * recall / (precision + recall)
        return np.where(tp > 0, f1, 0.0)
    return weights @ part["score"].to_numpy(float) / weights.shape[1]


def _draw_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """Return (1 + n_boot) x n draw counts: row 0 every example once, then ``n_boot`` bootstrap draws of n examples."""
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return np.vstack([np.ones((1, n)), counts])


def cell_draws(records: pd.DataFrame, n_boot: int = 1000, seed: int = 0, paired: bool = True):
    """Return (cells, draws): one row per (condition, seed, target, language) and its metric on each draw.

    ``draws`` is (cells x (1 + n_boot)); column 0 is the score on all examples, the others on the
    bootstrap draws of the examples: the same draw for every cell of a (target, language) when
    ``paired``, an independent draw per cell otherwise. Cells of one (target, language) must hold the
    same example ids in the same order (ValueError naming the runs otherwise).
    """
    records = _eval_records(records)
    cells, draws = [], []
    for (target, language), part in records.groupby(["target", "language"], sort=True):
        runs = {key: rows for key, rows in part.groupby(["condition", "seed"], sort=True)}
        reference = next(iter(runs.values()))
        ids = reference["id"].tolist()
        for rows in runs.values():
            if rows["id"].tolist() != ids:
                raise ValueError(
                    f"{target}/{language}: run {rows['run_id'].iloc[0]!r} scored other test examples "
                    f"than run {reference['run_id'].iloc[0]!r} ({len(rows)} vs {len(ids)} ids, or "
                    f"another order); a paired comparison needs the same examples"
                )
        n = len(ids)
        shared = _draw_counts(_stream(seed, target, language), n, n_boot)
        for (condition, run_seed), rows in runs.items():
            weights = (
                shared if paired else _draw_counts(_stream(seed, target, language, condition, int(run_seed)), n, n_boot)
            )
            cells.append(
                {"condition": condition, "seed": int(run_seed), "target": target, "language": language, "n_examples": n}
            )
            draws.append(_values(rows, weights))
    return pd.DataFrame(cells), np.vstack(draws) if draws else np.empty((0, n_boot + 1))


def _seed_draws(cells: pd.DataFrame, n_boot: int, seed: int) -> dict:
    """Return {condition: (1 + n_boot) x n_seeds indices into its sorted seeds}; row 0 is every seed once."""
    out = {}
    for condition in sorted(cells["condition"].unique()):
        seeds = sorted(cells.loc[cells["condition"] == condition, "seed"].unique())
        drawn = _stream(seed, "seeds", condition).integers(0, len(seeds), size=(n_boot, len(seeds)))
        out[condition] = (seeds, np.vstack([np.arange(len(seeds))[None, :], drawn]))
    return out


def _seed_mean(matrix: np.ndarray, seed_idx: np.ndarray) -> np.ndarray:
    """Return the mean over resampled seeds per draw: ``matrix`` is (seeds x draws), ``seed_idx`` (draws x seeds)."""
    picked = matrix[seed_idx.T, np.arange(matrix.shape[1])[None, :]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(picked, axis=0)


def _matrix(cells, draws, condition, seeds, mask) -> np.ndarray:
    """Return the (seeds x draws) matrix of the cells selected by ``mask`` for ``condition`` (NaN: missing seed)."""
    out = np.full((len(seeds), draws.shape[1]), np.nan)
    position = {s: i for i, s in enumerate(seeds)}
    for row in np.flatnonzero(mask & (cells["condition"] == condition).to_numpy()):
        out[position[cells["seed"].iat[row]]] = draws[row]
    return out
