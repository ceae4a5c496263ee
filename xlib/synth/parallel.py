"""Parallel pretraining documents: a passage in English followed by the same passage in another language.

An optional alignment signal for the miniature's pretraining (``PretrainConfig.parallel_fraction``,
off by default), the translation language modelling of XLM (Conneau and Lample, 2019,
https://arxiv.org/abs/1901.07291): masked-LM training on a passage beside its translation rewards
predicting a masked word from its equivalent in the other language, which ties the lexicons of
languages that share no words together. XLM-R itself pretrains on monolingual text only; at the
miniature's size (4 layers, 3,000 steps) that does not align the languages enough for sentence-level
tasks to transfer (``docs/miniature.md``).
"""

from __future__ import annotations

import random
import zlib

from .realize import say
from .sampling import corpus_meanings
from .world import get_world

SENTENCES_PER_SIDE = 2  # two sentences in English, then the same two in the other language


def parallel_documents(lang: str, n: int, seed: int) -> list[str]:
    """Return ``n`` documents, each two consecutive corpus sentences in English and the same two in ``lang``.

    The meanings follow the monolingual corpus's mix (:func:`~xlib.synth.sampling.corpus_meanings`),
    drawn from their own stream seeded by ``(seed, lang)``; which side comes first is drawn per
    document, so masked words are predicted in both directions.
    """
    if lang == "en":
        raise ValueError("parallel documents pair English with another language; got lang='en'")
    world = get_world()
    rng = random.Random(zlib.crc32(f"xlib-synth-parallel|{seed}|{lang}".encode()))
    meanings = corpus_meanings(world, rng, SENTENCES_PER_SIDE * n)
    docs = []
    for i in range(n):
        chunk = meanings[SENTENCES_PER_SIDE * i : SENTENCES_PER_SIDE * (i + 1)]
        sides = [" ".join(say(world, m, code, **kw) for m, kw in chunk) for code in ("en", lang)]
        if rng.random() < 0.5:
            sides.reverse()
        docs.append(" ".join(sides))
    return docs
