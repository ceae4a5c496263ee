"""xlib.first_token: the last layer for position 0 only gives the same logits, loss and gradients."""

import pytest
import torch
from transformers import (
    XLMRobertaConfig,
    XLMRobertaForMultipleChoice,
    XLMRobertaForSequenceClassification,
    XLMRobertaForTokenClassification,
)

from xlib.first_token import applies, first_token_only

CONFIG = dict(vocab_size=100, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64)


def _inputs(shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, 100, shape, generator=g)
    mask = torch.ones(shape, dtype=torch.long)
    mask[1:, ..., 7:] = 0  # padded rows beside one full row
    ids[mask == 0] = 1
    return ids, mask


def _loss_and_grads(model, ids, mask, labels):
    model.zero_grad()
    out = model(input_ids=ids, attention_mask=mask, labels=labels)
    out.loss.backward()
    return out.logits.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize(
    "cls, shape, labels",
    [
        (XLMRobertaForSequenceClassification, (4, 12), [0, 1, 2, 1]),
        (XLMRobertaForMultipleChoice, (4, 2, 12), [0, 1, 1, 0]),
    ],
)
@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_same_logits_and_gradients_as_the_full_last_layer(cls, shape, labels, attn):
    torch.manual_seed(0)
    model = cls(XLMRobertaConfig(**CONFIG, num_labels=3, attn_implementation=attn)).eval()
    ids, mask = _inputs(shape)
    labels = torch.tensor(labels)
    assert applies([model])
    full, full_grads = _loss_and_grads(model, ids, mask, labels)
    with first_token_only(model.roberta) as on:
        assert on
        short, short_grads = _loss_and_grads(model, ids, mask, labels)
        assert model.roberta(input_ids=ids.view(-1, shape[-1])).last_hidden_state.shape[1] == 1
    torch.testing.assert_close(short, full, atol=1e-6, rtol=1e-5)
    assert set(short_grads) == set(full_grads)
    for name in full_grads:
        torch.testing.assert_close(short_grads[name], full_grads[name], atol=1e-6, rtol=1e-4, msg=name)
    # restored on exit: the full sequence again
    assert "forward" not in vars(model.roberta.encoder.layer[-1])
    assert model.roberta(input_ids=ids.view(-1, shape[-1])).last_hidden_state.shape[1] == shape[-1]


def test_only_first_token_heads_qualify():
    config = XLMRobertaConfig(**CONFIG, num_labels=3)
    pair, tagger = XLMRobertaForSequenceClassification(config), XLMRobertaForTokenClassification(config)
    assert applies([pair, XLMRobertaForMultipleChoice(config)])
    assert not applies([pair, tagger])  # a shared encoder with a tagging head needs every position
    assert not applies([])
    with first_token_only(pair.roberta, enabled=False) as on:
        assert not on and "forward" not in vars(pair.roberta.encoder.layer[-1])


def test_training_with_and_without_the_shortcut_learns_alike():
    """xlib.train on one classification task, no dropout: the option changes only the arithmetic's order."""
    from xlib.train import train
    from xlib.trainconfig import TrainConfig

    torch.manual_seed(0)
    config = XLMRobertaConfig(**CONFIG, num_labels=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    base = XLMRobertaForSequenceClassification(config)
    g = torch.Generator().manual_seed(1)
    features = []
    for _ in range(64):
        label = int(torch.randint(0, 2, (), generator=g))
        n = int(torch.randint(4, 12, (), generator=g))
        ids = [0] + [10 + label] * n + [2]  # the label is written in the tokens
        features.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": label})
    logs = {}
    for shortcut in (True, False):
        model = XLMRobertaForSequenceClassification(base.config)
        model.load_state_dict(base.state_dict())
        cfg = TrainConfig(learning_rate=1e-3, max_steps=60, batch_size=16, first_token_shortcut=shortcut)
        shared, log = train({"t": model}, {"t": features}, 1, cfg, seed=0, log_every=10)
        logs[shortcut] = [e["loss"] for e in log]
        assert "forward" not in vars(shared.encoder().encoder.layer[-1])
    assert logs[True][-1] < 0.5 * logs[True][0]
    assert logs[True] == pytest.approx(logs[False], rel=1e-3)


def test_the_shortcut_under_activation_checkpointing():
    """xlib's gradient_checkpointing option wraps the same layer: the shortcut still runs and matches."""
    torch.manual_seed(0)
    config = XLMRobertaConfig(**CONFIG, num_labels=3, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    model = XLMRobertaForSequenceClassification(config).train()
    ids, mask = _inputs((4, 12))
    labels = torch.tensor([0, 1, 2, 1])
    full, full_grads = _loss_and_grads(model, ids, mask, labels)
    model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    with first_token_only(model.roberta):
        short, short_grads = _loss_and_grads(model, ids, mask, labels)
        assert model.roberta(input_ids=ids).last_hidden_state.shape[1] == 1
    torch.testing.assert_close(short, full, atol=1e-6, rtol=1e-5)
    for name in full_grads:
        torch.testing.assert_close(short_grads[name], full_grads[name], atol=1e-6, rtol=1e-4, msg=name)
