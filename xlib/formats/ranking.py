"""Ranking retrieval (LAReQA, Mewsli-X): the top-k candidates of a shared pool per query, scored by mAP@20.

Examples carry a shared candidate ``pool`` (``xlib.loaders.retrieval``). Queries and candidates are
embedded with the same encoder (the pooler output of a trained dual encoder, as XTREME-R's
``--pool_type cls``, or mean-pooled ``hidden_states[layer]``; L2-normalised; a LAReQA candidate as
its answer sentence and paragraph joined into one string, ``dual_encoder.candidate_text``, as the
official baseline encodes it)
and compared by cosine similarity, exactly (no approximate index). The pool's embeddings are
cached per (model, pool) so that evaluating several languages against one pool embeds it once.
"""

from __future__ import annotations

import torch

from .. import metrics
from . import SCORINGS
from .dual_encoder import candidate_text
from .embedding import EncoderRetrieval, embed, nearest

_CACHE: dict = {}


def pool_embeddings(
    model, tokenizer, pool, layer: int, max_length: int, batch_size: int, pooling: str = "mean"
) -> torch.Tensor:
    """Return the embeddings of the candidate ``pool`` (cached while the same model and pool are used)."""
    key = (id(model), id(pool), len(pool), layer, max_length, pooling)
    if key not in _CACHE:
        _CACHE.clear()
        texts = [candidate_text(c["text"], c.get("context")) for c in pool]
        _CACHE[key] = embed(model, tokenizer, texts, layer, max_length, batch_size, pooling=pooling)
    return _CACHE[key]


def rank(
    model,
    tokenizer,
    examples,
    layer: int,
    max_length: int,
    batch_size: int,
    top_k: int = 20,
    pooling: str = "mean",
    query_length: int | None = None,
    candidate_length: int | None = None,
) -> list[list[str]]:
    """Return, per query example, the ids of its ``top_k`` most similar pool candidates, best first.

    Queries are cut at ``query_length`` tokens and candidates at ``candidate_length`` (both default
    ``max_length``).
    """
    if not examples:
        return []
    pool = examples[0]["pool"]
    cands = pool_embeddings(model, tokenizer, pool, layer, candidate_length or max_length, batch_size, pooling)
    queries = embed(
        model, tokenizer, [e["query"] for e in examples], layer, query_length or max_length, batch_size, pooling=pooling
    )
    _, idx = nearest(queries, cands, k=top_k)
    return [[pool[j]["id"] for j in row] for row in idx.tolist()]


class RankingFormat(EncoderRetrieval):
    """Queries ranked against one candidate pool (LAReQA, Mewsli-X); trained as a dual encoder where the task trains.

    ``TaskSpec.scoring`` picks the official scorer: ``lareqa`` (mAP@20 over the pooled questions of every
    language, utils_lareqa) or ``mewslix`` (Mewsli-X's own mAP@20 by query id).
    """

    name = "ranking"
    predict_options = ("layer", "top_k", "query_length", "candidate_length")
    scorings = SCORINGS["ranking"]

    def predict(
        self,
        model,
        tokenizer,
        examples,
        spec,
        max_length,
        batch_size=128,
        layer=-1,
        top_k=20,
        query_length=None,
        candidate_length=None,
    ):
        """Return, per query example, the ids of its ``top_k`` most similar pool candidates, best first."""
        layer = getattr(model, "pool_layer", layer)  # a trained dual encoder is read as it was trained
        return rank(
            model,
            tokenizer,
            examples,
            layer,
            max_length,
            batch_size,
            top_k,
            pooling=getattr(model, "pooling", "mean"),
            query_length=query_length,
            candidate_length=candidate_length,
        )

    def score(self, examples, predictions, spec, language=None):
        """Return ``{"map@20": ...}`` with the task's official scorer (``TaskSpec.scoring``)."""
        if len(predictions) != len(examples):
            raise ValueError(f"{spec.name}: {len(predictions)} predictions for {len(examples)} examples")
        if self.scoring(spec) == "mewslix":
            return metrics.mewslix_map_at_k(
                {e["id"]: list(e["targets"]) for e in examples},
                {e["id"]: p for e, p in zip(examples, predictions)},
                k=20,
            )
        return metrics.lareqa_map_at_k([e["targets"] for e in examples], predictions, k=20)


FORMAT = RankingFormat()
