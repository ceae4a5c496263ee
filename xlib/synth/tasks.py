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

from .languages import LANGUAGES
from .world import get_world
from .gen_choice import _gen_cosmosqa, _gen_csqa, _gen_hellaswag, _gen_xcopa
from .gen_classification import _gen_anli, _gen_qqp, _gen_sst2, _gen_xnli
from .gen_spans import _gen_qa, _gen_tatoeba, _tagging

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
    "mini-tatoeba": dict(_T, format="bitext", mirrors="Tatoeba", labels=[], splits=["dev", "test"],
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
