"""Generators of the miniature's classification tasks: NLI (mini-xnli, mini-mnli, mini-anli), SST-2, QQP."""

from __future__ import annotations

import random
from dataclasses import replace

from .meanings import Event, Question, State
from .realize import say
from .sampling import sample_event
from .world import NUMBERS, World
from .gen_common import _add, _addable, _balanced, _drop, _other, _present, _subset


# --------------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------------


def _nli_hypothesis(world: World, rng: random.Random, ev: Event, label: int) -> Event | None:
    """Return a hypothesis event standing in relation ``label`` to premise ``ev`` (None: not possible)."""
    # monotonicity: a positive premise entails its weaker forms (fewer modifiers), a negated one its stronger
    weaken = lambda e, nonempty: _drop(e, _subset(rng, _present(e), nonempty))
    strengthen = lambda e, nonempty: _add(world, rng, e, _subset(rng, _addable(e), nonempty))
    if label == 0:  # entailment
        if not ev.negated:
            return weaken(ev, True) if _present(ev) else None
        return strengthen(ev, True) if _addable(ev) else None
    if label == 2:  # contradiction: the negation flips (weakened the same way as entailment)
        if ev.negated:
            return replace(strengthen(ev, False), negated=False)
        return replace(weaken(ev, False), negated=True)
    # neutral: another subject (never the companion) or another object of the same category
    if ev.obj and rng.random() < 0.5:
        hyp = replace(ev, obj=_other(rng, world.categories[world.noun_category[ev.obj]], ev.obj))
    else:
        hyp = replace(ev, subject=_other(rng, world.persons, ev.subject, ev.companion))
    return strengthen(hyp, False) if ev.negated else weaken(hyp, False)


def _nli_event(world, rng):
    """Return an affirmative premise of mini-xnli / mini-mnli (mini-anli keeps negated ones).

    Negated premises (monotonicity reversed) and opposite-effect verbs as contradictions made the task barely
    learnable at the miniature's budget, in English and in each language itself (docs/miniature.md).
    """
    return sample_event(world, rng, p_adj=0.5, p_number=0.3, p_place=0.6, p_companion=0.25, p_negated=0.0)


def _gen_xnli(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 3):
        while True:
            premise = _nli_event(world, rng)
            hyp = _nli_hypothesis(world, rng, premise, label)
            if hyp is not None and hyp != premise:
                break
        out.append({"text": say(world, premise, lang), "text_pair": say(world, hyp, lang), "label": label})
    return out


def _gen_anli(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 3):
        while True:
            kw = dict(p_adj=0.5, p_number=0.3, p_place=0.6, p_companion=0.0, p_negated=0.2)
            e1 = sample_event(world, rng, **kw)
            e2 = sample_event(world, rng, exclude_subjects=(e1.subject,), **kw)
            target = rng.choice((e1, e2))
            if not target.negated and rng.random() < 0.5:  # a state the causal table decides
                eff = world.verb_effect[target.verb]
                if label == 0:
                    hyp = State(target.subject, eff)
                elif label == 2:
                    opp = world.opposite.get(eff)
                    hyp = State(target.subject, opp) if opp and rng.random() < 0.5 else State(target.subject, eff, True)
                else:
                    hyp = State(target.subject, _other(rng, world.states, eff, world.opposite.get(eff)))
                break
            hyp = _nli_hypothesis(world, rng, target, label)
            if hyp is not None and hyp != target:
                break
        premise = say(world, e1, lang) + " " + say(world, e2, lang)
        out.append({"text": premise, "text_pair": say(world, hyp, lang), "label": label})
    return out


def _gen_sst2(world, rng, lang, n):
    pos = [a for a in world.adjectives if world.polarity[a] > 0]
    neg = [a for a in world.adjectives if world.polarity[a] < 0]
    neutral = [a for a in world.adjectives if world.polarity[a] == 0]
    out = []
    for label in _balanced(rng, n, 2):
        want = 1 if label == 1 else -1
        noun = rng.choice(world.nouns)
        if rng.random() < 0.6:  # "the N was (not) ADJ ." (negation flips the polarity)
            negated = rng.random() < 0.35
            adj = rng.choice(pos if (want > 0) != negated else neg)
            text = say(world, State(noun, adj, negated), lang)
            if rng.random() < 0.4:
                ev = Event(
                    rng.choice(world.persons),
                    rng.choice(world.verbs_for(noun)),
                    noun,
                    adj=rng.choice(neutral) if rng.random() < 0.5 else None,
                )
                text = say(world, ev, lang) + " " + text
        else:  # an event whose object carries a polar adjective
            ev = sample_event(world, rng, verb=rng.choice(world.verbs_for(noun)), p_adj=0.0, p_negated=0.0)
            ev = replace(ev, obj=noun, adj=rng.choice(pos if want > 0 else neg))
            text = say(world, ev, lang)
        out.append({"text": text, "text_pair": None, "label": label})
    return out


_QQP_SLOTS = {
    "who": ("verb", "obj"),
    "what": ("subject", "verb"),
    "where": ("subject", "verb", "obj"),
    "how_many": ("subject", "verb", "obj"),
}


def _change_slot(world, rng, ev: Event, slots) -> Event:
    slot = rng.choice([s for s in slots if s != "obj" or ev.obj])
    if slot == "subject":
        return replace(ev, subject=_other(rng, world.persons, ev.subject, ev.companion))
    if slot == "obj":
        return replace(ev, obj=_other(rng, world.categories[world.noun_category[ev.obj]], ev.obj))
    if slot == "verb":
        if ev.obj:
            return replace(ev, verb=_other(rng, world.verbs_for(ev.obj), ev.verb))
        return replace(ev, verb=_other(rng, [v for v in world.verbs if not world.transitive(v)], ev.verb))
    if slot == "place":
        return replace(ev, place=_other(rng, world.places + world.orgs, ev.place))
    if slot == "number":
        return replace(ev, number=_other(rng, NUMBERS, ev.number))
    if slot == "adj":
        return replace(ev, adj=_other(rng, world.adjectives, ev.adj))
    return replace(ev, negated=not ev.negated)


def _has_synonym(world, lang, ev: Event) -> bool:
    lex = world.lexicon[lang]
    return any(c is not None and len(lex[c]) > 1 for c in (ev.verb, ev.obj, ev.adj))


def _gen_qqp(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 2):
        while True:
            if rng.random() < 0.5:  # statements
                ev = sample_event(world, rng, p_place=0.6, p_negated=0.15)
                a = ev
                slots = ["subject", "obj", "verb", "negated"] + [
                    m for m in ("place", "number", "adj") if getattr(ev, m) is not None
                ]
            else:  # questions
                kind = rng.choice(("who", "what", "where", "how_many"))
                ev = sample_event(world, rng, transitive=True, p_number=1.0 if kind == "how_many" else 0.2)
                a = Question(kind, ev)
                slots = list(_QQP_SLOTS[kind])
            can_front = isinstance(a, Event) and a.place is not None
            variants = [
                (s, f)
                for s in (False, True)
                for f in (False, True)
                if (not s or _has_synonym(world, lang, ev)) and (not f or can_front)
            ]
            if label == 1 and len(variants) < 2:
                continue
            va = rng.choice(variants)
            if label == 1:
                b, vb = a, _other(rng, variants, va)
            else:
                changed = _change_slot(world, rng, ev, slots)
                b = changed if isinstance(a, Event) else Question(a.kind, changed)
                vb = rng.choice(variants)
            ta = say(world, a, lang, synonyms=va[0], front=va[1])
            tb = say(world, b, lang, synonyms=vb[0], front=vb[1] and isinstance(b, Event) and b.place is not None)
            if ta != tb:
                break
        if rng.random() < 0.5:
            ta, tb = tb, ta
        out.append({"text": ta, "text_pair": tb, "label": label})
    return out
