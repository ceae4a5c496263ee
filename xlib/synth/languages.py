"""Seven synthetic languages that all express one underlying world of meanings.

The *world* (people, places, organisations, nouns in categories, verbs with selectional preferences
and causal effects, adjectives with a sentiment polarity) is language-independent; every language
realises the same meaning (:class:`Event`, :class:`State`, :class:`Question`) with its own invented
lexicon, word order, morphology, function words and script. The languages are ordered from the
closest to the farthest from (synthetic) English; what varies is documented in ``docs/miniature.md``
and :func:`language_table`.

Everything is deterministic: the world and the lexicons come from ``random.Random(WORLD_SEED)``,
corpora from an RNG seeded with ``zlib.crc32`` of their arguments; no global RNG state, no ``hash()``.
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple, Union

WORLD_SEED = 0  # the world and lexicons used by the corpus and the tasks (data seeds only drive sampling)


# --------------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Language:
    """Typological description of one synthetic language."""

    code: str
    name: str
    word_order: str        # SVO, SOV or VSO (subject, verb, object)
    script: str            # Latin, Cyrillic or Greek
    morphology: str        # analytic, suffixing, prefixing or fusional
    shares_names: bool     # person/place/organisation names are the same strings as in English
    shares_numbers: bool   # numbers are written with the same digits as in English
    description: str


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "synthetic English", "SVO", "Latin", "analytic", True, True,
                   "The source language: SVO, adjective before noun, article 'the', negation 'did not', "
                   "do-support in questions, plural -s and past -ed on an English-like invented lexicon."),
    "sva": Language("sva", "SVO-A", "SVO", "Latin", "analytic", True, True,
                    "English grammar without inflection, own lexicon and function words; shares names and "
                    "digits with English (only the lexicon differs)."),
    "svb": Language("svb", "SVO-B", "SVO", "Latin", "suffixing", True, True,
                    "SVO, adjective after noun, no article, case suffixes on nouns (accusative -om, plural "
                    "-ir) and an object-agreement suffix on verbs; shares names and digits."),
    "sov": Language("sov", "SOV", "SOV", "Latin", "suffixing", True, True,
                    "Verb-final, postpositions, accusative suffix, past and negation as verb suffixes, "
                    "question words in situ with a question particle; shares names and digits."),
    "vso": Language("vso", "VSO", "VSO", "Latin", "prefixing", True, False,
                    "Verb-initial, prepositions, adjective after noun, past, plural and accusative marked by "
                    "prefixes; names shared, numbers written as words."),
    "cyr": Language("cyr", "SOV-Cyrillic", "SOV", "Cyrillic", "suffixing", False, False,
                    "Verb-final with case/number suffixes and postpositions, written in Cyrillic (a "
                    "deterministic transliteration); names transliterated, numbers as words: no string is "
                    "shared with English except punctuation."),
    "grk": Language("grk", "VSO-Greek", "VSO", "Greek", "fusional", False, False,
                    "Verb-initial with fusional noun classes (case x number endings, agreeing articles and "
                    "adjectives), verb endings agreeing with the object, Greek script; names transliterated, "
                    "numbers as words."),
}

_ORDER_AGREEMENT = {"SVO": 1.0, "SOV": 2 / 3, "VSO": 2 / 3}  # share of S<V, V<O, S<O pairs kept from SVO
_MORPH_SIMILARITY = {"analytic": 1.0, "suffixing": 0.5, "prefixing": 0.5, "fusional": 0.0}


def _check_lang(lang: str) -> Language:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown synthetic language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return LANGUAGES[lang]


def similarity_to_english(lang: str) -> float:
    """Return the language's similarity to English in [0, 1] (mean of six documented components)."""
    L, en = _check_lang(lang), LANGUAGES["en"]
    parts = [
        1.0 if lang == "en" else 0.0,                          # shared lexicon
        float(L.shares_names),                                 # shared name strings (anchors)
        float(L.shares_numbers),                               # shared digits (anchors)
        float(L.script == en.script),                          # script
        _ORDER_AGREEMENT[L.word_order],                        # word order (pairwise S/V/O agreement)
        _MORPH_SIMILARITY[L.morphology],                       # morphology
    ]
    return sum(parts) / len(parts)


def language_table():
    """Return a pandas DataFrame with one row per language and its properties (for docs and figures)."""
    import pandas as pd
    rows = []
    for code, L in LANGUAGES.items():
        g = _GRAMMAR[code]
        rows.append({
            "code": code, "name": L.name, "word_order": L.word_order,
            "adjective": "before noun" if g["adj"] == "pre" else "after noun",
            "adposition": "preposition" if g["adp"] == "pre" else "postposition",
            "article": g["det"] is not None, "script": L.script, "morphology": L.morphology,
            "negation": g["neg_kind"], "wh_questions": "fronted" if g["wh_front"] else "in situ",
            "shares_names": L.shares_names, "shares_numbers": L.shares_numbers,
            "shared_lexicon": code == "en", "similarity_to_english": round(similarity_to_english(code), 3),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Tokens and meanings
# --------------------------------------------------------------------------------------------------

class Token(NamedTuple):
    """One whitespace token with its UPOS tag, BIO NER tag and CCG-like supertag."""

    text: str
    upos: str
    ner: str
    ccg: str


@dataclass(frozen=True)
class Event:
    """Meaning of one event sentence: someone did something (to something), maybe somewhere/with someone."""

    subject: str                   # person id
    verb: str                      # verb id
    obj: str | None = None         # noun id (transitive verbs only)
    adj: str | None = None         # adjective id modifying the object
    number: int | None = None      # 2..20, how many objects
    plural: bool = False           # plural object without a number ("the breads")
    place: str | None = None       # place id or organisation id
    companion: str | None = None   # person id ("with Y")
    negated: bool = False


@dataclass(frozen=True)
class State:
    """Meaning of a state sentence: a person (or a definite noun) was (not) a state or an adjective."""

    subject: str                   # person id or noun id
    pred: str                      # state id or adjective id
    negated: bool = False


@dataclass(frozen=True)
class Question:
    """Meaning of a question: kind in who/what/where/how_many (about ``event``), why (about ``state``), next."""

    kind: str
    event: Event | None = None
    state: State | None = None


Meaning = Union[Event, State, Question]
QUESTION_KINDS = ("who", "what", "where", "how_many", "why", "next")


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
    "eat": (("food",), "full"), "drink": (("drink",), "full"),
    "cook": (("food",), "hungry"), "smell": (("food", "drink", "animal"), "hungry"),
    "run": ((), "tired"), "carry": (("tool", "food", "document", "clothing"), "tired"),
    "ride": (("vehicle", "animal"), "tired"), "drive": (("vehicle",), "tired"),
    "chase": (("animal", "vehicle"), "tired"),
    "sleep": ((), "rested"), "sit": ((), "rested"),
    "sell": (("food", "animal", "tool", "vehicle", "clothing", "document", "building"), "rich"),
    "steal": (("tool", "vehicle", "clothing", "document", "animal"), "rich"),
    "buy": (_ALL_CATS, "poor"), "rent": (("building", "vehicle", "tool"), "poor"),
    "find": (("tool", "clothing", "document", "animal"), "happy"), "feed": (("animal",), "happy"),
    "dance": ((), "happy"), "sing": ((), "happy"),
    "lose": (("tool", "clothing", "document", "animal"), "sad"),
    "break": (("tool", "vehicle", "building"), "sad"), "drop": (("tool", "food", "drink", "document"), "sad"),
    "wear": (("clothing",), "warm"), "burn": (("document", "building", "tool"), "warm"),
    "enter": (("building",), "warm"),
    "skate": ((), "cold"), "wait": ((), "cold"),
    "swim": ((), "wet"), "spill": (("drink",), "wet"),
    "wash": (("clothing", "vehicle", "animal", "tool"), "clean"), "sweep": (("building",), "clean"),
    "fix": (("tool", "vehicle", "building"), "dirty"), "paint": (("building", "vehicle"), "dirty"),
    "use": (("tool",), "dirty"),
    "build": (("building", "vehicle", "tool"), "proud"), "write": (("document",), "proud"),
    "catch": (("animal",), "proud"),
    "read": (("document",), "wise"), "study": (("document",), "wise"),
}
STATES = ("full", "hungry", "tired", "rested", "rich", "poor", "happy", "sad", "warm", "cold",
          "clean", "dirty", "wet", "proud", "wise")
OPPOSITE = {"full": "hungry", "tired": "rested", "rich": "poor", "happy": "sad", "warm": "cold",
            "clean": "dirty"}
OPPOSITE.update({v: k for k, v in list(OPPOSITE.items())})
# what each noun category is for (CommonsenseQA-like world knowledge); each verb takes only its category
PURPOSE = {"food": "eat", "drink": "drink", "animal": "feed", "tool": "use", "building": "enter",
           "vehicle": "drive", "clothing": "wear", "document": "read"}
ADJECTIVES: dict[str, int] = {
    **{a: +1 for a in ("good", "tasty", "beautiful", "fine", "lovely", "excellent", "fresh", "nice",
                       "pleasant", "wonderful")},
    **{a: -1 for a in ("bad", "awful", "ugly", "rotten", "horrible", "filthy", "broken", "nasty",
                       "terrible", "boring")},
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
    categories: dict          # category -> noun ids
    noun_category: dict       # noun id -> category
    noun_class: dict          # noun id -> grammatical class 0..2 (used by grk)
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    verb_objects: dict        # verb id -> accepted object categories (empty: intransitive)
    verb_effect: dict         # verb id -> state id
    causes: dict              # state id -> verbs that cause it (alternative causes)
    states: tuple[str, ...]
    opposite: dict            # state id -> opposite state id
    adjectives: tuple[str, ...]
    polarity: dict            # adjective id -> -1/0/+1
    purpose: dict             # category -> characteristic verb
    names: dict               # person/place/org id -> tuple of Latin tokens (shared strings)
    lexicon: dict             # lang -> concept id -> tuple of Latin forms ([1] = synonym, if any)
    number_words: dict        # lang -> number -> Latin word (languages that write numbers as words)

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


# Phonologies (Latin base forms): onsets, nuclei, codas, syllables, probability of a final coda.
_PHON = {
    "en": (["b", "bl", "br", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "l", "m", "n",
            "p", "pl", "pr", "r", "s", "sk", "sl", "sn", "sp", "st", "t", "tr", "w"],
           ["a", "e", "i", "o", "u", "a", "e", "i", "o", "u", "ai", "ee", "oa", "oo", "ou"],
           ["b", "ck", "d", "g", "ll", "m", "n", "nd", "ng", "nk", "p", "sh", "st", "t", "ft", "rt", "mp"],
           (2, 2), 1.0),
    "sva": (["p", "t", "k", "m", "n", "s", "l", "r", "v"], ["a", "e", "i", "o", "u"], [], (2, 3), 0.0),
    "svb": (["b", "d", "g", "z", "f", "h", "j", "r", "l"], ["a", "e", "i", "o", "u"], ["n", "r", "s", "z"],
            (2, 2), 0.7),
    "sov": (["k", "t", "s", "m", "n", "y", "r", "d", "b"], ["a", "i", "u", "e"], ["n", "r", "l", "k"],
            (2, 3), 0.5),
    "vso": (["w", "h", "l", "n", "m", "c", "g", "d", "th"], ["a", "e", "o", "y", "ae", "wy"], ["n", "l", "dd", "r"],
            (1, 2), 0.6),
    "cyr": (["z", "v", "d", "b", "g", "k", "l", "m", "n", "p", "r", "s", "t", "ch", "sh", "zh"],
            ["a", "o", "u", "i", "e", "y"], ["k", "l", "m", "n", "r", "t", "v"], (2, 2), 0.6),
    "grk": (["p", "t", "k", "th", "ph", "ch", "l", "m", "n", "r", "s", "d", "g"], ["a", "e", "i", "o", "u"],
            ["n", "r", "s", "k", "t"], (2, 2), 1.0),
}
_NAME_PHON = (["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"],
              ["a", "e", "i", "o", "u"], ["n", "l", "r", "s", "m"], (2, 2), 0.5)

# Function words and affixes (Latin base forms; hand-invented except for English).
_GRAMMAR: dict[str, dict] = {
    "en": dict(order="SVO", adj="pre", adp="pre", det="the", neg_kind="do + particle", wh_front=True,
               qpart=None, loc="in", loc_org="at", com="with", cop="was", neg="not", do="did",
               wh={"who": ["who"], "what": ["what"], "where": ["where"], "how_many": ["how", "many"],
                   "why": ["why"]}, next=["what", "happened", "next"]),
    "sva": dict(order="SVO", adj="pre", adp="pre", det="lo", neg_kind="particle", wh_front=True, qpart=None,
                loc="ke", loc_org="ke", com="sa", cop="esi", neg="na",
                wh={"who": ["kimo"], "what": ["kesu"], "where": ["nali"], "how_many": ["polu"], "why": ["peki"]},
                next=["kesu", "avani", "tulo"]),
    "svb": dict(order="SVO", adj="post", adp="pre", det=None, neg_kind="particle", wh_front=True, qpart=None,
                loc="bo", loc_org="bo", com="da", cop="hal", neg="zu",
                wh={"who": ["jed"], "what": ["fas"], "where": ["gub"], "how_many": ["hez"], "why": ["zub"]},
                next=["fas", "darget", "beht"]),
    "sov": dict(order="SOV", adj="pre", adp="post", det=None, neg_kind="verb suffix", wh_front=False, qpart="ru",
                loc="nda", loc_org="nda", com="lan", cop="tur", neg="ma",
                wh={"who": ["kanu"], "what": ["nuta"], "where": ["nesi"], "how_many": ["kasu"], "why": ["nimu"]},
                next=["nuta", "olmudi", "sunra"]),
    "vso": dict(order="VSO", adj="post", adp="pre", det="yr", neg_kind="particle", wh_front=True, qpart=None,
                loc="lo", loc_org="lo", com="hy", cop="bae", neg="ni",
                wh={"who": ["pwen"], "what": ["bethi"], "where": ["lenw"], "how_many": ["meni"], "why": ["pahy"]},
                next=["bethi", "romach", "wedy"]),
    "cyr": dict(order="SOV", adj="pre", adp="post", det=None, neg_kind="particle", wh_front=False, qpart="lo",
                loc="pri", loc_org="pri", com="so", cop="byl", neg="ne",
                wh={"who": ["kodo"], "what": ["zedo"], "where": ["gude"], "how_many": ["zamko"], "why": ["zachy"]},
                next=["zedo", "bival", "zatem"]),
    "grk": dict(order="VSO", adj="post", adp="pre", det="t", neg_kind="particle", wh_front=True, qpart=None,
                loc="pra", loc_org="pra", com="mez", cop="ene", neg="nem",
                wh={"who": ["chim"], "what": ["tel"], "where": ["poka"], "how_many": ["posk"], "why": ["dati"]},
                next=["tel", "sembe", "epita"]),
}
# grk endings: class -> (case, plural) -> ending (nouns, agreeing adjectives and article "t" + ending)
_GRK_END = {
    0: {("nom", False): "os", ("acc", False): "on", ("nom", True): "oi", ("acc", True): "ous"},
    1: {("nom", False): "a", ("acc", False): "an", ("nom", True): "es", ("acc", True): "as"},
    2: {("nom", False): "i", ("acc", False): "in", ("nom", True): "ia", ("acc", True): "ia"},
}
_CYR_END = {("nom", False): "", ("acc", False): "u", ("nom", True): "y", ("acc", True): "ov"}


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
        seed=seed, persons=persons, places=places, orgs=orgs, categories=categories,
        noun_category={n: c for c, ns in categories.items() for n in ns},
        noun_class={n: crng.randrange(3) for n in nouns}, nouns=nouns, verbs=tuple(VERBS),
        verb_objects={v: cats for v, (cats, _) in VERBS.items()},
        verb_effect={v: eff for v, (_, eff) in VERBS.items()},
        causes={s: tuple(v for v, (_, e) in VERBS.items() if e == s) for s in STATES},
        states=STATES, opposite=dict(OPPOSITE), adjectives=tuple(ADJECTIVES), polarity=dict(ADJECTIVES),
        purpose=dict(PURPOSE), names=names, lexicon=lexicon, number_words=number_words)


def get_world() -> World:
    """Return the world used by the corpus and every task (``build_world(WORLD_SEED)``)."""
    return build_world(WORLD_SEED)


# --------------------------------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------------------------------

_CYR_DI = {"shch": "щ", "zh": "ж", "ch": "ч", "sh": "ш", "ts": "ц"}
_CYR = dict(zip("abcdefghijklmnopqrstuvwxyz", "абкдефгхийклмнопкрстувввзыз"))
_CYR["x"], _CYR["y"], _CYR["z"] = "кс", "ы", "з"
_GRK_DI = {"th": "θ", "ph": "φ", "ch": "χ", "ps": "ψ", "ks": "ξ"}
_GRK = dict(zip("abcdefghijklmnopqrstuvwxyz", "αβκδεφγχιικλμνοπκρστυβωξυζ"))


def to_script(text: str, script: str) -> str:
    """Return ``text`` (Latin letters) transliterated into ``script`` (Latin, Cyrillic or Greek), per token."""
    if script == "Latin":
        return text
    if script not in ("Cyrillic", "Greek"):
        raise ValueError(f"unknown script {script!r}; expected Latin, Cyrillic or Greek")
    return " ".join(_translit_word(w, script) for w in text.split(" "))


@lru_cache(maxsize=65536)
def _translit_word(word: str, script: str) -> str:
    digraphs, single = (_CYR_DI, _CYR) if script == "Cyrillic" else (_GRK_DI, _GRK)
    low, out, i = word.lower(), [], 0
    while i < len(low):
        for size in (4, 3, 2):
            if low[i:i + size] in digraphs:
                out.append(digraphs[low[i:i + size]])
                i += size
                break
        else:
            out.append(single.get(low[i], low[i]))
            i += 1
    res = "".join(out)
    if script == "Greek" and res.endswith("σ"):
        res = res[:-1] + "ς"
    if word[:1].isupper():
        res = res[:1].upper() + res[1:]
    return res


# --------------------------------------------------------------------------------------------------
# Realisation
# --------------------------------------------------------------------------------------------------

def _tok(text, upos, ccg, ner="O") -> Token:
    return Token(text, upos, ner, ccg)


class _Realizer:
    """Builds Latin-script tokens for one language; ``realize`` applies the script at the end."""

    def __init__(self, world: World, lang: str, synonyms: bool = False):
        self.w, self.lang, self.g, self.syn = world, lang, _GRAMMAR[lang], synonyms
        self.order = self.g["order"]
        self.lex = world.lexicon[lang]

    # -- words ------------------------------------------------------------------------------------
    def stem(self, cid: str) -> str:
        forms = self.lex[cid]
        return forms[1] if self.syn and len(forms) > 1 else forms[0]

    def name(self, cid: str) -> list[Token]:
        t = self.w.entity_type(cid)
        parts = self.w.names[cid]
        if len(parts) == 1:
            return [_tok(parts[0], "PROPN", "NP", f"B-{t}")]
        return [_tok(p, "PROPN", "N/N" if i < len(parts) - 1 else "N", f"{'B' if i == 0 else 'I'}-{t}")
                for i, p in enumerate(parts)]

    def number(self, k: int) -> Token:
        text = self.w.number_words[self.lang][k] if self.lang in self.w.number_words else str(k)
        return _tok(text, "NUM", "N/N")

    def noun_form(self, noun: str, case: str, plural: bool, numbered: bool) -> str:
        s, lang = self.stem(noun), self.lang
        if lang == "en":
            return s + ("es" if s.endswith(("s", "sh", "ch", "x")) else "s") if plural else s
        if lang == "svb":
            return s + ("ir" if plural else "") + ("om" if case == "acc" else "")
        if lang == "sov":  # numerals take the singular; bare plurals are marked
            return s + ("nu" if plural and not numbered else "") + ("yi" if case == "acc" else "")
        if lang == "vso":
            return ("i" if case == "acc" else "") + ("ma" if plural else "") + s
        if lang == "cyr":
            return s + _CYR_END[(case, plural)]
        if lang == "grk":
            return s + _GRK_END[self.w.noun_class[noun]][(case, plural)]
        return s

    def adj_form(self, adj: str, cls: int, case: str, plural: bool) -> str:
        s = self.stem(adj)
        return s + _GRK_END[cls][(case, plural)] if self.lang == "grk" else s

    def det(self, cls: int, case: str, plural: bool) -> Token | None:
        d = self.g["det"]
        if d is None:
            return None
        if self.lang == "grk":
            d = d + _GRK_END[cls][(case, plural)]
        return _tok(d, "DET", "NP/N")

    def np(self, noun: str, case: str, adj: str | None = None, number: int | None = None,
           plural: bool = False) -> list[Token]:
        plural = plural or number is not None
        cls = self.w.noun_class[noun]
        out: list[Token] = []
        if number is None:
            d = self.det(cls, case, plural)
            if d:
                out.append(d)
        else:
            out.append(self.number(number))
        head = _tok(self.noun_form(noun, case, plural, number is not None), "NOUN", "N")
        if adj is None:
            out.append(head)
        elif self.g["adj"] == "pre":
            out += [_tok(self.adj_form(adj, cls, case, plural), "ADJ", "N/N"), head]
        else:
            out += [head, _tok(self.adj_form(adj, cls, case, plural), "ADJ", "N\\N")]
        return out

    # -- verbs ------------------------------------------------------------------------------------
    def verb_ccg(self, transitive: bool) -> str:
        if self.order == "VSO":
            return "(S/NP)/NP" if transitive else "S/NP"
        if self.order == "SOV":
            return "(S\\NP)\\NP" if transitive else "S\\NP"
        return "(S\\NP)/NP" if transitive else "S\\NP"

    def verb_form(self, verb: str, obj_plural: bool, negated: bool = False, base: bool = False) -> str:
        s, lang = self.stem(verb), self.lang
        if lang == "en":
            return s if base else s + ("d" if s.endswith("e") else "ed")
        if lang == "svb":
            return s + ("etu" if obj_plural else "et")
        if lang == "sov":
            return s + ("ma" if negated else "") + "di"
        if lang == "vso":
            return "ro" + s
        if lang == "cyr":
            return s + "al"
        if lang == "grk":
            return s + ("isan" if obj_plural else "ise")
        return s

    def verb_group(self, ev: Event) -> list[Token]:
        tr = self.w.transitive(ev.verb)
        pl = ev.plural or ev.number is not None
        vtag = self.verb_ccg(tr)
        if self.lang == "en":
            if ev.negated:
                return [_tok(self.g["do"], "AUX", "(S\\NP)/(S\\NP)"), _tok("not", "PART", "(S\\NP)\\(S\\NP)"),
                        _tok(self.verb_form(ev.verb, pl, base=True), "VERB", vtag)]
            return [_tok(self.verb_form(ev.verb, pl), "VERB", vtag)]
        v = _tok(self.verb_form(ev.verb, pl, negated=ev.negated), "VERB", vtag)
        if ev.negated and self.g["neg_kind"] == "particle":
            ntag = "(S/NP)/(S/NP)" if self.order == "VSO" else "(S\\NP)/(S\\NP)"
            return [_tok(self.g["neg"], "PART", ntag), v]
        return [v]

    def pp(self, kind: str, cid: str, fronted: bool = False) -> list[Token]:
        if kind == "loc":
            word = self.g["loc_org"] if cid.startswith("O") else self.g["loc"]
        else:
            word = self.g["com"]
        if self.g["adp"] == "pre":
            tag = "(S/S)/NP" if fronted else ("(S\\S)/NP" if self.order == "VSO" else "((S\\NP)\\(S\\NP))/NP")
            return [_tok(word, "ADP", tag)] + self.name(cid)
        tag = "(S/S)\\NP" if fronted else "((S\\NP)/(S\\NP))\\NP"
        return self.name(cid) + [_tok(word, "ADP", tag)]

    def arrange(self, S, V, O, X) -> list[Token]:
        if self.order == "SVO":
            return S + V + O + X
        if self.order == "SOV":
            return S + X + O + V
        return V + S + O + X

    # -- sentences --------------------------------------------------------------------------------
    def event(self, ev: Event, front: bool = False) -> list[Token]:
        S = self.name(ev.subject)
        V = self.verb_group(ev)
        O = self.np(ev.obj, "acc", ev.adj, ev.number, ev.plural) if ev.obj else []
        X = self.pp("com", ev.companion) if ev.companion else []
        if ev.place and not front:
            X = X + self.pp("loc", ev.place)
        body = self.arrange(S, V, O, X)
        if ev.place and front:
            body = self.pp("loc", ev.place, fronted=True) + [_tok(",", "PUNCT", ",")] + body
        return body + [_tok(".", "PUNCT", ".")]

    def subject_np(self, cid: str) -> tuple[list[Token], int]:
        if cid in self.w.names:
            return self.name(cid), 0
        return self.np(cid, "nom"), self.w.noun_class[cid]

    def state_parts(self, st: State) -> tuple[list[Token], list[Token], list[Token]]:
        S, cls = self.subject_np(st.subject)
        A = [_tok(self.adj_form(st.pred, cls, "nom", False), "ADJ", "S[adj]\\NP")]
        if self.lang == "en":
            C = [_tok(self.g["cop"], "AUX", "(S\\NP)/(S[adj]\\NP)")]
            if st.negated:
                C.append(_tok("not", "PART", "(S[adj]\\NP)/(S[adj]\\NP)"))
            return S, C, A
        ctag = {"SVO": "(S\\NP)/(S[adj]\\NP)", "SOV": "(S\\NP)\\(S[adj]\\NP)",
                "VSO": "(S/(S[adj]\\NP))/NP"}[self.order]
        if st.negated and self.g["neg_kind"] == "verb suffix":
            return S, [_tok(self.g["cop"] + self.g["neg"], "AUX", ctag)], A
        C = [_tok(self.g["cop"], "AUX", ctag)]
        if st.negated:
            C = [_tok(self.g["neg"], "PART", "(S\\NP)/(S\\NP)" if self.order != "VSO" else "(S/NP)/(S/NP)")] + C
        return S, C, A

    def arrange_state(self, S, C, A) -> list[Token]:
        if self.order == "SVO":
            return S + C + A
        if self.order == "SOV":
            return S + A + C
        return C + S + A

    def state(self, st: State) -> list[Token]:
        return self.arrange_state(*self.state_parts(st)) + [_tok(".", "PUNCT", ".")]

    def wh(self, kind: str, tag: str, upos: str = "PRON") -> list[Token]:
        return [_tok(w, upos, tag) for w in self.g["wh"][kind]]

    def question(self, q: Question) -> list[Token]:
        end = ([_tok(self.g["qpart"], "PART", "S[q]\\S")] if self.g["qpart"] else []) + [_tok("?", "PUNCT", ".")]
        if q.kind == "next":
            words = self.g["next"]
            toks = [_tok(words[0], "PRON", "S[wq]/(S\\NP)"), _tok(words[1], "VERB", "S\\NP"),
                    _tok(words[2], "ADV", "(S\\NP)\\(S\\NP)")]
            return toks + end
        if q.kind == "why":
            st = replace(q.state, negated=False)
            S, C, A = self.state_parts(st)
            if self.lang == "en":
                return ([_tok("why", "ADV", "S[wq]/S[q]"), _tok(self.g["cop"], "AUX", "(S[q]/(S[adj]\\NP))/NP")]
                        + S + A + end)
            W = self.wh("why", "S[wq]/S[q]" if self.g["wh_front"] else "(S\\NP)/(S\\NP)", "ADV")
            if self.g["wh_front"]:
                return W + self.arrange_state(S, C, A) + end
            return S + W + A + C + end  # SOV in situ: S why ADJ COP
        ev = replace(q.event, negated=False)
        if q.kind not in ("who", "what", "where", "how_many"):
            raise ValueError(f"unknown question kind {q.kind!r}; expected one of {', '.join(QUESTION_KINDS)}")
        if q.kind in ("what", "how_many") and not ev.obj:
            raise ValueError(f"a {q.kind!r} question needs a transitive event, got {ev}")
        tr = self.w.transitive(ev.verb)
        pl = ev.plural or ev.number is not None
        if self.lang == "en":
            did = _tok("did", "AUX", "(S[q]/(S\\NP))/NP")
            base = _tok(self.verb_form(ev.verb, pl, base=True), "VERB", self.verb_ccg(tr))
            S = self.name(ev.subject)
            if q.kind == "who":
                O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
                return self.wh("who", "S[wq]/(S\\NP)") + [_tok(self.verb_form(ev.verb, pl), "VERB",
                                                                self.verb_ccg(tr))] + O + end
            if q.kind == "what":
                return self.wh("what", "S[wq]/(S[q]/NP)") + [did] + S + [base] + end
            if q.kind == "where":
                O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
                return self.wh("where", "S[wq]/S[q]", "ADV") + [did] + S + [base] + O + end
            head = _tok(self.noun_form(ev.obj, "acc", True, False), "NOUN", "N")
            return ([_tok("how", "ADV", "(N/N)/(N/N)"), _tok("many", "ADJ", "N/N"), head, did] + S + [base] + end)
        front = self.g["wh_front"]
        S = self.name(ev.subject)
        V = [_tok(self.verb_form(ev.verb, pl), "VERB", self.verb_ccg(tr))]
        O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
        if q.kind == "who":
            W = self.wh("who", "S[wq]/(S\\NP)" if front else "NP")
            if front and self.order == "VSO":
                return W + V + O + end
            return self.arrange(W, V, O, []) + end
        if q.kind == "what":
            W = self.wh("what", "S[wq]/(S[q]/NP)" if front else "NP")
            return (W + self.arrange(S, V, [], []) if front else self.arrange(S, V, W, [])) + end
        if q.kind == "where":
            W = self.wh("where", "S[wq]/S[q]" if front else "(S\\NP)/(S\\NP)", "ADV")
            return (W + self.arrange(S, V, O, []) if front else self.arrange(S, V, O, W)) + end
        # how many: the question word takes the number's place before the (plural or numeral-form) noun
        W = self.wh("how_many", "(S[wq]/(S[q]/NP))/N" if front else "N/N", "ADV")
        head = [_tok(self.noun_form(ev.obj, "acc", True, True), "NOUN", "N")]
        if front:
            return W + head + self.arrange(S, V, [], []) + end
        return self.arrange(S, V, W + head, []) + end


def realize(world: World, event: Meaning, lang: str, *, synonyms: bool = False, front: bool = False) -> list[Token]:
    """Return the tokens (text, UPOS, NER, CCG) of ``event`` (an Event, State or Question) in ``lang``.

    ``synonyms`` uses each concept's second word where it has one; ``front`` moves the place phrase of
    an event to the front ("in X , ..."). Both only change the surface form, never the meaning.
    """
    L = _check_lang(lang)
    r = _Realizer(world, lang, synonyms)
    if isinstance(event, Event):
        toks = r.event(event, front=front)
    elif isinstance(event, State):
        toks = r.state(event)
    elif isinstance(event, Question):
        toks = r.question(event)
    else:
        raise TypeError(f"cannot realise {type(event).__name__}; expected Event, State or Question")
    if L.script != "Latin":
        toks = [t._replace(text=_translit_word(t.text, L.script)) for t in toks]
    return toks


def sentence(tokens: list[Token]) -> str:
    """Return the sentence string of ``tokens`` (joined by single spaces)."""
    return " ".join(t.text for t in tokens)


def say(world: World, meaning: Meaning, lang: str, **kwargs) -> str:
    """Return the sentence string realising ``meaning`` in ``lang`` (``realize`` then ``sentence``)."""
    return sentence(realize(world, meaning, lang, **kwargs))


def noun_word(world: World, noun: str, lang: str) -> str:
    """Return the citation form (nominative singular, no article) of ``noun`` in ``lang``."""
    L = _check_lang(lang)
    text = _Realizer(world, lang).noun_form(noun, "nom", False, False)
    return _translit_word(text, L.script) if L.script != "Latin" else text


# --------------------------------------------------------------------------------------------------
# Sampling meanings (shared by the corpus and the tasks)
# --------------------------------------------------------------------------------------------------

def sample_event(world: World, rng: random.Random, *, subject: str | None = None, verb: str | None = None,
                 transitive: bool | None = None, p_adj: float = 0.4, p_number: float = 0.25,
                 p_plural: float = 0.15, p_place: float = 0.5, p_org: float = 0.3, p_companion: float = 0.15,
                 p_negated: float = 0.0, exclude_subjects=()) -> Event:
    """Return a random Event that obeys the verbs' selectional preferences."""
    if verb is None:
        pool = world.verbs if transitive is None else [v for v in world.verbs if world.transitive(v) == transitive]
        verb = rng.choice(pool)
    if subject is None:
        subject = rng.choice([p for p in world.persons if p not in exclude_subjects])
    obj = adj = number = None
    plural = False
    if world.transitive(verb):
        obj = rng.choice(world.objects_for(verb))
        if rng.random() < p_adj:
            adj = rng.choice(world.adjectives)
        if rng.random() < p_number:
            number, plural = rng.choice(NUMBERS), True
        elif rng.random() < p_plural:
            plural = True
    place = None
    if rng.random() < p_place:
        place = rng.choice(world.orgs) if rng.random() < p_org else rng.choice(world.places)
    companion = None
    if rng.random() < p_companion:
        companion = rng.choice([p for p in world.persons if p != subject])
    return Event(subject, verb, obj, adj, number, plural, place, companion, rng.random() < p_negated)


def monolingual_corpus(lang: str, n_sentences: int, seed: int = 0) -> list[str]:
    """Return ``n_sentences`` independent monolingual sentences in ``lang`` (no parallel data across languages).

    The text mixes single events, event + effect pairs (the causal table), state + cause pairs,
    sentiment statements, questions followed by their answer sentence, and surface variants
    (synonyms, fronted places), so every lexical item and construction of the tasks occurs.
    """
    _check_lang(lang)
    if n_sentences < 0:
        raise ValueError(f"n_sentences must be >= 0, got {n_sentences}")
    world = get_world()
    rng = random.Random(zlib.crc32(f"xlib-synth-corpus|{seed}|{lang}".encode()))
    out: list[str] = []

    def add(meaning, **kw):
        out.append(say(world, meaning, lang, **kw))

    while len(out) < n_sentences:
        r = rng.random()
        syn = rng.random() < 0.25
        if r < 0.22:  # a single event, sometimes negated or with the place fronted
            ev = sample_event(world, rng, p_negated=0.15)
            add(ev, synonyms=syn, front=bool(ev.place) and rng.random() < 0.15)
        elif r < 0.52:  # event followed by its effect (causal table)
            ev = sample_event(world, rng)
            add(ev, synonyms=syn)
            add(State(ev.subject, world.verb_effect[ev.verb]))
        elif r < 0.58:  # state followed by its cause
            st = State(rng.choice(world.persons), rng.choice(world.states))
            add(st)
            add(sample_event(world, rng, subject=st.subject, verb=rng.choice(world.causes[st.pred])), synonyms=syn)
        elif r < 0.62:  # a negated event and the state it did not bring about
            ev = sample_event(world, rng, p_negated=1.0)
            add(ev)
            add(State(ev.subject, world.verb_effect[ev.verb], negated=True))
        elif r < 0.73:  # sentiment: noun with an adjective, maybe negated, sometimes after an event
            noun = rng.choice(world.nouns)
            if rng.random() < 0.4:
                verb = rng.choice(world.verbs_for(noun))
                adj = rng.choice(world.adjectives) if rng.random() < 0.5 else None
                add(Event(rng.choice(world.persons), verb, noun, adj=adj), synonyms=syn)
            add(State(noun, rng.choice(world.adjectives), negated=rng.random() < 0.3), synonyms=syn)
        elif r < 0.90:  # a question followed by its answer
            kind = rng.choice(("who", "what", "where", "how_many"))
            ev = sample_event(world, rng, transitive=True if kind in ("what", "how_many") else None,
                              p_place=1.0 if kind == "where" else 0.5, p_number=1.0 if kind == "how_many" else 0.25)
            add(Question(kind, ev), synonyms=syn)
            add(ev, synonyms=syn)
        elif r < 0.95:  # why question, answered by the cause
            ev = sample_event(world, rng)
            add(Question("why", state=State(ev.subject, world.verb_effect[ev.verb])))
            add(ev, synonyms=syn)
        else:  # two events, "what happened next ?", the effect of the second
            e1, e2 = sample_event(world, rng), sample_event(world, rng)
            add(e1)
            add(e2)
            add(Question("next"))
            add(State(e2.subject, world.verb_effect[e2.verb]))
    return out[:n_sentences]
