"""UD-POS (CoNLL-U treebanks) and WikiANN / PAN-X NER (``lang:token<TAB>tag``) as tagging examples.

CoNLL-U files and XTREME's fusion of multi-word tokens are read by :mod:`xlib.loaders.conllu`.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from .common import DataFileError, DataUnavailableError, check_label, read_conll, split_lines
from .conllu import POS_PRECEDENCE, fuse_multiword_tokens, read_conllu
from .hub import hub_split
from .sources import cap, named_file, wants_local

UPOS = (
    "ADJ",
    "ADP",
    "ADV",
    "AUX",
    "CCONJ",
    "DET",
    "INTJ",
    "NOUN",
    "NUM",
    "PART",
    "PRON",
    "PROPN",
    "PUNCT",
    "SCONJ",
    "SYM",
    "VERB",
    "X",
)  # ClassLabel order of google/xtreme udpos.*
NER = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")  # ClassLabel order of wikiann / PAN-X
UD_NAMES = {  # google/xtreme config suffix per language (UD v2.5, the 33 XTREME languages)
    "af": "Afrikaans",
    "ar": "Arabic",
    "eu": "Basque",
    "bg": "Bulgarian",
    "nl": "Dutch",
    "en": "English",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "de": "German",
    "el": "Greek",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "kk": "Kazakh",
    "ko": "Korean",
    "zh": "Chinese",
    "mr": "Marathi",
    "fa": "Persian",
    "pt": "Portuguese",
    "ru": "Russian",
    "es": "Spanish",
    "tl": "Tagalog",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "tr": "Turkish",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "yo": "Yoruba",
}
PANX_NOT_IN_XTREME = ("qu", "pl", "uk", "az", "lt", "pa", "gu", "ro")  # not among google/xtreme's PAN-X configs
_HUB_SPLIT = {"train": "train", "dev": "validation", "test": "test"}
UD_HINT = (
    "put the UD_* treebank folders of Universal Dependencies v2.5 (v2.7 for lt, pl, uk, wo, ro; "
    "universaldependencies.org) under <data_dir>/udpos/; every <lang>_*-ud-<split>.conllu is read"
)
PANX_HINT = (
    "put the PAN-X release (AmazonPhotos.zip / panx_dataset: <lang>.tar.gz holding train, dev, test) "
    "under <data_dir>/panx/ as <lang>.tar.gz or <lang>/{train,dev,test}"
)


def _hub_examples(rows, language: str, split: str, field: str, labels) -> list[dict]:
    """Return tagging examples from hub rows whose ``field`` holds tag ids (or names) of ``labels``."""
    return [
        {"id": f"{language}-{split}-{i}", "tokens": list(r["tokens"]), "tags": _names(r[field], labels)}
        for i, r in enumerate(rows)
    ]


def _names(tags, labels) -> list[str]:
    """Return tag names: names decoded from the hub's ClassLabel as they are, integers through ``labels``."""
    return [labels[t] if isinstance(t, int) else str(t) for t in tags]


def _split_check(task, split):
    if split not in _HUB_SPLIT:
        raise ValueError(f"task {task!r}: unknown split {split!r}; expected train, dev or test")


def _checked(sentences, labels, path) -> list[dict]:
    for s in sentences:
        for offset, tag in enumerate(s["tags"]):
            check_label(tag, labels, path, s["line"] + offset, "tag")
    return [{"id": s["id"], "tokens": s["tokens"], "tags": s["tags"]} for s in sentences]


# ------------------------------------------------------------------------------------------------ UD-POS
UD_TOKENS = ("fused", "syntactic")  # values of the data option ud_tokens (fused: XTREME's preprocessing)


def _xtreme_kept(words: list[tuple[str, str, int]]) -> list[tuple[str, str, int]] | None:
    """Return the tokens as utils_preprocess.udpos_preprocess keeps them, or None for a dropped sentence.

    A sentence is kept when no token is ``_`` or fewer than ``len - 1`` are (so all-``_`` and
    all-but-one-``_`` sentences are dropped); FORMs are stripped, then U+200C and spaces removed.
    """
    forms = [form.strip() for form, _, _ in words]
    empty = sum(form == "_" for form in forms)
    if not (empty == 0 or empty < len(forms) - 1):
        return None
    return [
        ("".join(form.replace("\u200c", "").split(" ")), upos, number) for form, (_, upos, number) in zip(forms, words)
    ]


def check_ud_tokens(task: str, ud_tokens: str) -> str:
    """Return ``ud_tokens`` if it is one of UD_TOKENS, else raise a ValueError naming the task and the values."""
    if ud_tokens not in UD_TOKENS:
        raise ValueError(
            f"task {task!r}: data option ud_tokens must be one of {', '.join(UD_TOKENS)}, got {ud_tokens!r}"
        )
    return ud_tokens


def read_conllu_pos(path, ud_tokens: str = "fused", language: str | None = None) -> list[dict]:
    """Return one ``{"id", "tokens", "tags"}`` per sentence of a CoNLL-U file, as XTREME preprocesses it.

    ``ud_tokens="fused"`` (default) reproduces XTREME's conversion (``fuse_multiword_tokens``,
    with the UPOS ranking of ``language``, default: the file name's prefix before ``_``, as
    download_data.sh passes ``--lang``), on which the published UD-POS scores are computed;
    ``"syntactic"`` keeps the syntactic words and skips multi-word token lines. Both then apply
    utils_preprocess.udpos_preprocess (``_xtreme_kept``). Empty nodes are skipped.
    """
    check_ud_tokens("udpos", ud_tokens)
    language = language or Path(str(path)).name.split("_", 1)[0]
    precedence = POS_PRECEDENCE.get(language, POS_PRECEDENCE["default"])
    out = []
    for sentence in read_conllu(path):
        words = (
            fuse_multiword_tokens(sentence, precedence)
            if ud_tokens == "fused"
            else [sentence.words[w] for w in sorted(sentence.words)]
        )
        kept = _xtreme_kept(words)
        if kept is None:
            continue
        for _, upos, number in kept:
            check_label(upos, UPOS, path, number, "tag")
        out.append(
            {
                "id": f"{Path(str(path)).name}:{sentence.line}",
                "tokens": [w[0] for w in kept],
                "tags": [w[1] for w in kept],
            }
        )
    return out


def load_udpos(
    spec, split, language, data_dir=None, data_files=None, sizes=None, ud_tokens="fused", **_ignored
) -> list[dict]:
    """Return the UD-POS ``split`` of ``language`` (all its treebanks concatenated, sorted by file name).

    ``ud_tokens`` (data option): ``fused`` (XTREME) or ``syntactic``, see ``read_conllu_pos``; it
    applies to local treebanks: the hub copy google/xtreme is read as it is (which of the two its
    tokens follow was not verified here), so ``syntactic`` needs local treebanks.
    """
    _split_check(spec.name, split)
    check_ud_tokens(spec.name, ud_tokens)
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if language not in UD_NAMES:
            raise DataUnavailableError(
                f"task {spec.name!r}: language {language!r} (UD v2.7) is not on the hub copy google/xtreme; {UD_HINT}"
            )
        if ud_tokens != "fused":
            raise DataUnavailableError(
                f"task {spec.name!r}: ud_tokens {ud_tokens!r} applies to local treebanks "
                f"only (the hub copy google/xtreme is read as it is, already tokenised); "
                f"{UD_HINT}"
            )
        rows = hub_split(
            "google/xtreme", f"udpos.{UD_NAMES[language]}", _HUB_SPLIT[split], spec.name, UD_HINT, decode=("pos_tags",)
        )
        return cap(_hub_examples(rows, language, split, "pos_tags", UPOS), split, sizes)
    given = named_file(spec.name, split, data_files, language)
    if given is not None:
        files = [given]
    else:
        files = sorted(Path(local).rglob(f"{language}_*-ud-{split}.conllu"), key=lambda p: p.name)
        if not files:
            raise DataUnavailableError(
                f"task {spec.name!r}: no {language}_*-ud-{split}.conllu under {local}; {UD_HINT}"
            )
    out = []
    for path in files:
        out += read_conllu_pos(path, ud_tokens, language)
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ PAN-X
def read_panx(path, text: str | None = None) -> list[dict]:
    """Return the sentences of a PAN-X file (``lang:token<TAB>tag`` lines; the ``lang:`` prefix is dropped)."""
    sentences = read_conll(
        path, token_col=0, tag_col=1, sep="\t", comment=None, lines=None if text is None else split_lines(text)
    )
    for s in sentences:
        for offset, token in enumerate(s["tokens"]):
            if ":" not in token:
                raise DataFileError(path, s["line"] + offset, "a token written as <lang>:<token>", repr(token))
        s["tokens"] = [t.split(":", 1)[1] for t in s["tokens"]]
    return _checked(sentences, NER, path)


def _panx_member(archive: Path, split: str) -> str:
    try:
        with tarfile.open(archive) as tar:
            member = next((m for m in tar.getmembers() if Path(m.name).name == split and m.isfile()), None)
            if member is None:
                raise DataFileError(
                    archive,
                    None,
                    f"a member named {split!r} (train, dev, test)",
                    ", ".join(m.name for m in tar.getmembers()),
                )
            raw = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataFileError(archive, None, "a readable .tar.gz archive", str(exc)) from None
    try:
        return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{archive}:{split}", None, "UTF-8 text", str(exc)) from None


def load_panx(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return WikiANN / PAN-X ``split`` of ``language`` (Rahimi et al. splits) as BIO tagging examples."""
    _split_check(spec.name, split)
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if language in PANX_NOT_IN_XTREME:  # XTREME-R's additions: from WikiANN itself (same Rahimi splits)
            rows = hub_split(
                "unimelb-nlp/wikiann", language, _HUB_SPLIT[split], spec.name, PANX_HINT, decode=("ner_tags",)
            )
        else:
            rows = hub_split(
                "google/xtreme", f"PAN-X.{language}", _HUB_SPLIT[split], spec.name, PANX_HINT, decode=("ner_tags",)
            )
        return cap(_hub_examples(rows, language, split, "ner_tags", NER), split, sizes)
    given = named_file(spec.name, split, data_files, language)
    if given is not None:
        return cap(read_panx(given), split, sizes)
    if (Path(local) / language / split).is_file():
        return cap(read_panx(Path(local) / language / split), split, sizes)
    archive = Path(local) / f"{language}.tar.gz"
    if archive.is_file():
        return cap(read_panx(f"{archive}:{split}", _panx_member(archive, split)), split, sizes)
    raise DataUnavailableError(
        f"task {spec.name!r}: neither {local / language / split} nor {archive} exists; {PANX_HINT}"
    )
