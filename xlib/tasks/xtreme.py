"""The real target tasks: the ten of XTREME-R, plus PAWS-X and BUCC 2018 from the original XTREME.

Names are the task keys of google-research/xtreme's ``evaluate.py``; languages are its
``XTREME_R_TASK2LANGS`` lists (LAReQA: the 11 XQuAD-R languages; PAWS-X and BUCC: XTREME's lists).
Every loader reads the hub copy by default and the original release files when the params'
``data:`` block names them (``data_dir`` / ``data_files``; see ``xlib.loaders.sources`` and
``docs/tasks.md``). ``TRAIN_SOURCE`` says what each task trains on in phase (iii).
"""

from __future__ import annotations

import functools

from ..loaders import bitext, classification, qa, retrieval, tagging, xcopa
from ..loaders.common import DataFileError
from ..loaders.gold import refuse_stripped_gold, xtreme_test_file_note
from .spec import TaskSpec, register

LANGUAGES = {
    "xnli": "ar bg de el en es fr hi ru sw th tr ur vi zh",
    "xcopa": "et ht id it qu sw ta th tr vi zh",
    "udpos": "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh "
    "lt pl uk wo ro",
    "panx": "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo my "
    "zh kk tr et fi hu qu pl uk az lt pa gu ro",
    "xquad": "en es de el ru tr ar vi th zh hi ro",
    "mlqa": "en es de ar hi vi zh",
    "tydiqa": "en ar bn fi id ko ru sw te",
    "tatoeba": "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk tr "
    "et fi hu az lt pl uk ro",
    "lareqa": "ar de el en es hi ru th tr vi zh",
    "mewslix": "ar de en es fa ja pl ro ta tr uk",
    "pawsx": "de en es fr ja ko zh",
    "bucc2018": "de fr ru zh",
}
TRAIN_SOURCE = {
    "xnli": "MultiNLI train (English); dev: XNLI dev en",
    "xcopa": "Social IQa train, then English COPA train, continuing from the Social IQa model and its head "
    "(as XTREME-R; data option xcopa_train: copa, siqa+copa or siqa,copa); dev: COPA validation",
    "udpos": "English UD treebanks (all en_* of UD v2.5) train; dev: their dev",
    "panx": "English WikiANN train (Rahimi et al. splits); dev: English dev",
    "xquad": "SQuAD v1.1 train; dev: SQuAD v1.1 dev",
    "mlqa": "SQuAD v1.1 train; dev: SQuAD v1.1 dev",
    "tydiqa": "TyDiQA-GoldP English train; dev: GoldP English dev (the GoldP dev sets are the test sets)",
    "tatoeba": "none: scored from the encoder (XTREME-R uses a SQuAD-fine-tuned encoder: run it after a squad condition)",
    "lareqa": "SQuAD v1.1 train as (question, answer sentence + paragraph) pairs, dual encoder with in-batch "
    "negatives; dev: XQuAD-R English questions against the full pool",
    "mewslix": "English Wikipedia mention-entity pairs (wikipedia_pairs-train.jsonl), dual encoder with in-batch "
    "negatives; dev: WikiNews English dev mentions",
    "pawsx": "English PAWS train; dev: English dev",
    "bucc2018": "none: mined from the encoder",
}


# The official training recipes of the dual-encoder tasks for XLM-R Large (google-research/xtreme 838c13b):
# scripts/train_lareqa.sh and scripts/train_mewslix.sh run third_party/run_retrieval_{qa,el}.py with
# --warmup_steps 0 --weight_decay 0.0 and --per_gpu_train_batch_size 4 (LAReQA) / 8 (Mewsli-X) x
# --gradient_accumulation_steps 4. The loss (third_party/bert.py BertForRetrieval) takes its in-batch
# negatives from the batch one device sees, so batch_size is the per-device batch and grad_accum the
# accumulation; the effective batch is 16 (LAReQA) / 32 (Mewsli-X) on the one GPU the scripts use.
RECIPES = {
    "lareqa": {
        "learning_rate": 2e-5,
        "epochs": 3,
        "batch_size": 4,
        "grad_accum": 4,
        "warmup_ratio": 0.0,
        "weight_decay": 0.0,
        "max_length": 352,  # MAX_SEQ_LEN; questions cut at 96, answers + context at 256
        "extra": {"retrieval": {"query_length": 96, "candidate_length": 256}},
    },
    "mewslix": {
        "learning_rate": 1e-5,
        "epochs": 2,
        "batch_size": 8,
        "grad_accum": 4,
        "warmup_ratio": 0.0,
        "weight_decay": 0.0,
        "max_length": 64,
    },
}


# the split a params file's eval_split "validation" reads (jiant's "val" phase): XQuAD and Tatoeba have one
# split; MLQA's per-language dev sets are MLQA_V1/dev (its "dev" is SQuAD's, the training task's); else "dev"
VALIDATION_SPLIT = {"xquad": "test", "tatoeba": "test", "mlqa": "validation"}


def _naming_task(loader):
    """Return ``loader`` whose file errors start with the task's name (``task 'xnli': <file>, line 3: ...``)
    and which refuses an evaluation split whose gold labels were removed (:mod:`xlib.loaders.gold`)."""

    @functools.wraps(loader)
    def _load(spec, split, language, **options):
        try:
            return refuse_stripped_gold(spec, split, language, loader(spec, split, language, **options))
        except DataFileError as exc:
            if not str(exc).startswith("task "):
                exc.args = (
                    f"task {spec.name!r}, split {split!r}, language {language!r}: {exc}"
                    f"{xtreme_test_file_note(spec.name, exc.path)}",
                )
            raise

    return _load


def _target(name: str, description: str = "", **facts) -> TaskSpec:
    """Register the XTREME(-R) target ``name``: its languages, recipe and training source, then its own ``facts``."""
    return register(
        TaskSpec(
            name=name,
            role="target",
            languages=tuple(LANGUAGES[name].split()),
            description=f"{description} Trains on: {TRAIN_SOURCE[name]}.",
            loader=_naming_task(facts.pop("loader")),
            recipe=RECIPES.get(name, {}),
            validation_split=VALIDATION_SPLIT.get(name, "dev"),
            **facts,
        )
    )


# train_size: English training examples per epoch (XNLI trains on MNLI, XQuAD and MLQA on SQuAD v1.1; LAReQA: one
# (question, answer sentence) pair per SQuAD v1.1 question; XCOPA per stage: Social IQa train 33,410, SuperGLUE
# COPA train 400). UNVERIFIED: pawsx, udpos, panx and tydiqa are the XTREME paper's Table 1 sizes as recalled,
# not checked against a source here; they only scale the compute estimate (xlib.compute).
_target(
    "xnli",
    format="classification",
    metric="accuracy",
    category="classification",
    loader=classification.load_xnli,
    labels=tuple(classification.NLI_LABELS),
    mirrors="XNLI",
    train_size=392_702,
    description="Natural language inference, 15 languages (XNLI-1.0 test).",
)
_target(
    "xcopa",
    format="multiple_choice",
    metric="accuracy",
    category="classification",
    loader=xcopa.load_xcopa,
    train_stages=xcopa.train_stages,
    mirrors="XCOPA",
    train_size={"siqa": 33_410, "copa": 400, "siqa+copa": 33_810},
    description="Causal commonsense reasoning: premise, cause/effect, two choices (11 languages).",
)
_target(
    "udpos",
    format="tagging",
    metric="f1",
    category="structured",
    loader=tagging.load_udpos,
    labels=tuple(tagging.UPOS),
    mirrors="UD-POS",
    train_size=21_253,
    description="Universal POS tagging, UD v2.5 (v2.7 for lt, pl, uk, wo, ro), seqeval F1.",
)
_target(
    "panx",
    format="tagging",
    metric="f1",
    category="structured",
    loader=tagging.load_panx,
    labels=tuple(tagging.NER),
    mirrors="WikiANN-NER (PAN-X)",
    train_size=20_000,
    description="Named entities (PER, ORG, LOC; BIO), 48 languages, seqeval F1.",
)
_target(
    "xquad",
    format="qa",
    metric="em_f1",
    category="qa",
    loader=qa.load_xquad,
    mirrors="XQuAD",
    train_size=87_599,
    description="Extractive QA on translated SQuAD paragraphs, 12 languages, SQuAD v1.1 scoring.",
)
_target(
    "mlqa",
    format="qa",
    metric="em_f1",
    category="qa",
    loader=qa.load_mlqa,
    mirrors="MLQA",
    train_size=87_599,
    description="Extractive QA, context and question in the same language, MLQA scoring.",
)
_target(
    "tydiqa",
    format="qa",
    metric="em_f1",
    category="qa",
    loader=qa.load_tydiqa,
    mirrors="TyDiQA-GoldP",
    train_size=3_696,
    description="Extractive QA on the gold passage, 9 languages, SQuAD v1.1 scoring.",
)
_target(
    "tatoeba",
    format="bitext",
    metric="accuracy",
    category="retrieval",
    loader=bitext.load_tatoeba,
    trains=False,
    mirrors="Tatoeba",
    description="Bitext retrieval, 41 languages paired with English (LASER v1 test pairs).",
)
_target(
    "lareqa",
    format="ranking",
    metric="map@20",
    category="retrieval",
    loader=retrieval.load_lareqa,
    mirrors="LAReQA (XQuAD-R)",
    train_size=87_599,
    description="Language-agnostic answer retrieval: questions of each language ranked against the answer "
    "sentences of all 11 languages, mAP@20.",
)
_target(
    "mewslix",
    format="ranking",
    metric="map@20",
    category="retrieval",
    loader=retrieval.load_mewslix,
    mirrors="Mewsli-X",
    scoring="mewslix",
    description="Entity linking by retrieval: WikiNews mentions vs entity descriptions, MRR@20.",
)
_target(
    "pawsx",
    format="classification",
    metric="accuracy",
    category="classification",
    loader=classification.load_pawsx,
    labels=tuple(classification.PAWSX_LABELS),
    eval_split="dev",
    mirrors="PAWS-X (XTREME only)",
    train_size=49_401,
    description="Paraphrase identification, 7 languages; dev sets scored, as in Phang et al. (2020).",
)
_target(
    "bucc2018",
    format="mining",
    metric="f1",
    category="retrieval",
    loader=bitext.load_bucc,
    eval_split="dev",
    trains=False,
    mirrors="BUCC 2018 (XTREME only)",
    description="Parallel sentence mining, ratio margin k=4, F1 at the F1-optimal threshold on the gold pairs of "
    "the scored split.",
)
