"""Pretraining documents of near-repeats: a sentence followed by a copy with one small edit.

An optional signal for the miniature's pretraining (``PretrainConfig.edit_pair_fraction``, off by
default). Real text repeats itself with small changes (corrections, updates, quotes); masked-LM
training on such pairs rewards attending from a word to the same word in the neighbouring sentence,
the comparison a sentence-pair task needs, and copying by identity works alike in every language.
Each language draws its own meanings (seeded by ``(seed, lang)``): no parallel data.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import replace

from .gen_common import _add, _addable, _drop, _other, _present, _subset
from .realize import say
from .sampling import sample_event
from .world import get_world


def _edit(world, rng: random.Random, ev):
    """Return ``ev`` with one edit: modifiers dropped or added, negation flipped, subject or object changed."""
    kinds = ["negation", "subject"] + (["drop"] if _present(ev) else []) + (["add"] if _addable(ev) else [])
    kinds += ["object"] if ev.obj else []
    kind = rng.choice(kinds)
    if kind == "drop":
        return _drop(ev, _subset(rng, _present(ev), True))
    if kind == "add":
        return _add(world, rng, ev, _subset(rng, _addable(ev), True))
    if kind == "negation":
        return replace(ev, negated=not ev.negated)
    if kind == "subject":
        return replace(ev, subject=_other(rng, world.persons, ev.subject, ev.companion))
    return replace(ev, obj=_other(rng, world.categories[world.noun_category[ev.obj]], ev.obj))


def edit_pair_documents(lang: str, n: int, seed: int) -> list[str]:
    """Return ``n`` documents in ``lang``, each two (sentence, edited sentence) pairs."""
    world = get_world()
    rng = random.Random(zlib.crc32(f"xlib-synth-edit-pairs|{seed}|{lang}".encode()))
    docs = []
    for _ in range(n):
        parts = []
        for _ in range(2):
            ev = sample_event(world, rng, p_adj=0.5, p_number=0.3, p_place=0.6, p_companion=0.25, p_negated=0.3)
            first, second = (ev, _edit(world, rng, ev)) if rng.random() < 0.5 else (_edit(world, rng, ev), ev)
            parts += [say(world, first, lang), say(world, second, lang)]
        docs.append(" ".join(parts))
    return docs
