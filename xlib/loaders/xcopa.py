"""XCOPA (test/val per language), English COPA and Social IQa as multiple-choice examples.

XTREME-R trains XCOPA in two stages: Social IQa first, then English COPA (scripts/train_xcopa.sh).
Here ``train`` is English COPA by default; the data option ``xcopa_train: siqa+copa`` returns the
Social IQa training set followed by COPA as one training set (one stage, mixed: the sequential
two-stage schedule is not reproduced). The English dev set is COPA's validation set.
"""
from __future__ import annotations

from .common import DataFileError, check_label, hub_split, read_jsonl
from .sources import cap, locate, wants_local

HINT = ("put cambridgeltl/xcopa's data/<lang>/{val,test}.<lang>.jsonl under <data_dir>/xcopa/data/, "
        "SuperGLUE COPA's COPA/{train,val}.jsonl under <data_dir>/xcopa/COPA/ and (for siqa+copa) "
        "socialIQa_v1.4_trn.jsonl under <data_dir>/xcopa/")
COPA_KEYS = ("premise", "choice1", "choice2", "question", "label")


def copa_example(row: dict, ident: str, path="<hub>", where=None) -> dict:
    """Return the multiple-choice example of one COPA/XCOPA record (premise, cause/effect, two choices)."""
    check_label(row["question"], ("cause", "effect"), path, where, "question")
    check_label(int(row["label"]), (0, 1), path, where)
    return {"id": ident, "context": row["premise"], "question": row["question"],
            "choices": [row["choice1"], row["choice2"]], "label": int(row["label"])}


def _copa_file(spec, path, prefix) -> list[dict]:
    return [copa_example(r, f"{prefix}-{r.get('idx', i)}", path, i + 1)
            for i, r in enumerate(read_jsonl(path, required=COPA_KEYS))]


def _siqa(spec, local, data_files) -> list[dict]:
    if local is None:
        rows = hub_split("allenai/social_i_qa", None, "train", spec.name, HINT)
        return [{"id": f"siqa-{i}", "context": r["context"], "question": r["question"],
                 "choices": [r["answerA"], r["answerB"], r["answerC"]], "label": int(r["label"]) - 1}
                for i, r in enumerate(rows)]
    path = locate(spec.name, "siqa", local, data_files, ["socialIQa_v1.4_trn.jsonl", "siqa/socialIQa_v1.4_trn.jsonl"])
    out = []
    for i, r in enumerate(read_jsonl(path, required=("context", "question", "answerA", "answerB", "answerC",
                                                       "correct"))):
        check_label(r["correct"], ("A", "B", "C"), path, i + 1, "correct answer")
        out.append({"id": f"siqa-{i}", "context": r["context"], "question": r["question"],
                    "choices": [r["answerA"], r["answerB"], r["answerC"]], "label": "ABC".index(r["correct"])})
    return out


def load_xcopa(spec, split, language, data_dir=None, data_files=None, sizes=None, xcopa_train="copa",
               **_ignored) -> list[dict]:
    """Return XCOPA ``split`` in ``language`` (train/dev: English COPA, optionally after Social IQa)."""
    if split not in ("train", "dev", "test"):
        raise ValueError(f"task {spec.name!r}: unknown split {split!r}; expected train, dev or test")
    if xcopa_train not in ("copa", "siqa+copa"):
        raise ValueError(f"task {spec.name!r}: xcopa_train must be 'copa' or 'siqa+copa', got {xcopa_train!r}")
    local = wants_local(spec.name, data_dir, data_files)
    if split in ("train", "dev") and language == "en":
        copa_split = {"train": "train", "dev": "val"}[split]
        if local is None:
            rows = hub_split("aps/super_glue", "copa", {"train": "train", "dev": "validation"}[split], spec.name, HINT)
            out = [copa_example(r, f"copa-{split}-{r.get('idx', i)}") for i, r in enumerate(rows)]
        else:
            path = locate(spec.name, f"copa_{copa_split}", local, data_files,
                          [f"COPA/{copa_split}.jsonl", f"{copa_split}-en.jsonl", f"{copa_split}.jsonl"])
            out = _copa_file(spec, path, f"copa-{split}")
        if split == "train" and xcopa_train == "siqa+copa":
            out = _siqa(spec, local, data_files) + out
        return cap(out, split, sizes)
    xsplit = {"dev": "val", "test": "test", "train": None}[split]
    if xsplit is None:
        raise ValueError(f"task {spec.name!r} trains on English COPA only; got split 'train' in {language!r}")
    if local is None:
        rows = hub_split("cambridgeltl/xcopa", language, {"val": "validation", "test": "test"}[xsplit], spec.name, HINT)
        out = [copa_example(r, f"{language}-{split}-{r.get('idx', i)}") for i, r in enumerate(rows)]
    else:
        path = locate(spec.name, xsplit, local, data_files,
                      [f"data/{language}/{xsplit}.{language}.jsonl", f"{language}/{xsplit}.{language}.jsonl",
                       f"{xsplit}.{language}.jsonl"], language)
        out = _copa_file(spec, path, f"{language}-{split}")
        if not out:
            raise DataFileError(path, None, "at least one XCOPA record", "none")
    return cap(out, split, sizes)
