"""Extractive QA (SQuAD v1.1, XQuAD, MLQA, TyDiQA-GoldP): span start/end heads over sliding windows.

Featurisation and decoding follow the Hugging Face ``run_qa.py`` recipe with a fast tokenizer:
question first, context second, ``truncation="only_second"``, overlapping windows (doc stride),
answers mapped to tokens through the offset mapping; prediction takes the best-scoring valid span
(start/end among the ``n_best`` top logits of each window, inside the context, not longer than
``max_answer_length`` tokens) over all windows of an example and cuts it out of the original context.
Questions longer than ``max_query_length`` tokens (64, as XTREME's ``run_squad.py``) are cut so that
every window keeps room for context.
"""

from __future__ import annotations

import numpy as np
import torch
from transformers import AutoModelForQuestionAnswering

from .. import metrics
from .base import Format, pad_collate, sorted_batches


def effective_stride(stride: int, max_length: int) -> int:
    """Return the doc stride actually used: ``min(stride, max_length // 4)`` (so short windows stay valid)."""
    return max(0, min(int(stride), int(max_length) // 4))


class QAFormat(Format):
    """SQuAD-style span extraction with a start and an end logit per token."""

    name = "qa"
    predict_options = ("stride", "n_best", "max_answer_length", "max_query_length")

    def build_model(self, encoder_path, spec, **load_kwargs):
        """Return an ``AutoModelForQuestionAnswering`` (span start/end head) on the encoder at ``encoder_path``."""
        return AutoModelForQuestionAnswering.from_pretrained(encoder_path, num_labels=2, **load_kwargs)

    # ----------------------------------------------------------------------------------------------
    def _questions(self, examples, tokenizer, limit: int) -> list[str]:
        """Left-stripped questions, each cut to at most ``limit`` tokens at a token boundary."""
        questions = [str(e["question"]).lstrip() for e in examples]
        if not questions:
            return questions
        enc = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
        for i, ids in enumerate(enc["input_ids"]):
            offsets, n = enc["offset_mapping"][i], limit
            while len(ids) > limit and n > 0:  # re-tokenising a prefix may split differently: shrink until it fits
                questions[i] = questions[i][: offsets[n - 1][1]]
                ids = tokenizer(questions[i], add_special_tokens=False)["input_ids"]
                n -= 1
        return questions

    def _encode(self, examples, tokenizer, max_length: int, stride: int, max_query_length: int):
        """Tokenise (question, context) pairs into overlapping windows; return (encoding, keys to feed)."""
        if not getattr(tokenizer, "is_fast", False):
            raise ValueError("the qa format needs a fast tokenizer (offset mappings)")
        stride = effective_stride(stride, max_length)
        specials = tokenizer.num_special_tokens_to_add(pair=True)
        limit = min(int(max_query_length), max_length - specials - stride - 1)
        if limit < 1:
            raise ValueError(
                f"max_length={max_length} leaves no room for a question and a context window "
                f"(doc stride {stride}, {specials} special tokens)"
            )
        questions = self._questions(examples, tokenizer, limit)
        contexts = [str(e["context"]) for e in examples]
        enc = tokenizer(
            questions,
            contexts,
            truncation="only_second",
            max_length=max_length,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=False,
        )
        keys = [k for k in tokenizer.model_input_names if k in enc]
        return enc, keys

    @staticmethod
    def _context_range(sequence_ids) -> tuple[int, int] | None:
        idx = [i for i, s in enumerate(sequence_ids) if s == 1]
        return (idx[0], idx[-1]) if idx else None

    def featurize(self, examples, tokenizer, spec, max_length, stride=128, max_query_length=64):
        """Return one training feature per window: model inputs plus ``start_positions``/``end_positions``.

        The positions are those of the first gold answer's first and last token; a window that does
        not contain the whole answer (or an example without answer) points both at index 0 (CLS).
        """
        if not examples:
            return []
        enc, keys = self._encode(examples, tokenizer, max_length, stride, max_query_length)
        feats = []
        for i, sample in enumerate(enc["overflow_to_sample_mapping"]):
            e = examples[sample]
            offsets = enc["offset_mapping"][i]
            start_pos = end_pos = 0
            texts = list(e["answers"]["text"])
            ctx = self._context_range(enc.sequence_ids(i))
            if texts and ctx is not None:
                start_char = int(e["answers"]["answer_start"][0])
                end_char = start_char + len(texts[0])
                first, last = ctx
                if offsets[first][0] <= start_char and offsets[last][1] >= end_char:
                    s = first
                    while s <= last and offsets[s][0] <= start_char:
                        s += 1
                    t = last
                    while t >= first and offsets[t][1] >= end_char:
                        t -= 1
                    start_pos, end_pos = s - 1, t + 1
            feat = {k: list(enc[k][i]) for k in keys}
            feat["start_positions"] = start_pos
            feat["end_positions"] = end_pos
            feats.append(feat)
        return feats

    def predict(
        self,
        model,
        tokenizer,
        examples,
        spec,
        max_length,
        batch_size=64,
        stride=128,
        n_best=20,
        max_answer_length=30,
        max_query_length=64,
    ):
        """Return one answer string per example (cut from its context; "" when no valid span exists)."""
        if not examples:
            return []
        enc, keys = self._encode(examples, tokenizer, max_length, stride, max_query_length)
        feats = [{k: list(enc[k][i]) for k in keys} for i in range(len(enc["input_ids"]))]
        start_logits: list = [None] * len(feats)
        end_logits: list = [None] * len(feats)
        device = next(model.parameters()).device
        model.eval()
        with torch.inference_mode():
            for idx in sorted_batches([len(f["input_ids"]) for f in feats], batch_size):
                batch = pad_collate([feats[i] for i in idx], tokenizer.pad_token_id)
                out = model(**{k: v.to(device) for k, v in batch.items()})
                starts = out["start_logits"].float().cpu().numpy()
                ends = out["end_logits"].float().cpu().numpy()
                for row, i in enumerate(idx):
                    n = len(feats[i]["input_ids"])
                    start_logits[i], end_logits[i] = starts[row, :n], ends[row, :n]

        best: list[tuple[float, int, int] | None] = [None] * len(examples)
        for i, sample in enumerate(enc["overflow_to_sample_mapping"]):
            seq_ids = enc.sequence_ids(i)
            offsets = enc["offset_mapping"][i]
            s_log, e_log = start_logits[i], end_logits[i]
            top_s = np.argsort(s_log, kind="stable")[::-1][:n_best]
            top_e = np.argsort(e_log, kind="stable")[::-1][:n_best]
            for s in top_s:
                if seq_ids[s] != 1:
                    continue
                for t in top_e:
                    if seq_ids[t] != 1 or t < s or t - s + 1 > max_answer_length:
                        continue
                    score = float(s_log[s] + e_log[t])
                    if best[sample] is None or score > best[sample][0]:
                        best[sample] = (score, offsets[s][0], offsets[t][1])
        answers = []
        for e, b in zip(examples, best):
            answers.append("" if b is None else str(e["context"])[b[1] : b[2]].strip())
        return answers

    def score(self, examples, predictions, spec, language=None):
        """Return ``exact_match``, ``f1`` and ``em_f1 = (EM + F1) / 2`` (0-100), SQuAD v1.1 or MLQA scoring.

        Tasks whose name starts with ``mlqa`` use MLQA's normalisation for ``language`` (required);
        every other QA task (XQuAD, TyDiQA-GoldP, SQuAD, synthetic) the SQuAD v1.1 script.
        """
        if len(predictions) != len(examples):
            raise ValueError(f"{spec.name}: {len(predictions)} predictions for {len(examples)} examples")
        qas = []
        for i, e in enumerate(examples):
            answers = e["answers"]
            starts = list(answers.get("answer_start", [])) or [0] * len(answers["text"])
            qas.append(
                {
                    "id": str(i),
                    "question": e.get("question", ""),
                    "answers": [{"text": t, "answer_start": s} for t, s in zip(answers["text"], starts)],
                }
            )
        dataset = [{"paragraphs": [{"qas": qas}]}]
        preds = {str(i): p for i, p in enumerate(predictions)}
        if spec.name.lower().startswith("mlqa"):
            if language is None:
                raise ValueError(f"{spec.name}: MLQA scoring needs the answer language (language=...)")
            result = metrics.mlqa_em_f1(dataset, preds, language)
        else:
            result = metrics.squad_em_f1(dataset, preds)
        return {"exact_match": result["exact_match"], "f1": result["f1"], "em_f1": metrics.em_f1_mean(result)}


FORMAT = QAFormat()
