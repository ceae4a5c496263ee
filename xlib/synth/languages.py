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

from dataclasses import dataclass
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
