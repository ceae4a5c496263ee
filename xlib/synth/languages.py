"""Seven synthetic languages that all express one underlying world of meanings.

The *world* (people, places, organisations, nouns in categories, verbs with selectional preferences
and causal effects, adjectives with a sentiment polarity) is language-independent; every language
realises the same meaning (an event, a state or a question: :mod:`xlib.synth.meanings`) with its own
invented lexicon, word order, morphology, function words and script (:mod:`xlib.synth.grammars`). The languages are ordered from the
closest to the farthest from (synthetic) English; what varies is documented in ``docs/miniature.md``
and :func:`language_table`.

Everything is deterministic: the world and the lexicons come from ``random.Random(WORLD_SEED)``,
corpora from an RNG seeded with ``zlib.crc32`` of their arguments; no global RNG state, no ``hash()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .grammars import _GRAMMAR

WORLD_SEED = 0  # the world and lexicons used by the corpus and the tasks (data seeds only drive sampling)


# --------------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    """Typological description of one synthetic language."""

    code: str
    name: str
    word_order: str  # SVO, SOV or VSO (subject, verb, object)
    script: str  # Latin, Cyrillic or Greek
    morphology: str  # analytic, suffixing, prefixing or fusional
    shares_names: bool  # person/place/organisation names are the same strings as in English
    shares_numbers: bool  # numbers are written with the same digits as in English
    description: str


LANGUAGES: dict[str, Language] = {
    "en": Language(
        "en",
        "synthetic English",
        "SVO",
        "Latin",
        "analytic",
        True,
        True,
        "The source language: SVO, adjective before noun, article 'the', negation 'did not', "
        "do-support in questions, plural -s and past -ed on an English-like invented lexicon.",
    ),
    "sva": Language(
        "sva",
        "SVO-A",
        "SVO",
        "Latin",
        "analytic",
        True,
        True,
        "English grammar without inflection, own lexicon and function words; shares names and "
        "digits with English (only the lexicon differs).",
    ),
    "svb": Language(
        "svb",
        "SVO-B",
        "SVO",
        "Latin",
        "suffixing",
        True,
        True,
        "SVO, adjective after noun, no article, case suffixes on nouns (accusative -om, plural "
        "-ir) and an object-agreement suffix on verbs; shares names and digits.",
    ),
    "sov": Language(
        "sov",
        "SOV",
        "SOV",
        "Latin",
        "suffixing",
        True,
        True,
        "Verb-final, postpositions, accusative suffix, past and negation as verb suffixes, "
        "question words in situ with a question particle; shares names and digits.",
    ),
    "vso": Language(
        "vso",
        "VSO",
        "VSO",
        "Latin",
        "prefixing",
        True,
        False,
        "Verb-initial, prepositions, adjective after noun, past, plural and accusative marked by "
        "prefixes; names shared, numbers written as words.",
    ),
    "cyr": Language(
        "cyr",
        "SOV-Cyrillic",
        "SOV",
        "Cyrillic",
        "suffixing",
        False,
        False,
        "Verb-final with case/number suffixes and postpositions, written in Cyrillic (a "
        "deterministic transliteration); names transliterated, numbers as words: no string is "
        "shared with English except punctuation.",
    ),
    "grk": Language(
        "grk",
        "VSO-Greek",
        "VSO",
        "Greek",
        "fusional",
        False,
        False,
        "Verb-initial with fusional noun classes (case x number endings, agreeing articles and "
        "adjectives), verb endings agreeing with the object, Greek script; names transliterated, "
        "numbers as words.",
    ),
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
        1.0 if lang == "en" else 0.0,  # shared lexicon
        float(L.shares_names),  # shared name strings (anchors)
        float(L.shares_numbers),  # shared digits (anchors)
        float(L.script == en.script),  # script
        _ORDER_AGREEMENT[L.word_order],  # word order (pairwise S/V/O agreement)
        _MORPH_SIMILARITY[L.morphology],  # morphology
    ]
    return sum(parts) / len(parts)


def language_table():
    """Return a pandas DataFrame with one row per language and its properties (for docs and figures)."""
    import pandas as pd

    rows = []
    for code, L in LANGUAGES.items():
        g = _GRAMMAR[code]
        rows.append(
            {
                "code": code,
                "name": L.name,
                "word_order": L.word_order,
                "adjective": "before noun" if g["adj"] == "pre" else "after noun",
                "adposition": "preposition" if g["adp"] == "pre" else "postposition",
                "article": g["det"] is not None,
                "script": L.script,
                "morphology": L.morphology,
                "negation": g["neg_kind"],
                "wh_questions": "fronted" if g["wh_front"] else "in situ",
                "shares_names": L.shares_names,
                "shares_numbers": L.shares_numbers,
                "shared_lexicon": code == "en",
                "similarity_to_english": round(similarity_to_english(code), 3),
            }
        )
    return pd.DataFrame(rows)
