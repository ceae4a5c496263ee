"""Seeded perturbations of test examples for MLEM-R: character insertion and word substitution.

Both work on any format's canonical examples (``xlib.formats``) and never change a label:

* ``char``: insert random characters, as many as ``rate`` (default 30%) of the non-space
  characters of a text, each right after a random non-space character (so word boundaries and the
  number of whitespace tokens stay as they were). Inserted characters are drawn from the text's
  own characters (letters and digits), so a Greek text gets Greek noise.
* ``word``: replace ``rate`` (default 30%, at least one) of the whitespace-separated words of a text
  by other words drawn from the same field over the whole test set in that language (tagging: from
  the words with the same gold tag, so every tag stays correct).

Which fields change: classification ``text``/``text_pair``; multiple choice ``context``,
``question``, ``choices``; tagging ``tokens``; QA ``question`` and ``context`` outside the answer
spans (answers are kept verbatim and ``answer_start`` is moved with them); retrieval the query
side only (``source`` or ``query``), never the English target or the candidate pool.

Every example gets its own RNG seeded by (``seed``, kind, example id), so a perturbed test set is
the same whatever the order or subset of examples it is built from.
"""

from __future__ import annotations

import random
from collections import defaultdict

KINDS = ("char", "word")
FIELDS = {
    "classification": ("text", "text_pair"),
    "multiple_choice": ("context", "question", "choices"),
    "tagging": ("tokens",),
    "qa": ("question", "context"),
    "bitext": ("source",),
    "ranking": ("query",),
    "mining": ("query",),
}


def _rng(seed: int, kind: str, example_id, field: str) -> random.Random:
    """Return the RNG of one field of one example (string seeds hash deterministically)."""
    return random.Random(f"{seed}|{kind}|{example_id}|{field}")


def insert_chars(text: str, rng: random.Random, rate: float = 0.3, alphabet: str | None = None) -> str:
    """Return ``text`` with ``round(rate * non-space characters)`` random characters inserted inside words."""
    anchors = [i for i, ch in enumerate(text) if not ch.isspace()]
    n = int(round(rate * len(anchors)))
    if n == 0:
        return text
    pool = alphabet or "".join(ch for ch in text if ch.isalnum()) or "".join(text[i] for i in anchors)
    inserts: dict[int, list[str]] = defaultdict(list)
    for _ in range(n):
        inserts[rng.choice(anchors)].append(rng.choice(pool))
    return "".join(ch + "".join(inserts.get(i, ())) for i, ch in enumerate(text))


def substitute_words(text: str, rng: random.Random, vocabulary, rate: float = 0.3) -> str:
    """Return ``text`` with ``max(1, round(rate * words))`` whitespace words replaced by other words of ``vocabulary``."""
    words = text.split(" ")
    slots = [i for i, w in enumerate(words) if w.strip()]
    choices = sorted(set(vocabulary))
    if not slots or len(choices) < 2:
        return text
    for i in rng.sample(slots, max(1, int(round(rate * len(slots))))):
        others = [w for w in choices if w != words[i]] or choices
        words[i] = rng.choice(others)
    return " ".join(words)


# -------------------------------------------------------------------------------------------- per format


def _vocabulary(examples, fmt: str) -> dict:
    """Return the words to substitute from: per field (tagging: per gold tag), over all ``examples``."""
    vocab: dict = defaultdict(set)
    for e in examples:
        if fmt == "tagging":
            for token, tag in zip(e["tokens"], e["tags"]):
                vocab[tag].add(token)
            continue
        for field in FIELDS[fmt]:
            value = e.get(field)
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str):
                    vocab[field].update(w for w in text.split() if w)
    return vocab


def _perturb_text(text, kind, rng, rate, vocabulary):
    """Return one perturbed text (None and empty strings pass through)."""
    if not isinstance(text, str) or not text.strip():
        return text
    return insert_chars(text, rng, rate) if kind == "char" else substitute_words(text, rng, vocabulary, rate)


def _answer_regions(answers: dict) -> list[tuple[int, int]]:
    """Return the merged [start, end) character spans covered by the gold answers."""
    spans = sorted(
        (int(s), int(s) + len(t)) for t, s in zip(answers.get("text", []), answers.get("answer_start", [])) if t
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _perturb_context(example: dict, kind: str, rng, rate: float, vocabulary) -> tuple[str, dict]:
    """Return (context, answers) with the text outside answer spans perturbed and answer offsets moved."""
    context, answers = example["context"], example["answers"]
    regions = _answer_regions(answers)
    if any(
        context[s:e] != t
        for t, s in zip(answers.get("text", []), answers.get("answer_start", []))
        for e in [int(s) + len(t)]
        if t
    ):
        raise ValueError(
            f"example {example.get('id')!r}: an answer text does not match the context at its "
            f"answer_start; cannot keep it through the perturbation"
        )
    pieces, shift, cursor, new_start = [], 0, 0, {}
    for start, end in regions + [(len(context), len(context))]:
        gap = context[cursor:start]
        if gap.strip():
            lead = gap[: len(gap) - len(gap.lstrip())]
            trail = gap[len(gap.rstrip()) :]
            gap = lead + _perturb_text(gap.strip(), kind, rng, rate, vocabulary) + trail
        pieces.append(gap)
        shift = sum(map(len, pieces)) - start
        new_start[start] = start + shift
        pieces.append(context[start:end])
        cursor = end
    starts = []
    for t, s in zip(answers.get("text", []), answers.get("answer_start", [])):
        s = int(s)
        region = max((r for r in regions if r[0] <= s), default=None)
        starts.append(s if region is None else new_start[region[0]] + (s - region[0]))
    return "".join(pieces), {**answers, "answer_start": starts}


def perturb_example(
    example: dict, fmt: str, kind: str, seed: int = 0, rate: float = 0.3, vocabulary: dict | None = None
) -> dict:
    """Return a perturbed copy of one canonical ``example`` of format ``fmt`` (labels untouched)."""
    if kind not in KINDS:
        raise ValueError(f"unknown perturbation {kind!r}; expected one of {', '.join(KINDS)}")
    if fmt not in FIELDS:
        raise ValueError(f"unknown task format {fmt!r}; expected one of {', '.join(FIELDS)}")
    vocabulary = vocabulary if vocabulary is not None else _vocabulary([example], fmt)
    out, eid = dict(example), example.get("id", "")
    if fmt == "tagging":
        rng = _rng(seed, kind, eid, "tokens")
        tokens = list(example["tokens"])
        if kind == "char":
            out["tokens"] = [insert_chars(t, rng, rate) for t in tokens]
        else:
            slots = list(range(len(tokens)))
            for i in rng.sample(slots, max(1, int(round(rate * len(slots))))) if slots else []:
                others = sorted(w for w in vocabulary.get(example["tags"][i], ()) if w != tokens[i])
                if others:
                    tokens[i] = rng.choice(others)
            out["tokens"] = tokens
        return out
    for field in FIELDS[fmt]:
        if field not in example:
            continue
        rng = _rng(seed, kind, eid, field)
        if fmt == "qa" and field == "context":
            out["context"], out["answers"] = _perturb_context(example, kind, rng, rate, vocabulary.get(field, ()))
        elif isinstance(example[field], list):
            out[field] = [_perturb_text(t, kind, rng, rate, vocabulary.get(field, ())) for t in example[field]]
        else:
            out[field] = _perturb_text(example[field], kind, rng, rate, vocabulary.get(field, ()))
    return out


def perturb_examples(examples, fmt: str, kind: str, seed: int = 0, rate: float = 0.3) -> list[dict]:
    """Return perturbed copies of ``examples`` (one test set in one language), seeded and label-preserving."""
    examples = list(examples)
    vocabulary = _vocabulary(examples, fmt) if kind == "word" else {}
    return [perturb_example(e, fmt, kind, seed, rate, vocabulary) for e in examples]
