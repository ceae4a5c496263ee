"""The last encoder layer computed for the first token only, where every head reads nothing else.

A sequence-classification head (XLM-R's reads ``features[:, 0]``) and a multiple-choice head (the
pooler reads ``hidden_states[:, 0]``) use the last layer's output at position 0 alone. That layer's
query projection, attention, output projection and feed-forward block are computed for every
position all the same; only its keys and values are needed for all of them. :func:`first_token_only`
makes the last layer compute its query and everything after attention for position 0 only: the
position-0 output is the same function of the inputs (same weights, same attention over every
unmasked key; the floats differ only by summation order and dropout draws), and the encoder's
``last_hidden_state`` then has length 1. In a 4-layer model (the miniature) this removes about a
fifth of the encoder's multiply-adds, in XLM-R Large (24 layers) about 3.5%; the saving is
measured in ``docs/speed.md``. ``transformers.Trainer`` does not do it.

It applies only to BERT-family encoders (``bert``, ``roberta``, ``xlm-roberta``) whose every head is
a sequence-classification or multiple-choice model; anything else (tagging, QA, retrieval, MLM
continuation) trains the full last layer.
"""

from __future__ import annotations

import contextlib
import types

import torch
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS
from transformers.models.bert.modeling_bert import eager_attention_forward

FAMILIES = ("bert", "roberta", "xlm-roberta")
FIRST_TOKEN_HEADS = ("ForSequenceClassification", "ForMultipleChoice")


def applies(models) -> bool:
    """Return whether every model in ``models`` reads only position 0 of a BERT-family encoder's last layer."""
    models = list(models)
    return bool(models) and all(
        getattr(m.config, "model_type", None) in FAMILIES
        and type(m).__name__.endswith(FIRST_TOKEN_HEADS)
        and not getattr(m.config, "is_decoder", False)
        for m in models
    )


def _first_token_forward(self, hidden_states, attention_mask=None, *args, **kwargs):
    """A BERT-family layer's forward for query position 0 only: returns hidden states of length 1."""
    attention = self.attention.self
    batch = hidden_states.shape[0]
    first = hidden_states[:, :1]
    shape = (batch, -1, attention.num_attention_heads, attention.attention_head_size)
    query = attention.query(first).view(*shape).transpose(1, 2)
    key = attention.key(hidden_states).view(*shape).transpose(1, 2)
    value = attention.value(hidden_states).view(*shape).transpose(1, 2)
    if attention_mask is not None and attention_mask.dim() == 4 and attention_mask.shape[-2] > 1:
        attention_mask = attention_mask[:, :, :1]  # the mask row of query position 0
    interface = ALL_ATTENTION_FUNCTIONS.get_interface(attention.config._attn_implementation, eager_attention_forward)
    output, _ = interface(
        attention,
        query,
        key,
        value,
        attention_mask,
        dropout=attention.dropout.p if attention.training else 0.0,
        scaling=attention.scaling,
    )
    output = self.attention.output(output.reshape(batch, 1, -1).contiguous(), first)
    return self.feed_forward_chunk(output)


@contextlib.contextmanager
def first_token_only(encoder: torch.nn.Module, enabled: bool = True):
    """Within the block, ``encoder``'s last layer computes position 0 only (see the module's docstring).

    The layer's weights and ``state_dict`` are untouched; its ``forward`` is restored on exit.
    """
    layers = getattr(getattr(encoder, "encoder", None), "layer", None)
    if not enabled or not layers:
        yield False
        return
    last = layers[-1]
    last.forward = types.MethodType(_first_token_forward, last)
    try:
        yield True
    finally:
        del last.forward
