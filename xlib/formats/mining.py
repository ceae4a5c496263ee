"""Parallel sentence mining (BUCC 2018): margin-based mining over two monolingual sets, scored by F1.

As google-research/xtreme's third_party/utils_retrieve.py: ratio margin over k nearest neighbours in
both directions, one-to-one pairs merged greedily, F1 at the F1-optimal threshold on the gold pairs.
"""

from __future__ import annotations

import numpy as np
import torch

from .. import metrics
from .embedding import EncoderRetrieval, embed, nearest
from .ranking import pool_embeddings


def _unique(texts):
    """Return (index of each text's first occurrence per position, unique texts) as LASER's text_load_unify."""
    first: dict[str, int] = {}
    inds = [first.setdefault(t, len(first)) for t in texts]
    return inds, list(first)


def margin_mine(x: torch.Tensor, y: torch.Tensor, neighborhood: int = 4) -> list[tuple[int, int, float]]:
    """Return the one-to-one ``(source row, target row, ratio-margin score)`` pairs mined from ``x`` and ``y``.

    ``utils_retrieve.mine_bitext(mode="mine", retrieval="max", margin="ratio", dist="cosine")`` on
    L2-normalised rows: k-nn means in both directions, the best-margin candidate of every source
    and of every target, merged greedily by decreasing score (each row used once); only pairs
    scoring above the threshold 0 are returned, in that order.
    """
    x2y_sim, x2y_ind = nearest(x, y, k=min(y.shape[0], neighborhood))
    y2x_sim, y2x_ind = nearest(y, x, k=min(x.shape[0], neighborhood))
    x2y_mean, y2x_mean = x2y_sim.double().mean(1), y2x_sim.double().mean(1)
    fwd = x2y_sim.double() / ((x2y_mean.unsqueeze(1) + y2x_mean[x2y_ind]) / 2)
    bwd = y2x_sim.double() / ((y2x_mean.unsqueeze(1) + x2y_mean[y2x_ind]) / 2)
    fwd_best = x2y_ind[torch.arange(x.shape[0]), fwd.argmax(1)].numpy()
    bwd_best = y2x_ind[torch.arange(y.shape[0]), bwd.argmax(1)].numpy()
    indices = np.stack(
        (np.concatenate((np.arange(x.shape[0]), bwd_best)), np.concatenate((fwd_best, np.arange(y.shape[0])))), axis=1
    )
    scores = np.concatenate((fwd.max(1).values.numpy(), bwd.max(1).values.numpy()))
    pairs, seen_src, seen_trg = [], set(), set()
    for i in np.argsort(-scores):
        s, t = int(indices[i][0]), int(indices[i][1])
        if s not in seen_src and t not in seen_trg:
            seen_src.add(s)
            seen_trg.add(t)
            if scores[i] > 0:
                pairs.append((s, t, float(scores[i])))
    return pairs


def _once(texts, idents) -> dict[str, str]:
    """Return text -> id for the texts that occur exactly once (``read_sent2id`` drops repeated sentences)."""
    seen, repeated = {}, set()
    for text, ident in zip(texts, idents):
        if text in seen:
            repeated.add(text)
        else:
            seen[text] = ident
    return {t: i for t, i in seen.items() if t not in repeated}


def mine(model, tokenizer, examples, layer: int, max_length: int, batch_size: int, neighborhood: int = 4):
    """Return, per source example, its mined ``(target id, margin score)`` or None (BUCC ``mine_bitext``).

    As third_party/utils_retrieve.py: identical sentences are embedded once (``text_load_unify``),
    pairs come from ``margin_mine``, and sentences that occur more than once on a side map to no id.
    """
    if not examples:
        return []
    pool = examples[0]["pool"]
    src_texts = [e["query"].strip() for e in examples]
    trg_texts = [c["text"].strip() for c in pool]
    _, src_sents = _unique(src_texts)
    trg_inds, trg_sents = _unique(trg_texts)
    x = embed(model, tokenizer, src_sents, layer, max_length, batch_size)
    y_all = pool_embeddings(model, tokenizer, pool, layer, max_length, batch_size)
    last = {j: i for i, j in enumerate(trg_inds)}  # unique_embeddings: one row per distinct sentence
    y = y_all[[last[j] for j in range(len(trg_sents))]]
    src_id = _once(src_texts, [e["id"] for e in examples])
    trg_id = _once(trg_texts, [c["id"] for c in pool])
    found: dict[str, tuple[str, float]] = {}
    for s, t, value in margin_mine(x, y, neighborhood):
        if src_sents[s] in src_id and trg_sents[t] in trg_id:
            found[src_id[src_sents[s]]] = (trg_id[trg_sents[t]], value)
    return [found.get(e["id"]) for e in examples]


class MiningFormat(EncoderRetrieval):
    """Bitext mining from a plain encoder (BUCC): no head, no target training."""

    name = "mining"
    predict_options = ("layer", "neighborhood")

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1, neighborhood=4):
        """Return, per source example, its mined ``(target id, margin score)`` or None."""
        layer = getattr(model, "pool_layer", layer)
        return mine(model, tokenizer, examples, layer, max_length, batch_size, neighborhood)

    def score(self, examples, predictions, spec, language=None):
        """Return BUCC's ``f1``, ``precision``, ``recall`` at the F1-optimal threshold on the gold pairs."""
        if len(predictions) != len(examples):
            raise ValueError(f"{spec.name}: {len(predictions)} predictions for {len(examples)} examples")
        cand2score = {(e["id"], p[0]): p[1] for e, p in zip(examples, predictions) if p is not None}
        gold = {f"{e['id']}\t{t}" for e in examples for t in e["targets"]}
        if not gold:
            raise ValueError(f"{spec.name}: no gold pairs to score")
        threshold = metrics.bucc_optimize(cand2score, gold)
        return metrics.bucc_f1(gold, metrics.bucc_extract(cand2score, threshold))


FORMAT = MiningFormat()
