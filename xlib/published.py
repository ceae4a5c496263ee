"""Phang et al. (2020)'s published numbers, shipped with their sources, and the published gains they imply.

``xlib/data/phang2020_published.csv`` holds only numbers that have a source (each row with its citation);
the per-cell intermediate x target table of the paper is not available anywhere.
"""

from __future__ import annotations

import pandas as pd

PUBLISHED_FILE = "phang2020_published.csv"
PUBLISHED_TARGETS = ["xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba"]
PUBLISHED_LABELS = {"mt5_readme": "X-STILTs - XLM-R (mT5 README)", "rembert_t16": "STiLTs - XLM-R (RemBERT Tab. 16)"}


def load_published() -> pd.DataFrame:
    """Return the shipped published numbers of Phang et al. (2020) with their sources; ``value`` on a 0-100 scale.

    Columns source, system, split, task, language, metric, value, scale, citation (``xlib/data/phang2020_published.csv``:
    only numbers that have a source; the per-cell intermediate x target table is not available anywhere).
    """
    from importlib import resources

    with resources.files("xlib").joinpath("data", PUBLISHED_FILE).open("r", encoding="utf-8") as f:
        table = pd.read_csv(f, comment="#")
    bad = ~table["scale"].isin(["0-1", "0-100"])
    if bad.any():
        raise ValueError(
            f"xlib/data/{PUBLISHED_FILE}: row(s) {', '.join(map(str, table.index[bad] + 1))} have a scale "
            f"other than 0-1 or 0-100"
        )
    table["value"] = table["value"].where(table["scale"] == "0-100", table["value"] * 100)
    return table


def published_gains(metric_for_qa: str = "f1") -> pd.DataFrame:
    """Return the published gain of the best-intermediate-task-per-target system over XLM-R (test), wide.

    Index: one row per third-party source (labels in :data:`PUBLISHED_LABELS`); columns
    :data:`PUBLISHED_TARGETS`; NaN where the source gives no number (BUCC and Tatoeba test numbers of
    the submission were not found). QA targets use ``metric_for_qa`` (the mT5 README gives F1 only).
    """
    table = load_published()
    table = table[(table["language"] == "avg") & (table["split"] == "test") & table["source"].isin(PUBLISHED_LABELS)]
    qa = table["task"].isin(["xquad", "mlqa", "tydiqa"])
    table = table[~qa | (table["metric"] == metric_for_qa)]
    rows = {}
    for source, part in table.groupby("source", sort=False):
        wide = part.pivot_table(index="system", columns="task", values="value", aggfunc="mean")
        system = next(s for s in wide.index if s != "XLM-R")
        rows[PUBLISHED_LABELS[source]] = wide.loc[system] - wide.loc["XLM-R"]
    out = pd.DataFrame(rows).T.reindex(index=list(PUBLISHED_LABELS.values()), columns=PUBLISHED_TARGETS)
    out.index.name, out.columns.name = "source", "target"
    return out
