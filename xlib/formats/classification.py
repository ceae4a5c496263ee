"""Sentence and sentence-pair classification (XNLI, PAWS-X, MNLI, QQP, SST-2...)."""

from __future__ import annotations

from transformers import AutoModelForSequenceClassification

from .. import metrics
from ..predictions import softmax
from .base import Format, forward_outputs


class ClassificationFormat(Format):
    """One label per (pair of) sentence(s), read from the ``<s>`` token by a classification head."""

    name = "classification"

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return an ``AutoModelForSequenceClassification`` with one output per label."""
        return AutoModelForSequenceClassification.from_pretrained(
            encoder_path, num_labels=len(spec.labels), **load_kwargs
        )

    def _encode(self, examples, tokenizer, max_length):
        texts = [e["text"] for e in examples]
        pairs = [e.get("text_pair") for e in examples]
        if any(p is not None for p in pairs):
            return tokenizer(texts, [p or "" for p in pairs], truncation=True, max_length=max_length)
        return tokenizer(texts, truncation=True, max_length=max_length)

    def featurize(self, examples, tokenizer, spec, max_length):
        """Return features with ``input_ids``, ``attention_mask`` and the integer ``labels``."""
        enc = self._encode(examples, tokenizer, max_length)
        return [
            {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": int(e["label"])}
            for i, e in enumerate(examples)
        ]

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=64):
        """Return the predicted label id of every example."""
        return self.predict_details(model, tokenizer, examples, spec, max_length, batch_size)[0]

    def predict_details(self, model, tokenizer, examples, spec, max_length, batch_size=64):
        """Return (predictions, details): details hold each example's ``confidence`` and ``probabilities`` (softmax)."""
        feats = self.featurize(examples, tokenizer, spec, max_length) if examples else []
        logits = forward_outputs(model, feats, tokenizer.pad_token_id, batch_size)
        probabilities = [softmax(l.tolist()) for l in logits]
        return (
            [int(l.argmax()) for l in logits],
            {
                "confidence": [float(p.max()) for p in probabilities],
                "probabilities": [p.tolist() for p in probabilities],
            },
        )

    def score(self, examples, predictions, spec, language=None):
        """Return ``{"accuracy": ...}`` on a 0-100 scale."""
        return metrics.accuracy([int(e["label"]) for e in examples], predictions)


FORMAT = ClassificationFormat()
