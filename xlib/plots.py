"""Heatmaps of gains over the baseline, sized and labelled for a paper.

No backend is chosen here: notebooks draw inline, scripts and tests set ``matplotlib.use("Agg")``.
Colours are a diverging palette centred on zero with a symmetric scale, so equal gains and losses
look equally strong; missing cells stay blank.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from . import analysis

CMAP = "RdBu"            # red: worse than the baseline, blue: better
CBAR_LABEL = "gain over baseline (points)"
DPI = 150
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


def _heatmap(table: pd.DataFrame, ax, title: str, xlabel: str, ylabel: str):
    """Return the figure of an annotated, zero-centred heatmap of ``table`` drawn on ``ax`` (or a new one)."""
    if table.empty or table.shape[0] == 0 or table.shape[1] == 0:
        raise ValueError("nothing to plot: the gain table is empty (no condition besides the baseline?)")
    values = table.to_numpy(dtype=float)
    longest = max((len(str(i)) for i in table.index), default=4)
    fig, ax = _figure_and_axes(ax, table.shape[0], table.shape[1], label_width=0.075 * longest)
    limit = _symmetric_limit(values)
    sns.heatmap(table.astype(float), ax=ax, cmap=CMAP, center=0, vmin=-limit, vmax=limit,
                annot=np.round(values, 1) + 0.0, fmt=".1f",  # + 0.0: no "-0.0" labels annot_kws={"size": FONT["annot"]}, linewidths=0.5, linecolor="white",
                cbar_kws={"label": CBAR_LABEL, "shrink": 0.9}, square=False)
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    if title:
        ax.set_title(title, fontsize=FONT["title"])
    rotate = table.shape[1] > 4 or max(len(str(c)) for c in table.columns) > 8
    ax.set_xticklabels(ax.get_xticklabels(), rotation=35 if rotate else 0, ha="right" if rotate else "center",
                       fontsize=FONT["ticks"])
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0, fontsize=FONT["ticks"])
    ax.tick_params(length=0)
    cbar = ax.collections[0].colorbar
    if cbar is not None:
        cbar.ax.tick_params(labelsize=FONT["ticks"] - 1)
        cbar.set_label(CBAR_LABEL, fontsize=FONT["label"] - 1)
    fig.tight_layout()
    return fig


def gain_heatmap_targets(gains_wide: pd.DataFrame, title: str = "Gain over the baseline (zero-shot languages)",
                         ax=None):
    """Return the Figure of an intermediate-task (rows) x target-task (columns) heatmap of gains.

    ``gains_wide`` is :func:`xlib.analysis.gain_by_target`'s table; its row and column order is kept.
    """
    return _heatmap(gains_wide, ax, title, xlabel="target task", ylabel="intermediate task")


def gain_heatmap_languages(gains_long: pd.DataFrame, target: str, language_order: Sequence[str] | None = None,
                           ax=None, title: str | None = None, similarity=None):
    """Return the Figure of a condition x language heatmap of gains for one ``target``.

    ``gains_long`` is :func:`xlib.analysis.gain_by_language`'s table. Columns follow ``language_order``
    (languages it does not list are appended), else :func:`xlib.analysis.language_order` with ``similarity``.
    """
    rows = gains_long[gains_long["target"] == target]
    if rows.empty:
        known = ", ".join(map(str, sorted(gains_long["target"].unique())))
        raise ValueError(f"no gains for target {target!r}; targets: {known}")
    table = rows.pivot_table(index="condition", columns="language", values="gain", aggfunc="mean")
    present = list(table.columns)
    if language_order is None:
        columns = analysis.language_order(present, similarity)
    else:
        listed = [l for l in dict.fromkeys(language_order) if l in present]
        columns = listed + analysis.language_order([l for l in present if l not in listed], similarity)
    table = table.reindex(index=analysis.condition_order(table.index), columns=columns)
    title = f"{target}: gain over the baseline per language" if title is None else title
    return _heatmap(table, ax, title, xlabel="language", ylabel="intermediate task")


def save_figure(fig, path_without_suffix) -> list[Path]:
    """Return the paths of ``fig`` written as PNG (150 dpi) and PDF next to each other, creating directories."""
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = [base.parent / f"{base.name}.png", base.parent / f"{base.name}.pdf"]
    fig.savefig(paths[0], dpi=DPI, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    return paths


def _file_name(name: str) -> str:
    """Return ``name`` with every character unsafe in a file name replaced by ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(name))


def render_study_figures(results, out_dir, baseline: str = "baseline", similarity=None, prefix: str = "",
                         headline=None) -> list[Path]:
    """Return the paths of every study figure written to ``out_dir``: ``{prefix}gains_by_target`` and ``{prefix}gains_{target}`` (PNG + PDF each)."""
    out_dir = Path(out_dir)
    paths: list[Path] = []
    wide = analysis.gain_by_target(results, baseline=baseline, headline=headline)
    fig = gain_heatmap_targets(wide)
    try:
        paths += save_figure(fig, out_dir / f"{prefix}gains_by_target")
    finally:
        plt.close(fig)
    per_language = analysis.gain_by_language(results, baseline=baseline, headline=headline)
    for target in sorted(per_language["target"].unique()):
        fig = gain_heatmap_languages(per_language, target, similarity=similarity)
        try:
            paths += save_figure(fig, out_dir / f"{prefix}gains_{_file_name(target)}")
        finally:
            plt.close(fig)
    return paths
