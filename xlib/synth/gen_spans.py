"""Generators of the miniature's tagging, QA and retrieval tasks (mini-udpos, mini-panx, mini-ccg, mini-xquad,
mini-squad, mini-tatoeba).
"""

from __future__ import annotations

from dataclasses import replace

from .meanings import Event, Question, State
from .realize import realize, say
from .sampling import sample_event
from .world import NUMBERS


# --------------------------------------------------------------------------------------------------
# Tagging
# --------------------------------------------------------------------------------------------------


def _tagging_meaning(world, rng, ner: bool = False):
    r = rng.random()
    if ner:
        if r < 0.8:
            ev = sample_event(world, rng, p_place=0.85, p_org=0.4, p_companion=0.45, p_negated=0.15)
            return ev, bool(ev.place) and rng.random() < 0.1
        if r < 0.9:
            return State(rng.choice(world.persons), rng.choice(world.states), rng.random() < 0.2), False
        kind = rng.choice(("who", "where"))
        return Question(kind, sample_event(world, rng, p_place=0.7)), False
    if r < 0.5:
        ev = sample_event(world, rng, p_negated=0.2, p_companion=0.2)
        return ev, bool(ev.place) and rng.random() < 0.1
    if r < 0.7:
        subject = rng.choice(world.persons) if rng.random() < 0.6 else rng.choice(world.nouns)
        pred = rng.choice(world.states if subject in world.names else world.adjectives)
        return State(subject, pred, rng.random() < 0.25), False
    kind = rng.choice(("who", "what", "where", "how_many", "why", "why", "next"))
    if kind == "next":
        return Question("next"), False
    if kind == "why":
        return Question("why", state=State(rng.choice(world.persons), rng.choice(world.states))), False
    return Question(kind, sample_event(world, rng, transitive=True if kind in ("what", "how_many") else None)), False


def _tagging(field: str, ner: bool = False):
    def gen(world, rng, lang, n):
        out = []
        for _ in range(n):
            meaning, front = _tagging_meaning(world, rng, ner)
            toks = realize(world, meaning, lang, front=front)
            out.append({"tokens": [t.text for t in toks], "tags": [getattr(t, field) for t in toks]})
        return out

    return gen


# --------------------------------------------------------------------------------------------------
# QA and retrieval
# --------------------------------------------------------------------------------------------------

_ANSWER_SLOT = {"who": ("PER",), "where": ("LOC", "ORG"), "how_many": ("NUM",)}


def _gen_qa(world, rng, lang, n):
    out = []
    for _ in range(n):
        k = rng.randint(2, 4)
        subjects = rng.sample(world.persons, k)
        numbers = rng.sample(NUMBERS, k)
        places = rng.sample(world.places + world.orgs, k)
        events, pairs = [], set()
        for i in range(k):
            while True:
                verb = rng.choice([v for v in world.verbs if world.transitive(v)])
                obj = rng.choice(world.objects_for(verb))
                if (verb, obj) not in pairs:
                    pairs.add((verb, obj))
                    break
            events.append(
                Event(
                    subjects[i],
                    verb,
                    obj,
                    adj=rng.choice(world.adjectives) if rng.random() < 0.3 else None,
                    number=numbers[i] if rng.random() < 0.6 else None,
                    plural=rng.random() < 0.2,
                    place=places[i] if rng.random() < 0.7 else None,
                )
            )
        events = [replace(e, plural=True) if e.number is not None else e for e in events]
        kind = rng.choice(("who", "where", "how_many"))
        slot = {"who": "subject", "where": "place", "how_many": "number"}[kind]
        candidates = [i for i, e in enumerate(events) if getattr(e, slot) is not None]
        if not candidates:  # give one event the missing slot (values stay distinct across events)
            i = rng.randrange(k)
            events[i] = replace(
                events[i], **({"place": places[i]} if slot == "place" else {"number": numbers[i], "plural": True})
            )
            candidates = [i]
        target = rng.choice(candidates)
        sentences = [realize(world, e, lang) for e in events]
        # character offset of the answer tokens inside the target sentence
        offset = sum(len(" ".join(t.text for t in s)) + 1 for s in sentences[:target])
        wanted = _ANSWER_SLOT[kind]
        span = []
        for j, t in enumerate(sentences[target]):
            hit = t.upos == "NUM" if kind == "how_many" else t.ner[2:] in wanted
            if hit:
                span.append(j)
        toks = sentences[target]
        start = offset + sum(len(t.text) + 1 for t in toks[: span[0]])
        text = " ".join(t.text for t in toks[span[0] : span[-1] + 1])
        context = " ".join(" ".join(t.text for t in s) for s in sentences)
        assert context[start : start + len(text)] == text, (context, start, text)
        question = say(world, Question(kind, events[target]), lang)
        out.append({"context": context, "question": question, "answers": {"text": [text], "answer_start": [start]}})
    return out


def _gen_tatoeba(world, rng, lang, n):
    out, seen = [], set()
    while len(out) < n:
        if rng.random() < 0.75:
            meaning = sample_event(world, rng, p_adj=0.5, p_number=0.3, p_place=0.6, p_companion=0.2, p_negated=0.2)
        else:
            subject = rng.choice(world.persons) if rng.random() < 0.5 else rng.choice(world.nouns)
            pred = rng.choice(world.states if subject in world.names else world.adjectives)
            meaning = State(subject, pred, rng.random() < 0.25)
        if meaning in seen:
            continue
        seen.add(meaning)
        target = say(world, meaning, "en")
        source = target if lang == "en" else say(world, meaning, lang)
        out.append({"source": source, "target": target})
    return out
