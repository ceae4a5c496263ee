"""The embedded miniature's tasks (``mini-*``), declared like any other task.

Each mirrors a real XTREME-R target task or one of Phang et al.'s nine English intermediate tasks;
its examples come from its generator (``xlib.synth.generators``), built from meanings of the
synthetic world (``xlib.synth.languages``), in every language of the world for a target and in
English for an intermediate task.
"""

from __future__ import annotations

from ..synth.generators import examples
from ..synth.languages import LANGUAGES
from .spec import _REGISTRY, TaskSpec, english_intermediate, register

DEFAULT_SIZES = {"train": 2000, "dev": 200, "test": 300}

NLI_LABELS = ("entailment", "neutral", "contradiction")
UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "DET", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT", "VERB")
NER_TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
# every CCG-like supertag synthetic English can produce (the tag set of mini-ccg)
CCG_TAGS = (
    ".",
    ",",
    "N",
    "NP",
    "N/N",
    "NP/N",
    "S\\NP",
    "(S\\NP)/NP",
    "(S\\NP)/(S\\NP)",
    "(S\\NP)\\(S\\NP)",
    "((S\\NP)\\(S\\NP))/NP",
    "(S/S)/NP",
    "(S\\NP)/(S[adj]\\NP)",
    "S[adj]\\NP",
    "(S[adj]\\NP)/(S[adj]\\NP)",
    "S[wq]/(S\\NP)",
    "S[wq]/(S[q]/NP)",
    "S[wq]/S[q]",
    "(S[q]/(S\\NP))/NP",
    "(S[q]/(S[adj]\\NP))/NP",
    "(N/N)/(N/N)",
)


def load_synthetic(
    spec: TaskSpec, split: str, language: str, sizes: dict | None = None, data_seed: int = 0, **_ignored
) -> list[dict]:
    """Return generated examples of ``spec`` for ``split`` and ``language`` (sizes per split from params)."""
    n = {**DEFAULT_SIZES, **(sizes or {})}.get(split)
    if n is None:
        raise ValueError(f"task {spec.name!r}: unknown split {split!r}; expected train, dev or test")
    return examples(spec, split, language, int(n), seed=data_seed)


def synthetic_tasks() -> dict[str, TaskSpec]:
    """Return the registered synthetic tasks by name, in the order declared below."""
    return {name: spec for name, spec in _REGISTRY.items() if spec.loader is load_synthetic}


def _mini_target(name: str, **facts) -> TaskSpec:
    """Register the synthetic target ``name``: every language of the world, train/dev/test, then its own ``facts``."""
    facts = {"languages": tuple(LANGUAGES), "splits": ("train", "dev", "test"), **facts}
    return register(TaskSpec(name=name, role="target", eval_split="test", loader=load_synthetic, **facts))


def _mini_intermediate(name: str, **facts) -> TaskSpec:
    """Register the synthetic English intermediate task ``name``: English, train/dev, then its own ``facts``."""
    return register(english_intermediate(name, load_synthetic, **facts))


# ---- targets (XTREME-R formats), all seven languages ---------------------------------------------------
_mini_target(
    "mini-xnli",
    format="classification",
    metric="accuracy",
    category="classification",
    labels=NLI_LABELS,
    mirrors="XNLI",
    description="Affirmative premise events: entailment drops modifiers; contradiction negates "
    "(dropping modifiers the same way); neutral changes the subject or the object within its category.",
)
_mini_target(
    "mini-xcopa",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    mirrors="XCOPA",
    description="Premise plus 'cause' or 'effect'; pick the one of two sentences that follows the "
    "causal table (verb -> state of the subject).",
)
_mini_target(
    "mini-udpos",
    format="tagging",
    metric="f1",
    category="structured",
    labels=UPOS_TAGS,
    mirrors="UDPOS",
    description="Universal POS tags on events, state sentences and questions.",
)
_mini_target(
    "mini-panx",
    format="tagging",
    metric="f1",
    category="structured",
    labels=NER_TAGS,
    mirrors="WikiANN (PAN-X)",
    description="BIO named entities: persons, one- and two-token places, two-token organisations.",
)
_mini_target(
    "mini-xquad",
    format="qa",
    metric="em_f1",
    category="qa",
    mirrors="XQuAD",
    description="2-4 event sentences; who / where / how many question; the answer is a span "
    "(name, place or number) of the context.",
)
# bitext search is scored X -> en: English is no test language (it is generated, as every pair's target side)
_mini_target(
    "mini-tatoeba",
    format="bitext",
    metric="accuracy",
    category="retrieval",
    trains=False,
    languages=tuple(lang for lang in LANGUAGES if lang != "en"),
    splits=("dev", "test"),
    mirrors="Tatoeba",
    description="Sentence in the language and its English realisation of the same meaning "
    "(for en the source is the target itself).",
)

# ---- English intermediate tasks (Phang et al. 2020) ----------------------------------------------------
_mini_intermediate(
    "mini-anli",
    format="classification",
    metric="accuracy",
    category="classification",
    labels=NLI_LABELS,
    mirrors="ANLI",
    description="Harder NLI: two-event premise; the hypothesis is about either event, or is a state "
    "that the causal table entails, contradicts or leaves open.",
)
_mini_intermediate(
    "mini-mnli",
    format="classification",
    metric="accuracy",
    category="classification",
    labels=NLI_LABELS,
    mirrors="MNLI",
    description="The mini-xnli generator on its own English seed stream.",
)
_mini_intermediate(
    "mini-qqp",
    format="classification",
    metric="accuracy",
    category="classification",
    labels=("not_duplicate", "duplicate"),
    mirrors="QQP",
    description="Pairs of statements or questions: duplicates realise one meaning with other surface "
    "forms (synonyms, fronted place); non-duplicates change one slot.",
)
_mini_intermediate(
    "mini-sst2",
    format="classification",
    metric="accuracy",
    category="classification",
    labels=("negative", "positive"),
    mirrors="SST-2",
    description="Sentiment from adjective polarity; negation flips it.",
)
_mini_intermediate(
    "mini-csqa",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    mirrors="CommonsenseQA",
    description="'what did X <verb> ?' with five nouns: one of the categories the verb takes "
    "(what things are for), four it never takes.",
)
_mini_intermediate(
    "mini-cosmosqa",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    mirrors="Cosmos QA",
    description="Two events, then 'why was X <state> ?' (4 event answers) or 'what happened next ?' (4 state answers).",
)
_mini_intermediate(
    "mini-hellaswag",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    mirrors="HellaSwag",
    description="An event (sometimes after another one); pick the continuation that is its "
    "effect among four state sentences.",
)
_mini_intermediate(
    "mini-squad",
    format="qa",
    metric="em_f1",
    category="qa",
    mirrors="SQuAD",
    description="The mini-xquad generator on its own English seed stream.",
)
_mini_intermediate(
    "mini-ccg",
    format="tagging",
    metric="f1",
    category="structured",
    labels=CCG_TAGS,
    mirrors="CCGbank supertagging",
    description="CCG-like supertags of English events, state sentences and questions.",
)
