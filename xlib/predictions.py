"""Per-example predictions of a phase-(iii) run: built beside every score, kept in ``predictions.parquet``.

One row per scored example (every language and split a run scores, perturbed copies included) with
the columns ``id, language, split, prediction, gold`` and the per-example score where the metric
decomposes:

- ``score`` (0-100) where the task metric is the mean over examples: accuracy (classification,
  multiple choice, Tatoeba), ``(EM + F1) / 2`` per question for QA (beside ``exact_match`` and ``f1``),
  AP@20 (LAReQA) and reciprocal rank within the top 20 (Mewsli-X);
- ``tp, n_pred, n_gold`` where the metric is a micro F1 over counts: tagging (seqeval spans, counted per
  sentence exactly as seqeval counts them over the whole list; tasks scored by tag accuracy count
  tags) and BUCC mining (pairs at the F1-optimal threshold of the language).

Classification and multiple choice keep the model's ``confidence`` (the probability of the predicted
choice) and every choice's ``probabilities``; Tatoeba keeps the ``top_k`` retrieved indices, LAReQA and
Mewsli-X their top-k candidate ids as the prediction, BUCC the mined pair's ``margin``.
:func:`metric` recomputes the task metric from these columns, so any subset of examples (a bootstrap
resample) can be scored without the model.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from . import metrics
from .formats import get_format

FILE = "predictions.parquet"
BASE_COLUMNS = ["id", "language", "split", "prediction", "gold"]


def _qa_scores(example: dict, prediction: str, spec, language) -> dict:
    answers = example["answers"]
    qa = {"id": "q", "answers": [{"text": t} for t in answers["text"]]}
    dataset = [{"paragraphs": [{"qas": [qa]}]}]
    if spec.name.lower().startswith("mlqa"):
        result = metrics.mlqa_em_f1(dataset, {"q": prediction}, language)
    else:
        result = metrics.squad_em_f1(dataset, {"q": prediction})
    return {"exact_match": result["exact_match"], "f1": result["f1"], "score": metrics.em_f1_mean(result)}


def _span_counts(gold: Sequence[str], predicted: Sequence[str], by_tag: bool) -> dict:
    """Return ``tp, n_pred, n_gold`` of one sentence: seqeval chunks, or single tags when ``by_tag``."""
    if by_tag:
        n = len(gold)
        return {"tp": sum(int(g == p) for g, p in zip(gold, predicted)), "n_pred": n, "n_gold": n}
    import warnings

    from seqeval.metrics.sequence_labeling import get_entities

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        true, pred = set(get_entities([list(gold)])), set(get_entities([list(predicted)]))
    return {"tp": len(true & pred), "n_pred": len(pred), "n_gold": len(true)}


def records(
    spec, examples: Sequence[dict], predictions: list, language: str, split: str, details: dict | None = None
) -> list[dict]:
    """Return one prediction record per example (columns as the module says) for ``spec``'s format."""
    if len(predictions) != len(examples):
        raise ValueError(f"{spec.name}: {len(predictions)} predictions for {len(examples)} examples")
    details = details or {}
    out = []
    kind = spec.format
    threshold = None
    if kind == "mining":
        cand2score = {(e["id"], p[0]): p[1] for e, p in zip(examples, predictions) if p is not None}
        gold_lines = {f"{e['id']}\t{t}" for e in examples for t in e["targets"]}
        threshold = metrics.bucc_optimize(cand2score, gold_lines) if gold_lines else math.inf
    for i, (e, p) in enumerate(zip(examples, predictions)):
        row = {"id": str(e.get("id", i)), "language": language, "split": split}
        if spec.format == "classification":
            row.update(
                prediction=spec.labels[int(p)] if spec.labels else str(p),
                gold=spec.labels[int(e["label"])] if spec.labels else str(e["label"]),
                score=100.0 * (int(p) == int(e["label"])),
            )
        elif spec.format == "multiple_choice":
            row.update(prediction=int(p), gold=int(e["label"]), score=100.0 * (int(p) == int(e["label"])))
        elif spec.format == "tagging":
            row.update(
                prediction=list(p),
                gold=list(e["tags"]),
                **_span_counts(e["tags"], p, by_tag=get_format("tagging").scoring(spec) == "tokens"),
            )
        elif spec.format == "qa":
            row.update(prediction=str(p), gold=list(e["answers"]["text"]), **_qa_scores(e, str(p), spec, language))
        elif kind == "bitext":
            row.update(prediction=int(p), gold=i, score=100.0 * (int(p) == i))
        elif kind == "ranking":
            ranked = [str(c) for c in p]
            targets = [str(t) for t in e["targets"]]
            if get_format("ranking").scoring(spec) == "mewslix":
                value = metrics.mewslix_map_at_k({"q": targets}, {"q": ranked}, k=20)["map@20"]
            else:
                value = 100.0 * metrics.average_precision_at_k(targets, ranked, 20)
            row.update(prediction=ranked, gold=targets, score=value)
        elif kind == "mining":
            targets = [str(t) for t in e["targets"]]
            extracted = p is not None and p[1] >= threshold
            row.update(
                prediction=None if p is None else str(p[0]),
                gold=targets,
                margin=None if p is None else float(p[1]),
                tp=int(extracted and str(p[0]) in targets),
                n_pred=int(extracted),
                n_gold=len(set(targets)),
            )
        else:
            raise ValueError(f"{spec.name}: no prediction records for format {spec.format!r}")
        for key, values in details.items():
            row[key] = values[i]
        out.append(row)
    return out


def micro_f1(tp, n_pred, n_gold) -> float:
    """Return the micro F1 (0-100) of summed counts as seqeval and evaluate.py's bucc_f1 compute it (0 without a hit)."""
    tp, n_pred, n_gold = float(tp), float(n_pred), float(n_gold)
    if tp <= 0:
        return 0.0
    precision, recall = tp / n_pred, tp / n_gold
    return 100.0 * 2 * precision * recall / (precision + recall)


def metric(frame: pd.DataFrame) -> float:
    """Return the task metric (0-100) recomputed from per-example records: mean ``score``, else micro F1 of the counts."""
    if frame.empty:
        raise ValueError("no prediction records to score")
    if "tp" in frame and frame["tp"].notna().all():
        return micro_f1(frame["tp"].sum(), frame["n_pred"].sum(), frame["n_gold"].sum())
    if "score" not in frame or frame["score"].isna().any():
        raise ValueError("prediction records carry neither a per-example score nor span counts")
    return float(frame["score"].mean())


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Return prediction records as a DataFrame with the base columns first."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=BASE_COLUMNS)
    rest = [c for c in frame.columns if c not in BASE_COLUMNS]
    return frame[BASE_COLUMNS + rest]


def write(out_dir: str | Path, rows: list[dict]) -> Path:
    """Write ``rows`` to ``out_dir/predictions.parquet`` (through a temporary file, fsynced) and return the path."""
    path = Path(out_dir) / FILE
    tmp = path.with_name(path.name + ".tmp")
    to_frame(rows).to_parquet(tmp, index=False, compression="zstd")
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def read(run_dir: str | Path) -> pd.DataFrame:
    """Return the prediction records of one finished run directory (ValueError naming the file if absent or unreadable)."""
    path = Path(run_dir) / FILE
    if not path.exists():
        raise FileNotFoundError(
            f"run {Path(run_dir).name!r}: no {FILE} in {run_dir} (runs made before predictions "
            f"were kept have none: rerun it, e.g. after deleting the run directory)"
        )
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001  (pyarrow raises several kinds on a torn or foreign file)
        raise ValueError(f"run {Path(run_dir).name!r}: {path} is not a readable Parquet file ({exc})") from exc
    missing = [c for c in BASE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"run {Path(run_dir).name!r}: {path} lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(BASE_COLUMNS)}"
        )
    return frame


def scores_by_language(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the metric recomputed per (split, language): columns split, language, value, n."""
    rows = [
        {"split": s, "language": l, "value": metric(part), "n": len(part)}
        for (s, l), part in frame.groupby(["split", "language"], sort=True)
    ]
    return pd.DataFrame(rows, columns=["split", "language", "value", "n"])


def softmax(logits) -> np.ndarray:
    """Return the softmax of a logit vector as float64 probabilities."""
    z = np.asarray(logits, dtype=np.float64)
    z = np.exp(z - z.max())
    return z / z.sum()
