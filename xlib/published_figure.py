"""The figure of Phang et al. (2020)'s published gains beside a study's own (``phang2020_vs_study``).

The published panel draws only numbers with a source (:func:`xlib.published.published_gains`); the
per-cell intermediate x target table is not available anywhere, so its cells are hatched and marked "n/a".
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .heatmap import FONT, _heatmap

NOT_AVAILABLE = "n/a"


def _mark_not_available(ax, table: pd.DataFrame) -> None:
    """Hatch every NaN cell of the heatmap on ``ax`` and write "n/a" in it."""
    from matplotlib.patches import Rectangle

    values = table.to_numpy(dtype=float)
    for i, j in zip(*np.where(~np.isfinite(values))):
        ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch="///", edgecolor="0.8", linewidth=0))
        ax.text(j + 0.5, i + 0.5, NOT_AVAILABLE, ha="center", va="center", color="0.45", fontsize=FONT["annot"] - 1)


def intermediate_titles() -> list[str]:
    """Return the display names of Phang et al.'s nine intermediate tasks (their ``TaskSpec.title``), then "multi-task"."""
    from .tasks import get_task
    from .tasks.intermediate import INTERMEDIATE_TASKS

    return [get_task(name).title for name in INTERMEDIATE_TASKS] + ["multi-task"]


def published_table(published: pd.DataFrame) -> pd.DataFrame:
    """Return the published panel: the third-party best-per-target rows, then one all-NaN row per intermediate task."""
    cells = pd.DataFrame(
        np.nan, index=[f"{t} (dev, per cell)" for t in intermediate_titles()], columns=published.columns
    )
    return pd.concat([published.astype(float), cells])


def published_vs_study_figure(
    published: pd.DataFrame,
    study_gains: pd.DataFrame,
    study_intervals=None,
    study: str = "study",
    note: str = "* 95% bootstrap interval excludes 0",
):
    """Return a two-panel Figure: Phang et al.'s published gains (left, "n/a" where no source) and the study's (right).

    ``published`` is :func:`xlib.published.published_gains`; ``study_gains`` is
    :func:`xlib.analysis.gain_by_target` of the study (``study_intervals`` marks significant cells).
    """
    left = published_table(published)
    n_rows = max(left.shape[0], study_gains.shape[0])
    widths = [left.shape[1] + 6.0, max(study_gains.shape[1], 1) + 4.0]
    fig, axes = plt.subplots(
        1, 2, figsize=(min(0.75 * sum(widths) + 3, 22), 1.6 + 0.42 * n_rows), gridspec_kw={"width_ratios": widths}
    )
    _heatmap(
        left,
        axes[0],
        "Phang et al. (2020), published: best intermediate task per target\n"
        "minus XLM-R, XTREME test (QA: F1); per-cell dev table not available",
        xlabel="target task",
        ylabel="",
    )
    _mark_not_available(axes[0], left)
    marks = None
    if study_intervals is not None and not study_intervals.empty:
        marks = study_intervals.pivot_table(index="condition", columns="target", values="significant", aggfunc="max")
    _heatmap(
        study_gains,
        axes[1],
        f"{study}: gain over the baseline (zero-shot languages)\n{note}",
        xlabel="target task",
        ylabel="intermediate task",
        marks=marks,
    )
    fig.tight_layout()
    return fig
