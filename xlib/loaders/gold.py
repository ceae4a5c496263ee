"""Refuse evaluation data whose gold labels were stripped, instead of scoring predictions against blanks.

XTREME's ``scripts/download_data.sh`` runs ``utils_preprocess.py``, which removes the test labels
"to prevent accidental cheating" (google-research/xtreme, HEAD 838c13b): every XQuAD and MLQA test
answer becomes ``{"answer_start": 0, "text": ""}`` (``remove_qa_test_annotations``), every XCOPA
test label 0 (``xcopa_preprocess``), every Mewsli-X test ``entity_id`` empty (``mewslix_preprocess``);
XNLI, PAWS-X and PAN-X test files lose their label column and BUCC its test gold file. Files in
that state are read without complaint by a format reader, so :func:`refuse_stripped_gold` looks at
what a loader returns for an evaluation split and raises :class:`StrippedGoldError` when the gold
is gone: every answer empty (QA), every label the same over at least :data:`MIN_FOR_LABELS`
examples (classification, multiple choice), every tag the same over at least that many tokens
(tagging), every gold target empty (retrieval).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "StrippedGoldError",
    "refuse_stripped_gold",
    "stripped_gold",
    "xtreme_test_file_note",
    "MIN_FOR_LABELS",
    "ORIGINAL_RELEASE",
]

# fewer examples than this may share one label by chance (2 balanced classes: 2**-19 for 20 examples)
MIN_FOR_LABELS = 20
XTREME_SCRIPT = (
    "XTREME's download script (google-research/xtreme scripts/download_data.sh, through "
    "utils_preprocess.py) removes the test labels 'to prevent accidental cheating'"
)
# where each task's original release (with its gold) is
ORIGINAL_RELEASE = {
    "xquad": "github.com/deepmind/xquad (xquad.<lang>.json) under <data_dir>/xquad/",
    "mlqa": "dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip unpacked under <data_dir>/mlqa/ (MLQA_V1/test/...)",
    "tydiqa": "github.com/google-research-datasets/tydiqa (tydiqa-goldp-v1.1-dev.json) under <data_dir>/tydiqa/",
    "xcopa": "github.com/cambridgeltl/xcopa (data/<lang>/{val,test}.<lang>.jsonl) under <data_dir>/xcopa/data/",
    "xnli": "dl.fbaipublicfiles.com/XNLI/XNLI-1.0.zip (xnli.{dev,test}.tsv) under <data_dir>/xnli/",
    "pawsx": "storage.googleapis.com/paws/pawsx/x-final.tar.gz (x-final/<lang>/{dev_2k,test_2k}.tsv) under "
    "<data_dir>/pawsx/",
    "panx": "the WikiANN splits of Rahimi et al. (2019) (AmazonPhotos.zip as XTREME's README says, or the hub's "
    "unimelb-nlp/wikiann) under <data_dir>/panx/<lang>/{dev,test} or <data_dir>/panx/<lang>.tar.gz",
    "udpos": "the Universal Dependencies treebanks (v2.5; v2.7 for lt, pl, uk, wo, ro) from "
    "universaldependencies.org, the .conllu files under <data_dir>/udpos/",
    "mewslix": "wikinews_mentions-{dev,test}.jsonl as google-research/google-research "
    "dense_representations_for_entity_retrieval/mel/get-mewsli-x.sh builds them, under <data_dir>/mewslix/",
    "bucc2018": "comparable.limsi.fr/bucc2018 (bucc2018-<lang>-en.{sample,training}-gold.tar.bz2) under "
    "<data_dir>/bucc2018/",
}


class StrippedGoldError(ValueError):
    """An evaluation split whose gold labels were removed; the message says by what and where the original is."""


def _all_same(values: Sequence) -> bool:
    return len(values) >= MIN_FOR_LABELS and len(set(values)) == 1


def stripped_gold(fmt: str, examples: Sequence[dict]) -> str | None:
    """Return how the gold of ``examples`` (in format ``fmt``'s schema) is missing, or None when it is there."""
    if not examples:
        return None
    if fmt == "qa":
        answers = [text for e in examples for text in e["answers"]["text"]]
        if not any(text.strip() for text in answers):
            return f"every answer of the {len(examples)} questions is empty"
    elif fmt in ("classification", "multiple_choice"):
        labels = [e["label"] for e in examples]
        if _all_same(labels):
            return f"all {len(labels)} labels are {labels[0]!r}"
    elif fmt == "tagging":
        tags = [t for e in examples for t in e["tags"]]
        if _all_same(tags):
            return f"all {len(tags)} tags of the {len(examples)} sentences are {tags[0]!r}"
    elif fmt in ("ranking", "mining") and examples:
        targets = [t for e in examples for t in e["targets"]]
        if targets and not any(str(t).strip() for t in targets):
            return f"every gold target of the {len(examples)} queries is empty"
    return None


def xtreme_test_file_note(task: str, path) -> str:
    """Return a note for a file that failed to read when it is named as XTREME's preprocessed test files, else ''.

    XTREME's ``utils_preprocess.py`` writes ``test-<lang>.tsv`` without the label column (XNLI,
    PAWS-X) or the tag column (PAN-X, UD-POS), which the readers of the original formats reject.
    """
    if not re.fullmatch(r"test-[a-z]{2,3}\.(tsv|jsonl|json)", Path(str(path).split(":")[0]).name):
        return ""
    where = ORIGINAL_RELEASE.get(task, "the task's original release")
    return (
        f" ({Path(str(path)).name} is named as XTREME's preprocessed test files, whose labels its "
        f"download script removed; read the original release instead: {where})"
    )


def refuse_stripped_gold(spec, split: str, language: str, examples: Sequence[dict]):
    """Return ``examples``; raise StrippedGoldError when ``split`` is scored and its gold labels were removed."""
    if split == "train":
        return examples
    how = stripped_gold(spec.format, examples)
    if how is None:
        return examples
    where = ORIGINAL_RELEASE.get(spec.name, "the task's original release (docs/tasks.md lists it)")
    raise StrippedGoldError(
        f"task {spec.name!r}, split {split!r}, language {language!r}: the gold labels were removed ({how}), so "
        f"there is nothing to score against. {XTREME_SCRIPT}; point data_dir/data_files at the original release "
        f"instead: {where}."
    )
