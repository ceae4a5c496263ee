"""Sentence embeddings from an encoder, exact cosine nearest-neighbour search, and the base of the retrieval formats.

The three retrieval formats (``bitext``: Tatoeba-style search, ``ranking``: LAReQA / Mewsli-X, ``mining``:
BUCC) read an encoder without a task head; only ``ranking`` trains (a dual encoder, ``formats.dual_encoder``).
"""

from __future__ import annotations

import torch

from .base import Format, mean_pool, pad_collate, sorted_batches


def embed(
    model, tokenizer, sentences, layer: int, max_length: int = 128, batch_size: int = 128, pooling: str = "mean"
) -> torch.Tensor:
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
                pooled = mean_pool(hidden, batch["attention_mask"])
            out[torch.tensor(idx)] = pooled.cpu()
    return torch.nn.functional.normalize(out, dim=-1)


def nearest(
    queries: torch.Tensor,
    candidates: torch.Tensor,
    k: int = 1,
    chunk: int = 4096,
    candidate_chunk: int = 16384,
    device: str | torch.device | None = None,
):
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
                candidates[c0 : c0 + candidate_chunk].to(device, torch.float32, non_blocking=True), dim=-1
            )
            kk = min(k, cand.shape[0])
            for q0 in range(0, q.shape[0], chunk):
                s, i = (q[q0 : q0 + chunk] @ cand.T).topk(kk, dim=-1)
                merged_s = torch.cat([best_s[q0 : q0 + chunk], s], dim=1)
                merged_i = torch.cat([best_i[q0 : q0 + chunk], i + c0], dim=1)
                top_s, pos = merged_s.topk(k, dim=-1)
                best_s[q0 : q0 + chunk], best_i[q0 : q0 + chunk] = top_s, merged_i.gather(1, pos)
    return best_s.cpu(), best_i.cpu()


class EncoderRetrieval(Format):
    """What the retrieval formats share: a bare encoder (a dual encoder for tasks that train), no head."""

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return the bare encoder (``AutoModel``), wrapped in a ``DualEncoder`` for tasks that train."""
        from transformers import AutoModel

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
