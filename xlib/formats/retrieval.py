"""Retrieval by pooled encoder states: Tatoeba-style bitext search with exact cosine nearest neighbours."""
from __future__ import annotations

import torch
from transformers import AutoModel

from .. import metrics
from .base import Format, pad_collate, sorted_batches


def embed(model, tokenizer, sentences, layer: int, max_length: int = 128, batch_size: int = 128,
          pooling: str = "mean") -> torch.Tensor:
    """Return one L2-normalised embedding per sentence.

    ``pooling="mean"``: mean of ``hidden_states[layer]`` over the non-padding tokens (Tatoeba, BUCC);
    ``"cls"``: the model's pooler output (a dual encoder trained as XTREME-R's, ``--pool_type cls``).
    """
    enc = tokenizer(list(sentences), truncation=True, max_length=max_length)
    feats = [{"input_ids": ids, "attention_mask": mask} for ids, mask in zip(enc["input_ids"], enc["attention_mask"])]
    device = next(model.parameters()).device
    out = torch.zeros(len(feats), model.config.hidden_size)
    model.eval()
    with torch.inference_mode():
        for idx in sorted_batches([len(f["input_ids"]) for f in feats], batch_size):
            batch = {k: v.to(device) for k, v in pad_collate([feats[i] for i in idx], tokenizer.pad_token_id).items()}
            if pooling == "cls":
                pooled = model(**batch).pooler_output.float()
            else:
                hidden = model(**batch, output_hidden_states=True).hidden_states[layer].float()
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            out[torch.tensor(idx)] = pooled.cpu()
    return torch.nn.functional.normalize(out, dim=-1)


def nearest(queries: torch.Tensor, candidates: torch.Tensor, k: int = 1, chunk: int = 4096,
            candidate_chunk: int = 16384, device: str | torch.device | None = None):
    """Return CPU (scores, indices) of the ``k`` most cosine-similar candidates per query, searched exactly.

    Candidates stream to ``device`` (default: the GPU if there is one) ``candidate_chunk`` rows at a
    time and each is searched by every ``chunk`` of queries; a running top-k per query is merged
    after every candidate chunk, so memory is bounded by the chunk sizes, not by the pool
    (a million-candidate Mewsli-X-sized pool never forms one similarity matrix). Similarities are
    fp32 dot products of L2-normalised rows.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else queries.device))
    k = min(k, candidates.shape[0])
    q = torch.nn.functional.normalize(queries.to(device, torch.float32), dim=-1)
    best_s = torch.full((q.shape[0], k), float("-inf"), device=device)
    best_i = torch.zeros((q.shape[0], k), dtype=torch.long, device=device)
    with torch.inference_mode():
        for c0 in range(0, candidates.shape[0], candidate_chunk):
            cand = torch.nn.functional.normalize(
                candidates[c0:c0 + candidate_chunk].to(device, torch.float32, non_blocking=True), dim=-1)
            kk = min(k, cand.shape[0])
            for q0 in range(0, q.shape[0], chunk):
                s, i = (q[q0:q0 + chunk] @ cand.T).topk(kk, dim=-1)
                merged_s = torch.cat([best_s[q0:q0 + chunk], s], dim=1)
                merged_i = torch.cat([best_i[q0:q0 + chunk], i + c0], dim=1)
                top_s, pos = merged_s.topk(k, dim=-1)
                best_s[q0:q0 + chunk], best_i[q0:q0 + chunk] = top_s, merged_i.gather(1, pos)
    return best_s.cpu(), best_i.cpu()


class RetrievalFormat(Format):
    """Bitext retrieval from a plain encoder: no head and, for Tatoeba/BUCC, no target training."""

    name = "retrieval"

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
