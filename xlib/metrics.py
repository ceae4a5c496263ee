"""The official XTREME / XTREME-R metrics, re-implemented to give the same numbers (0-100 scale).

Sources (google-research/xtreme, quirks kept on purpose so scores match the leaderboard scorer):

- ``evaluate.py``: ``accuracy``, ``f1`` (seqeval), ``bucc_f1``, ``squad_em_f1``, ``mlqa_em_f1``;
  the QA task score is ``(EM + F1) / 2``.
- ``third_party/evaluate_squad.py``: the SQuAD v1.1 evaluation script (English normalisation:
  lower-case, drop ASCII punctuation, drop ``a|an|the``, collapse whitespace) used for XQuAD and
  TyDiQA-GoldP in every language.
- ``third_party/evaluate_mlqa.py`` (= facebookresearch/MLQA ``mlqa_evaluation_v1.py``): per-language
  article removal, the Unicode punctuation set, whitespace tokens or mixed segmentation for ``zh``.
- ``third_party/utils_mewslix.py``: ``evaluate`` / ``mean_reciprocal_rank`` (Mewsli-X ``map@20``).
- ``third_party/utils_lareqa.py``: ``average_precision_at_k`` / ``mean_avg_prec_at_k`` (LAReQA mAP@20).

Where the official scripts crash (or, for LAReQA, return NaN) on degenerate input (no examples at all,
a question without gold) these functions raise a ``ValueError`` that says so instead; everything else
follows the scripts line by line. ``tools/check_official.py --xtreme PATH`` runs them side by side
with the official functions (SQuAD v1.1 and MLQA scripts, evaluate.py, utils_mewslix.py,
utils_lareqa.py, utils_retrieve.py) on seeded random inputs; no value differed (``docs/tasks.md``).
"""

from __future__ import annotations

import functools
import logging
import re
import string
import sys
import unicodedata
import warnings
from collections import Counter
from typing import Iterable, Mapping, Sequence

import numpy as np

log = logging.getLogger(__name__)

__all__ = [
    "accuracy",
    "tag_f1",
    "squad_em_f1",
    "mlqa_em_f1",
    "bucc_f1",
    "bucc_optimize",
    "bucc_extract",
    "mewslix_map_at_k",
    "lareqa_map_at_k",
    "average_precision_at_k",
    "retrieval_accuracy",
    "em_f1_mean",
    "normalize_squad_answer",
    "normalize_mlqa_answer",
    "mlqa_punctuation",
    "MLQA_LANGUAGES",
]


# --------------------------------------------------------------------------------------------------
# Classification, tagging, retrieval accuracy (evaluate.py)


def accuracy(labels: Sequence, predictions: Sequence) -> dict[str, float]:
    """Return ``{"accuracy": ...}``: percentage of predictions equal to their label (evaluate.py ``accuracy``)."""
    if len(labels) != len(predictions):
        raise ValueError(f"accuracy: {len(predictions)} predictions for {len(labels)} labels")
    if not predictions:
        raise ValueError("accuracy: no examples to score")
    correct = sum(int(p == lab) for p, lab in zip(predictions, labels))
    return {"accuracy": float(correct) / len(predictions) * 100}


def retrieval_accuracy(gold_indices: Sequence[int], predicted_indices: Sequence[int]) -> dict[str, float]:
    """Return ``{"accuracy": ...}``: percentage of queries whose retrieved index is the gold one (Tatoeba)."""
    return accuracy([int(g) for g in gold_indices], [int(p) for p in predicted_indices])


def tag_f1(labels: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]) -> dict[str, float]:
    """Return seqeval's entity-level ``f1``, ``precision`` and ``recall`` (0-100), as evaluate.py's ``f1``.

    seqeval's default (non-strict) mode is used for NER *and* POS, exactly as the official scorer
    does: ``I-X`` without ``B-X`` opens an entity, and UPOS tags (no ``B-``/``I-`` prefix) are read
    as ``<first letter><type>`` chunks, so runs of the same tag merge into one chunk and, e.g.,
    ``CCONJ`` vs ``SCONJ`` share the type ``CONJ``. seqeval's "not a NE tag" and zero-division
    warnings are silenced; the values are unchanged.
    """
    from seqeval.metrics import f1_score, precision_score, recall_score

    y_true = [list(s) for s in labels]
    y_pred = [list(s) for s in predictions]
    if len(y_true) != len(y_pred):
        raise ValueError(f"tag_f1: {len(y_pred)} predicted sequences for {len(y_true)} gold sequences")
    for i, (t, p) in enumerate(zip(y_true, y_pred)):
        if len(t) != len(p):
            raise ValueError(f"tag_f1: sequence {i} has {len(p)} predicted tags for {len(t)} gold tags")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f1 = f1_score(y_true, y_pred)
        precision = precision_score(y_true, y_pred)
        recall = recall_score(y_true, y_pred)
    return {"f1": float(f1) * 100, "precision": float(precision) * 100, "recall": float(recall) * 100}


def bucc_f1(labels: Iterable, predictions: Iterable) -> dict[str, float]:
    """Return BUCC ``f1``, ``precision``, ``recall`` (0-100) of predicted vs gold ``"src\\ttrg"`` pair lines.

    As evaluate.py's ``bucc_f1``: both sides become sets of tab-split tuples (duplicates collapse);
    no correct pair gives 0 for all three. Tuples/lists are accepted in place of lines.
    """

    def as_set(lines):
        return {tuple(x.split("\t")) if isinstance(x, str) else tuple(x) for x in lines}

    gold, pred = as_set(labels), as_set(predictions)
    ncorrect = len(gold & pred)
    if ncorrect > 0:
        precision = ncorrect / len(pred)
        recall = ncorrect / len(gold)
        f1 = 2 * precision * recall / (precision + recall)
    else:
        precision = recall = f1 = 0.0
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}


def bucc_optimize(candidate2score: Mapping[tuple, float], gold: Iterable[str]) -> float:
    """Return the F1-optimal score threshold of mined ``{(src_id, trg_id): score}`` against gold ``"src\ttrg"`` lines.

    third_party/utils_retrieve.py ``bucc_optimize``: candidates sorted by decreasing score (ties
    keep insertion order), the threshold is the midpoint between the best cut's score and the next
    one. Where the official code would index past the last candidate (best cut = every candidate)
    this returns the last score, which keeps every candidate; no correct candidate gives 0. As
    there, recall divides by ``len(gold)`` as given: a gold line repeated in a list counts twice
    (the official caller passes a set).
    """
    given = gold if isinstance(gold, (set, frozenset, list, tuple)) else list(gold)
    ngold = len(given)
    gold = set(given)
    items = sorted(candidate2score.items(), key=lambda x: -x[1])
    nextract = ncorrect = 0
    threshold = 0
    best_f1 = 0
    for i in range(len(items)):
        nextract += 1
        if "\t".join(items[i][0]) in gold:
            ncorrect += 1
        if ncorrect > 0:
            precision = ncorrect / nextract
            recall = ncorrect / ngold
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best_f1:
                best_f1 = f1
                threshold = (items[i][1] + items[i + 1][1]) / 2 if i + 1 < len(items) else items[i][1]
    return threshold


def bucc_extract(candidate2score: Mapping[tuple, float], threshold: float) -> list[str]:
    """Return the ``"src\ttrg"`` lines of the candidates scoring at least ``threshold`` (``bucc_extract``)."""
    return [f"{src}\t{trg}" for (src, trg), score in candidate2score.items() if score >= threshold]


# --------------------------------------------------------------------------------------------------
# Extractive QA: SQuAD v1.1 (XQuAD, TyDiQA-GoldP) and MLQA


def normalize_squad_answer(s: str) -> str:
    """Return ``s`` lower-cased, without ASCII punctuation, ``a/an/the`` and extra whitespace (SQuAD v1.1)."""
    text = s.lower()
    exclude = set(string.punctuation)
    text = "".join(ch for ch in text if ch not in exclude)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def _token_f1(prediction_tokens: list[str], ground_truth_tokens: list[str]) -> float:
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def _qa_loop(dataset, predictions: Mapping[str, str], em_fn, f1_fn, script: str) -> dict[str, float]:
    """The evaluate() loop shared by evaluate_squad.py and evaluate_mlqa.py."""
    f1 = exact_match = total = 0
    missing = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    missing += 1  # the official scripts print "Unanswered question ... will receive score 0."
                    continue
                ground_truths = [a["text"] for a in qa["answers"]]
                if not ground_truths:
                    raise ValueError(f"{script}: question {qa['id']!r} has no gold answer")
                prediction = predictions[qa["id"]]
                exact_match += max(em_fn(prediction, gt) for gt in ground_truths)
                f1 += max(f1_fn(prediction, gt) for gt in ground_truths)
    if total == 0:
        raise ValueError(f"{script}: the dataset has no questions")
    if missing:
        log.warning("%s: %d of %d questions have no prediction and score 0", script, missing, total)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


def _squad_em(prediction: str, ground_truth: str) -> bool:
    return normalize_squad_answer(prediction) == normalize_squad_answer(ground_truth)


def _squad_f1(prediction: str, ground_truth: str) -> float:
    return _token_f1(normalize_squad_answer(prediction).split(), normalize_squad_answer(ground_truth).split())


def squad_em_f1(dataset: Sequence[dict], predictions: Mapping[str, str]) -> dict[str, float]:
    """Return SQuAD v1.1 ``{"exact_match", "f1"}`` (0-100) of ``{qid: text}`` over a list of SQuAD articles.

    third_party/evaluate_squad.py: max over the gold answers per question, a question without a
    prediction scores 0 and still counts in the denominator. English normalisation in every language.
    """
    return _qa_loop(dataset, predictions, _squad_em, _squad_f1, "squad_em_f1")


MLQA_LANGUAGES = ("en", "es", "hi", "vi", "de", "ar", "zh")
_WHITESPACE_LANGS = ("en", "es", "hi", "vi", "de", "ar")
_MIXED_SEGMENTATION_LANGS = ("zh",)
_ARTICLES = {
    "en": r"\b(a|an|the)\b",
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    # Official pattern '\sال^|ال': the first branch can never match, so every "ال" is replaced,
    # inside words as well as the article prefix.
    "ar": r"\sال^|ال",
}
_HAN = re.compile(r"[\u4e00-\u9fa5]")


@functools.lru_cache(maxsize=1)
def mlqa_punctuation() -> frozenset[str]:
    """Return MLQA's punctuation set: every Unicode ``P*`` character plus ``string.punctuation``."""
    return frozenset(chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")).union(
        string.punctuation
    )


def _mixed_segmentation(text: str) -> list[str]:
    punct = mlqa_punctuation()
    segs: list[str] = []
    temp = ""
    for char in text:
        if _HAN.search(char) or char in punct:
            if temp != "":
                segs.extend(temp.split())
                temp = ""
            segs.append(char)
        else:
            temp += char
    if temp != "":
        segs.extend(temp.split())
    return segs


def normalize_mlqa_answer(s: str, lang: str) -> str:
    """Return ``s`` normalised as MLQA does for ``lang``: lower, Unicode punctuation, articles, segmentation."""
    if lang not in MLQA_LANGUAGES:
        raise ValueError(f"MLQA normalisation has no language {lang!r}; expected one of {', '.join(MLQA_LANGUAGES)}")
    punct = mlqa_punctuation()
    text = "".join(ch for ch in s.lower() if ch not in punct)
    if lang in _ARTICLES:
        text = re.sub(_ARTICLES[lang], " ", text)
    tokens = text.split() if lang in _WHITESPACE_LANGS else _mixed_segmentation(text)
    return " ".join(t for t in tokens if t.strip() != "")


def mlqa_em_f1(dataset: Sequence[dict], predictions: Mapping[str, str], lang: str) -> dict[str, float]:
    """Return MLQA ``{"exact_match", "f1"}`` (0-100) with the answer language ``lang``'s normalisation.

    third_party/evaluate_mlqa.py: same loop as SQuAD (missing prediction = 0, max over gold answers);
    ``lang`` must be one of ``MLQA_LANGUAGES`` (the official script exits without one).
    """
    if lang not in MLQA_LANGUAGES:
        raise ValueError(f"mlqa_em_f1 needs the answer language, one of {', '.join(MLQA_LANGUAGES)}; got {lang!r}")

    def em(prediction, ground_truth):
        return normalize_mlqa_answer(prediction, lang) == normalize_mlqa_answer(ground_truth, lang)

    def f1(prediction, ground_truth):
        return _token_f1(
            normalize_mlqa_answer(prediction, lang).split(), normalize_mlqa_answer(ground_truth, lang).split()
        )

    return _qa_loop(dataset, predictions, em, f1, "mlqa_em_f1")


def em_f1_mean(scores: Mapping[str, float]) -> float:
    """Return ``(exact_match + f1) / 2``, the XTREME-R score of a QA task."""
    return (scores["exact_match"] + scores["f1"]) / 2


# --------------------------------------------------------------------------------------------------
# Ranking metrics: Mewsli-X and LAReQA


def mewslix_map_at_k(
    gold: Mapping[str, Sequence[str] | str], predictions: Mapping[str, Sequence[str]], k: int = 20
) -> dict[str, float]:
    """Return ``{"map@<k>": ...}``: Mewsli-X MRR over the top-``k`` predicted entities, x100.

    third_party/utils_mewslix.py ``evaluate``: ``gold`` maps each example id to a singleton list
    holding its gold entity id (a plain string is accepted too; the id is ``.strip()``-ed);
    ``predictions`` maps example ids to ranked entity ids. Only gold ids are scored; an example
    with no prediction scores 0; predicted ids without gold are ignored; no gold at all gives 0.
    """
    rr = []
    for example_id, labels in gold.items():
        label = (labels if isinstance(labels, str) else labels[0]).strip()
        ranked = list(predictions.get(example_id, []))[:k]
        rr.append(next((1.0 / rank for rank, p in enumerate(ranked, start=1) if p == label), 0.0))
    mrr = sum(rr) / len(rr) if rr else 0.0
    return {f"map@{k}": mrr * 100}


def average_precision_at_k(targets: Iterable, ranked_predictions: Sequence, k: int | None = 20) -> float:
    """Return AP@k (0-1) of one ranked list: hits counted once each, divided by ``min(#targets, k)``.

    third_party/utils_lareqa.py ``average_precision_at_k``; ``k`` of ``None``/0 means no cut-off and
    a divisor of ``#targets``. As there, ``#targets`` counts the targets as given (a repeated target
    counts twice in the divisor, once as a hit).
    """
    given = targets.tolist() if isinstance(targets, np.ndarray) else list(targets)
    targets = set(given)
    ranked = ranked_predictions.tolist() if isinstance(ranked_predictions, np.ndarray) else list(ranked_predictions)
    if not targets:
        raise ValueError("average_precision_at_k: a question has no gold candidate")
    if k:
        ranked = ranked[:k]
    score = hits = 0.0
    seen = set()
    for i, pred in enumerate(ranked):
        if pred in targets and pred not in seen:
            hits += 1.0
            score += hits / (i + 1.0)
        seen.add(pred)
    divisor = min(len(given), k) if k else len(given)
    return score / divisor


def lareqa_map_at_k(targets: Sequence[Iterable], ranked: Sequence[Sequence], k: int | None = 20) -> dict[str, float]:
    """Return ``{"map@<k>": ...}``: mean over questions of LAReQA AP@k, x100 (utils_lareqa ``mean_avg_prec_at_k``).

    ``targets[i]`` holds question i's gold candidate ids (XQuAD-R: its answer sentence in all 11
    languages), ``ranked[i]`` all candidate ids ordered by decreasing score. Questions of every
    language are pooled (micro average), as the official scorer does.
    """
    if len(targets) != len(ranked):
        raise ValueError(f"lareqa_map_at_k: {len(ranked)} rankings for {len(targets)} questions")
    if not targets:
        raise ValueError("lareqa_map_at_k: no questions to score")
    ap = [average_precision_at_k(t, r, k) for t, r in zip(targets, ranked)]
    return {(f"map@{k}" if k else "map"): float(np.mean(ap)) * 100}
