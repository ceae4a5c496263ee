"""Every task of the miniature, generated from meanings of the synthetic world (``languages``).

Each task mirrors a real XTREME-R target task or one of Phang et al.'s nine English intermediate
tasks and yields examples in the canonical schema of its format (``xlib.formats``). A generator first
samples meanings with an RNG that never looks at the language, then realises them in the requested
language, so the test split (and the train split: a perfect "translate-train" set) holds the same
meanings, labels and answers in every language.
"""
from __future__ import annotations

import random
import zlib
from dataclasses import replace

from .languages import LANGUAGES, Event, Question, State
from .realize import noun_word, realize, say
from .sampling import sample_event
from .world import NUMBERS, World, get_world

NLI_LABELS = ["entailment", "neutral", "contradiction"]
UPOS_TAGS = ["ADJ", "ADP", "ADV", "AUX", "DET", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT", "VERB"]
NER_TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
# every CCG-like supertag synthetic English can produce (the tag set of mini-ccg)
CCG_TAGS = [
    ".", ",", "N", "NP", "N/N", "NP/N", "S\\NP", "(S\\NP)/NP", "(S\\NP)/(S\\NP)", "(S\\NP)\\(S\\NP)",
    "((S\\NP)\\(S\\NP))/NP", "(S/S)/NP", "(S\\NP)/(S[adj]\\NP)", "S[adj]\\NP", "(S[adj]\\NP)/(S[adj]\\NP)",
    "S[wq]/(S\\NP)", "S[wq]/(S[q]/NP)", "S[wq]/S[q]", "(S[q]/(S\\NP))/NP", "(S[q]/(S[adj]\\NP))/NP",
    "(N/N)/(N/N)",
]
SPLITS = ("train", "dev", "test")
ALL_LANGS = list(LANGUAGES)

_T = dict(languages=ALL_LANGS, role="target", splits=["train", "dev", "test"])
_I = dict(languages=["en"], role="intermediate", splits=["train", "dev"])

SYNTH_TASKS: dict[str, dict] = {
    # ---- targets (XTREME-R formats), all seven languages --------------------------------------------
    "mini-xnli": dict(_T, format="classification", mirrors="XNLI", labels=NLI_LABELS,
                      description="Premise/hypothesis pairs: entailment drops (or, under negation, adds) modifiers; "
                                  "contradiction flips negation or swaps in a verb with the opposite effect; neutral "
                                  "changes the subject or the object within its category."),
    "mini-xcopa": dict(_T, format="multiple_choice", mirrors="XCOPA", labels=[],
                       description="Premise plus 'cause' or 'effect'; pick the one of two sentences that follows the "
                                   "causal table (verb -> state of the subject)."),
    "mini-udpos": dict(_T, format="tagging", mirrors="UDPOS", labels=UPOS_TAGS,
                       description="Universal POS tags on events, state sentences and questions."),
    "mini-panx": dict(_T, format="tagging", mirrors="WikiANN (PAN-X)", labels=NER_TAGS,
                      description="BIO named entities: persons, one- and two-token places, two-token organisations."),
    "mini-xquad": dict(_T, format="qa", mirrors="XQuAD", labels=[],
                       description="2-4 event sentences; who / where / how many question; the answer is a span "
                                   "(name, place or number) of the context."),
    "mini-tatoeba": dict(_T, format="retrieval", mirrors="Tatoeba", labels=[], splits=["dev", "test"],
                         description="Sentence in the language and its English realisation of the same meaning "
                                     "(for en the source is the target itself)."),
    # ---- English intermediate tasks (Phang et al. 2020) ------------------------------------------------
    "mini-anli": dict(_I, format="classification", mirrors="ANLI", labels=NLI_LABELS,
                      description="Harder NLI: two-event premise; the hypothesis is about either event, or is a state "
                                  "that the causal table entails, contradicts or leaves open."),
    "mini-mnli": dict(_I, format="classification", mirrors="MNLI", labels=NLI_LABELS,
                      description="The mini-xnli generator on its own English seed stream."),
    "mini-qqp": dict(_I, format="classification", mirrors="QQP", labels=["not_duplicate", "duplicate"],
                     description="Pairs of statements or questions: duplicates realise one meaning with other surface "
                                 "forms (synonyms, fronted place); non-duplicates change one slot."),
    "mini-sst2": dict(_I, format="classification", mirrors="SST-2", labels=["negative", "positive"],
                      description="Sentiment from adjective polarity; negation flips it."),
    "mini-csqa": dict(_I, format="multiple_choice", mirrors="CommonsenseQA", labels=[],
                      description="'what did X <verb> ?' with five nouns: one of the categories the verb takes "
                                  "(what things are for), four it never takes."),
    "mini-cosmosqa": dict(_I, format="multiple_choice", mirrors="Cosmos QA", labels=[],
                          description="Two events, then 'why was X <state> ?' (4 event answers) or 'what happened "
                                      "next ?' (4 state answers)."),
    "mini-hellaswag": dict(_I, format="multiple_choice", mirrors="HellaSwag", labels=[],
                           description="An event (sometimes after another one); pick the continuation that is its "
                                       "effect among four state sentences."),
    "mini-squad": dict(_I, format="qa", mirrors="SQuAD", labels=[],
                       description="The mini-xquad generator on its own English seed stream."),
    "mini-ccg": dict(_I, format="tagging", mirrors="CCGbank supertagging", labels=CCG_TAGS,
                     description="CCG-like supertags of English events, state sentences and questions."),
}


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------

def task_seed(task: str, split: str, lang: str, seed: int = 0) -> int:
    """Return the RNG seed of (task, split, lang, seed): train and test ignore ``lang`` (parallel across languages)."""
    key = f"xlib-synth-task|{task}|{split}|{seed}"
    if split == "dev":
        key += f"|{lang}"
    return zlib.crc32(key.encode())


def generate(task: str, split: str, lang: str, n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` examples of ``task``/``split`` in ``lang`` in the canonical schema of the task's format."""
    if task not in SYNTH_TASKS:
        raise ValueError(f"unknown synthetic task {task!r}; expected one of {', '.join(SYNTH_TASKS)}")
    info = SYNTH_TASKS[task]
    if lang not in info["languages"]:
        raise ValueError(f"task {task!r} has no language {lang!r}; expected one of {', '.join(info['languages'])}")
    if split not in SPLITS:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if split not in info["splits"] and not (split == "train" and info["role"] == "target"):
        raise ValueError(f"task {task!r} has no split {split!r}; expected one of {', '.join(info['splits'])}")
    if n < 0:
        raise ValueError(f"task {task!r}: n must be >= 0, got {n}")
    rng = random.Random(task_seed(task, split, lang, seed))
    examples = _GENERATORS[task](get_world(), rng, lang, int(n))
    assert len(examples) == n, (task, len(examples), n)
    return [{"id": f"{task}-{split}-{lang}-{i}", **ex} for i, ex in enumerate(examples)]


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------

def _balanced(rng: random.Random, n: int, k: int) -> list[int]:
    labels = [i % k for i in range(n)]
    rng.shuffle(labels)
    return labels


def _subset(rng: random.Random, items: list, nonempty: bool) -> list:
    if not items:
        return []
    while True:
        chosen = [x for x in items if rng.random() < 0.5]
        if chosen or not nonempty:
            return chosen


def _place_at(choices: list, correct, label: int) -> list:
    out = list(choices)
    out.insert(label, correct)
    return out


_MODS = ("adj", "number", "place", "companion")


def _present(ev: Event) -> list[str]:
    return [m for m in _MODS if getattr(ev, m) is not None]


def _addable(ev: Event) -> list[str]:
    out = []
    if ev.obj and ev.adj is None:
        out.append("adj")
    if ev.obj and ev.plural and ev.number is None:
        out.append("number")
    if ev.place is None:
        out.append("place")
    if ev.companion is None:
        out.append("companion")
    return out


def _drop(ev: Event, mods: list[str]) -> Event:
    return replace(ev, **{m: None for m in mods})  # dropping the number keeps the plural


def _add(world: World, rng: random.Random, ev: Event, mods: list[str]) -> Event:
    values = {}
    for m in mods:
        if m == "adj":
            values[m] = rng.choice(world.adjectives)
        elif m == "number":
            values[m] = rng.choice(NUMBERS)
        elif m == "place":
            values[m] = rng.choice(world.places + world.orgs)
        else:
            values[m] = rng.choice([p for p in world.persons if p != ev.subject])
    return replace(ev, **values)


def _other(rng: random.Random, pool, *exclude):
    return rng.choice([x for x in pool if x not in exclude])


# --------------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------------

def _nli_hypothesis(world: World, rng: random.Random, ev: Event, label: int) -> Event | None:
    """Return a hypothesis event standing in relation ``label`` to premise ``ev`` (None: not possible)."""
    # monotonicity: a positive premise entails its weaker forms (fewer modifiers), a negated one its stronger
    weaken = (lambda e, nonempty: _drop(e, _subset(rng, _present(e), nonempty)))
    strengthen = (lambda e, nonempty: _add(world, rng, e, _subset(rng, _addable(e), nonempty)))
    if label == 0:  # entailment
        if not ev.negated:
            return weaken(ev, True) if _present(ev) else None
        return strengthen(ev, True) if _addable(ev) else None
    if label == 2:  # contradiction
        if ev.negated:
            return replace(strengthen(ev, False), negated=False)
        opposite = world.opposite.get(world.verb_effect[ev.verb])
        cat = world.noun_category[ev.obj] if ev.obj else None
        alternatives = [v for v in world.verbs if opposite and world.verb_effect[v] == opposite
                        and (cat in world.verb_objects[v] if cat else not world.transitive(v))]
        if alternatives and rng.random() < 0.4:
            return weaken(replace(ev, verb=rng.choice(alternatives)), False)
        return replace(weaken(ev, False), negated=True)
    # neutral: another subject (never the companion) or another object of the same category
    if ev.obj and rng.random() < 0.5:
        hyp = replace(ev, obj=_other(rng, world.categories[world.noun_category[ev.obj]], ev.obj))
    else:
        hyp = replace(ev, subject=_other(rng, world.persons, ev.subject, ev.companion))
    return strengthen(hyp, False) if ev.negated else weaken(hyp, False)


def _nli_event(world, rng):
    return sample_event(world, rng, p_adj=0.5, p_number=0.3, p_place=0.6, p_companion=0.25, p_negated=0.3)


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
                ev = Event(rng.choice(world.persons), rng.choice(world.verbs_for(noun)), noun,
                           adj=rng.choice(neutral) if rng.random() < 0.5 else None)
                text = say(world, ev, lang) + " " + text
        else:  # an event whose object carries a polar adjective
            ev = sample_event(world, rng, verb=rng.choice(world.verbs_for(noun)), p_adj=0.0, p_negated=0.0)
            ev = replace(ev, obj=noun, adj=rng.choice(pos if want > 0 else neg))
            text = say(world, ev, lang)
        out.append({"text": text, "text_pair": None, "label": label})
    return out


_QQP_SLOTS = {"who": ("verb", "obj"), "what": ("subject", "verb"), "where": ("subject", "verb", "obj"),
              "how_many": ("subject", "verb", "obj")}


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
                slots = ["subject", "obj", "verb", "negated"] + [m for m in ("place", "number", "adj")
                                                                 if getattr(ev, m) is not None]
            else:  # questions
                kind = rng.choice(("who", "what", "where", "how_many"))
                ev = sample_event(world, rng, transitive=True, p_number=1.0 if kind == "how_many" else 0.2)
                a = Question(kind, ev)
                slots = list(_QQP_SLOTS[kind])
            can_front = isinstance(a, Event) and a.place is not None
            variants = [(s, f) for s in (False, True) for f in (False, True)
                        if (not s or _has_synonym(world, lang, ev)) and (not f or can_front)]
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
        out.append({"context": context, "question": question,
                    "choices": _place_at(choices, say(world, right, lang), label), "label": label})
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
        out.append({"context": context, "question": "",
                    "choices": _place_at(choices, say(world, State(ev.subject, eff), lang), label), "label": label})
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
        out.append({"context": context, "question": question,
                    "choices": _place_at(choices, say(world, correct, lang), label), "label": label})
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
        out.append({"context": "", "question": question,
                    "choices": _place_at(choices, noun_word(world, answer, lang), label), "label": label})
    return out


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
            events.append(Event(subjects[i], verb, obj,
                                adj=rng.choice(world.adjectives) if rng.random() < 0.3 else None,
                                number=numbers[i] if rng.random() < 0.6 else None,
                                plural=rng.random() < 0.2,
                                place=places[i] if rng.random() < 0.7 else None))
        events = [replace(e, plural=True) if e.number is not None else e for e in events]
        kind = rng.choice(("who", "where", "how_many"))
        slot = {"who": "subject", "where": "place", "how_many": "number"}[kind]
        candidates = [i for i, e in enumerate(events) if getattr(e, slot) is not None]
        if not candidates:  # give one event the missing slot (values stay distinct across events)
            i = rng.randrange(k)
            events[i] = replace(events[i], **({"place": places[i]} if slot == "place" else
                                              {"number": numbers[i], "plural": True}))
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
        start = offset + sum(len(t.text) + 1 for t in toks[:span[0]])
        text = " ".join(t.text for t in toks[span[0]:span[-1] + 1])
        context = " ".join(" ".join(t.text for t in s) for s in sentences)
        assert context[start:start + len(text)] == text, (context, start, text)
        question = say(world, Question(kind, events[target]), lang)
        out.append({"context": context, "question": question,
                    "answers": {"text": [text], "answer_start": [start]}})
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


_GENERATORS = {
    "mini-xnli": _gen_xnli, "mini-mnli": _gen_xnli, "mini-anli": _gen_anli, "mini-sst2": _gen_sst2,
    "mini-qqp": _gen_qqp, "mini-xcopa": _gen_xcopa, "mini-hellaswag": _gen_hellaswag,
    "mini-cosmosqa": _gen_cosmosqa, "mini-csqa": _gen_csqa, "mini-udpos": _tagging("upos"),
    "mini-panx": _tagging("ner", ner=True), "mini-ccg": _tagging("ccg"), "mini-xquad": _gen_qa,
    "mini-squad": _gen_qa, "mini-tatoeba": _gen_tatoeba,
}
assert set(_GENERATORS) == set(SYNTH_TASKS)


def translate(task: str, split: str, lang: str, n: int, seed: int = 0) -> list[dict]:
    """Return the ``n`` examples of English intermediate ``task``/``split`` realised in ``lang`` (a perfect translation).

    The meanings, labels and answers are those of ``generate(task, split, "en", n, seed)``, example by
    example: the miniature's "machine-translated intermediate data" (translate-train). Tagging tasks
    have no translation (their tags belong to English words).
    """
    if task not in SYNTH_TASKS or SYNTH_TASKS[task]["role"] != "intermediate":
        raise ValueError(f"translate: {task!r} is not a synthetic intermediate task")
    if SYNTH_TASKS[task]["format"] == "tagging":
        raise ValueError(f"translate: {task!r} is a tagging task; word-level tags do not survive translation")
    if lang not in LANGUAGES:
        raise ValueError(f"translate: unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if split not in SYNTH_TASKS[task]["splits"]:
        raise ValueError(f"translate: task {task!r} has no split {split!r}")
    rng = random.Random(task_seed(task, split, "en", seed))
    examples = _GENERATORS[task](get_world(), rng, lang, int(n))
    return [{"id": f"{task}-{split}-{lang}-{i}", **ex} for i, ex in enumerate(examples)]
