"""XCOPA (test/val per language), English COPA and Social IQa as multiple-choice examples.

XTREME-R trains XCOPA in two stages (scripts/train_xcopa.sh): a multiple-choice model is trained
on Social IQa, then training continues from that model, head included, on English COPA. The data
option ``xcopa_train`` names the schedule: stages separated by ``,``, training sets mixed into one
stage by ``+``:

- ``siqa,copa`` (default, as XTREME-R): Social IQa, then COPA (:func:`train_stages`);
- ``copa``: COPA only; ``siqa+copa``: one stage on both sets mixed; ``siqa``: Social IQa only.

The loader itself reads one stage: ``train``/``dev`` in English are that stage's training set and
dev set (COPA's validation set, Social IQa's dev set for ``siqa``). As third_party/run_xcopa.py,
a COPA question is asked as ``What was the cause?`` / ``What was the effect?`` (English in every
language) after the premise, and a Social IQa question follows its context as it is.
"""

from __future__ import annotations

from .common import DataFileError, check_label, read_jsonl
from .hub import hub_split
from .sources import cap, locate, wants_local

HINT = (
    "put cambridgeltl/xcopa's data/<lang>/{val,test}.<lang>.jsonl under <data_dir>/xcopa/data/, "
    "SuperGLUE COPA's COPA/{train,val}.jsonl (dl.fbaipublicfiles.com/glue/superglue/data/v2/COPA.zip) under "
    "<data_dir>/xcopa/COPA/ and (for the Social IQa stage) socialIQa_v1.4_{trn,dev}.jsonl from "
    "maartensap.github.io/social-iqa/data/socialIQa_v1.4.tgz under <data_dir>/xcopa/ (XTREME's download/ "
    "folder works as data_dir as it is: xcopa/{train,val}-en.jsonl and xcopa/val-<lang>.jsonl as its "
    "download_data.sh names them today, or the older {train,val}.en.jsonl and val.<lang>.jsonl, "
    "siqa/socialIQa_v1.4_*.jsonl; its test-<lang>.jsonl have their labels removed)"
)
COPA_KEYS = ("premise", "choice1", "choice2", "question", "label")
SIQA_KEYS = ("context", "question", "answerA", "answerB", "answerC", "correct")
DEFAULT_SCHEDULE = "siqa,copa"
SETS = ("siqa", "copa")


def copa_example(row: dict, ident: str, path="<hub>", where=None) -> dict:
    """Return the multiple-choice example of one COPA/XCOPA record: premise, the run_xcopa.py question, two choices."""
    check_label(row["question"], ("cause", "effect"), path, where, "question")
    check_label(int(row["label"]), (0, 1), path, where)
    return {
        "id": ident,
        "context": row["premise"],
        "question": f"What was the {row['question']}?",
        "choices": [row["choice1"], row["choice2"]],
        "label": int(row["label"]),
    }


def parse_schedule(task: str, schedule) -> list[list[str]]:
    """Return the stages of an ``xcopa_train`` schedule, each the list of training sets it mixes."""
    stages = [[part.strip() for part in stage.split("+")] for stage in str(schedule).split(",")]
    if not all(stage and all(part in SETS for part in stage) for stage in stages):
        raise ValueError(
            f"task {task!r}: xcopa_train must name stages of {' and '.join(SETS)} separated by ',' "
            f"(mixed within a stage by '+'), e.g. 'siqa,copa' (XTREME-R), 'copa' or 'siqa+copa'; "
            f"got {schedule!r}"
        )
    return stages


def train_stages(spec, data: dict) -> list[tuple[str, dict]]:
    """Return ``(stage name, data options)`` per training stage of the ``xcopa_train`` schedule in ``data``."""
    stages = parse_schedule(spec.name, data.get("xcopa_train", DEFAULT_SCHEDULE))
    return [("+".join(stage), {**data, "xcopa_train": "+".join(stage)}) for stage in stages]


def _copa_file(spec, path, prefix) -> list[dict]:
    return [
        copa_example(r, f"{prefix}-{r.get('idx', i)}", path, i + 1)
        for i, r in enumerate(read_jsonl(path, required=COPA_KEYS))
    ]


def _siqa(spec, split, local, data_files) -> list[dict]:
    """Return Social IQa's ``train`` or ``dev`` set (release v1.4 files, ``correct`` A/B/C; hub labels 1-3)."""
    if local is None:
        rows = hub_split("allenai/social_i_qa", None, {"train": "train", "dev": "validation"}[split], spec.name, HINT)
        return [
            {
                "id": f"siqa-{split}-{i}",
                "context": r["context"],
                "question": r["question"],
                "choices": [r["answerA"], r["answerB"], r["answerC"]],
                "label": int(r["label"]) - 1,
            }
            for i, r in enumerate(rows)
        ]
    name = {"train": "trn", "dev": "dev"}[split]
    path = locate(
        spec.name,
        f"siqa_{split}",
        local,
        data_files,
        [f"socialIQa_v1.4_{name}.jsonl", f"siqa/socialIQa_v1.4_{name}.jsonl", f"../siqa/socialIQa_v1.4_{name}.jsonl"],
    )  # the last: XTREME's download/siqa/ beside xcopa/
    out = []
    for i, r in enumerate(read_jsonl(path, required=SIQA_KEYS)):
        check_label(r["correct"], ("A", "B", "C"), path, i + 1, "correct answer")
        out.append(
            {
                "id": f"siqa-{split}-{i}",
                "context": r["context"],
                "question": r["question"],
                "choices": [r["answerA"], r["answerB"], r["answerC"]],
                "label": "ABC".index(r["correct"]),
            }
        )
    return out


def _copa(spec, split, local, data_files) -> list[dict]:
    """Return English COPA's ``train`` or ``dev`` (validation) set."""
    copa_split = {"train": "train", "dev": "val"}[split]
    if local is None:
        rows = hub_split("aps/super_glue", "copa", {"train": "train", "dev": "validation"}[split], spec.name, HINT)
        return [copa_example(r, f"copa-{split}-{r.get('idx', i)}") for i, r in enumerate(rows)]
    path = locate(
        spec.name,
        f"copa_{copa_split}",
        local,
        data_files,
        [f"COPA/{copa_split}.jsonl", f"{copa_split}.en.jsonl", f"{copa_split}-en.jsonl", f"{copa_split}.jsonl"],
    )
    return _copa_file(spec, path, f"copa-{split}")


def load_xcopa(
    spec, split, language, data_dir=None, data_files=None, sizes=None, xcopa_train=DEFAULT_SCHEDULE, **_ignored
) -> list[dict]:
    """Return XCOPA ``split`` in ``language``; English train/dev: one stage of the ``xcopa_train`` schedule."""
    if split not in ("train", "dev", "test"):
        raise ValueError(f"task {spec.name!r}: unknown split {split!r}; expected train, dev or test")
    stages = parse_schedule(spec.name, xcopa_train)
    local = wants_local(spec.name, data_dir, data_files)
    if split in ("train", "dev") and language == "en":
        if len(stages) > 1:
            raise ValueError(
                f"task {spec.name!r}: xcopa_train {xcopa_train!r} has {len(stages)} stages, which "
                "pipeline.run_target trains in turn; load one stage at a time (e.g. xcopa_train='siqa')"
            )
        sets = stages[0]
        if split == "dev":  # a stage's dev set: COPA's when the stage trains on COPA, else Social IQa's
            sets = ["copa"] if "copa" in sets else sets
        out = []
        for name in sets:
            out += (_siqa if name == "siqa" else _copa)(spec, split, local, data_files)
        return cap(out, split, sizes)
    xsplit = {"dev": "val", "test": "test", "train": None}[split]
    if xsplit is None:
        raise ValueError(f"task {spec.name!r} trains on English COPA only; got split 'train' in {language!r}")
    if local is None:
        rows = hub_split("cambridgeltl/xcopa", language, {"val": "validation", "test": "test"}[xsplit], spec.name, HINT)
        out = [copa_example(r, f"{language}-{split}-{r.get('idx', i)}") for i, r in enumerate(rows)]
    else:
        path = locate(
            spec.name,
            xsplit,
            local,
            data_files,
            [
                f"data/{language}/{xsplit}.{language}.jsonl",
                f"{language}/{xsplit}.{language}.jsonl",
                f"{xsplit}-{language}.jsonl",
                f"{xsplit}.{language}.jsonl",
            ],
            language,
        )
        out = _copa_file(spec, path, f"{language}-{split}")
        if not out:
            raise DataFileError(path, None, "at least one XCOPA record", "none")
    return cap(out, split, sizes)
