"""Retrieval by pooled encoder states: Tatoeba-style bitext search with exact cosine nearest neighbours."""
from __future__ import annotations

import torch
from transformers import AutoModel

from .. import metrics
from .base import Format, pad_collate, sorted_batches


def embed(model, tokenizer, sentences, layer: int, max_length: int = 128, batch_size: int = 128) -> torch.Tensor:
    """Return L2-normalised mean-pooled ``hidden_states[layer]`` (all non-padding tokens) per sentence."""
    enc = tokenizer(list(sentences), truncation=True, max_length=max_length)
    feats = [{"input_ids": ids, "attention_mask": mask} for ids, mask in zip(enc["input_ids"], enc["attention_mask"])]
    device = next(model.parameters()).device
    out = torch.zeros(len(feats), model.config.hidden_size)
    model.eval()
    with torch.inference_mode():
        for idx in sorted_batches([len(f["input_ids"]) for f in feats], batch_size):
            batch = {k: v.to(device) for k, v in pad_collate([feats[i] for i in idx], tokenizer.pad_token_id).items()}
            hidden = model(**batch, output_hidden_states=True).hidden_states[layer].float()
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            out[torch.tensor(idx)] = pooled.cpu()
    return torch.nn.functional.normalize(out, dim=-1)


def nearest(queries: torch.Tensor, candidates: torch.Tensor, k: int = 1, chunk: int = 4096):
    """Return (scores, indices) of the ``k`` most cosine-similar candidates per query, searched exactly in chunks."""
    k = min(k, candidates.shape[0])
    best_scores, best_idx = [], []
    for start in range(0, queries.shape[0], chunk):
        sims = queries[start:start + chunk] @ candidates.T
        s, i = sims.topk(k, dim=-1)
        best_scores.append(s)
        best_idx.append(i)
    return torch.cat(best_scores), torch.cat(best_idx)


class RetrievalFormat(Format):
    """Bitext retrieval from a plain encoder: no head and, for Tatoeba/BUCC, no target training."""

    name = "retrieval"

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return the bare encoder (``AutoModel``)."""
        return AutoModel.from_pretrained(encoder_path, **load_kwargs)

    def featurize(self, examples, tokenizer, spec, max_length):
        """Retrieval targets here are evaluated from the encoder; training is not part of this format yet."""
        raise ValueError(f"task {spec.name!r} is evaluated from the encoder without target training")

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=128, layer=-1,
                direction="en->xx"):
        """Return, per example, the index of the retrieved counterpart (gold is the example's own index).

        ``direction="en->xx"`` queries with the English side and searches the other language, as the
        official XTREME baseline and Phang et al. do; ``"xx->en"`` the reverse.
        """
        src = embed(model, tokenizer, [e["source"] for e in examples], layer, max_length, batch_size)
        tgt = embed(model, tokenizer, [e["target"] for e in examples], layer, max_length, batch_size)
        queries, pool = (tgt, src) if direction == "en->xx" else (src, tgt)
        return nearest(queries, pool, k=1)[1][:, 0].tolist()

    def score(self, examples, predictions, spec, language=None):
        """Return ``{"accuracy": ...}``: share of queries whose nearest neighbour is their translation."""
        return metrics.retrieval_accuracy(list(range(len(examples))), predictions)


FORMAT = RetrievalFormat()
