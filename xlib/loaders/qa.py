"""SQuAD v1.1 (English training), XQuAD, MLQA and TyDiQA-GoldP as extractive-QA examples."""

from __future__ import annotations

from .common import DataFileError, DataUnavailableError, read_squad_json
from .hub import hub_split
from .sources import cap, locate, named_file, task_dir, wants_local

SQUAD_HINT = "put SQuAD v1.1's train-v1.1.json and dev-v1.1.json under <data_dir>/squad/"
XQUAD_HINT = "put deepmind/xquad's xquad.<lang>.json (all 12, ro included) under <data_dir>/xquad/"
MLQA_HINT = (
    "unpack MLQA_V1.zip (github.com/facebookresearch/MLQA) under <data_dir>/mlqa/ "
    "(MLQA_V1/{dev,test}/{dev,test}-context-<lang>-question-<lang>.json)"
)
TYDI_HINT = (
    "put tydiqa-goldp-v1.1-train.json and tydiqa-goldp-v1.1-dev.json "
    "(github.com/google-research-datasets/tydiqa, GoldP task) under <data_dir>/tydiqa/"
)
TYDI_LANGUAGES = {
    "ar": "arabic",
    "bn": "bengali",
    "en": "english",
    "fi": "finnish",
    "id": "indonesian",
    "ko": "korean",
    "ru": "russian",
    "sw": "swahili",
    "te": "telugu",
}


def squad_rows(rows) -> list[dict]:
    """Return QA examples from SQuAD-format rows (id, context, question, answers {text, answer_start})."""
    return [
        {
            "id": str(r["id"]),
            "context": r["context"],
            "question": r["question"],
            "answers": {
                "text": list(r["answers"]["text"]),
                "answer_start": [int(s) for s in r["answers"]["answer_start"]],
            },
        }
        for r in rows
    ]


def load_squad(task: str, split: str, data_dir=None, data_files=None) -> list[dict]:
    """Return SQuAD v1.1 train (``split="train"``) or dev examples: ``data_files[task]["squad_<split>"]``,
    ``<data_dir>/squad/``, or the hub."""
    given = named_file(task, f"squad_{split}", data_files)
    if given is not None:
        return read_squad_json(given)
    local = task_dir("squad", data_dir)
    if local is None:
        return squad_rows(
            hub_split("rajpurkar/squad", None, {"train": "train", "dev": "validation"}[split], task, SQUAD_HINT)
        )
    name = {"train": "train-v1.1.json", "dev": "dev-v1.1.json"}[split]
    return read_squad_json(locate("squad", split, local, None, [name]))


def _check_split(task, split, splits=("train", "dev", "test")):
    if split not in splits:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected {', '.join(splits)}")


def load_xquad(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return XQuAD in ``language`` for ``test`` (its only split); train/dev are English SQuAD v1.1."""
    _check_split(spec.name, split)
    if split in ("train", "dev"):
        return cap(load_squad(spec.name, split, data_dir, data_files), split, sizes)
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if language == "ro":  # XTREME-R's addition: not in google/xtreme
            rows = hub_split("google/xquad", "xquad.ro", "validation", spec.name, XQUAD_HINT)
        else:
            rows = hub_split("google/xtreme", f"XQuAD.{language}", "validation", spec.name, XQUAD_HINT)
        out = squad_rows(rows)
    else:
        out = read_squad_json(locate(spec.name, "test", local, data_files, [f"xquad.{language}.json"], language))
    return cap(out, split, sizes)


def load_mlqa(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return MLQA ``test`` (or its dev set, ``validation``) with context and question both in ``language``;
    train/dev are English SQuAD v1.1 (the training task's)."""
    _check_split(spec.name, split, ("train", "dev", "test", "validation"))
    if split in ("train", "dev"):
        return cap(load_squad(spec.name, split, data_dir, data_files), split, sizes)
    part = {"test": "test", "validation": "dev"}[split]
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        out = squad_rows(
            hub_split(
                "google/xtreme",
                f"MLQA.{language}.{language}",
                {"test": "test", "dev": "validation"}[part],
                spec.name,
                MLQA_HINT,
            )
        )
    else:
        name = f"{part}-context-{language}-question-{language}.json"
        out = read_squad_json(
            locate(spec.name, split, local, data_files, [f"MLQA_V1/{part}/{name}", f"{part}/{name}", name], language)
        )
    return cap(out, split, sizes)


def load_tydiqa(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return TyDiQA-GoldP in ``language``: ``train`` = English GoldP train, ``dev``/``test`` = the GoldP dev set.

    There is no public GoldP test set: XTREME(-R) scores the dev set as test. Languages are told apart
    by the id prefix (``arabic-...``, ``english-...``), as in the official preprocessing.
    """
    _check_split(spec.name, split)
    lang = "en" if split == "train" else language
    if lang not in TYDI_LANGUAGES:
        raise ValueError(f"task {spec.name!r} has no language {lang!r}; expected one of {', '.join(TYDI_LANGUAGES)}")
    prefix = TYDI_LANGUAGES[lang] + "-"
    local = wants_local(spec.name, data_dir, data_files)
    source = "train" if split == "train" else "dev"
    if local is None:
        rows = hub_split(
            "google/xtreme", "tydiqa", {"train": "train", "dev": "validation"}[source], spec.name, TYDI_HINT
        )
        out = [e for e in squad_rows(rows) if e["id"].startswith(prefix)]
    else:
        path = locate(
            spec.name,
            source,
            local,
            data_files,
            [f"tydiqa-goldp-v1.1-{source}.json", f"tydiqa-goldp-v1.1-{source}/tydiqa-goldp-v1.1-{source}.json"],
        )
        out = [e for e in read_squad_json(path) if e["id"].startswith(prefix)]
        if not out:
            raise DataFileError(path, None, f"questions whose id starts with {prefix!r} ({lang})", "none")
    if not out:
        raise DataUnavailableError(f"task {spec.name!r}: no {lang} questions in the {source} split")
    return cap(out, split, sizes)
