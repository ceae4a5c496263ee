"""Bitext search (Tatoeba): each sentence's translation retrieved by exact cosine nearest neighbours."""

from __future__ import annotations

from .. import metrics
from .embedding import EncoderRetrieval, embed, nearest


class BitextFormat(EncoderRetrieval):
    """Tatoeba-style bitext search from a plain encoder: no head, no target training."""

    name = "bitext"
    predict_options = ("layer", "direction", "top_k")

    def predict(
        self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1, direction="en->xx", top_k=20
    ):
        """Return, per example, the index of the retrieved counterpart (gold is the example's own index).

        ``direction="en->xx"`` queries with the English side and searches the other language, as the
        official XTREME baseline and Phang et al. do; ``"xx->en"`` the reverse.
        """
        return self.predict_details(model, tokenizer, examples, spec, max_length, batch_size, layer, direction, top_k)[
            0
        ]

    def predict_details(
        self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1, direction="en->xx", top_k=20
    ):
        """Return (predictions, details) as ``predict``; the details hold each query's ``top_k`` retrieved indices."""
        layer = getattr(model, "pool_layer", layer)  # a trained dual encoder is read as it was trained
        src = embed(model, tokenizer, [e["source"] for e in examples], layer, max_length, batch_size)
        tgt = embed(model, tokenizer, [e["target"] for e in examples], layer, max_length, batch_size)
        queries, pool = (tgt, src) if direction == "en->xx" else (src, tgt)
        top = nearest(queries, pool, k=max(1, int(top_k)))[1].tolist()
        return [row[0] for row in top], {"top_k": top}

    def score(self, examples, predictions, spec, language=None):
        """Return ``{"accuracy": ...}``: the share of queries whose nearest neighbour is their translation."""
        return metrics.retrieval_accuracy(list(range(len(examples))), predictions)


FORMAT = BitextFormat()
