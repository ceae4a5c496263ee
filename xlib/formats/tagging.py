"""Token tagging (UDPOS, WikiANN NER, CCG supertagging): labels on the first sub-token of each word."""

from __future__ import annotations

from transformers import AutoModelForTokenClassification

from .. import metrics
from . import SCORINGS
from .base import Format, forward_outputs


class TaggingFormat(Format):
    """One tag per whitespace word, predicted from the word's first sub-token."""

    name = "tagging"
    scorings = SCORINGS["tagging"]  # seqeval span F1, or per-word accuracy

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return an ``AutoModelForTokenClassification`` with one output per tag."""
        labels = list(spec.labels)
        return AutoModelForTokenClassification.from_pretrained(
            encoder_path,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={t: i for i, t in enumerate(labels)},
            **load_kwargs,
        )

    def _encode(self, examples, tokenizer, max_length):
        return tokenizer(
            [list(e["tokens"]) for e in examples], is_split_into_words=True, truncation=True, max_length=max_length
        )

    def featurize(self, examples, tokenizer, spec, max_length):
        """Return features whose ``labels`` tag each word's first sub-token and put -100 elsewhere."""
        tag_id = {t: i for i, t in enumerate(spec.labels)}
        enc = self._encode(examples, tokenizer, max_length)
        feats = []
        for i, e in enumerate(examples):
            labels, previous = [], None
            for word in enc.word_ids(i):
                if word is None or word == previous:
                    labels.append(-100)
                else:
                    tag = e["tags"][word]
                    if tag not in tag_id:
                        raise ValueError(
                            f"{spec.name}: example {e.get('id')!r} has tag {tag!r}; "
                            f"expected one of {', '.join(spec.labels)}"
                        )
                    labels.append(tag_id[tag])
                previous = word
            feats.append(
                {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": labels}
            )
        return feats

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size=64):
        """Return one tag list per example; words cut off by truncation get the tag ``O``/first tag."""
        if not examples:
            return []
        enc = self._encode(examples, tokenizer, max_length)
        feats = [
            {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i]} for i in range(len(examples))
        ]
        logits = forward_outputs(model, feats, tokenizer.pad_token_id, batch_size)
        fallback = "O" if "O" in spec.labels else spec.labels[0]
        out = []
        for i, e in enumerate(examples):
            tags = [fallback] * len(e["tokens"])
            seen = set()
            best = logits[i].argmax(-1).tolist()
            for pos, word in enumerate(enc.word_ids(i)):
                if word is not None and word not in seen:
                    seen.add(word)
                    tags[word] = spec.labels[best[pos]]
            out.append(tags)
        return out

    def score(self, examples, predictions, spec, language=None):
        """Return seqeval span ``f1``, ``precision``, ``recall`` (0-100) as the official script does.

        Tasks declared with ``scoring="tokens"`` (CCG supertagging) get per-word accuracy instead.
        """
        if self.scoring(spec) == "tokens":
            return metrics.accuracy([t for e in examples for t in e["tags"]], [t for p in predictions for t in p])
        return metrics.tag_f1([list(e["tags"]) for e in examples], predictions)


FORMAT = TaggingFormat()
