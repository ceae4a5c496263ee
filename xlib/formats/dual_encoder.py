"""The dual encoder that LAReQA and Mewsli-X train in phase (iii): one shared encoder for queries and
candidates, in-batch negatives (sampled softmax over the batch's candidates).

As XTREME-R's baselines (third_party/bert.py ``BertForRetrieval``, ``--pool_type cls`` in
scripts/train_lareqa.sh and train_mewslix.sh): an input is encoded as the encoder's pooler output
(dense + tanh over ``<s>``), L2-normalised; the logits are the cosine similarities times a learned
scale initialised at 100, and the loss is the cross-entropy of each query against the batch's
candidates. ``pooling="mean"`` (mean of the last layer's states) is kept as an alternative.

``DualEncoder`` wraps a bare encoder so that ``xlib.train.train`` can train it like any head: its
forward with ``pos_input_ids`` returns the contrastive ``loss``; without them it is the encoder itself
(``hidden_states`` and ``pooler_output`` for ``embedding.embed``), and ``pool_layer`` / ``pooling``
tell the retrieval format how it was trained to pool. Training examples are
``{"id", "query", "positive", "positive_context"?}``; a candidate with a context (LAReQA's answer
sentence and its paragraph) is encoded as one string, :func:`candidate_text`, in training and evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers.utils import ModelOutput

from .base import mean_pool


@dataclass
class DualEncoderOutput(ModelOutput):
    """Contrastive loss and the batch's query-candidate score matrix."""

    loss: torch.Tensor | None = None
    scores: torch.Tensor | None = None


class DualEncoder(torch.nn.Module):
    """A shared-weight query/candidate encoder trained with in-batch negatives (cosine x a learned scale)."""

    pool_layer = -1
    POOLINGS = ("cls", "mean")

    def __init__(self, encoder, pooling: str = "cls", scale: float = 100.0):
        super().__init__()
        if pooling not in self.POOLINGS:
            raise ValueError(f"dual encoder pooling must be one of {', '.join(self.POOLINGS)}, got {pooling!r}")
        if pooling == "cls" and getattr(encoder, "pooler", None) is None:
            raise ValueError(
                "dual encoder pooling 'cls' reads the encoder's pooler output, but this encoder "
                "has no pooler (load it with AutoModel, add_pooling_layer=True)"
            )
        self.base_model_prefix = encoder.base_model_prefix
        setattr(self, self.base_model_prefix, encoder)
        self.pooling = pooling
        self.logit_scale = torch.nn.Parameter(torch.tensor([float(scale)]))

    @property
    def config(self):
        """Return the wrapped encoder's config."""
        return getattr(self, self.base_model_prefix).config

    def gradient_checkpointing_enable(self, **kwargs):
        """Enable gradient checkpointing in the wrapped encoder."""
        getattr(self, self.base_model_prefix).gradient_checkpointing_enable(**kwargs)

    def _embed(self, input_ids, attention_mask):
        encoder = getattr(self, self.base_model_prefix)
        ids = input_ids.masked_fill(attention_mask == 0, self.config.pad_token_id)
        out = encoder(input_ids=ids, attention_mask=attention_mask)
        pooled = out.pooler_output if self.pooling == "cls" else mean_pool(out.last_hidden_state, attention_mask)
        return torch.nn.functional.normalize(pooled.float(), dim=-1)

    def forward(self, input_ids=None, attention_mask=None, pos_input_ids=None, pos_attention_mask=None, **kwargs):
        """Return the contrastive loss when candidates (``pos_*``) are given, else the encoder's own output."""
        if pos_input_ids is None:
            return getattr(self, self.base_model_prefix)(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
        q = self._embed(input_ids, attention_mask)
        p = self._embed(pos_input_ids, pos_attention_mask)
        scores = self.logit_scale.float() * (q @ p.T)
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(q.shape[0], device=scores.device))
        return DualEncoderOutput(loss=loss, scores=scores)


def candidate_text(text: str, context: str | None = None) -> str:
    """Return the string a candidate is encoded as: ``text`` and its ``context`` joined, newlines dropped.

    As XTREME-R's LAReQA baseline, in training (``third_party/processors/lareqa.py``:
    ``(sentence_text + paragraph_text).replace("\\n", "")``) and evaluation
    (``third_party/evaluate_retrieval.py``: ``(candidate.sentence + candidate.context).replace("\\n", "")``):
    the two are concatenated with no separator, one input, not a (sentence, paragraph) pair.
    """
    return text if context is None else (text + context).replace("\n", "")


def featurize(examples, tokenizer, max_length: int, candidate_length: int | None = None) -> list[dict]:
    """Return dual-encoder training features: the query's and the positive candidate's token ids and masks.

    Queries are cut at ``max_length`` tokens, candidates at ``candidate_length`` (default the same).
    """
    if not examples:
        return []
    missing = [e.get("id") for e in examples if "query" not in e or "positive" not in e]
    if missing:
        raise ValueError(f"dual-encoder training examples need 'query' and 'positive'; missing in {missing[:3]}")
    q = tokenizer([e["query"] for e in examples], truncation=True, max_length=max_length)
    candidate_length = candidate_length or max_length
    p = tokenizer(
        [candidate_text(e["positive"], e.get("positive_context")) for e in examples],
        truncation=True,
        max_length=candidate_length,
    )
    return [
        {
            "input_ids": q["input_ids"][i],
            "attention_mask": q["attention_mask"][i],
            "pos_input_ids": p["input_ids"][i],
            "pos_attention_mask": p["attention_mask"][i],
        }
        for i in range(len(examples))
    ]
