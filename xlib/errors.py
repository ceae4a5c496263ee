"""Error analysis of one run's kept predictions (``predictions.parquet``), for ``notebooks/errors.ipynb``.

What a researcher looks at first, per kind of task (:func:`kind`):

- ``label`` (classification, multiple choice): :func:`confusion_matrix`, :func:`confident_mistakes`;
- ``tags`` (tagging): :func:`tag_scores` (per-tag precision, recall, F1 over words), :func:`confused_tags`;
- ``answers`` (QA): :func:`answers` (predicted vs gold answers, worst first);
- ``ranking`` (retrieval, ranking, mining): :func:`gold_ranks` and :func:`rank_summary`;

and :func:`side_by_side`: two conditions on the same examples, where they differ.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from . import analysis, predictions

KINDS = ("label", "tags", "answers", "ranking")


def load_run(
    study_dir, condition: str, target: str, seed: int = 0, language: str | None = None, split: str | None = None
) -> pd.DataFrame:
    """Return the records of run (condition, target, seed) on its evaluation split (or ``split``), one language if given.

    Errors name the run directory and what is missing in it.
    """
    from .planning import target_id

    run_dir = Path(study_dir) / target_id(condition, target, seed)
    if not (run_dir / "run.json").exists():
        runs = sorted(p.name for p in Path(study_dir).glob("target--*")) if Path(study_dir).is_dir() else []
        raise FileNotFoundError(
            f"no finished run {run_dir.name!r} in {study_dir}; runs there: "
            f"{', '.join(runs[:12]) or 'none'}{' ...' if len(runs) > 12 else ''}"
        )
    records = predictions.read(run_dir)
    split = split or analysis._eval_split(target, records)
    records = records[records["split"] == split]
    if language:
        if language not in set(records["language"]):
            raise ValueError(
                f"run {run_dir.name!r} has no predictions in language {language!r} (split {split!r}); "
                f"languages: {', '.join(sorted(set(records['language'])))}"
            )
        records = records[records["language"] == language]
    return records.assign(condition=condition, seed=seed).reset_index(drop=True)


def kind(records: pd.DataFrame) -> str:
    """Return the kind of analysis ``records`` call for: label, tags, answers or ranking."""
    if "exact_match" in records:
        return "answers"
    if "margin" in records or "top_k" in records:
        return "ranking"
    if "tp" in records:
        return "tags"
    return "ranking" if isinstance(records["prediction"].iloc[0], (list, np.ndarray)) else "label"


def confusion_matrix(records: pd.DataFrame) -> pd.DataFrame:
    """Return counts of gold (rows) x predicted (columns) labels, every label seen on either side."""
    labels = sorted(set(records["gold"]) | set(records["prediction"]), key=str)
    table = pd.crosstab(records["gold"], records["prediction"]).reindex(index=labels, columns=labels, fill_value=0)
    table.index.name, table.columns.name = "gold", "predicted"
    return table


def confident_mistakes(records: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` wrong predictions the model was most confident of: id, language, gold, prediction, confidence."""
    wrong = records[records["prediction"] != records["gold"]]
    columns = ["id", "language", "gold", "prediction"] + (["confidence"] if "confidence" in records else [])
    if "confidence" in wrong:
        wrong = wrong.sort_values(["confidence", "id"], ascending=[False, True], kind="stable")
    return wrong[columns].head(n).reset_index(drop=True)


def _word_pairs(records: pd.DataFrame) -> list[tuple[str, str]]:
    return [(g, p) for gold, pred in zip(records["gold"], records["prediction"]) for g, p in zip(gold, pred)]


def tag_scores(records: pd.DataFrame) -> pd.DataFrame:
    """Return per-tag precision, recall and F1 over words (0-100) with its gold count ``support``, worst F1 first."""
    pairs = _word_pairs(records)
    gold, pred = Counter(g for g, _ in pairs), Counter(p for _, p in pairs)
    hits = Counter(g for g, p in pairs if g == p)
    rows = []
    for tag in sorted(set(gold) | set(pred)):
        precision = 100.0 * hits[tag] / pred[tag] if pred[tag] else 0.0
        recall = 100.0 * hits[tag] / gold[tag] if gold[tag] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"tag": tag, "precision": precision, "recall": recall, "f1": f1, "support": gold[tag]})
    return pd.DataFrame(rows).sort_values(["f1", "tag"], kind="stable").reset_index(drop=True)


def confused_tags(records: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` most frequent (gold, predicted) tag pairs that differ, with their count and share of the gold tag."""
    pairs = _word_pairs(records)
    gold = Counter(g for g, _ in pairs)
    confused = Counter((g, p) for g, p in pairs if g != p)
    rows = [
        {"gold": g, "predicted": p, "count": c, "share_of_gold": 100.0 * c / gold[g]}
        for (g, p), c in sorted(confused.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=["gold", "predicted", "count", "share_of_gold"]).head(n)


def answers(records: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return predicted vs gold answers of ``n`` questions, lowest F1 first: id, language, prediction, gold, exact_match, f1."""
    table = records.assign(gold=records["gold"].map(lambda g: " | ".join(map(str, g))))
    table = table.sort_values(["f1", "id"], kind="stable")
    return table[["id", "language", "prediction", "gold", "exact_match", "f1"]].head(n).reset_index(drop=True)


def gold_ranks(records: pd.DataFrame) -> pd.DataFrame:
    """Return the rank (1 = first) of the first gold item among each query's retrieved items: id, language, rank.

    ``rank`` is NaN when no gold item is among the kept top-k (BUCC: 1 when the mined pair is gold).
    """

    def rank(row):
        if "top_k" in row and isinstance(row["top_k"], (list, np.ndarray)):
            ranked, gold = list(row["top_k"]), {int(row["gold"])}
        elif isinstance(row["prediction"], (list, np.ndarray)):
            ranked, gold = list(row["prediction"]), set(row["gold"])
        else:
            ranked, gold = [row["prediction"]], set(row["gold"])
        return next((float(i) for i, item in enumerate(ranked, start=1) if item in gold), np.nan)

    out = records[["id", "language"]].copy()
    out["rank"] = [rank(row) for _, row in records.iterrows()]
    return out


def rank_summary(ranks: pd.DataFrame) -> pd.DataFrame:
    """Return per language the share (%) of queries whose gold item ranks 1, 2-5, 6-20, or lower / not retrieved."""
    bins = pd.cut(ranks["rank"].fillna(np.inf), [0, 1, 5, 20, np.inf], labels=["1", "2-5", "6-20", ">20 or none"])
    table = pd.crosstab(ranks["language"], bins, normalize="index") * 100
    return table.reindex(columns=["1", "2-5", "6-20", ">20 or none"], fill_value=0.0).round(1)


def _correct(records: pd.DataFrame) -> pd.Series:
    """Return per example whether it is right: exact match (QA), all tags right (tagging), else a full score."""
    if "exact_match" in records:
        return records["exact_match"] >= 100.0
    if "tp" in records:
        return records["tp"] == records[["n_pred", "n_gold"]].max(axis=1)
    return records["score"] >= 100.0


def side_by_side(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (counts, differing): a 2x2 table of right/wrong of two runs on the same examples, and the examples
    where exactly one of them is right (id, language, gold and each run's prediction).

    The runs must hold the same examples (ValueError naming both conditions otherwise).
    """
    key = ["language", "split", "id"]
    a, b = first.assign(right=_correct(first)), second.assign(right=_correct(second))
    name_a, name_b = str(first["condition"].iloc[0]), str(second["condition"].iloc[0])
    if sorted(map(tuple, a[key].to_numpy())) != sorted(map(tuple, b[key].to_numpy())):
        raise ValueError(f"conditions {name_a!r} and {name_b!r} hold different examples; compare runs of one target")
    merged = a[key + ["gold", "prediction", "right"]].merge(
        b[key + ["prediction", "right"]], on=key, suffixes=(f" ({name_a})", f" ({name_b})")
    )
    right_a, right_b = merged[f"right ({name_a})"], merged[f"right ({name_b})"]
    counts = pd.crosstab(
        right_a.map({True: "right", False: "wrong"}).rename(name_a),
        right_b.map({True: "right", False: "wrong"}).rename(name_b),
    )
    differing = (
        merged[right_a != right_b]
        .drop(columns=[f"right ({name_a})"])
        .rename(columns={f"right ({name_b})": f"{name_b} right"})
    )
    for column in differing.columns:  # lists (tags, ranked ids) print as text
        if differing[column].map(lambda v: isinstance(v, (list, np.ndarray))).any():
            differing[column] = differing[column].map(
                lambda v: " ".join(map(str, v)) if isinstance(v, (list, np.ndarray)) else v
            )
    return counts, differing.reset_index(drop=True)


def report(records: pd.DataFrame, n: int = 10) -> dict[str, pd.DataFrame]:
    """Return the tables :func:`kind` calls for, by title, in the order a researcher reads them."""
    which = kind(records)
    if which == "label":
        return {
            "confusion matrix (rows: gold, columns: predicted)": confusion_matrix(records),
            f"the {n} most confident mistakes": confident_mistakes(records, n),
        }
    if which == "tags":
        return {
            "per-tag precision, recall and F1 over words (worst first)": tag_scores(records),
            f"the {n} most confused tag pairs": confused_tags(records, n),
        }
    if which == "answers":
        return {f"predicted vs gold answers ({n} lowest F1)": answers(records, n)}
    ranks = gold_ranks(records)
    return {
        "rank of the gold item, share of queries per language (%)": rank_summary(ranks),
        f"{n} queries whose gold item ranks lowest": ranks.sort_values(
            ["rank", "id"], ascending=[False, True], na_position="first"
        ).head(n),
    }


def confusion_figure(*runs: pd.DataFrame):
    """Return a Figure with one confusion-matrix heatmap per run (titled by its condition), same label order."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    labels = sorted(set().union(*(set(r["gold"]) | set(r["prediction"]) for r in runs)), key=str)
    fig, axes = plt.subplots(1, len(runs), figsize=(1.2 + 3.2 * len(runs), 3.2), squeeze=False)
    for ax, run in zip(axes[0], runs):
        table = confusion_matrix(run).reindex(index=labels, columns=labels, fill_value=0)
        sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
        ax.set_title(str(run["condition"].iloc[0]))
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
    fig.tight_layout()
    return fig
