"""Ranking retrieval for the retrieval format: LAReQA and Mewsli-X (top-k candidates) and BUCC mining.

Examples carry a shared candidate ``pool`` (``xlib.loaders.retrieval``). Queries and candidates are
embedded with the same encoder (the pooler output of a trained dual encoder, as XTREME-R's
``--pool_type cls``, or mean-pooled ``hidden_states[layer]``; L2-normalised; a LAReQA candidate as
its answer sentence and paragraph joined into one string, ``dual_encoder.candidate_text``, as the
official baseline encodes it)
and compared by cosine similarity, exactly (no approximate index). The pool's embeddings are
cached per (model, pool) so that evaluating several languages against one pool embeds it once.
"""
from __future__ import annotations

import numpy as np
import torch

from .. import metrics
from .dual_encoder import candidate_text
from .embedding import embed, nearest

_CACHE: dict = {}


def pool_embeddings(model, tokenizer, pool, layer: int, max_length: int, batch_size: int,
                    pooling: str = "mean") -> torch.Tensor:
    """Return the embeddings of the candidate ``pool`` (cached while the same model and pool are used)."""
    key = (id(model), id(pool), len(pool), layer, max_length, pooling)
    if key not in _CACHE:
        _CACHE.clear()
        texts = [candidate_text(c["text"], c.get("context")) for c in pool]
        _CACHE[key] = embed(model, tokenizer, texts, layer, max_length, batch_size, pooling=pooling)
    return _CACHE[key]


def rank(model, tokenizer, examples, layer: int, max_length: int, batch_size: int, top_k: int = 20,
         pooling: str = "mean", query_length: int | None = None,
         candidate_length: int | None = None) -> list[list[str]]:
    """Return, per query example, the ids of its ``top_k`` most similar pool candidates, best first.

    Queries are cut at ``query_length`` tokens and candidates at ``candidate_length`` (both default
    ``max_length``).
    """
    if not examples:
        return []
    pool = examples[0]["pool"]
    cands = pool_embeddings(model, tokenizer, pool, layer, candidate_length or max_length, batch_size, pooling)
    queries = embed(model, tokenizer, [e["query"] for e in examples], layer, query_length or max_length, batch_size,
                    pooling=pooling)
    _, idx = nearest(queries, cands, k=top_k)
    return [[pool[j]["id"] for j in row] for row in idx.tolist()]


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
    indices = np.stack((np.concatenate((np.arange(x.shape[0]), bwd_best)),
                        np.concatenate((fwd_best, np.arange(y.shape[0])))), axis=1)
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


def score(examples, predictions, spec) -> dict[str, float]:
    """Return the official metric of a ranking task: mAP@20 (LAReQA), MRR@20 (Mewsli-X) or BUCC F1."""
    if len(predictions) != len(examples):
        raise ValueError(f"{spec.name}: {len(predictions)} predictions for {len(examples)} examples")
    if spec.metric == "f1":
        cand2score = {(e["id"], p[0]): p[1] for e, p in zip(examples, predictions) if p is not None}
        gold = {f"{e['id']}\t{t}" for e in examples for t in e["targets"]}
        if not gold:
            raise ValueError(f"{spec.name}: no gold pairs to score")
        threshold = metrics.bucc_optimize(cand2score, gold)
        return metrics.bucc_f1(gold, metrics.bucc_extract(cand2score, threshold))
    if spec.name.lower().startswith("mewslix"):
        return metrics.mewslix_map_at_k({e["id"]: list(e["targets"]) for e in examples},
                                        {e["id"]: p for e, p in zip(examples, predictions)}, k=20)
    return metrics.lareqa_map_at_k([e["targets"] for e in examples], predictions, k=20)
