"""Readers for the nine English intermediate tasks of Phang et al. (2020) in their original release formats.

Each ``read_*`` function takes one file as distributed by the dataset's authors and returns examples in
the canonical schema of the task's format (``xlib.formats``). ``local_file`` finds a split's file in a
task directory; :mod:`xlib.loaders.intermediate_hub` maps hub rows to the same schema, so local and hub data
take one path; CCGbank (the ``ccg`` task) is read by :mod:`xlib.loaders.ccgbank`.
Label order of the three NLI tasks: entailment, neutral, contradiction (as ``facebook/anli`` and GLUE).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Sequence

from .sources import task_dir
from .common import (
    DataFileError,
    DataUnavailableError,
    check_label,
    csv_rows,
    read_jsonl,
    read_squad_json,
    read_text_lines,
    read_tsv,
)

NLI_LABELS = ("entailment", "neutral", "contradiction")
_ANLI_SHORT = {"e": "entailment", "n": "neutral", "c": "contradiction"}


# --------------------------------------------------------------------------------------------------
# Where a split's file lives
# --------------------------------------------------------------------------------------------------


def local_file(task: str, split: str, options: dict, candidates: dict[str, Sequence[str]]) -> Path | None:
    """Return the file of ``split`` for ``task`` from ``data_files`` or ``data_dir`` options, or None (use the hub).

    ``data_files: {task: {split: path}}`` names the file directly; ``data_dir`` gives the task's
    directory, searched for the release's own file names (``candidates[split]``). A directory that
    exists but lacks the file is an error that lists what was looked for.
    """
    files = options.get("data_files") or {}
    named = (files.get(task) or {}).get(split) if isinstance(files, dict) else None
    if named:
        path = Path(os.path.expanduser(str(named)))
        if not path.is_file():
            raise DataUnavailableError(f"task {task!r}: data_files.{task}.{split} = {path} does not exist")
        return path
    root = task_dir(task, options.get("data_dir"))
    if root is None:
        return None
    if split not in candidates:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected one of {', '.join(candidates)}")
    for name in candidates[split]:
        if (root / name).is_file():
            return root / name
    raise DataUnavailableError(
        f"task {task!r}: no {split} file under {root}; expected one of: "
        + ", ".join(str(root / c) for c in candidates[split])
    )


# --------------------------------------------------------------------------------------------------
# Classification: GLUE TSVs (MNLI, QQP, SST-2), ANLI and SNLI JSON lines
# --------------------------------------------------------------------------------------------------


def read_glue_mnli(path) -> list[dict]:
    """Return NLI examples from a GLUE MNLI TSV (``train.tsv``, ``dev_matched.tsv``: sentence1, sentence2, gold_label)."""
    rows = read_tsv(path, columns=("sentence1", "sentence2", "gold_label"), header=True, min_fields=1)
    out = []
    for row in rows:
        label = check_label(row["gold_label"].strip(), NLI_LABELS, path, row["_line"], "gold_label")
        out.append(
            {
                "id": row.get("pairID") or row.get("index") or f"{Path(path).name}:{row['_line']}",
                "text": row["sentence1"],
                "text_pair": row["sentence2"],
                "label": NLI_LABELS.index(label),
            }
        )
    return out


def read_glue_qqp(path) -> list[dict]:
    """Return paraphrase examples from a GLUE QQP TSV (id, qid1, qid2, question1, question2, is_duplicate)."""
    rows = read_tsv(path, columns=("question1", "question2", "is_duplicate"), header=True)
    out = []
    for row in rows:
        label = check_label(row["is_duplicate"].strip(), ("0", "1"), path, row["_line"], "is_duplicate")
        out.append(
            {
                "id": row.get("id") or f"{Path(path).name}:{row['_line']}",
                "text": row["question1"],
                "text_pair": row["question2"],
                "label": int(label),
            }
        )
    return out


def read_glue_sst2(path) -> list[dict]:
    """Return sentiment examples from a GLUE SST-2 TSV (sentence, label 0/1)."""
    rows = read_tsv(path, columns=("sentence", "label"), header=True)
    out = []
    for row in rows:
        label = check_label(row["label"].strip(), ("0", "1"), path, row["_line"])
        out.append(
            {"id": f"{Path(path).name}:{row['_line']}", "text": row["sentence"], "text_pair": None, "label": int(label)}
        )
    return out


def read_anli_jsonl(path) -> list[dict]:
    """Return NLI examples from an ANLI release file (``R1/train.jsonl``...: uid, context, hypothesis, label e/n/c)."""
    out = []
    for number, rec in enumerate(read_jsonl(path, required=("hypothesis", "label")), start=1):
        premise = rec.get("context", rec.get("premise"))
        if not isinstance(premise, str):
            raise DataFileError(path, f"record {number}", "a 'context' (premise) string", repr(premise)[:60])
        label = _ANLI_SHORT.get(rec["label"], rec["label"])
        check_label(label, NLI_LABELS, path, f"record {number}", "label (e, n or c)")
        out.append(
            {
                "id": str(rec.get("uid", f"{Path(path).name}:{number}")),
                "text": premise,
                "text_pair": rec["hypothesis"],
                "label": NLI_LABELS.index(label),
            }
        )
    return out


def read_snli_jsonl(path) -> list[dict]:
    """Return NLI examples from an SNLI 1.0 file (``snli_1.0_train.jsonl``), dropping pairs without a gold label ("-")."""
    out = []
    for number, rec in enumerate(read_jsonl(path, required=("sentence1", "sentence2", "gold_label")), start=1):
        if rec["gold_label"] == "-":
            continue
        check_label(rec["gold_label"], NLI_LABELS, path, f"record {number}", "gold_label")
        out.append(
            {
                "id": str(rec.get("pairID", f"{Path(path).name}:{number}")),
                "text": rec["sentence1"],
                "text_pair": rec["sentence2"],
                "label": NLI_LABELS.index(rec["gold_label"]),
            }
        )
    return out


# --------------------------------------------------------------------------------------------------
# Multiple choice: CommonsenseQA, Cosmos QA, HellaSwag
# --------------------------------------------------------------------------------------------------


def read_commonsenseqa_jsonl(path) -> list[dict]:
    """Return 5-way examples from a CommonsenseQA file (``train_rand_split.jsonl``: answerKey, question.stem/choices)."""
    out = []
    for number, rec in enumerate(read_jsonl(path, required=("question", "answerKey")), start=1):
        where = f"record {number}"
        q = rec["question"]
        choices = q.get("choices") if isinstance(q, dict) else None
        if (
            not isinstance(q, dict)
            or not isinstance(q.get("stem"), str)
            or not isinstance(choices, list)
            or not all(isinstance(c, dict) and "label" in c and "text" in c for c in choices)
        ):
            raise DataFileError(path, where, "question {stem, choices: [{label, text}, ...]}", repr(q)[:80])
        keys = [c["label"] for c in choices]
        check_label(rec["answerKey"], keys, path, where, "answerKey")
        out.append(
            {
                "id": str(rec.get("id", number)),
                "context": "",
                "question": q["stem"],
                "choices": [c["text"] for c in choices],
                "label": keys.index(rec["answerKey"]),
            }
        )
    return out


_COSMOS_FIELDS = ("context", "question", "answer0", "answer1", "answer2", "answer3", "label")


def _cosmos_example(rec: dict, path, where) -> dict:
    label = check_label(str(rec["label"]).strip(), ("0", "1", "2", "3"), path, where)
    return {
        "id": str(rec.get("id", where)),
        "context": rec["context"],
        "question": rec["question"],
        "choices": [rec[f"answer{i}"] for i in range(4)],
        "label": int(label),
    }


def read_cosmosqa(path) -> list[dict]:
    """Return 4-way examples from a Cosmos QA release file (``train.csv``/``valid.csv`` or ``.jsonl``)."""
    path = Path(path)
    if path.suffix == ".jsonl":
        return [
            _cosmos_example(rec, path, f"record {n}")
            for n, rec in enumerate(read_jsonl(path, required=_COSMOS_FIELDS), start=1)
        ]
    lines = read_text_lines(path)
    reader = csv.DictReader(lines)
    missing = [f for f in _COSMOS_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(
            path,
            1,
            f"a CSV header with {', '.join(_COSMOS_FIELDS)}",
            f"{reader.fieldnames} (missing {', '.join(missing)})",
        )
    out = []
    for n, rec in enumerate(csv_rows(reader, path), start=1):
        if any(rec.get(f) is None for f in _COSMOS_FIELDS):
            raise DataFileError(path, f"record {n}", f"{len(_COSMOS_FIELDS)} CSV fields", repr(rec)[:80])
        out.append(_cosmos_example(rec, path, f"record {n}"))
    if not out:
        raise DataFileError(path, None, "at least one record", "a header only")
    return out


def read_hellaswag_jsonl(path) -> list[dict]:
    """Return 4-way examples from a HellaSwag file (``hellaswag_train.jsonl``: ctx_a, ctx_b, endings, label).

    As in the HellaSwag/SWAG baselines, the first segment is ``ctx_a`` and each choice is
    ``ctx_b`` followed by one ending.
    """
    out = []
    for number, rec in enumerate(read_jsonl(path, required=("endings", "label")), start=1):
        where = f"record {number}"
        endings = rec["endings"]
        if not isinstance(endings, list) or len(endings) != 4:
            raise DataFileError(path, where, "a list of 4 endings", repr(endings)[:80])
        ctx_a, ctx_b = rec.get("ctx_a"), rec.get("ctx_b")
        if ctx_a is None:  # older dumps only carry ctx
            ctx_a, ctx_b = rec.get("ctx"), ""
        if not isinstance(ctx_a, str):
            raise DataFileError(path, where, "a 'ctx_a' (or 'ctx') string", repr(ctx_a)[:60])
        label = check_label(str(rec["label"]), ("0", "1", "2", "3"), path, where)
        out.append(
            {
                "id": str(rec.get("ind", number)),
                "context": ctx_a,
                "question": "",
                "choices": [f"{ctx_b or ''} {e}".strip() for e in endings],
                "label": int(label),
            }
        )
    return out


__all__ = [
    "NLI_LABELS",
    "task_dir",
    "local_file",
    "read_glue_mnli",
    "read_glue_qqp",
    "read_glue_sst2",
    "read_anli_jsonl",
    "read_snli_jsonl",
    "read_commonsenseqa_jsonl",
    "read_cosmosqa",
    "read_hellaswag_jsonl",
    "read_squad_json",
]
