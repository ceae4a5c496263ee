"""The language-independent world of the miniature (concepts, nouns in categories, verbs and their
effects) and the invented lexicons of every language: ``get_world``.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from functools import lru_cache

from .grammars import _GRAMMAR, _NAME_PHON, _PHON
from .languages import LANGUAGES, WORLD_SEED


# --------------------------------------------------------------------------------------------------
# The world: concept inventory (language independent) and invented lexicons
# --------------------------------------------------------------------------------------------------

NOUN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "food": ("bread", "rice", "apple", "soup", "cheese", "cake", "egg"),
    "drink": ("tea", "milk", "juice", "wine", "water", "coffee"),
    "animal": ("dog", "horse", "cat", "goat", "bird", "cow", "fox"),
    "tool": ("hammer", "knife", "rope", "saw", "shovel", "needle"),
    "building": ("house", "barn", "tower", "school", "shop", "mill"),
    "vehicle": ("car", "cart", "boat", "bike", "truck", "wagon"),
    "clothing": ("coat", "hat", "shirt", "boot", "scarf", "glove"),
    "document": ("book", "letter", "map", "poem", "diary", "note"),
}
_ALL_CATS = tuple(NOUN_CATEGORIES)

# verb -> (object categories (empty: intransitive), effect state on the subject)
VERBS: dict[str, tuple[tuple[str, ...], str]] = {
    "eat": (("food",), "full"),
    "drink": (("drink",), "full"),
    "cook": (("food",), "hungry"),
    "smell": (("food", "drink", "animal"), "hungry"),
    "run": ((), "tired"),
    "carry": (("tool", "food", "document", "clothing"), "tired"),
    "ride": (("vehicle", "animal"), "tired"),
    "drive": (("vehicle",), "tired"),
    "chase": (("animal", "vehicle"), "tired"),
    "sleep": ((), "rested"),
    "sit": ((), "rested"),
    "sell": (("food", "animal", "tool", "vehicle", "clothing", "document", "building"), "rich"),
    "steal": (("tool", "vehicle", "clothing", "document", "animal"), "rich"),
    "buy": (_ALL_CATS, "poor"),
    "rent": (("building", "vehicle", "tool"), "poor"),
    "find": (("tool", "clothing", "document", "animal"), "happy"),
    "feed": (("animal",), "happy"),
    "dance": ((), "happy"),
    "sing": ((), "happy"),
    "lose": (("tool", "clothing", "document", "animal"), "sad"),
    "break": (("tool", "vehicle", "building"), "sad"),
    "drop": (("tool", "food", "drink", "document"), "sad"),
    "wear": (("clothing",), "warm"),
    "burn": (("document", "building", "tool"), "warm"),
    "enter": (("building",), "warm"),
    "skate": ((), "cold"),
    "wait": ((), "cold"),
    "swim": ((), "wet"),
    "spill": (("drink",), "wet"),
    "wash": (("clothing", "vehicle", "animal", "tool"), "clean"),
    "sweep": (("building",), "clean"),
    "fix": (("tool", "vehicle", "building"), "dirty"),
    "paint": (("building", "vehicle"), "dirty"),
    "use": (("tool",), "dirty"),
    "build": (("building", "vehicle", "tool"), "proud"),
    "write": (("document",), "proud"),
    "catch": (("animal",), "proud"),
    "read": (("document",), "wise"),
    "study": (("document",), "wise"),
}
STATES = (
    "full",
    "hungry",
    "tired",
    "rested",
    "rich",
    "poor",
    "happy",
    "sad",
    "warm",
    "cold",
    "clean",
    "dirty",
    "wet",
    "proud",
    "wise",
)
OPPOSITE = {"full": "hungry", "tired": "rested", "rich": "poor", "happy": "sad", "warm": "cold", "clean": "dirty"}
OPPOSITE.update({v: k for k, v in list(OPPOSITE.items())})
# what each noun category is for (CommonsenseQA-like world knowledge); each verb takes only its category
PURPOSE = {
    "food": "eat",
    "drink": "drink",
    "animal": "feed",
    "tool": "use",
    "building": "enter",
    "vehicle": "drive",
    "clothing": "wear",
    "document": "read",
}
ADJECTIVES: dict[str, int] = {
    **{
        a: +1
        for a in ("good", "tasty", "beautiful", "fine", "lovely", "excellent", "fresh", "nice", "pleasant", "wonderful")
    },
    **{
        a: -1 for a in ("bad", "awful", "ugly", "rotten", "horrible", "filthy", "broken", "nasty", "terrible", "boring")
    },
    **{a: 0 for a in ("big", "small", "red", "blue", "green", "old", "new", "long", "round", "heavy")},
}
NUMBERS = tuple(range(2, 21))
N_PERSONS, N_PLACES, N_TWO_TOKEN_PLACES, N_ORGS = 40, 20, 5, 10


@dataclass(frozen=True)
class World:
    """The language-independent concept inventory plus every language's invented lexicon."""

    seed: int
    persons: tuple[str, ...]
    places: tuple[str, ...]
    orgs: tuple[str, ...]
    categories: dict  # category -> noun ids
    noun_category: dict  # noun id -> category
    noun_class: dict  # noun id -> grammatical class 0..2 (used by grk)
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    verb_objects: dict  # verb id -> accepted object categories (empty: intransitive)
    verb_effect: dict  # verb id -> state id
    causes: dict  # state id -> verbs that cause it (alternative causes)
    states: tuple[str, ...]
    opposite: dict  # state id -> opposite state id
    adjectives: tuple[str, ...]
    polarity: dict  # adjective id -> -1/0/+1
    purpose: dict  # category -> characteristic verb
    names: dict  # person/place/org id -> tuple of Latin tokens (shared strings)
    lexicon: dict  # lang -> concept id -> tuple of Latin forms ([1] = synonym, if any)
    number_words: dict  # lang -> number -> Latin word (languages that write numbers as words)

    def transitive(self, verb: str) -> bool:
        """Return whether ``verb`` takes an object."""
        return bool(self.verb_objects[verb])

    def verbs_for(self, noun: str) -> tuple[str, ...]:
        """Return the verbs that accept ``noun`` as their object."""
        cat = self.noun_category[noun]
        return tuple(v for v in self.verbs if cat in self.verb_objects[v])

    def objects_for(self, verb: str) -> tuple[str, ...]:
        """Return the nouns ``verb`` accepts as object (empty for intransitive verbs)."""
        return tuple(n for c in self.verb_objects[verb] for n in self.categories[c])

    def entity_type(self, cid: str) -> str:
        """Return the NER type of a name id: PER, LOC or ORG."""
        return {"P": "PER", "L": "LOC", "O": "ORG"}[cid[0]]


def _function_words() -> set[str]:
    words = set()
    for g in _GRAMMAR.values():
        for k in ("det", "loc", "loc_org", "com", "cop", "neg", "do", "qpart"):
            if g.get(k):
                words.add(g[k])
        for ws in g["wh"].values():
            words.update(ws)
        words.update(g["next"])
    return words


def _make_word(rng: random.Random, phon) -> str:
    onsets, nuclei, codas, (lo, hi), p_coda = phon
    n = lo if lo == hi or rng.random() < 0.6 else rng.randint(lo + 1, hi)  # short words are commoner
    word = "".join(rng.choice(onsets) + rng.choice(nuclei) for _ in range(n))
    if codas and rng.random() < p_coda:
        word += rng.choice(codas)
    return word


def _fresh(rng: random.Random, phon, used: set[str], min_len: int = 3) -> str:
    while True:
        w = _make_word(rng, phon)
        if len(w) >= min_len and w not in used:
            used.add(w)
            return w


@lru_cache(maxsize=4)
def build_world(seed: int = WORLD_SEED) -> World:
    """Return the world (concepts, names, lexicons) generated deterministically from ``seed``."""
    rng = random.Random(zlib.crc32(f"xlib-synth-world|{seed}".encode()))
    nouns = tuple(n for ns in NOUN_CATEGORIES.values() for n in ns)
    concept_ids = set(nouns) | set(VERBS) | set(STATES) | set(ADJECTIVES)
    assert len(concept_ids) == len(nouns) + len(VERBS) + len(STATES) + len(ADJECTIVES), "concept ids clash"
    # English glosses and every function word are reserved, so no invented word equals one of them.
    used = set(concept_ids) | _function_words() | {"happened", "cause", "effect"}

    # names: shared Latin strings (transliterated for cyr/grk)
    names: dict[str, tuple[str, ...]] = {}
    name_used: set[str] = set()

    def name() -> str:
        return _fresh(rng, _NAME_PHON, name_used, min_len=4).capitalize()

    persons = tuple(f"P{i:02d}" for i in range(N_PERSONS))
    for p in persons:
        names[p] = (name(),)
    places = tuple(f"L{i:02d}" for i in range(N_PLACES))
    prefixes = [name() for _ in range(3)]
    for i, p in enumerate(places):
        names[p] = (rng.choice(prefixes), name()) if i < N_TWO_TOKEN_PLACES else (name(),)
    orgs = tuple(f"O{i:02d}" for i in range(N_ORGS))
    org_words = [name() for _ in range(4)]
    for o in orgs:
        names[o] = (name(), rng.choice(org_words))

    lexicon: dict[str, dict[str, tuple[str, ...]]] = {}
    number_words: dict[str, dict[int, str]] = {}
    content = list(nouns) + list(VERBS) + list(STATES) + list(ADJECTIVES)
    for lang in LANGUAGES:
        lrng = random.Random(zlib.crc32(f"xlib-synth-lexicon|{seed}|{lang}".encode()))
        phon = _PHON[lang]
        lex = {c: (_fresh(lrng, phon, used),) for c in content}
        # about a third of nouns, verbs and adjectives get a synonym (surface variation for QQP-like tasks)
        for group in (list(nouns), list(VERBS), list(ADJECTIVES)):
            for c in lrng.sample(group, len(group) // 3):
                lex[c] = lex[c] + (_fresh(lrng, phon, used),)
        lexicon[lang] = lex
        if not LANGUAGES[lang].shares_numbers:
            number_words[lang] = {k: _fresh(lrng, phon, used) for k in NUMBERS}

    categories = {c: tuple(ns) for c, ns in NOUN_CATEGORIES.items()}
    crng = random.Random(zlib.crc32(f"xlib-synth-classes|{seed}".encode()))
    return World(
        seed=seed,
        persons=persons,
        places=places,
        orgs=orgs,
        categories=categories,
        noun_category={n: c for c, ns in categories.items() for n in ns},
        noun_class={n: crng.randrange(3) for n in nouns},
        nouns=nouns,
        verbs=tuple(VERBS),
        verb_objects={v: cats for v, (cats, _) in VERBS.items()},
        verb_effect={v: eff for v, (_, eff) in VERBS.items()},
        causes={s: tuple(v for v, (_, e) in VERBS.items() if e == s) for s in STATES},
        states=STATES,
        opposite=dict(OPPOSITE),
        adjectives=tuple(ADJECTIVES),
        polarity=dict(ADJECTIVES),
        purpose=dict(PURPOSE),
        names=names,
        lexicon=lexicon,
        number_words=number_words,
    )


def get_world() -> World:
    """Return the world used by the corpus and every task (``build_world(WORLD_SEED)``)."""
    return build_world(WORLD_SEED)
