"""Multiple-comparison corrections of bootstrap p-values: Holm, Benjamini-Hochberg, none (``xlib.significance``)."""

from __future__ import annotations

import numpy as np

CORRECTIONS = ("holm", "bh", "none")
ALPHA = 0.05


# ------------------------------------------------------------------------------------ corrections


def _sorted_finite(p_values):
    """Return (p as floats, an all-NaN output, indices of the finite p-values in increasing order)."""
    p = np.asarray(p_values, dtype=float)
    ok = np.flatnonzero(np.isfinite(p))
    return p, np.full(p.shape, np.nan), ok[np.argsort(p[ok], kind="stable")]


def holm(p_values) -> np.ndarray:
    """Return Holm's step-down adjusted p-values (same order as given; NaN stays NaN)."""
    p, out, order = _sorted_finite(p_values)
    m = order.size
    if m:
        out[order] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[order]), 1.0)
    return out


def benjamini_hochberg(p_values) -> np.ndarray:
    """Return Benjamini–Hochberg adjusted p-values (q-values; same order as given; NaN stays NaN)."""
    p, out, order = _sorted_finite(p_values)
    m = order.size
    if m:
        scaled = p[order] * m / np.arange(1, m + 1)
        out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def adjust(p_values, correction: str) -> np.ndarray:
    """Return ``p_values`` adjusted by ``correction`` (holm, bh or none)."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction={correction!r} is not supported; expected one of {', '.join(CORRECTIONS)}")
    if correction == "holm":
        return holm(p_values)
    if correction == "bh":
        return benjamini_hochberg(p_values)
    return np.asarray(p_values, dtype=float).copy()


def describe(correction: str, m: int, alpha: float = ALPHA) -> str:
    """Return a one-line description of what a star means, naming the correction and the number of comparisons."""
    name = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": "no"}[correction]
    return f"* paired bootstrap p < {alpha:g} after {name} correction over {m} comparisons"
