"""Featurisation cached through ``datasets``: tokenise a task's examples once, reuse the Arrow file after.

Every (condition, target, seed) run of a study featurises the same target training data with the
same tokenizer; phase (ii) runs of different seeds featurise the same intermediate data. The cache
key is a fingerprint of everything the features depend on: the examples' content, the tokenizer
(its serialised vocabulary and settings, not its path: every condition's checkpoint carries a copy
of the same tokenizer), the format and its featurisation source code, ``max_length`` and the
format's options. A hit reads the Arrow file; a miss featurises through ``Dataset.map`` with that
file as ``cache_file_name`` (``datasets`` writes it under a temporary name and moves it in place).

``XLIB_FEATURE_CACHE`` chooses the directory (default ``<XLIB_CACHE>/features``); ``off`` disables.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path
from typing import Sequence

from .paths import cache_root

CACHE_VERSION = 1


def feature_cache_dir() -> Path | None:
    """Return the feature cache directory, or None when ``XLIB_FEATURE_CACHE`` is ``off``/``0``."""
    value = os.environ.get("XLIB_FEATURE_CACHE", "")
    if value.lower() in ("off", "0", "false", "no"):
        return None
    return Path(value) if value else cache_root() / "features"


def tokenizer_fingerprint(tokenizer) -> str:
    """Return a hash of what the tokenizer does (vocabulary, normaliser, special tokens), not where it lives."""
    h = hashlib.sha256(type(tokenizer).__name__.encode())
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:  # the truncation/padding state is left by earlier calls, not part of what it does
        doc = json.loads(backend.to_str())
        doc.pop("truncation", None)
        doc.pop("padding", None)
        h.update(json.dumps(doc, sort_keys=True).encode())
    else:
        h.update(json.dumps(sorted(tokenizer.get_vocab().items())).encode())
    settings = {
        k: str(getattr(tokenizer, k, None))
        for k in ("padding_side", "truncation_side", "model_max_length", "all_special_tokens")
    }
    h.update(json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()


def features_fingerprint(
    fmt, examples: Sequence[dict], tokenizer, spec, max_length: int, options: dict | None = None
) -> str:
    """Return the cache key of ``fmt.featurize(examples, tokenizer, spec, max_length, **options)``."""
    h = hashlib.sha256()
    h.update(
        json.dumps(
            [CACHE_VERSION, fmt.name, spec.name, list(getattr(spec, "labels", ()) or ()), max_length, options or {}],
            sort_keys=True,
            default=str,
        ).encode()
    )
    h.update(inspect.getsource(inspect.getmodule(type(fmt))).encode())
    h.update(tokenizer_fingerprint(tokenizer).encode())
    for e in examples:
        h.update(json.dumps(e, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()[:32]


def featurize_cached(
    fmt,
    examples: Sequence[dict],
    tokenizer,
    spec,
    max_length: int,
    options: dict | None = None,
    cache_dir: str | Path | None = None,
) -> list[dict]:
    """Return ``fmt.featurize(...)`` for the examples, read from the Arrow cache when it was computed before.

    Formats that set ``cacheable = False`` (e.g. featurisation that draws random numbers) and empty
    example lists are featurised directly.
    """
    options = dict(options or {})
    directory = Path(cache_dir) if cache_dir is not None else feature_cache_dir()
    if directory is None or not examples or not getattr(fmt, "cacheable", True):
        return fmt.featurize(examples, tokenizer, spec, max_length, **options)
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()
    key = features_fingerprint(fmt, examples, tokenizer, spec, max_length, options)
    path = directory / f"{spec.name.replace('/', '_')}-{key}.arrow"
    if path.exists():
        return Dataset.from_file(str(path)).to_list()
    directory.mkdir(parents=True, exist_ok=True)

    def featurize_all(batch):
        feats = fmt.featurize([examples[i] for i in batch["i"]], tokenizer, spec, max_length, **options)
        if not feats:
            return {}
        return {k: [f[k] for f in feats] for k in feats[0]}

    index = Dataset.from_dict({"i": list(range(len(examples)))})
    done = index.map(
        featurize_all,
        batched=True,
        batch_size=None,
        remove_columns=["i"],
        cache_file_name=str(path),
        new_fingerprint=key,
        load_from_cache_file=True,
    )
    return done.to_list()
