"""Sampling meanings of the world (shared by the corpus and the tasks) and the monolingual corpora."""

from __future__ import annotations

import random
import zlib

from .languages import _check_lang
from .meanings import Event, Question, State
from .realize import say
from .world import NUMBERS, World, get_world


# --------------------------------------------------------------------------------------------------
# Sampling meanings (shared by the corpus and the tasks)
# --------------------------------------------------------------------------------------------------


def sample_event(
    world: World,
    rng: random.Random,
    *,
    subject: str | None = None,
    verb: str | None = None,
    transitive: bool | None = None,
    p_adj: float = 0.4,
    p_number: float = 0.25,
    p_plural: float = 0.15,
    p_place: float = 0.5,
    p_org: float = 0.3,
    p_companion: float = 0.15,
    p_negated: float = 0.0,
    exclude_subjects=(),
) -> Event:
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
    return [say(world, meaning, lang, **kw) for meaning, kw in corpus_meanings(world, rng, n_sentences)]


def corpus_meanings(world: World, rng: random.Random, n_sentences: int) -> list[tuple]:
    """Return ``n_sentences`` (meaning, realisation options) pairs of the corpus's mix, drawn from ``rng``.

    :func:`monolingual_corpus` realises them in one language; parallel pretraining documents
    (:mod:`xlib.synth.parallel`) realise the same ones in two.
    """
    out: list[tuple] = []

    def add(meaning, **kw):
        out.append((meaning, kw))

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
            ev = sample_event(
                world,
                rng,
                transitive=True if kind in ("what", "how_many") else None,
                p_place=1.0 if kind == "where" else 0.5,
                p_number=1.0 if kind == "how_many" else 0.25,
            )
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
