"""The miniature's synthetic languages and task generators (xlib.synth.languages, .meanings, .tasks)."""

import random
import re
import time
from collections import Counter

import pytest

from xlib.formats import FORMATS
from xlib.synth.languages import LANGUAGES, language_table, similarity_to_english
from xlib.synth.meanings import Event, Question, State
from xlib.synth.realize import realize, say, to_script
from xlib.synth.sampling import monolingual_corpus, sample_event
from xlib.synth.world import get_world
from xlib.synth.generators import GENERATORS, generated_languages
from xlib.synth.tasks import generate
from xlib.tasks.synthetic import synthetic_tasks

LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
GREEK = re.compile(r"[\u0370-\u03FF]")
KEYS = {
    "classification": {"id", "text", "text_pair", "label"},
    "multiple_choice": {"id", "context", "question", "choices", "label"},
    "tagging": {"id", "tokens", "tags"},
    "qa": {"id", "context", "question", "answers"},
    "bitext": {"id", "source", "target"},
}


def _texts(ex: dict) -> list[str]:
    """Every generated string of an example except its id and XCOPA's literal 'cause'/'effect'."""
    out = []
    for key, value in ex.items():
        if key == "id" or (key == "question" and value in ("cause", "effect")):
            continue
        if isinstance(value, str):
            out.append(value)
        elif key == "tokens":
            out.append(" ".join(value))
        elif key == "choices":
            out += value
        elif isinstance(value, dict):
            out += value["text"]
    return out


def test_registry_is_well_formed():
    assert list(LANGUAGES) == ["en", "sva", "svb", "sov", "vso", "cyr", "grk"]
    tasks = synthetic_tasks()
    assert set(GENERATORS) == set(tasks)
    for name, spec in tasks.items():
        assert spec.format in FORMATS, name
        assert spec.role in ("target", "intermediate")
        assert spec.mirrors and spec.description and spec.metric and spec.category
        if spec.role == "target":
            assert generated_languages(spec) == tuple(LANGUAGES), name
        else:
            assert spec.languages == ("en",) and spec.splits == ("train", "dev"), name
        if spec.format in ("classification", "tagging"):
            assert spec.labels, name
    assert sum(s.role == "intermediate" for s in tasks.values()) == 9
    assert sum(s.role == "target" for s in tasks.values()) == 6


@pytest.mark.parametrize("task", list(synthetic_tasks()))
def test_every_claimed_split_and_language_generates_valid_examples(task):
    spec = synthetic_tasks()[task]
    for split in spec.splits:
        for lang in generated_languages(spec):
            exs = generate(task, split, lang, 12)
            assert len(exs) == 12
            assert [e["id"] for e in exs] == [f"{task}-{split}-{lang}-{i}" for i in range(12)]
            for e in exs:
                assert set(e) == KEYS[spec.format], (task, e)
                fmt = spec.format
                if fmt == "classification":
                    assert 0 <= e["label"] < len(spec.labels) and e["text"]
                elif fmt == "multiple_choice":
                    assert 0 <= e["label"] < len(e["choices"]) and len(set(e["choices"])) == len(e["choices"])
                elif fmt == "tagging":
                    assert len(e["tags"]) == len(e["tokens"]) > 0
                    assert set(e["tags"]) <= set(spec.labels), (task, lang, e)
                elif fmt == "qa":
                    text, start = e["answers"]["text"][0], e["answers"]["answer_start"][0]
                    assert text and e["context"][start : start + len(text)] == text, (lang, e)
                    assert e["question"].endswith("?")
                else:
                    assert e["source"] and e["target"]


def test_multiple_choice_sizes():
    assert all(len(e["choices"]) == 2 for e in generate("mini-xcopa", "test", "vso", 20))
    assert all(e["question"] in ("cause", "effect") for e in generate("mini-xcopa", "test", "grk", 20))
    assert all(len(e["choices"]) == 5 for e in generate("mini-csqa", "train", "en", 20))
    for task in ("mini-cosmosqa", "mini-hellaswag"):
        assert all(len(e["choices"]) == 4 for e in generate(task, "train", "en", 20))


def test_determinism_and_seeds():
    for task in ("mini-xnli", "mini-xquad", "mini-panx", "mini-qqp"):
        lang = "en"
        a = generate(task, "train", lang, 50, seed=0)
        assert a == generate(task, "train", lang, 50, seed=0)
        assert a != generate(task, "train", lang, 50, seed=1)
        assert a != generate(task, "dev", lang, 50, seed=0)
    assert generate("mini-mnli", "train", "en", 30) != generate("mini-xnli", "train", "en", 30)
    assert monolingual_corpus("sov", 200) == monolingual_corpus("sov", 200)
    assert monolingual_corpus("sov", 200) != monolingual_corpus("sov", 200, seed=1)


def test_splits_do_not_repeat_each_other():
    train = {e["text"] + "|" + e["text_pair"] for e in generate("mini-xnli", "train", "en", 300)}
    test = {e["text"] + "|" + e["text_pair"] for e in generate("mini-xnli", "test", "en", 300)}
    assert len(train & test) < 15


def test_test_sets_are_parallel_across_languages():
    en_nli = [e["label"] for e in generate("mini-xnli", "test", "en", 90)]
    en_copa = [(e["label"], e["question"]) for e in generate("mini-xcopa", "test", "en", 60)]
    en_qa = generate("mini-xquad", "test", "en", 60)
    en_ner = [Counter(t for t in e["tags"] if t != "O") for e in generate("mini-panx", "test", "en", 60)]
    en_tato = [e["target"] for e in generate("mini-tatoeba", "test", "en", 40)]
    for lang in LANGUAGES:
        assert [e["label"] for e in generate("mini-xnli", "test", lang, 90)] == en_nli
        assert [(e["label"], e["question"]) for e in generate("mini-xcopa", "test", lang, 60)] == en_copa
        assert [Counter(t for t in e["tags"] if t != "O") for e in generate("mini-panx", "test", lang, 60)] == en_ner
        tato = generate("mini-tatoeba", "test", lang, 40)
        assert [e["target"] for e in tato] == en_tato
        if lang != "en":
            assert all(e["source"] != e["target"] for e in tato)
        qa = generate("mini-xquad", "test", lang, 60)
        for a, b in zip(en_qa, qa):
            ans_en, ans = a["answers"]["text"][0], b["answers"]["text"][0]
            is_number = ans_en.isdigit()
            if LANGUAGES[lang].shares_names and not is_number:
                assert ans == ans_en
            elif not is_number:  # names transliterated
                assert ans == to_script(ans_en, LANGUAGES[lang].script)
            elif LANGUAGES[lang].shares_numbers:
                assert ans == ans_en
            else:
                assert not ans.isdigit()


def test_translate_train_is_parallel_but_dev_is_not():
    en = [e["label"] for e in generate("mini-xnli", "train", "en", 60)]
    assert [e["label"] for e in generate("mini-xnli", "train", "svb", 60)] == en
    # dev sets are drawn per language: the same names (shared by en and sva) answer different questions
    a = [e["answers"]["text"] for e in generate("mini-xquad", "dev", "en", 40)]
    b = [e["answers"]["text"] for e in generate("mini-xquad", "dev", "sva", 40)]
    assert a != b


@pytest.mark.parametrize(
    "task,k",
    [
        ("mini-xnli", 3),
        ("mini-anli", 3),
        ("mini-mnli", 3),
        ("mini-qqp", 2),
        ("mini-sst2", 2),
        ("mini-xcopa", 2),
        ("mini-csqa", 5),
        ("mini-cosmosqa", 4),
        ("mini-hellaswag", 4),
    ],
)
def test_labels_are_balanced(task, k):
    counts = Counter(e["label"] for e in generate(task, "train", "en", 600))
    assert len(counts) == k
    assert max(counts.values()) - min(counts.values()) <= 1


def test_scripts():
    for task in ("mini-xnli", "mini-xquad", "mini-udpos", "mini-xcopa", "mini-tatoeba"):
        for lang, script in (("cyr", CYRILLIC), ("grk", GREEK)):
            for e in generate(task, "test", lang, 30):
                texts = [e["source"]] if task == "mini-tatoeba" else _texts(e)
                for t in texts:
                    assert not LATIN.search(t), (lang, t)
                    assert script.search(t), (lang, t)
    for lang in ("en", "sva", "svb", "sov", "vso"):
        assert not CYRILLIC.search(" ".join(monolingual_corpus(lang, 50)))
        assert not GREEK.search(" ".join(monolingual_corpus(lang, 50)))
    for lang in ("cyr", "grk"):
        assert not LATIN.search(" ".join(monolingual_corpus(lang, 300)))


def test_numbers_and_names_are_shared_only_where_documented():
    world = get_world()
    ev = Event("P03", "eat", "bread", number=7, place="L10")
    for lang, L in LANGUAGES.items():
        toks = [t.text for t in realize(world, ev, lang)]
        assert ("7" in toks) == L.shares_numbers, lang
        assert (world.names["P03"][0] in toks) == L.shares_names, lang


def test_word_order_differs():
    world = get_world()
    ev = Event("P01", "eat", "bread")
    verb_pos = {}
    for lang in LANGUAGES:
        toks = realize(world, ev, lang)
        assert toks[-1].text == "."
        verb_pos[lang] = ([i for i, t in enumerate(toks) if t.upos == "VERB"][0], len(toks))
    assert verb_pos["en"][0] == 1 and verb_pos["sva"][0] == 1 and verb_pos["svb"][0] == 1
    assert verb_pos["sov"][0] == verb_pos["sov"][1] - 2 and verb_pos["cyr"][0] == verb_pos["cyr"][1] - 2
    assert verb_pos["vso"][0] == 0 and verb_pos["grk"][0] == 0
    # lexicons are disjoint across languages (apart from shared names and digits)
    en = set(say(world, ev, "en").split())
    for lang in ("sva", "svb", "sov", "vso"):
        assert set(say(world, ev, lang).split()) & en == {world.names["P01"][0], "."}


def test_realized_tags_are_consistent():
    world = get_world()
    rng = random.Random(0)
    for _ in range(200):
        ev = sample_event(world, rng, p_negated=0.3, p_companion=0.3)
        for lang in LANGUAGES:
            toks = realize(world, ev, lang)
            assert all(t.text and " " not in t.text and t.upos and t.ner and t.ccg for t in toks)
            ents = [t.ner for t in toks if t.ner != "O"]
            assert ents.count("B-PER") == 1 + (ev.companion is not None)
        if ev.obj:
            assert world.noun_category[ev.obj] in world.verb_objects[ev.verb]
    q = realize(world, Question("who", Event("P00", "eat", "bread")), "en")
    assert [t.text for t in q][0] == "who" and q[-1].text == "?"
    assert say(world, State("P00", "full", True), "en").split()[1:3] == ["was", "not"]
    assert say(world, Question("next"), "en") == "what happened next ?"


def test_unknown_names_raise_value_error():
    with pytest.raises(ValueError, match="mini-nope"):
        generate("mini-nope", "test", "en", 3)
    with pytest.raises(ValueError, match="zz"):
        generate("mini-xnli", "test", "zz", 3)
    with pytest.raises(ValueError, match="sva"):
        generate("mini-mnli", "train", "sva", 3)
    with pytest.raises(ValueError, match="mini-mnli"):
        generate("mini-mnli", "test", "en", 3)
    with pytest.raises(ValueError, match="validation"):
        generate("mini-xnli", "validation", "en", 3)
    with pytest.raises(ValueError, match="zz"):
        monolingual_corpus("zz", 3)
    assert generate("mini-xnli", "train", "grk", 0) == []


def test_monolingual_corpora_are_not_parallel():
    corpora = {lang: monolingual_corpus(lang, 1500) for lang in LANGUAGES}
    assert all(len(c) == 1500 for c in corpora.values())
    for a in LANGUAGES:
        for b in LANGUAGES:
            if a < b:
                assert not set(corpora[a]) & set(corpora[b]), (a, b)
    # same names in the same positions would betray translations: en and sva share name strings
    names = lambda s: [w for w in s.split() if w[:1].isupper()]
    same = sum(names(x) == names(y) and names(x) != [] for x, y in zip(corpora["en"], corpora["sva"]))
    assert same < 0.05 * 1500
    # the causal table is visible in the text: an event is often followed by its effect
    world = get_world()
    eat_effect = say(world, State("P00", world.verb_effect["eat"]), "en").split()[-2]
    eaten = [i for i, s in enumerate(corpora["en"][:-1]) if world.lexicon["en"]["eat"][0] in s]
    follows = sum(eat_effect in corpora["en"][i + 1] for i in eaten) / len(eaten)
    base_rate = sum(eat_effect in s for s in corpora["en"]) / len(corpora["en"])
    assert follows > 0.2 and follows > 5 * base_rate, (follows, base_rate)


def test_language_table_and_similarity():
    table = language_table()
    assert list(table.code) == list(LANGUAGES)
    assert {"word_order", "script", "morphology", "shares_names", "shares_numbers"} <= set(table.columns)
    sims = [similarity_to_english(l) for l in LANGUAGES]
    assert sims[0] == 1.0 and all(0 <= s <= 1 for s in sims)
    assert sims == sorted(sims, reverse=True) and len(set(sims)) == len(sims)


def test_generation_is_fast():
    start = time.time()
    for task in ("mini-xquad", "mini-cosmosqa", "mini-xnli"):
        generate(task, "train", "en", 2000)
    assert time.time() - start < 5


def test_mini_xnli_premises_are_affirmative_and_contradiction_is_negation():
    from xlib.synth.gen_classification import _nli_event, _nli_hypothesis
    from xlib.synth.gen_common import _present

    world, rng = get_world(), random.Random(0)
    seen = set()
    for i in range(600):
        premise, label = _nli_event(world, rng), i % 3
        hyp = _nli_hypothesis(world, rng, premise, label)
        if hyp is None:
            continue
        seen.add(label)
        assert not premise.negated
        assert hyp.negated == (label == 2)
        assert set(_present(hyp)) <= set(_present(premise))  # every class keeps a subset of the modifiers
        same_core = (hyp.subject, hyp.verb, hyp.obj) == (premise.subject, premise.verb, premise.obj)
        assert same_core == (label != 1)  # neutral changes the subject or the object; the others keep them
        if label == 0:
            assert len(_present(hyp)) < len(_present(premise))
    assert seen == {0, 1, 2}
    texts = generate("mini-xnli", "train", "en", 60)
    assert all("not" not in r["text"].split() for r in texts)
    assert all(("not" in r["text_pair"].split()) == (r["label"] == 2) for r in texts)
