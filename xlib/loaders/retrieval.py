"""Ranking retrieval tasks: LAReQA (XQuAD-R) and Mewsli-X (the bitext ones, Tatoeba and BUCC 2018: ``bitext``).

Schema (``xlib.formats``: ranking): one example per query, ``{"id", "query", "targets": [gold candidate ids],
"pool": [{"id", "text", "context"?}]}``, where every example of a split shares the same ``pool`` list.
"""

from __future__ import annotations

import re

from .common import DataFileError, DataUnavailableError, read_json, read_jsonl
from .hub import hub_split
from .sources import cap, locate, wants_local


# ------------------------------------------------------------------------------------------------ LAReQA
LAREQA_LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
LAREQA_URL = "https://raw.githubusercontent.com/google-research-datasets/lareqa/master/xquad-r/{lang}.json"
LAREQA_HINT = (
    "put xquad-r/<lang>.json for all 11 languages (github.com/google-research-datasets/lareqa; the hub "
    "copy xquad_r drops the sentence breaks the candidate pool needs) under <data_dir>/lareqa/"
)
_POOLS: dict = {}


def lareqa_pool(docs: dict) -> tuple[list[dict], list[dict]]:
    """Return (questions, candidates) built from XQuAD-R documents per language as utils_lareqa.load_data does.

    A candidate is one sentence of a paragraph (uid ``<lang>_<paragraph no>_<sentence no>``, with its
    paragraph as context); a question (uid ``<qas id>_<lang>``) has as gold every candidate, in any
    language, that is the answer sentence of a question with the same ``qas id``.
    """
    questions, candidates, by_uid = [], [], {}
    gold: dict[str, set] = {}
    for lang, (data, path) in docs.items():
        paragraphs = 0
        for a, article in enumerate(data.get("data", []) if isinstance(data, dict) else []):
            for p, paragraph in enumerate(article.get("paragraphs", [])):
                paragraphs += 1
                where = f"record data[{a}].paragraphs[{p}]"
                breaks = paragraph.get("sentence_breaks")
                context = paragraph.get("context")
                if not isinstance(breaks, list) or not isinstance(context, str):
                    raise DataFileError(
                        path,
                        where,
                        "a paragraph with 'context' and 'sentence_breaks' (XQuAD-R)",
                        "no sentence_breaks" if breaks is None else type(breaks).__name__,
                    )
                context_id = f"{lang}_{paragraphs}"
                sentences = [context[s:e] for s, e in breaks]
                cands = []
                for pos, sentence in enumerate(sentences):
                    uid = f"{context_id}_{pos}"
                    if uid not in by_uid:
                        by_uid[uid] = {"id": uid, "text": sentence, "context": context, "language": lang}
                        candidates.append(by_uid[uid])
                    cands.append(by_uid[uid])
                for q, qa in enumerate(paragraph.get("qas", [])):
                    answers = qa.get("answers") or []
                    if len(answers) != 1:
                        raise DataFileError(
                            path, f"{where}.qas[{q}]", "exactly one answer (XQuAD-R)", f"{len(answers)} answers"
                        )
                    start = answers[0]["answer_start"]
                    sentence = next((context[s:e] for s, e in breaks if s <= start < e), None)
                    if not sentence:
                        continue  # the official loader skips answers outside every sentence
                    questions.append(
                        {"id": f"{qa['id']}_{lang}", "query": qa["question"], "xling_id": qa["id"], "language": lang}
                    )
                    for cand in cands:
                        if cand["text"] == sentence:
                            gold.setdefault(qa["id"], set()).add(cand["id"])
    for q in questions:
        q["targets"] = sorted(gold.get(q.pop("xling_id"), ()))
    return questions, candidates


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences of ``text`` (split after . ! ? and whitespace)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def squad_retrieval_examples(examples: list[dict]) -> list[dict]:
    """Return dual-encoder pairs from SQuAD examples: question -> (answer sentence, paragraph).

    The answer sentence is the sentence holding the first answer's start; sentences are cut after
    ``.``, ``!`` or ``?`` and whitespace (an approximation of the official SQuAD-retrieval
    conversion, which is not reproduced exactly).
    """
    out = []
    for e in examples:
        if not e["answers"]["answer_start"]:
            continue
        start = e["answers"]["answer_start"][0]
        span = next(((s, t) for s, t in sentence_spans(e["context"]) if s <= start < t), None)
        if span is not None:
            out.append(
                {
                    "id": e["id"],
                    "query": e["question"],
                    "positive": e["context"][span[0] : span[1]],
                    "positive_context": e["context"],
                }
            )
    return out


def load_lareqa(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return LAReQA questions in ``language``, each ranked against the pool of all 11 languages' sentences.

    ``train`` is SQuAD v1.1 train as (question, answer sentence + paragraph) pairs for the dual encoder.
    """
    if split == "train":
        from .qa import load_squad

        return cap(squad_retrieval_examples(load_squad(spec.name, "train", data_dir, data_files)), split, sizes)
    if split not in ("dev", "test"):
        raise ValueError(f"task {spec.name!r}: expected split train, dev or test, got {split!r}")
    local = wants_local(spec.name, data_dir, data_files)
    docs = {}
    for lang in LAREQA_LANGUAGES:
        if local is None:
            url = LAREQA_URL.format(lang=lang)
            rows = hub_split("json", None, "train", spec.name, LAREQA_HINT, data_files=url, field="data")
            docs[lang] = ({"data": rows}, url)
        else:
            path = locate(spec.name, "test", local, data_files, [f"xquad-r/{lang}.json", f"{lang}.json"], lang)
            docs[lang] = (read_json(path), path)
    key = tuple((lang, str(p)) for lang, (_, p) in docs.items())
    if key not in _POOLS:
        _POOLS.clear()
        _POOLS[key] = lareqa_pool(docs)
    questions, pool = _POOLS[key]
    out = [{**q, "pool": pool} for q in questions if q["language"] == language]
    if not out:
        raise DataUnavailableError(f"task {spec.name!r}: no {language} questions in XQuAD-R")
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ Mewsli-X
MEWSLIX_HINT = (
    "Mewsli-X has no official hub copy: build it with google-research/google-research "
    "dense_representations_for_entity_retrieval/mel/get-mewsli-x.sh and put candidate_set_entities.jsonl, "
    "wikinews_mentions-{dev,test}.jsonl and wikipedia_pairs-train.jsonl under <data_dir>/mewslix/"
)
_MARK = re.compile(r"\{(.*?)\}")


def _clean(text: str) -> str:
    return " ".join(text.splitlines()).replace("  ", " ").strip()


def mewslix_query(context: dict, mention: dict, path="<mewslix>", where=None) -> str:
    """Return the query string of one mention: utils_mewslix.preprocess_mention (one sentence, ``{ mention }``)."""
    text, span = context["text"], mention["mention_span"]
    start, end = int(span["start"]), int(span["end"])
    if text[start:end] != span["text"]:
        raise DataFileError(
            path,
            where,
            f"mention_span text equal to context.text[{start}:{end}]",
            f"{span['text']!r} vs {text[start:end]!r}",
        )
    sentence = next(
        (
            (int(s["start"]), int(s["end"]))
            for s in context.get("sentence_spans", [])
            if int(s["start"]) <= start < int(s["end"]) and int(s["start"]) < end <= int(s["end"])
        ),
        None,
    )
    if sentence is None:
        raise DataFileError(path, where, "a mention inside one of the context's sentence_spans", f"span {start}-{end}")
    left = _MARK.sub(r"(\1)", text[sentence[0] : start])
    right = _MARK.sub(r"(\1)", text[end : sentence[1]])
    return _clean(f"{span['text']}: {left} {{ {span['text']} }} {right}")


def entity_text(entity: dict) -> str:
    """Return an entity's description sentences joined by a space (utils_mewslix.preprocess_entity_description)."""
    desc = entity["description"]
    return _clean(" ".join(desc[int(s["start"]) : int(s["end"])] for s in entity.get("sentence_spans", [])))


def load_mewslix(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return Mewsli-X WikiNews mentions in ``language``, each ranked against the whole candidate entity set.

    ``train`` is English Wikipedia mention-entity pairs (``wikipedia_pairs-train.jsonl``) for the dual encoder.
    """
    if split not in ("train", "dev", "test"):
        raise ValueError(f"task {spec.name!r}: expected split train, dev or test, got {split!r}")
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        raise DataUnavailableError(f"task {spec.name!r}: {MEWSLIX_HINT}")
    if split == "train":
        path = locate(spec.name, "train", local, data_files, ["wikipedia_pairs-train.jsonl"])
        out = []
        for number, pair in enumerate(read_jsonl(path, required=("contextual_mention", "entity")), start=1):
            cm = pair["contextual_mention"]
            if not isinstance(cm, dict) or "context" not in cm or "mention" not in cm:
                raise DataFileError(path, number, "a contextual_mention with 'context' and 'mention'", repr(cm)[:60])
            out.append(
                {
                    "id": cm["mention"].get("example_id", f"train-{number}"),
                    "query": mewslix_query(cm["context"], cm["mention"], path, number),
                    "positive": entity_text(pair["entity"]),
                }
            )
        return cap(out, split, sizes)
    cand_path = locate(spec.name, "candidates", local, data_files, ["candidate_set_entities.jsonl"])
    ment_path = locate(spec.name, split, local, data_files, [f"wikinews_mentions-{split}.jsonl"], language)
    key = ("mewslix", str(cand_path))
    if key not in _POOLS:
        entities = read_jsonl(cand_path, required=("entity_id", "description", "sentence_spans"))
        _POOLS[key] = [{"id": e["entity_id"], "text": entity_text(e)} for e in entities]
    pool = _POOLS[key]
    out = []
    for number, record in enumerate(read_jsonl(ment_path, required=("context", "mentions")), start=1):
        context = record["context"]
        if context.get("language") != language:
            continue
        for mention in record["mentions"]:
            if not mention.get("entity_id"):
                raise DataFileError(
                    ment_path,
                    number,
                    "mentions with their gold entity_id (the raw release; "
                    "XTREME's preprocessed test files have them removed)",
                    "an empty entity_id",
                )
            out.append(
                {
                    "id": mention["example_id"],
                    "query": mewslix_query(context, mention, ment_path, number),
                    "targets": [mention["entity_id"]],
                    "pool": pool,
                }
            )
    if not out:
        raise DataFileError(ment_path, None, f"mentions whose context.language is {language!r}", "none")
    return cap(out, split, sizes)
