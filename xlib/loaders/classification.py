"""XNLI (MultiNLI for English training) and PAWS-X: sentence-pair classification from TSV or the hub."""

from __future__ import annotations

from .common import DataFileError, check_label, read_tsv
from .hub import hub_split
from .sources import cap, locate, wants_local

NLI_LABELS = ("entailment", "neutral", "contradiction")
PAWSX_LABELS = ("different", "paraphrase")
_HUB_SPLIT = {"train": "train", "dev": "validation", "test": "test"}


def _split_check(task, split):
    if split not in _HUB_SPLIT:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected train, dev or test")


# ------------------------------------------------------------------------------------------------ XNLI
XNLI_HINT = (
    "put XNLI-1.0/xnli.{dev,test}.tsv and XNLI-MT-1.0/multinli/multinli.train.en.tsv "
    "(from the XNLI release, dl.fbaipublicfiles.com/XNLI) under <data_dir>/xnli/"
)


def load_xnli(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return XNLI ``split`` in ``language`` (train = English MultiNLI) as classification examples."""
    _split_check(spec.name, split)
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if split == "train":  # MultiNLI (GLUE copy; labels 0 entailment, 1 neutral, 2 contradiction)
            rows = hub_split("nyu-mll/glue", "mnli", "train", spec.name, XNLI_HINT)
            out = [
                {
                    "id": f"train-{r.get('idx', i)}",
                    "text": r["premise"],
                    "text_pair": r["hypothesis"],
                    "label": int(r["label"]),
                }
                for i, r in enumerate(rows)
                if int(r["label"]) >= 0
            ]
            return cap(out, split, sizes)
        rows = hub_split("google/xtreme", "XNLI", _HUB_SPLIT[split], spec.name, XNLI_HINT)
        out = []
        for i, r in enumerate(rows):  # one config for all 15 languages; gold_label is a string
            if r["language"] == language:
                check_label(r["gold_label"], NLI_LABELS, f"google/xtreme XNLI {split}", f"row {i}", "gold_label")
                out.append(
                    {
                        "id": f"{language}-{split}-{i}",
                        "text": r["sentence1"],
                        "text_pair": r["sentence2"],
                        "label": NLI_LABELS.index(r["gold_label"]),
                    }
                )
        return cap(out, split, sizes)
    if split == "train":
        path = locate(
            spec.name,
            "train",
            local,
            data_files,
            ["XNLI-MT-1.0/multinli/multinli.train.en.tsv", "multinli.train.en.tsv"],
        )
        out = []
        for row in read_tsv(path, columns=["premise", "hypo", "label"], header=True):
            label = "contradiction" if row["label"] == "contradictory" else row["label"]
            check_label(label, NLI_LABELS, path, row["_line"])
            out.append(
                {
                    "id": f"train-{row['_line']}",
                    "text": row["premise"],
                    "text_pair": row["hypo"],
                    "label": NLI_LABELS.index(label),
                }
            )
        return cap(out, split, sizes)
    name = {"dev": "xnli.dev.tsv", "test": "xnli.test.tsv"}[split]
    path = locate(spec.name, split, local, data_files, [f"XNLI-1.0/{name}", name])
    out = []
    for row in read_tsv(path, columns=["language", "gold_label", "sentence1", "sentence2"], header=True):
        if row["language"] != language:
            continue
        check_label(row["gold_label"], NLI_LABELS, path, row["_line"], "gold_label")
        out.append(
            {
                "id": f"{language}-{split}-{row['_line']}",
                "text": row["sentence1"],
                "text_pair": row["sentence2"],
                "label": NLI_LABELS.index(row["gold_label"]),
            }
        )
    if not out:
        raise DataFileError(path, None, f"rows whose language column is {language!r}", "none")
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ PAWS-X
PAWSX_HINT = (
    "unpack x-final.tar.gz of the PAWS-X release (github.com/google-research-datasets/paws, "
    "x-final/<lang>/{dev_2k,test_2k}.tsv, x-final/en/train.tsv) under <data_dir>/pawsx/"
)


def load_pawsx(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return PAWS-X ``split`` in ``language`` (train = English PAWS) as classification examples."""
    _split_check(spec.name, split)
    lang = "en" if split == "train" else language
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        rows = hub_split("google/xtreme", f"PAWS-X.{lang}", _HUB_SPLIT[split], spec.name, PAWSX_HINT)
        out = [
            {
                "id": f"{lang}-{split}-{r.get('id', i)}",
                "text": r["sentence1"],
                "text_pair": r["sentence2"],
                "label": int(r["label"]),
            }
            for i, r in enumerate(rows)
        ]
        return cap(out, split, sizes)
    name = {"train": "train.tsv", "dev": "dev_2k.tsv", "test": "test_2k.tsv"}[split]
    path = locate(spec.name, split, local, data_files, [f"x-final/{lang}/{name}", f"{lang}/{name}"], lang)
    out = []
    for row in read_tsv(path, columns=["id", "sentence1", "sentence2", "label"], header=True):
        check_label(row["label"], ("0", "1"), path, row["_line"])
        out.append(
            {
                "id": f"{lang}-{split}-{row['id']}",
                "text": row["sentence1"],
                "text_pair": row["sentence2"],
                "label": int(row["label"]),
            }
        )
    return cap(out, split, sizes)
