"""UD-POS (CoNLL-U treebanks) and WikiANN / PAN-X NER (``lang:token<TAB>tag``) as tagging examples."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

from .common import DataFileError, DataUnavailableError, check_label, hub_split, read_conll
from .sources import cap, named_file, wants_local

UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
        "PUNCT", "SCONJ", "SYM", "VERB", "X")  # ClassLabel order of google/xtreme udpos.*
NER = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")  # ClassLabel order of wikiann / PAN-X
UD_NAMES = {  # google/xtreme config suffix per language (UD v2.5, the 33 XTREME languages)
    "af": "Afrikaans", "ar": "Arabic", "eu": "Basque", "bg": "Bulgarian", "nl": "Dutch", "en": "English",
    "et": "Estonian", "fi": "Finnish", "fr": "French", "de": "German", "el": "Greek", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "kk": "Kazakh",
    "ko": "Korean", "zh": "Chinese", "mr": "Marathi", "fa": "Persian", "pt": "Portuguese", "ru": "Russian",
    "es": "Spanish", "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tr": "Turkish",
    "ur": "Urdu", "vi": "Vietnamese", "yo": "Yoruba",
}
UD_V27_ONLY = ("lt", "pl", "uk", "wo", "ro")
PANX_NOT_IN_XTREME = ("qu", "pl", "uk", "az", "lt", "pa", "gu", "ro")  # not among google/xtreme's PAN-X configs
_HUB_SPLIT = {"train": "train", "dev": "validation", "test": "test"}
UD_HINT = ("put the UD_* treebank folders of Universal Dependencies v2.5 (v2.7 for lt, pl, uk, wo, ro; "
           "universaldependencies.org) under <data_dir>/udpos/; every <lang>_*-ud-<split>.conllu is read")
PANX_HINT = ("put the PAN-X release (AmazonPhotos.zip / panx_dataset: <lang>.tar.gz holding train, dev, test) "
             "under <data_dir>/panx/ as <lang>.tar.gz or <lang>/{train,dev,test}")


def _hub_examples(rows, language: str, split: str, field: str, labels) -> list[dict]:
    """Return tagging examples from hub rows whose ``field`` holds tag ids (or names) of ``labels``."""
    return [{"id": f"{language}-{split}-{i}", "tokens": list(r["tokens"]), "tags": _names(r[field], labels)}
            for i, r in enumerate(rows)]


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
def read_conllu_pos(path) -> list[dict]:
    """Return one ``{"id", "tokens", "tags"}`` per sentence of a CoNLL-U file (FORM and UPOS of syntactic words).

    As XTREME's preprocessing: U+200C is removed and spaces inside a token are dropped; sentences
    whose tokens are all ``_`` are skipped. Multi-word token lines (``1-2``) and empty nodes are
    skipped, so the syntactic words carry the tags (XTREME prints fused forms instead: unverified
    whether the scores differ).
    """
    sentences = read_conll(path, token_col=1, tag_col=3, sep="\t", comment="#", skip_token_ids=True)
    out = []
    for s in sentences:
        tokens = [t.replace("\u200c", "").replace(" ", "") for t in s["tokens"]]
        if all(t == "_" for t in tokens):
            continue
        out.append({**s, "tokens": tokens})
    return _checked(out, UPOS, path)


def load_udpos(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return the UD-POS ``split`` of ``language`` (all its treebanks concatenated, sorted by file name)."""
    _split_check(spec.name, split)
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if language not in UD_NAMES:
            raise DataUnavailableError(f"task {spec.name!r}: language {language!r} (UD v2.7) is not on the hub "
                                       f"copy google/xtreme; {UD_HINT}")
        rows = hub_split("google/xtreme", f"udpos.{UD_NAMES[language]}", _HUB_SPLIT[split], spec.name, UD_HINT,
                         decode=("pos_tags",))
        return cap(_hub_examples(rows, language, split, "pos_tags", UPOS), split, sizes)
    given = named_file(spec.name, split, data_files, language)
    if given is not None:
        files = [given]
    else:
        files = sorted(Path(local).rglob(f"{language}_*-ud-{split}.conllu"), key=lambda p: p.name)
        if not files:
            raise DataUnavailableError(f"task {spec.name!r}: no {language}_*-ud-{split}.conllu under {local}; "
                                       f"{UD_HINT}")
    out = []
    for path in files:
        out += read_conllu_pos(path)
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ PAN-X
def read_panx(path, text: str | None = None) -> list[dict]:
    """Return the sentences of a PAN-X file (``lang:token<TAB>tag`` lines; the ``lang:`` prefix is dropped)."""
    sentences = read_conll(path, token_col=0, tag_col=1, sep="\t", comment=None,
                           lines=None if text is None else text.splitlines())
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
                raise DataFileError(archive, None, f"a member named {split!r} (train, dev, test)",
                                    ", ".join(m.name for m in tar.getmembers()))
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
            rows = hub_split("unimelb-nlp/wikiann", language, _HUB_SPLIT[split], spec.name, PANX_HINT,
                             decode=("ner_tags",))
        else:
            rows = hub_split("google/xtreme", f"PAN-X.{language}", _HUB_SPLIT[split], spec.name, PANX_HINT,
                             decode=("ner_tags",))
        return cap(_hub_examples(rows, language, split, "ner_tags", NER), split, sizes)
    given = named_file(spec.name, split, data_files, language)
    if given is not None:
        return cap(read_panx(given), split, sizes)
    if (Path(local) / language / split).is_file():
        return cap(read_panx(Path(local) / language / split), split, sizes)
    archive = Path(local) / f"{language}.tar.gz"
    if archive.is_file():
        return cap(read_panx(f"{archive}:{split}", _panx_member(archive, split)), split, sizes)
    raise DataUnavailableError(f"task {spec.name!r}: neither {local / language / split} nor {archive} exists; "
                               f"{PANX_HINT}")
