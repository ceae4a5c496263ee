"""Heatmaps of gains over the baseline, sized and labelled for a paper.

No backend is chosen here: notebooks draw inline, scripts and tests set ``matplotlib.use("Agg")``.
Every heatmap is drawn by :mod:`xlib.heatmap` (zero-centred, symmetric colour scale, missing cells blank);
the published-vs-study figure is :mod:`xlib.published_figure`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import analysis
from .heatmap import CMAP, FONT, _heatmap, _symmetric_limit
from .published import published_gains
from .published_figure import published_vs_study_figure

DPI = 150


def gain_heatmap_targets(
    gains_wide: pd.DataFrame,
    title: str = "Gain over the baseline (zero-shot languages)",
    ax=None,
    intervals: pd.DataFrame | None = None,
):
    """Return the Figure of an intermediate-task (rows) x target-task (columns) heatmap of gains.

    ``gains_wide`` is :func:`xlib.analysis.gain_by_target`'s table; its row and column order is kept.
    ``intervals`` (:func:`xlib.analysis.gain_intervals` with ``by="target"``) marks with ``*`` the cells
    whose 95% interval excludes zero.
    """
    marks = None
    if intervals is not None and not intervals.empty:
        marks = intervals.pivot_table(index="condition", columns="target", values="significant", aggfunc="max")
    return _heatmap(gains_wide, ax, title, xlabel="target task", ylabel="intermediate task", marks=marks)


def _language_table(rows: pd.DataFrame, value: str, language_order, similarity) -> pd.DataFrame:
    """Return a condition x language table of ``value``, columns in the requested language order."""
    table = rows.pivot_table(index="condition", columns="language", values=value, aggfunc="mean")
    present = list(table.columns)
    if language_order is None:
        columns = analysis.language_order(present, similarity)
    else:
        listed = [l for l in dict.fromkeys(language_order) if l in present]
        columns = listed + analysis.language_order([l for l in present if l not in listed], similarity)
    return table.reindex(index=analysis.condition_order(table.index), columns=columns)


def gain_heatmap_languages(
    gains_long: pd.DataFrame,
    target: str,
    language_order: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
    similarity=None,
):
    """Return the Figure of a condition x language heatmap of gains for one ``target``.

    ``gains_long`` is :func:`xlib.analysis.gain_by_language`'s table, or
    :func:`xlib.analysis.gain_intervals` with ``by="language"`` (then cells whose interval excludes
    zero get a ``*``). Columns follow ``language_order`` (languages it does not list are appended),
    else :func:`xlib.analysis.language_order` with ``similarity``.
    """
    rows = gains_long[gains_long["target"] == target]
    if rows.empty:
        known = ", ".join(map(str, sorted(gains_long["target"].unique())))
        raise ValueError(f"no gains for target {target!r}; targets: {known}")
    marks = None
    if "significant" in rows:
        marks = (
            _language_table(
                rows.assign(significant=rows["significant"].astype(float)), "significant", language_order, similarity
            )
            > 0
        )
    table = _language_table(rows, "gain", language_order, similarity)
    title = f"{target}: gain over the baseline per language" if title is None else title
    return _heatmap(table, ax, title, xlabel="language", ylabel="intermediate task", marks=marks)


def save_figure(fig, path_without_suffix) -> list[Path]:
    """Return the paths of ``fig`` written as PNG (150 dpi) and PDF next to each other, creating directories.

    The PDF carries no creation date, so the same results give byte-identical files (regenerating
    the committed figures leaves git clean).
    """
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = [base.parent / f"{base.name}.png", base.parent / f"{base.name}.pdf"]
    fig.savefig(paths[0], dpi=DPI, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight", metadata={"CreationDate": None})
    return paths


def _file_name(name: str) -> str:
    """Return ``name`` with every character unsafe in a file name replaced by ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(name))


MLEM_CBAR_LABEL = "gain in A (x100)"


def mlem_heatmap(
    language_gains: pd.DataFrame,
    language_order: Sequence[str] | None = None,
    ax=None,
    title: str = "MLEM: gain in the per-language aggregate A over the baseline",
    similarity=None,
):
    """Return the Figure of a condition x language heatmap of ``A[k, l] - A[baseline, l]`` (x100), ``*`` = significant.

    ``language_gains`` is :func:`xlib.mlem.language_gains`' table.
    """
    if language_gains.empty:
        raise ValueError("nothing to plot: no per-language MLEM gains (no condition besides the baseline?)")
    rows = language_gains.assign(
        gain=language_gains["gain"] * 100.0, significant=language_gains["significant"].astype(float)
    )
    table = _language_table(rows, "gain", language_order, similarity)
    marks = _language_table(rows, "significant", language_order, similarity) > 0
    return _heatmap(
        table, ax, title, xlabel="language", ylabel="intermediate task", marks=marks, cbar_label=MLEM_CBAR_LABEL
    )


def mlem_effects(
    table: pd.DataFrame,
    baseline: str = "baseline",
    ax=None,
    title: str = "Effect of intermediate training on MLEM",
    interval_label: str = "95% bootstrap interval",
):
    """Return the Figure of ΔMLEM per condition (x100) with its interval as error bars (``baseline`` left out).

    ``table`` is :func:`xlib.mlem.mlem`'s table (or any with condition, delta, ci_low, ci_high);
    ``interval_label`` says in the axis label what the interval is. Filled markers: the interval excludes zero.
    """
    rows = table[table["condition"] != baseline]
    if rows.empty:
        raise ValueError("nothing to plot: MLEM has no condition besides the baseline")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 1.0 + 0.45 * len(rows)))
    fig = ax.figure
    y = np.arange(len(rows))[::-1]
    delta, low, high = (rows[c].to_numpy(dtype=float) * 100 for c in ("delta", "ci_low", "ci_high"))
    significant = (low > 0) | (high < 0)
    err = np.vstack([delta - low, high - delta])
    ax.errorbar(delta, y, xerr=np.where(np.isfinite(err), err, 0), fmt="none", ecolor="0.3", capsize=3, lw=1.2)
    colors = np.array([plt.get_cmap(CMAP)(0.85 if d >= 0 else 0.15) for d in delta]).reshape(-1, 4)
    ax.scatter(delta[significant], y[significant], color=colors[significant], zorder=3, s=40)
    ax.scatter(
        delta[~significant], y[~significant], facecolors="white", edgecolors=colors[~significant], zorder=3, s=40
    )
    ax.axvline(0.0, color="0.5", lw=0.8, ls="--")
    ax.set_yticks(y, [str(c) for c in rows["condition"]], fontsize=FONT["ticks"])
    ax.set_xlabel(f"ΔMLEM over the baseline (x100), {interval_label}", fontsize=FONT["label"])
    ax.set_ylabel("intermediate task", fontsize=FONT["label"])
    limit = _symmetric_limit(np.concatenate([delta, low, high]))
    ax.set_xlim(-1.1 * limit, 1.1 * limit)
    if title:
        ax.set_title(title, fontsize=FONT["title"])
    fig.tight_layout()
    return fig


def render_study_figures(
    results,
    out_dir,
    baseline: str = "baseline",
    similarity=None,
    prefix: str = "",
    headline=None,
    n_boot: int = 1000,
    seed: int = 0,
    language_order_by: str = "similarity",
    study: str | None = None,
    predictions_dir=None,
    correction: str = "holm",
    alpha: float = 0.05,
) -> list[Path]:
    """Return the paths of every study figure written to ``out_dir`` (PNG + PDF each).

    ``{prefix}gains_by_target`` (condition x target, ``*`` = 95% interval excludes zero),
    ``{prefix}gains_{target}`` (condition x language per target), ``{prefix}mlem_by_language`` (MLEM's
    per-language gains) and ``{prefix}phang2020_vs_study`` (published numbers beside this study's).
    Languages are ordered by ``similarity`` (default: :func:`xlib.similarity.similarity_to_english`) or,
    with ``language_order_by="family"``, grouped by family. With ``predictions_dir`` (the study's runs
    directory, every phase-(iii) run holding ``predictions.parquet``) the stars and the ΔMLEM intervals come
    from the paired bootstrap over test examples (:mod:`xlib.significance`), corrected by ``correction``
    (holm, bh, none); each figure's title names the correction and the number of comparisons.
    """
    from . import mlem
    from .similarity import order_languages, similarity_to_english

    out_dir = Path(out_dir)
    paths: list[Path] = []

    def save(fig, stem):
        try:
            paths.extend(save_figure(fig, out_dir / f"{prefix}{stem}"))
        finally:
            plt.close(fig)

    wide = analysis.gain_by_target(results, baseline=baseline, headline=headline)
    records = None
    if predictions_dir is not None:
        from . import corrections, significance

        records = significance.load_predictions(predictions_dir)
        intervals = significance.paired_gains(records, baseline, "target", correction, n_boot, seed, alpha)
        per_language = significance.paired_gains(records, baseline, "language", correction, n_boot, seed, alpha)
        note = corrections.describe(correction, len(intervals), alpha)
        language_note = corrections.describe(correction, len(per_language), alpha)
    else:
        intervals = analysis.gain_intervals(results, baseline, "target", headline, n_boot=n_boot, seed=seed)
        per_language = analysis.gain_intervals(results, baseline, "language", headline, n_boot=n_boot, seed=seed)
        note = language_note = "* 95% bootstrap interval excludes 0"
    save(
        gain_heatmap_targets(wide, intervals=intervals, title=f"Gain over the baseline (zero-shot languages)\n{note}"),
        "gains_by_target",
    )
    languages = list(per_language["language"].unique())
    if similarity is None:
        similarity = similarity_to_english(languages, missing="skip")
    order = order_languages(languages, by=language_order_by) if language_order_by == "family" else None
    for target in sorted(per_language["target"].unique()):
        save(
            gain_heatmap_languages(
                per_language,
                target,
                language_order=order,
                similarity=similarity,
                title=f"{target}: gain over the baseline per language\n{language_note}",
            ),
            f"gains_{_file_name(target)}",
        )
    gains = mlem.language_gains(results, baseline, n_boot=n_boot, seed=seed, headline=headline)
    if not gains.empty:  # Bonferroni over the heatmap's cells: each interval at level 1 - alpha / cells
        cells = len(gains)
        gains = mlem.language_gains(
            results, baseline, n_boot=n_boot, seed=seed, headline=headline, level=1 - alpha / cells
        )
        save(
            mlem_heatmap(
                gains,
                language_order=order,
                similarity=similarity,
                title="MLEM: gain in the per-language aggregate A over the baseline\n"
                f"* bootstrap interval over seeds excludes 0, Bonferroni over {cells} cells",
            ),
            "mlem_by_language",
        )
        if records is None:
            save(
                mlem_effects(mlem.mlem(results, baseline, n_boot=n_boot, seed=seed, headline=headline), baseline),
                "mlem_effects",
            )
        else:
            paired = significance.paired_mlem(
                records, baseline, correction=correction, n_boot=n_boot, seed=seed, alpha=alpha
            )
            table = paired.assign(ci_low=paired["adj_low"], ci_high=paired["adj_high"])
            level = f"{100 * paired['adj_level'].iloc[0]:.1f}%" if len(paired) else ""
            save(
                mlem_effects(
                    table,
                    baseline,
                    interval_label=f"{level} paired bootstrap interval\n"
                    f"(filled: {corrections.describe(correction, len(paired), alpha)[2:]})",
                ),
                "mlem_effects",
            )
    label = study or (prefix.rstrip("_") or "this study")
    save(published_vs_study_figure(published_gains(), wide, intervals, study=label, note=note), "phang2020_vs_study")
    return paths
