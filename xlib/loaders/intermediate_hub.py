"""Hub rows of the English intermediate tasks -> examples in the canonical schema of their format.

The hub copy of each task (``xlib.tasks.intermediate.HUB``) is read through ``hub.hub_split``; these
converters give its rows the schema the release-file readers of :mod:`xlib.loaders.intermediate` give,
so local and hub data take one path.
"""

from __future__ import annotations

from typing import Iterable

from .common import DataFileError
from .intermediate import _cosmos_example


def nli_rows(
    rows: Iterable[dict], premise: str = "premise", hypothesis: str = "hypothesis", source: str = "hub"
) -> list[dict]:
    """Return NLI examples from hub rows with integer labels 0/1/2 (entailment/neutral/contradiction), -1 dropped."""
    out = []
    for i, row in enumerate(rows):
        label = int(row["label"])
        if label < 0:  # unlabelled (test) or no gold label (SNLI)
            continue
        if label > 2:
            raise DataFileError(source, f"row {i}", "label 0, 1 or 2", str(label))
        out.append(
            {
                "id": str(row.get("uid", row.get("idx", i))),
                "text": row[premise],
                "text_pair": row[hypothesis],
                "label": label,
            }
        )
    return out


def pair_rows(rows: Iterable[dict], first: str, second: str | None, n_labels: int, source: str = "hub") -> list[dict]:
    """Return (sentence-pair) classification examples from hub rows with integer labels below ``n_labels``."""
    out = []
    for i, row in enumerate(rows):
        label = int(row["label"])
        if label < 0:
            continue
        if label >= n_labels:
            raise DataFileError(source, f"row {i}", f"a label below {n_labels}", str(label))
        out.append(
            {
                "id": str(row.get("idx", i)),
                "text": row[first],
                "text_pair": row[second] if second else None,
                "label": label,
            }
        )
    return out


def commonsenseqa_rows(rows: Iterable[dict]) -> list[dict]:
    """Return examples from ``tau/commonsense_qa`` rows (question, choices {label, text}, answerKey)."""
    out = []
    for i, row in enumerate(rows):
        keys = list(row["choices"]["label"])
        if row["answerKey"] not in keys:  # the unlabelled test split
            continue
        out.append(
            {
                "id": str(row.get("id", i)),
                "context": "",
                "question": row["question"],
                "choices": list(row["choices"]["text"]),
                "label": keys.index(row["answerKey"]),
            }
        )
    return out


def cosmosqa_rows(rows: Iterable[dict]) -> list[dict]:
    """Return examples from ``allenai/cosmos_qa`` rows (context, question, answer0-3, label)."""
    return [
        _cosmos_example(row, "allenai/cosmos_qa", f"row {i}")
        for i, row in enumerate(rows)
        if str(row["label"]).strip() not in ("", "-1")
    ]


def hellaswag_rows(rows: Iterable[dict]) -> list[dict]:
    """Return examples from ``Rowan/hellaswag`` rows (ctx_a, ctx_b, endings, label as a string)."""
    out = []
    for i, row in enumerate(rows):
        if str(row["label"]).strip() == "":  # the unlabelled test split
            continue
        out.append(
            {
                "id": str(row.get("ind", i)),
                "context": row["ctx_a"],
                "question": "",
                "choices": [f"{row['ctx_b']} {e}".strip() for e in row["endings"]],
                "label": int(row["label"]),
            }
        )
    return out
