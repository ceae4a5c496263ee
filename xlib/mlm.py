"""Continued multilingual masked-LM training during phase (ii): one more "task" over the shared encoder.

Phang et al. (2020) compare plain English intermediate training with intermediate training that keeps
a multilingual MLM objective running beside it. Here the MLM objective is an extra model in the
multi-task loop of ``xlib.train``: a masked-LM head (``AutoModelForMaskedLM``) on the *same* encoder
object as the task heads, with its output projection re-tied to that encoder's input embeddings.
Its features are masked once, up front (BERT's 15 %, of which 80 % ``<mask>``, 10 % a random token,
10 % unchanged, by ``transformers.DataCollatorForLanguageModeling``); a sentence repeated to fill the
requested share of batches gets a fresh mask each time.

Options (the condition's ``mlm:`` block in a params file):

- ``languages``: language codes of the corpus (required);
- ``corpus``: ``synthetic`` (the miniature's monolingual generator), ``{lang: path}`` or a path with a
  ``{lang}`` placeholder: one UTF-8 text file per language, one sentence or paragraph per line,
  blank lines skipped (CC-100's ``{lang}.txt`` files have this layout), truncated to ``max_length``;
- ``ratio`` (0.5): the share of training batches that are MLM batches, whatever the sampler;
- ``sentences`` (10000): sentences read per language (the first N lines; generated for ``synthetic``);
- ``mask_prob`` (0.15), ``max_length`` (the phase's max_length), ``seed`` (1: fresh synthetic text).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

MLM_TASK = "mlm"
OPTIONS = {"languages", "corpus", "ratio", "sentences", "mask_prob", "max_length", "seed"}


def check_options(options) -> list[str]:
    """Return the problems of an ``mlm:`` block (one message per key; empty when valid)."""
    from .checks import option_block_errors

    if not isinstance(options, dict):
        return option_block_errors(options, OPTIONS)
    errors = option_block_errors(options, OPTIONS)
    langs = options.get("languages")
    corpus = options.get("corpus")
    if corpus != "synthetic" and not isinstance(corpus, dict) and not (isinstance(corpus, str) and "{lang}" in corpus):
        errors.append(
            "corpus: expected 'synthetic', a path with {lang} or a mapping {language: text file, one sentence per line}"
        )
    elif isinstance(corpus, dict) and isinstance(langs, list):
        missing = [l for l in langs if l not in corpus]
        if missing:
            errors.append(f"corpus: no file for language(s) {', '.join(map(str, missing))}")
    ratio = options.get("ratio", 0.5)
    if not isinstance(ratio, (int, float)) or not 0 < ratio < 1:
        errors.append(f"ratio: expected a number strictly between 0 and 1, got {ratio!r}")
    for key in ("sentences", "max_length"):
        value = options.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            errors.append(f"{key}: expected a positive integer, got {value!r}")
    mask = options.get("mask_prob", 0.15)
    if not isinstance(mask, (int, float)) or not 0 < mask < 1:
        errors.append(f"mask_prob: expected a number strictly between 0 and 1, got {mask!r}")
    return errors


def read_corpus(options: dict) -> dict[str, list[str]]:
    """Return the MLM sentences per language: generated (``corpus: synthetic``) or read from one text file each."""
    n = int(options.get("sentences", 10000))
    out = {}
    for lang in options["languages"]:
        if options["corpus"] == "synthetic":
            from .synth.sampling import monolingual_corpus

            out[lang] = monolingual_corpus(lang, n, seed=int(options.get("seed", 1)))
            continue
        corpus = options["corpus"]
        path = Path(
            os.path.expanduser(corpus.replace("{lang}", lang) if isinstance(corpus, str) else str(corpus[lang]))
        )
        from .loaders.common import read_text_lines

        lines = [line.strip() for line in read_text_lines(path) if line.strip()]
        out[lang] = lines[:n]
    return out


def mlm_examples_needed(sizes: dict[str, int], ratio: float, cfg) -> int:
    """Return how many MLM features make the sampler of ``cfg`` draw an MLM batch with probability ``ratio``.

    Inverts ``xlib.train.task_weights``: examples-proportional (n = r/(1-r) * sum of task sizes; with
    a cap, MLM is capped too, so the share cannot exceed cap / (cap + sum of capped sizes)) or
    temperature sampling (n^(1/T) = r/(1-r) * sum n_t^(1/T)).
    """
    odds = ratio / (1.0 - ratio)
    if cfg.sampling == "temperature":
        return max(1, math.ceil((odds * sum(n ** (1.0 / cfg.temperature) for n in sizes.values())) ** cfg.temperature))
    if cfg.sampling_cap:
        return max(
            1, min(int(cfg.sampling_cap), math.ceil(odds * sum(min(n, cfg.sampling_cap) for n in sizes.values())))
        )
    return max(1, math.ceil(odds * sum(sizes.values())))


def mask_features(
    sentences: list[str], tokenizer, count: int, max_length: int, mask_prob: float = 0.15, seed: int = 0
) -> list[dict]:
    """Return ``count`` masked-LM features (``input_ids`` masked 80/10/10, ``labels`` -100 except at masked tokens).

    Sentences are used in a seeded shuffled order, cycling with a new mask when ``count`` exceeds
    their number; every feature has at least one masked token (so no batch has an empty loss).
    """
    import torch
    from transformers import DataCollatorForLanguageModeling

    if not sentences:
        raise ValueError("masked LM: the corpus has no sentences")
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(sentences)) for _ in range(math.ceil(count / len(sentences)))])[:count]
    enc = tokenizer(
        [sentences[i] for i in order], truncation=True, max_length=max_length, return_special_tokens_mask=True
    )
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=mask_prob)
    feats = []
    with torch.random.fork_rng(devices=[]):  # seeded masks that leave the global RNG untouched
        torch.manual_seed(seed)
        for start in range(0, count, 512):
            feats += _mask_chunk(enc, range(start, min(count, start + 512)), tokenizer, collator, rng)
    return feats


def _mask_chunk(enc, chunk, tokenizer, collator, rng) -> list[dict]:
    """Return masked features of the encoded sentences at the indices ``chunk``."""
    import torch

    lengths = [len(enc["input_ids"][i]) for i in chunk]
    ids = torch.full((len(lengths), max(lengths)), tokenizer.pad_token_id, dtype=torch.long)
    special = torch.ones_like(ids)
    for row, i in enumerate(chunk):
        ids[row, : lengths[row]] = torch.tensor(enc["input_ids"][i])
        special[row, : lengths[row]] = torch.tensor(enc["special_tokens_mask"][i])
    masked, labels = collator.torch_mask_tokens(ids.clone(), special_tokens_mask=special.bool())
    feats = []
    for row, n in enumerate(lengths):
        input_ids, lab = masked[row, :n].tolist(), labels[row, :n].tolist()
        if all(x == -100 for x in lab):  # force one masked token
            candidates = [j for j in range(n) if not special[row, j]]
            if not candidates:
                continue
            j = candidates[int(rng.integers(len(candidates)))]
            lab[j] = int(ids[row, j])
            input_ids[j] = tokenizer.mask_token_id
        feats.append({"input_ids": input_ids, "attention_mask": [1] * n, "labels": lab})
    return feats


def build_mlm_model(encoder_path: str, share_with, **load_kwargs):
    """Return a masked-LM model on ``encoder_path`` whose encoder IS ``share_with``'s, output embeddings re-tied to it.

    ``share_with`` is one of the task models (its ``base_model_prefix`` attribute is the shared
    encoder); the MLM model's own encoder copy is dropped, so the LM head's decoder weight is the
    shared encoder's word-embedding matrix, as in pretraining.
    """
    from transformers import AutoModelForMaskedLM

    model = AutoModelForMaskedLM.from_pretrained(encoder_path, **load_kwargs)
    prefix = model.base_model_prefix
    if getattr(share_with, "base_model_prefix", None) != prefix:
        raise ValueError(
            f"masked LM: the task models' encoder ({share_with.base_model_prefix!r}) is not "
            f"the masked-LM model's ({prefix!r})"
        )
    encoder = getattr(share_with, prefix)
    setattr(model, prefix, encoder)
    output = model.get_output_embeddings()
    output.weight = encoder.get_input_embeddings().weight
    return model


def add_mlm(
    models: dict, features: dict, options: dict, encoder_path: str, tokenizer, cfg, seed: int, **load_kwargs
) -> dict:
    """Add the masked-LM "task" to ``models``/``features`` (in place) and return a summary (sizes, share)."""
    from .train import task_weights

    errors = check_options(options)
    if errors:
        raise ValueError("mlm: " + "; ".join(errors))
    sizes = {t: len(f) for t, f in features.items()}
    count = mlm_examples_needed(sizes, float(options.get("ratio", 0.5)), cfg)
    corpus = read_corpus(options)
    sentences = [s for lang in options["languages"] for s in corpus[lang]]
    first = next(iter(models.values()))
    models[MLM_TASK] = build_mlm_model(encoder_path, first, **load_kwargs)
    features[MLM_TASK] = mask_features(
        sentences,
        tokenizer,
        count,
        int(options.get("max_length") or cfg.max_length),
        float(options.get("mask_prob", 0.15)),
        seed=seed,
    )
    share = task_weights({**sizes, MLM_TASK: len(features[MLM_TASK])}, cfg)[MLM_TASK]
    return {
        "mlm_features": len(features[MLM_TASK]),
        "mlm_sentences": len(sentences),
        "mlm_share": share,
        "languages": list(options["languages"]),
    }
