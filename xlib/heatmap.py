"""The annotated heatmap every figure of gains is drawn with: zero-centred, symmetric colour scale, paper-sized.

Colours are a diverging palette centred on zero with a symmetric scale, so equal gains and losses
look equally strong; missing cells stay blank. Cells are labelled with one decimal and a ``*`` where marked.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

CMAP = "RdBu"  # red: worse than the baseline, blue: better
CBAR_LABEL = "gain over baseline (points)"
FONT = {"annot": 9, "ticks": 10, "label": 11, "title": 12}


def _symmetric_limit(values: np.ndarray) -> float:
    """Return the largest absolute finite value (1.0 when there is none or it is zero)."""
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0


def _figure_and_axes(ax, n_rows: int, n_cols: int, label_width: float):
    """Return (figure, axes): ``ax``'s own, or a new figure sized to the table."""
    if ax is not None:
        return ax.figure, ax
    width = min(2.0 + label_width + 0.75 * n_cols + 1.2, 18.0)
    height = min(1.4 + 0.42 * n_rows, 14.0)
    fig, ax = plt.subplots(figsize=(max(width, 4.5), max(height, 2.6)))
    return fig, ax


def _annotations(values: np.ndarray, marks) -> np.ndarray:
    """Return the cell labels: one decimal (never "-0.0"), with ``*`` where ``marks`` is True."""
    rounded = np.round(values, 1) + 0.0
    text = np.array([[("" if not np.isfinite(v) else f"{v:.1f}") for v in row] for row in rounded], dtype=object)
    if marks is not None:
        text = np.where(np.asarray(marks, dtype=bool) & (text != ""), text + "*", text)
    return text


def _heatmap(table: pd.DataFrame, ax, title: str, xlabel: str, ylabel: str, marks=None, cbar_label: str = CBAR_LABEL):
    """Return the figure of an annotated, zero-centred heatmap of ``table`` drawn on ``ax`` (or a new one).

    ``marks`` (a boolean table of the same shape) appends ``*`` to the cells it flags (significant gains).
    """
    if table.empty or table.shape[0] == 0 or table.shape[1] == 0:
        raise ValueError("nothing to plot: the gain table is empty (no condition besides the baseline?)")
    values = table.to_numpy(dtype=float)
    longest = max((len(str(i)) for i in table.index), default=4)
    fig, ax = _figure_and_axes(ax, table.shape[0], table.shape[1], label_width=0.075 * longest)
    limit = _symmetric_limit(values)
    if marks is not None:
        marks = pd.DataFrame(marks).reindex(index=table.index, columns=table.columns).fillna(False).to_numpy(dtype=bool)
    sns.heatmap(
        table.astype(float),
        ax=ax,
        cmap=CMAP,
        center=0,
        vmin=-limit,
        vmax=limit,
        annot=_annotations(values, marks),
        fmt="",
        annot_kws={"size": FONT["annot"]},
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": cbar_label, "shrink": 0.9},
        square=False,
    )
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    if title:
        ax.set_title(title, fontsize=FONT["title"])
    rotate = table.shape[1] > 4 or max(len(str(c)) for c in table.columns) > 8
    ax.set_xticklabels(
        ax.get_xticklabels(), rotation=35 if rotate else 0, ha="right" if rotate else "center", fontsize=FONT["ticks"]
    )
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0, fontsize=FONT["ticks"])
    ax.tick_params(length=0)
    cbar = ax.collections[0].colorbar
    if cbar is not None:
        cbar.ax.tick_params(labelsize=FONT["ticks"] - 1)
        cbar.set_label(cbar_label, fontsize=FONT["label"] - 1)
    fig.tight_layout()
    return fig
