"""Generators of the miniature's multiple-choice tasks: mini-xcopa, mini-hellaswag, mini-cosmosqa, mini-csqa."""

from __future__ import annotations

from .meanings import Event, Question, State
from .realize import noun_word, say
from .sampling import sample_event
from .gen_common import _balanced, _other, _place_at


# --------------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------------


def _gen_xcopa(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 2):
        subject = rng.choice(world.persons)
        if rng.random() < 0.5:
            ev = sample_event(world, rng, subject=subject, p_companion=0.0)
            eff = world.verb_effect[ev.verb]
            opp = world.opposite.get(eff)
            wrong = opp if opp and rng.random() < 0.3 else _other(rng, world.states, eff)
            context, question = say(world, ev, lang), "effect"
            right, other = State(subject, eff), State(subject, wrong)
        else:
            state = rng.choice(world.states)
            context, question = say(world, State(subject, state), lang), "cause"
            right = sample_event(world, rng, subject=subject, verb=rng.choice(world.causes[state]), p_companion=0.0)
            wrong_verb = rng.choice([v for v in world.verbs if world.verb_effect[v] != state])
            other = sample_event(world, rng, subject=subject, verb=wrong_verb, p_companion=0.0)
        choices = [say(world, other, lang)]
        out.append(
            {
                "context": context,
                "question": question,
                "choices": _place_at(choices, say(world, right, lang), label),
                "label": label,
            }
        )
    return out


def _gen_hellaswag(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 4):
        ev = sample_event(world, rng, p_companion=0.0)
        eff = world.verb_effect[ev.verb]
        context = say(world, ev, lang)
        wrong = rng.sample([s for s in world.states if s != eff], 3)
        distractors = [State(ev.subject, s) for s in wrong]
        if rng.random() < 0.5:  # an earlier event by someone else: its subject with this effect is wrong
            prev = sample_event(world, rng, p_companion=0.0, exclude_subjects=(ev.subject,))
            if world.verb_effect[prev.verb] != eff:
                context = say(world, prev, lang) + " " + context
                distractors[0] = State(prev.subject, eff)
        choices = [say(world, d, lang) for d in distractors]
        out.append(
            {
                "context": context,
                "question": "",
                "choices": _place_at(choices, say(world, State(ev.subject, eff), lang), label),
                "label": label,
            }
        )
    return out


def _gen_cosmosqa(world, rng, lang, n):
    out = []
    for label in _balanced(rng, n, 4):
        while True:
            e1 = sample_event(world, rng, p_companion=0.0)
            e2 = sample_event(world, rng, p_companion=0.0, exclude_subjects=(e1.subject,))
            eff1, eff2 = world.verb_effect[e1.verb], world.verb_effect[e2.verb]
            if eff1 != eff2:
                break
        context = say(world, e1, lang) + " " + say(world, e2, lang)
        x, y = e1.subject, e2.subject
        if rng.random() < 0.5:  # why was X <effect of e1> ?  -> the event that caused it
            question = say(world, Question("why", state=State(x, eff1)), lang)
            wrong_verbs = rng.sample([v for v in world.verbs if world.verb_effect[v] not in (eff1,)], 2)
            distractors = [e2] + [sample_event(world, rng, subject=x, verb=v, p_companion=0.0) for v in wrong_verbs]
            correct = e1
        else:  # what happened next ? -> the effect of the last event on its subject
            question = say(world, Question("next"), lang)
            rest = _other(rng, world.states, eff1, eff2)
            distractors = [State(y, eff1), State(x, eff2), State(y, rest)]
            correct = State(y, eff2)
        choices = [say(world, d, lang) for d in distractors]
        out.append(
            {
                "context": context,
                "question": question,
                "choices": _place_at(choices, say(world, correct, lang), label),
                "label": label,
            }
        )
    return out


def _gen_csqa(world, rng, lang, n):
    selective = [v for v in world.verbs if 0 < len(world.verb_objects[v]) <= 6]
    out = []
    for label in _balanced(rng, n, 5):
        if rng.random() < 0.6:
            verb = world.purpose[rng.choice(list(world.purpose))]
        else:
            verb = rng.choice(selective)
        answer = rng.choice(world.objects_for(verb))
        wrong = rng.sample([x for x in world.nouns if x not in world.objects_for(verb)], 4)
        ev = Event(rng.choice(world.persons), verb, answer)
        question = say(world, Question("what", ev), lang)
        choices = [noun_word(world, x, lang) for x in wrong]
        out.append(
            {
                "context": "",
                "question": question,
                "choices": _place_at(choices, noun_word(world, answer, lang), label),
                "label": label,
            }
        )
    return out
