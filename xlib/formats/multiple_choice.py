"""Multiple choice (XCOPA, CommonsenseQA, Cosmos QA, HellaSwag, Social IQa, COPA)."""

from __future__ import annotations

from transformers import AutoModelForMultipleChoice

from .. import metrics
from ..predictions import softmax
from .base import Format, forward_outputs


class MultipleChoiceFormat(Format):
    """Each choice is encoded with the context and question; a linear head scores every choice."""

    name = "multiple_choice"

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return an ``AutoModelForMultipleChoice`` on the encoder."""
        return AutoModelForMultipleChoice.from_pretrained(encoder_path, **load_kwargs)

    def featurize(self, examples, tokenizer, spec, max_length):
        """Return features whose ``input_ids`` hold one sequence per choice: (context question, choice)."""
        feats = []
        for e in examples:
            first = " ".join(part for part in (e["context"], e.get("question") or "") if part)
            enc = tokenizer([first] * len(e["choices"]), list(e["choices"]), truncation=True, max_length=max_length)
            feats.append(
                {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": int(e["label"])}
            )
        return feats

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=64):
        """Return the index of the highest-scoring choice of every example."""
        return self.predict_details(model, tokenizer, examples, spec, max_length, batch_size)[0]

    def predict_details(self, model, tokenizer, examples, spec, max_length, batch_size=64):
        """Return (predictions, details): details hold each example's ``confidence`` and ``probabilities`` (softmax)."""
        feats = self.featurize(examples, tokenizer, spec, max_length) if examples else []
        logits = forward_outputs(model, feats, tokenizer.pad_token_id, max(1, batch_size // 4))
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


FORMAT = MultipleChoiceFormat()
