"""The nine English intermediate tasks of Phang et al. (2020), registered like every other task.

Each task loads from local files in its original release format when the params' ``data:`` block
points at them (``data_dir: {task: directory}`` or ``data_files: {task: {split: file}}``), and from
the Hugging Face hub otherwise. Splits are ``train`` and ``dev`` (the English dev set phase (ii)
reports); sources, sizes and versions: ``docs/intermediate.md``.
"""

from __future__ import annotations

from .spec import TaskSpec, english_intermediate, register
from ..loaders import ccgbank
from ..loaders import intermediate as L
from ..loaders import intermediate_hub as H
from ..loaders.common import DataUnavailableError
from ..loaders.hub import hub_split
from ..loaders.qa import squad_rows
from ..loaders.sources import cap, task_dir

GLUE = "nyu-mll/glue"
PARQUET = "refs/convert/parquet"  # the hub's parquet export of script-based datasets (datasets >= 4 runs no scripts)

# task -> split -> (reader of one local file, release file names tried in order under data_dir/<task>)
LOCAL = {
    "mnli": {"train": (L.read_glue_mnli, ["train.tsv"]), "dev": (L.read_glue_mnli, ["dev_matched.tsv"])},
    "qqp": {"train": (L.read_glue_qqp, ["train.tsv"]), "dev": (L.read_glue_qqp, ["dev.tsv"])},
    "sst2": {"train": (L.read_glue_sst2, ["train.tsv"]), "dev": (L.read_glue_sst2, ["dev.tsv"])},
    "snli": {
        "train": (L.read_snli_jsonl, ["snli_1.0_train.jsonl"]),
        "dev": (L.read_snli_jsonl, ["snli_1.0_dev.jsonl"]),
    },
    "commonsenseqa": {
        "train": (L.read_commonsenseqa_jsonl, ["train_rand_split.jsonl"]),
        "dev": (L.read_commonsenseqa_jsonl, ["dev_rand_split.jsonl"]),
    },
    "cosmosqa": {
        "train": (L.read_cosmosqa, ["train.csv", "train.jsonl"]),
        "dev": (L.read_cosmosqa, ["valid.csv", "valid.jsonl", "dev.csv", "dev.jsonl"]),
    },
    "hellaswag": {
        "train": (L.read_hellaswag_jsonl, ["hellaswag_train.jsonl"]),
        "dev": (L.read_hellaswag_jsonl, ["hellaswag_val.jsonl"]),
    },
    "squad": {"train": (L.read_squad_json, ["train-v1.1.json"]), "dev": (L.read_squad_json, ["dev-v1.1.json"])},
}
for _r in ("R1", "R2", "R3"):
    LOCAL[f"anli-{_r.lower()}"] = {
        "train": (L.read_anli_jsonl, [f"{_r}/train.jsonl"]),
        "dev": (L.read_anli_jsonl, [f"{_r}/dev.jsonl"]),
    }

# task -> (hub id, config, {split: hub split}, rows -> canonical examples, extra load_dataset kwargs)
HUB = {
    "mnli": (GLUE, "mnli", {"train": "train", "dev": "validation_matched"}, H.nli_rows, {}),
    "qqp": (
        GLUE,
        "qqp",
        {"train": "train", "dev": "validation"},
        lambda rows: H.pair_rows(rows, "question1", "question2", 2, "nyu-mll/glue qqp"),
        {},
    ),
    "sst2": (
        GLUE,
        "sst2",
        {"train": "train", "dev": "validation"},
        lambda rows: H.pair_rows(rows, "sentence", None, 2, "nyu-mll/glue sst2"),
        {},
    ),
    "snli": ("stanfordnlp/snli", "plain_text", {"train": "train", "dev": "validation"}, H.nli_rows, {}),
    "commonsenseqa": ("tau/commonsense_qa", None, {"train": "train", "dev": "validation"}, H.commonsenseqa_rows, {}),
    "cosmosqa": (
        "allenai/cosmos_qa",
        None,
        {"train": "train", "dev": "validation"},
        H.cosmosqa_rows,
        {"revision": PARQUET},
    ),
    "hellaswag": (
        "Rowan/hellaswag",
        None,
        {"train": "train", "dev": "validation"},
        H.hellaswag_rows,
        {"revision": PARQUET},
    ),
    "squad": ("rajpurkar/squad", "plain_text", {"train": "train", "dev": "validation"}, squad_rows, {}),
}
for _r in ("r1", "r2", "r3"):
    HUB[f"anli-{_r}"] = ("facebook/anli", "plain_text", {"train": f"train_{_r}", "dev": f"dev_{_r}"}, H.nli_rows, {})

HINTS = {
    "mnli": "put GLUE's MNLI directory (train.tsv, dev_matched.tsv) in <data_dir>/mnli/",
    "qqp": "put GLUE's QQP directory (train.tsv, dev.tsv) in <data_dir>/qqp/",
    "sst2": "put GLUE's SST-2 directory (train.tsv, dev.tsv) in <data_dir>/sst2/",
    "snli": "put snli_1.0/ (snli_1.0_train.jsonl, snli_1.0_dev.jsonl) in <data_dir>/snli/",
    "anli": "put anli_v1.0/ (R1/ R2/ R3/ with train.jsonl, dev.jsonl) in <data_dir>/anli/",
    "commonsenseqa": "put train_rand_split.jsonl and dev_rand_split.jsonl in a directory in <data_dir>/commonsenseqa/",
    "cosmosqa": "put the Cosmos QA release (train.csv, valid.csv) in <data_dir>/cosmosqa/",
    "hellaswag": "put hellaswag_train.jsonl and hellaswag_val.jsonl in a directory in <data_dir>/hellaswag/",
    "squad": "put train-v1.1.json and dev-v1.1.json in a directory in <data_dir>/squad/",
}

# ANLI as Phang et al. train it (jiant's "full ANLI"): ANLI R1-R3 + MNLI + SNLI through one NLI head
ANLI_COMPONENTS = ("anli-r1", "anli-r2", "anli-r3", "mnli", "snli")


def load_part(part: str, split: str, options: dict) -> list[dict]:
    """Return the examples of one data source (a task or an ANLI component) for ``split``, local files first."""
    reader, names = LOCAL[part][split]
    key = "anli" if part.startswith("anli-") else part  # the three rounds share one release directory
    path = L.local_file(part if _named(part, split, options) else key, split, options, {split: names})
    if path is not None:
        return reader(path)
    hub_id, config, splits, convert, kwargs = HUB[part]
    kwargs = {
        **kwargs,
        **(
            {"revision": options["hub_revision"][part]}
            if isinstance(options.get("hub_revision"), dict) and part in options["hub_revision"]
            else {}
        ),
    }
    hint = HINTS.get(key, "")
    return convert(hub_split(hub_id, config, splits[split], key, hint=hint, **kwargs))


def _named(part: str, split: str, options: dict) -> bool:
    """Return True when ``data_files`` names this source's file directly (e.g. ``data_files.anli-r1.train``)."""
    files = options.get("data_files") or {}
    return isinstance(files, dict) and bool((files.get(part) or {}).get(split))


def load_intermediate(spec: TaskSpec, split: str, language: str, **options) -> list[dict]:
    """Return the English examples of intermediate task ``spec`` for ``split`` (local original files or the hub)."""
    if split not in ("train", "dev"):
        raise ValueError(f"task {spec.name!r}: unknown split {split!r}; expected train or dev")
    if spec.name == "ccg":
        root = task_dir("ccg", options.get("data_dir"))
        files = (options.get("data_files") or {}).get("ccg") or {}
        if files.get(split):
            return cap(ccgbank.read_ccg_auto(files[split]), split, options.get("sizes"))
        if root is None:
            raise DataUnavailableError(
                "task 'ccg': CCGbank (LDC2005T13) is licensed by the LDC and not on the Hugging Face hub; "
                "set data_dir.ccg to the CCGbank directory (data/AUTO/<section>/wsj_*.auto: sections 02-21 "
                "train, 00 dev, 23 test)"
            )
        return cap(ccgbank.read_ccg_split(root, split), split, options.get("sizes"))
    if spec.name == "anli":
        parts = options.get("anli_components") or ANLI_COMPONENTS
        unknown = [p for p in parts if p not in ANLI_COMPONENTS]
        if unknown:
            raise ValueError(
                f"anli_components: unknown source(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(ANLI_COMPONENTS)}"
            )
        return cap([ex for part in parts for ex in load_part(part, split, options)], split, options.get("sizes"))
    return cap(load_part(spec.name, split, options), split, options.get("sizes"))


INTERMEDIATE_TASKS: list[str] = []  # in the order declared below (Phang et al.'s nine)


def _intermediate(name: str, **facts) -> TaskSpec:
    """Register the English intermediate task ``name``: the facts every one shares, then its own ``facts``."""
    INTERMEDIATE_TASKS.append(name)
    return register(english_intermediate(name, load_intermediate, **facts))


# train_size: English training examples (docs/sources.md: jiant v1 task_metadata.json, commit 9325fa8c)
_intermediate(
    "anli",
    display_name="ANLI+",
    format="classification",
    metric="accuracy",
    labels=tuple(L.NLI_LABELS),
    category="classification",
    train_size=1_104_934,
    description="ANLI R1-R3 combined with MNLI and SNLI (jiant's 'full ANLI'), one 3-way NLI head; the "
    "sources are concatenated, so batches sample them in proportion to their sizes (anli_components "
    "picks a subset).",
)
_intermediate(
    "ccg",
    display_name="CCG",
    format="tagging",
    metric="accuracy",
    scoring="tokens",
    category="structured",
    train_size=38_015,
    description="CCGbank supertagging: one category per word, on the word's first sub-token; tag set = "
    "the categories of the training sections; per-token accuracy.",
)
_intermediate(
    "commonsenseqa",
    display_name="CommonsenseQA",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    train_size=9_741,
    description="CommonsenseQA v1.11 random split: question with 5 answer choices.",
)
_intermediate(
    "cosmosqa",
    display_name="Cosmos QA",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    train_size=25_262,
    description="Cosmos QA: context paragraph and question with 4 answers.",
)
_intermediate(
    "hellaswag",
    display_name="HellaSwag",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    train_size=39_905,
    description="HellaSwag: context (ctx_a) and 4 endings, each prefixed by ctx_b.",
)
_intermediate(
    "mnli",
    display_name="MNLI",
    format="classification",
    metric="accuracy",
    labels=tuple(L.NLI_LABELS),
    category="classification",
    train_size=392_702,
    description="GLUE MNLI: premise/hypothesis, 3 classes; dev = dev_matched.",
)
_intermediate(
    "qqp",
    display_name="QQP",
    format="classification",
    metric="accuracy",
    labels=("not_duplicate", "duplicate"),
    category="classification",
    train_size=363_846,
    description="GLUE QQP: are two Quora questions duplicates (accuracy; GLUE also reports F1).",
)
_intermediate(
    "squad",
    display_name="SQuAD",
    format="qa",
    metric="em_f1",
    category="qa",
    train_size=87_599,
    description="SQuAD v1.1 extractive QA: (EM + F1) / 2 with the official normalisation.",
)
_intermediate(
    "sst2",
    display_name="SST-2",
    format="classification",
    metric="accuracy",
    labels=("negative", "positive"),
    category="classification",
    train_size=67_349,
    description="GLUE SST-2: binary sentence sentiment.",
)
