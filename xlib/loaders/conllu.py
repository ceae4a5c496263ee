"""CoNLL-U treebanks read as XTREME's conversion reads them, and its fusion of multi-word tokens.

``read_conllu`` keeps what ud-conversion-tools (``conllu_to_conll.py``) uses of a sentence: its words,
its dependency edges and its multi-word tokens; ``fuse_multiword_tokens`` replaces each multi-word token
by its head word (``span_head``) as ``--replace_subtokens_with_fused_forms`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import DataFileError, read_text_lines

POS_PRECEDENCE = {  # ud-conversion-tools' UPOS ranking for choosing a multi-word token's head, by language
    "default": (
        "VERB",
        "NOUN",
        "PROPN",
        "PRON",
        "ADJ",
        "NUM",
        "ADV",
        "INTJ",
        "AUX",
        "ADP",
        "DET",
        "PART",
        "CCONJ",
        "SCONJ",
        "X",
        "PUNCT",
    ),
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
            raise DataFileError(
                path,
                number,
                f"words {first} to {last} of the multi-word token {form!r}",
                f"no word {missing[0]} in the sentence",
            )
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
