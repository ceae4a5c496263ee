"""What the miniature's sentences mean, in every language alike: tokens and meanings.

A meaning is an :class:`Event`, a :class:`State` or a :class:`Question`, built from the language-independent
world (:mod:`xlib.synth.world`); :func:`xlib.synth.realize.realize` turns it into :class:`Token` s of one
synthetic language (:mod:`xlib.synth.languages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Union


class Token(NamedTuple):
    """One whitespace token with its UPOS tag, BIO NER tag and CCG-like supertag."""

    text: str
    upos: str
    ner: str
    ccg: str


@dataclass(frozen=True)
class Event:
    """Meaning of one event sentence: someone did something (to something), maybe somewhere/with someone."""

    subject: str  # person id
    verb: str  # verb id
    obj: str | None = None  # noun id (transitive verbs only)
    adj: str | None = None  # adjective id modifying the object
    number: int | None = None  # 2..20, how many objects
    plural: bool = False  # plural object without a number ("the breads")
    place: str | None = None  # place id or organisation id
    companion: str | None = None  # person id ("with Y")
    negated: bool = False


@dataclass(frozen=True)
class State:
    """Meaning of a state sentence: a person (or a definite noun) was (not) a state or an adjective."""

    subject: str  # person id or noun id
    pred: str  # state id or adjective id
    negated: bool = False


@dataclass(frozen=True)
class Question:
    """Meaning of a question: kind in who/what/where/how_many (about ``event``), why (about ``state``), next."""

    kind: str
    event: Event | None = None
    state: State | None = None


Meaning = Union[Event, State, Question]
QUESTION_KINDS = ("who", "what", "where", "how_many", "why", "next")
