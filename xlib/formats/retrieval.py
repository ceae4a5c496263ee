"""Retrieval by pooled encoder states: Tatoeba-style bitext search with exact cosine nearest neighbours."""
from __future__ import annotations

from transformers import AutoModel

from .. import metrics
from .base import Format
from .embedding import embed, nearest


class RetrievalFormat(Format):
    """Bitext retrieval from a plain encoder: no head and, for Tatoeba/BUCC, no target training."""

    name = "retrieval"
    predict_options = ("layer", "direction", "top_k", "neighborhood", "query_length", "candidate_length")

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return the bare encoder (``AutoModel``), wrapped in a ``DualEncoder`` for tasks that train."""
        encoder = AutoModel.from_pretrained(encoder_path, **load_kwargs)
        if spec.trains:
            from .dual_encoder import DualEncoder
            return DualEncoder(encoder)
        return encoder

    def featurize(self, examples, tokenizer, spec, max_length, query_length=None, candidate_length=None):
        """Return dual-encoder training features (LAReQA, Mewsli-X); tasks that do not train raise.

        ``query_length`` / ``candidate_length`` (format options, default ``max_length``) cut queries and
        candidates at their own lengths, as LAReQA's scripts do (96 and 256 tokens).
        """
        if not spec.trains:
            raise ValueError(f"task {spec.name!r} is evaluated from the encoder without target training")
        from .dual_encoder import featurize
        return featurize(examples, tokenizer, query_length or max_length, candidate_length or max_length)

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1,
                direction="en->xx", top_k=20, neighborhood=4, query_length=None, candidate_length=None):
        """Return, per example, the index of the retrieved counterpart (gold is the example's own index).

        ``direction="en->xx"`` queries with the English side and searches the other language, as the
        official XTREME baseline and Phang et al. do; ``"xx->en"`` the reverse. Examples with a
        candidate ``pool`` (LAReQA, Mewsli-X, BUCC) go to ``ranking``: the ``top_k`` candidate ids per
        query, or for BUCC (metric ``f1``) the mined ``(target id, score)`` per source sentence.
        """
        return self.predict_details(model, tokenizer, examples, spec, max_length, batch_size, layer, direction, top_k,
                                    neighborhood, query_length, candidate_length)[0]

    def predict_details(self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1,
                        direction="en->xx", top_k=20, neighborhood=4, query_length=None, candidate_length=None):
        """Return (predictions, details) as ``predict``; bitext search adds each query's ``top_k`` retrieved indices."""
        layer = getattr(model, "pool_layer", layer)  # a trained dual encoder is read as it was trained
        pooling = getattr(model, "pooling", "mean")
        if examples and "pool" in examples[0]:
            from . import ranking
            if spec.metric == "f1":
                return ranking.mine(model, tokenizer, examples, layer, max_length, batch_size, neighborhood), {}
            return ranking.rank(model, tokenizer, examples, layer, max_length, batch_size, top_k, pooling=pooling,
                                query_length=query_length, candidate_length=candidate_length), {}
        src = embed(model, tokenizer, [e["source"] for e in examples], layer, max_length, batch_size)
        tgt = embed(model, tokenizer, [e["target"] for e in examples], layer, max_length, batch_size)
        queries, pool = (tgt, src) if direction == "en->xx" else (src, tgt)
        top = nearest(queries, pool, k=max(1, int(top_k)))[1].tolist()
        return [row[0] for row in top], {"top_k": top}

    def score(self, examples, predictions, spec, language=None):
        """Return ``{"accuracy": ...}`` (share of queries whose nearest neighbour is their translation), or the
        ranking tasks' ``map@20`` / BUCC ``f1`` (``ranking.score``)."""
        if examples and "pool" in examples[0]:
            from . import ranking
            return ranking.score(examples, predictions, spec)
        return metrics.retrieval_accuracy(list(range(len(examples))), predictions)


FORMAT = RetrievalFormat()
