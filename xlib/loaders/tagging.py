"""UD-POS (CoNLL-U treebanks) and WikiANN / PAN-X NER (``lang:token<TAB>tag``) as tagging examples."""
from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .common import DataFileError, DataUnavailableError, check_label, read_conll, read_text_lines, split_lines
from .hub import hub_split
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
UD_TOKENS = ("fused", "syntactic")  # values of the data option ud_tokens (fused: XTREME's preprocessing)
POS_PRECEDENCE = {  # ud-conversion-tools' UPOS ranking for choosing a multi-word token's head, by language
    "default": ("VERB", "NOUN", "PROPN", "PRON", "ADJ", "NUM", "ADV", "INTJ", "AUX", "ADP", "DET", "PART",
                "CCONJ", "SCONJ", "X", "PUNCT"),
    "es": ("VERB", "AUX", "PRON", "ADP", "DET"),
    "fr": ("VERB", "AUX", "PRON", "NOUN", "ADJ", "ADV", "ADP", "DET", "PART", "SCONJ", "CONJ"),
    "it": ("VERB", "AUX", "ADV", "PRON", "ADP", "DET", "INTJ"),
}


@dataclass
class UDSentence:
    """What XTREME's conversion reads of one CoNLL-U sentence (comments and empty nodes left out)."""

    line: int = 0  # line of the first word
    words: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # ID -> (FORM, UPOS, line)
    heads: dict[int, set[int]] = field(default_factory=dict)  # ID -> HEAD and the integer heads of DEPS
    spans: list[tuple[int, int, str, int]] = field(default_factory=list)  # multi-word tokens: (a, b, FORM, line)


def read_conllu(path) -> list[UDSentence]:
    """Return the sentences of a CoNLL-U file with their words, dependency edges and multi-word tokens.

    Edges are those ud-conversion-tools builds: HEAD -> ID (``0`` is the root node, ``_`` no edge)
    plus h -> ID for each ``h:rel`` of DEPS whose ``h`` is an integer (``8.1:nsubj`` is ignored).
    """
    sentences: list[UDSentence] = []
    current: UDSentence | None = None
    for number, line in enumerate(read_text_lines(path), start=1):
        if not line.strip():
            _close_sentence(current, sentences, path)
            current = None
            continue
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 10:
            raise DataFileError(path, number, "10 tab-separated CoNLL-U fields", f"{len(fields)} field(s)")
        current = _add_conllu_line(current, fields, path, number)
    _close_sentence(current, sentences, path)
    if not sentences:
        raise DataFileError(path, None, "at least one sentence (CoNLL-U word lines)", "none")
    return sentences


def _add_conllu_line(sentence: UDSentence | None, fields: list[str], path, number: int) -> UDSentence | None:
    """Add one ID line to ``sentence`` (started at its first word); return the sentence."""
    word_id = fields[0].strip()
    if word_id.isdecimal():
        sentence = sentence or UDSentence()
        if not sentence.words:
            sentence.line = number
        word = int(word_id)
        sentence.words[word] = (fields[1], fields[3].strip(), number)
        sentence.heads[word] = _heads(fields[6].strip(), fields[8].strip(), path, number)
        return sentence
    first, dash, last = word_id.partition("-")
    if dash and first.isdecimal() and last.isdecimal():
        if int(last) < int(first):
            raise DataFileError(path, number, "a multi-word token range a-b with b >= a", repr(word_id))
        sentence = sentence or UDSentence()
        sentence.spans.append((int(first), int(last), fields[1], number))
        return sentence
    whole, dot, decimal = word_id.partition(".")
    if dot and whole.isdecimal() and decimal.isdecimal():
        return sentence  # empty node (enhanced UD): not a word
    raise DataFileError(path, number, "a word ID n, a multi-word range a-b or an empty node n.m", repr(word_id))


def _heads(head: str, deps: str, path, number: int) -> set[int]:
    """Return the heads of a word: HEAD (unless ``_``) and every integer ``h`` of its DEPS ``h:rel`` entries."""
    if not (head.isdecimal() or head == "_"):
        raise DataFileError(path, number, "a HEAD that is an integer or _", repr(head))
    heads = {int(head)} if head != "_" else set()
    for entry in deps.split("|") if deps != "_" else ():
        h, colon, rel = entry.partition(":")
        if not (colon and h and rel):
            raise DataFileError(path, number, "DEPS entries written as head:relation (or _)", repr(entry))
        if h.isdecimal():
            heads.add(int(h))
    return heads


def _close_sentence(sentence: UDSentence | None, sentences: list, path) -> None:
    """Append ``sentence`` (if any word was read) after checking each multi-word token covers read words."""
    if sentence is None or not sentence.words:
        return
    for first, last, form, number in sentence.spans:
        missing = [w for w in range(first, last + 1) if w not in sentence.words]
        if missing:
            raise DataFileError(path, number, f"words {first} to {last} of the multi-word token {form!r}",
                                f"no word {missing[0]} in the sentence")
    sentences.append(sentence)


def _ancestor_count(word: int, heads: dict[int, set[int]]) -> int:
    """Return how many nodes have a directed path to ``word`` (node 0 included; terminates on cycles)."""
    seen, todo = {word}, [word]
    while todo:
        for head in heads.get(todo.pop(), ()):
            if head not in seen:
                seen.add(head)
                todo.append(head)
    return len(seen) - 1


def span_head(sentence: UDSentence, first: int, last: int, precedence) -> int:
    """Return the word of ``first..last`` that ud-conversion-tools makes the head of the multi-word token.

    The word with the fewest ancestors wins; on a tie, the tied word whose UPOS comes first in
    ``precedence`` (the first in span order among equals). Departure from the official code, which
    crashes (``list.index``) when a tied word's UPOS is not in the list: such a UPOS ranks after
    every listed one, so with no listed UPOS among the tied words the first of them wins.
    """
    span = range(first, last + 1)
    depth = {w: _ancestor_count(w, sentence.heads) for w in span}
    tied = [w for w in span if depth[w] == min(depth.values())]
    rank = {upos: i for i, upos in enumerate(precedence)}
    return min(tied, key=lambda w: rank.get(sentence.words[w][1], len(rank)))  # min keeps the first of equals


def fuse_multiword_tokens(sentence: UDSentence, precedence) -> list[tuple[str, str, int]]:
    """Return ``(FORM, UPOS, line)`` per token as XTREME's conversion prints them (words in ID order).

    As ``conllu_to_conll.py --replace_subtokens_with_fused_forms``: each multi-word token becomes
    one token, its head word (``span_head``) with the fused FORM and the head's own UPOS; the
    other words of the span are dropped. Heads are chosen on the unchanged graph.
    """
    words = dict(sentence.words)
    for first, last, fused, _ in sentence.spans:
        head = span_head(sentence, first, last, precedence)
        _, upos, number = sentence.words[head]
        for w in range(first, last + 1):
            words.pop(w, None)
        words[head] = (fused, upos, number)
    return [words[w] for w in sorted(words)]


def _xtreme_kept(words: list[tuple[str, str, int]]) -> list[tuple[str, str, int]] | None:
    """Return the tokens as utils_preprocess.udpos_preprocess keeps them, or None for a dropped sentence.

    A sentence is kept when no token is ``_`` or fewer than ``len - 1`` are (so all-``_`` and
    all-but-one-``_`` sentences are dropped); FORMs are stripped, then U+200C and spaces removed.
    """
    forms = [form.strip() for form, _, _ in words]
    empty = sum(form == "_" for form in forms)
    if not (empty == 0 or empty < len(forms) - 1):
        return None
    return [("".join(form.replace("\u200c", "").split(" ")), upos, number)
            for form, (_, upos, number) in zip(forms, words)]


def check_ud_tokens(task: str, ud_tokens: str) -> str:
    """Return ``ud_tokens`` if it is one of UD_TOKENS, else raise a ValueError naming the task and the values."""
    if ud_tokens not in UD_TOKENS:
        raise ValueError(f"task {task!r}: data option ud_tokens must be one of {', '.join(UD_TOKENS)}, "
                         f"got {ud_tokens!r}")
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
        words = (fuse_multiword_tokens(sentence, precedence) if ud_tokens == "fused"
                 else [sentence.words[w] for w in sorted(sentence.words)])
        kept = _xtreme_kept(words)
        if kept is None:
            continue
        for _, upos, number in kept:
            check_label(upos, UPOS, path, number, "tag")
        out.append({"id": f"{Path(str(path)).name}:{sentence.line}", "tokens": [w[0] for w in kept],
                    "tags": [w[1] for w in kept]})
    return out


def load_udpos(spec, split, language, data_dir=None, data_files=None, sizes=None, ud_tokens="fused",
               **_ignored) -> list[dict]:
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
            raise DataUnavailableError(f"task {spec.name!r}: language {language!r} (UD v2.7) is not on the hub "
                                       f"copy google/xtreme; {UD_HINT}")
        if ud_tokens != "fused":
            raise DataUnavailableError(f"task {spec.name!r}: ud_tokens {ud_tokens!r} applies to local treebanks "
                                       f"only (the hub copy google/xtreme is read as it is, already tokenised); "
                                       f"{UD_HINT}")
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
        out += read_conllu_pos(path, ud_tokens, language)
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ PAN-X
def read_panx(path, text: str | None = None) -> list[dict]:
    """Return the sentences of a PAN-X file (``lang:token<TAB>tag`` lines; the ``lang:`` prefix is dropped)."""
    sentences = read_conll(path, token_col=0, tag_col=1, sep="\t", comment=None,
                           lines=None if text is None else split_lines(text))
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
