"""The generator of every synthetic task and :func:`examples`, which checks a request against the task's
``TaskSpec`` (``xlib/tasks/synthetic.py`` declares the tasks) and generates it.

A generator first samples meanings with an RNG that never looks at the language, then realises them in
the requested language, so the test split (and the train split: a perfect "translate-train" set) holds
the same meanings, labels and answers in every language.
"""

from __future__ import annotations

import random
import zlib

from .world import get_world
from .gen_choice import _gen_cosmosqa, _gen_csqa, _gen_hellaswag, _gen_xcopa
from .gen_classification import _gen_anli, _gen_qqp, _gen_sst2, _gen_xnli
from .gen_spans import _gen_qa, _gen_tatoeba, _tagging

SPLITS = ("train", "dev", "test")

# task -> (world, rng, language, n) -> n examples without their ids
GENERATORS = {
    "mini-xnli": _gen_xnli,
    "mini-mnli": _gen_xnli,
    "mini-anli": _gen_anli,
    "mini-sst2": _gen_sst2,
    "mini-qqp": _gen_qqp,
    "mini-xcopa": _gen_xcopa,
    "mini-hellaswag": _gen_hellaswag,
    "mini-cosmosqa": _gen_cosmosqa,
    "mini-csqa": _gen_csqa,
    "mini-udpos": _tagging("upos"),
    "mini-panx": _tagging("ner", ner=True),
    "mini-ccg": _tagging("ccg"),
    "mini-xquad": _gen_qa,
    "mini-squad": _gen_qa,
    "mini-tatoeba": _gen_tatoeba,
}


def task_seed(task: str, split: str, lang: str, seed: int = 0) -> int:
    """Return the RNG seed of (task, split, lang, seed): train and test ignore ``lang`` (parallel across languages)."""
    key = f"xlib-synth-task|{task}|{split}|{seed}"
    if split == "dev":
        key += f"|{lang}"
    return zlib.crc32(key.encode())


def generated_languages(spec) -> tuple[str, ...]:
    """Return the languages ``spec`` generates in: its evaluation languages and its training language.

    The training language (English) is generated even where it is no evaluation language (Tatoeba
    scores X -> en, so English is the target side of every pair rather than a test language).
    """
    if spec.train_language in spec.languages:
        return spec.languages
    return (spec.train_language, *spec.languages)


def examples(spec, split: str, lang: str, n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` examples of synthetic task ``spec`` (a ``TaskSpec``) for ``split`` in ``lang``, with their ids.

    ValueError for a language or split the task does not generate, or a negative ``n``. The train
    split of a target is always generated (a perfect translate-train set), even where ``spec.splits``
    has none (Tatoeba).
    """
    task, languages = spec.name, generated_languages(spec)
    if lang not in languages:
        raise ValueError(f"task {task!r} has no language {lang!r}; expected one of {', '.join(languages)}")
    if split not in SPLITS:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if split not in spec.splits and not (split == "train" and spec.role == "target"):
        raise ValueError(f"task {task!r} has no split {split!r}; expected one of {', '.join(spec.splits)}")
    if n < 0:
        raise ValueError(f"task {task!r}: n must be >= 0, got {n}")
    generated = realised(task, split, lang, n, seed)
    assert len(generated) == n, (task, len(generated), n)
    return generated


def realised(task: str, split: str, lang: str, n: int, seed: int = 0, meanings_of: str | None = None) -> list[dict]:
    """Return ``n`` examples of ``task``/``split`` realised in ``lang``, with their ids, unchecked.

    The meanings are drawn with the RNG of ``meanings_of`` (default: ``lang``): ``meanings_of="en"``
    realises English's examples in ``lang``, example by example (translate-train).
    """
    rng = random.Random(task_seed(task, split, meanings_of or lang, seed))
    generated = GENERATORS[task](get_world(), rng, lang, int(n))
    return [{"id": f"{task}-{split}-{lang}-{i}", **ex} for i, ex in enumerate(generated)]
