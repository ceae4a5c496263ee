"""Code-switched pretraining documents: sentences of one language with some content words in another.

An optional alignment signal for the miniature's pretraining (``PretrainConfig.code_switch_fraction``,
off by default): a content word that appears in the other language's sentences shares their
contexts, the cheapest way a corpus can tie two lexicons together without parallel sentences.
"""

from __future__ import annotations

import random
import zlib

from .languages import LANGUAGES
from .realize import to_script
from .world import get_world


def code_switched(lang: str, sentences: list[str], other: str, seed: int) -> list[str]:
    """Return ``sentences`` of ``lang``, one for one, with half their uninflected content words in ``other``.

    A word is switched when its surface form is one of the concept's forms in ``lang``'s lexicon (in its
    script; inflected forms are left alone, so the morphologically richer languages switch fewer words);
    it becomes the concept's first ``other`` form. Seeded by ``(seed, lang, other)``.
    """
    world = get_world()
    src, dst = LANGUAGES[lang].script, LANGUAGES[other].script
    table: dict[str, str] = {}
    for concept in sorted(world.lexicon[lang]):
        targets = world.lexicon[other].get(concept)
        if not targets:
            continue
        for form in world.lexicon[lang][concept]:
            table.setdefault(to_script(form, src), to_script(targets[0], dst))
    rng = random.Random(zlib.crc32(f"xlib-synth-code-switch|{seed}|{lang}|{other}".encode()))
    return [
        " ".join(table[w] if w in table and rng.random() < 0.5 else w for w in sentence.split(" "))
        for sentence in sentences
    ]
