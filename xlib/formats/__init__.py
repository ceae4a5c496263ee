"""The task formats. Each module owns featurisation, model head, decoding and metric hookup.

Every loader (hub, local files in the original format, the synthetic miniature) yields examples as
plain dicts in one canonical schema per format:

- ``classification``: ``{"id": str, "text": str, "text_pair": str | None, "label": int}``
  (sentence or sentence-pair classification; ``label`` indexes ``TaskSpec.labels``).
- ``multiple_choice``: ``{"id": str, "context": str, "question": str, "choices": [str, ...],
  "label": int}`` (``question`` may be "" when the task has none).
- ``tagging``: ``{"id": str, "tokens": [str, ...], "tags": [str, ...]}`` (tag strings, e.g. UPOS or
  BIO; one tag per whitespace token).
- ``qa``: ``{"id": str, "context": str, "question": str,
  "answers": {"text": [str, ...], "answer_start": [int, ...]}}`` (SQuAD v1.1 style, character offsets).
- the retrieval family (``formats.embedding``): ``bitext`` (Tatoeba-style search), ``{"id": str,
  "source": str, "target": str}``: a query in the evaluated language and its gold English counterpart
  (line i of one side translates line i of the other); ``ranking`` (LAReQA, Mewsli-X) and ``mining``
  (BUCC), ``{"id": str, "query": str, "targets": [gold candidate id, ...], "pool": [{"id": str, "text":
  str, "context": str (optional)}, ...]}`` where all examples of a split share one ``pool`` list;
  dual-encoder training examples are ``{"id": str, "query": str, "positive": str, "positive_context":
  str (optional)}`` (``formats.dual_encoder``).
"""

FORMATS = ("classification", "multiple_choice", "tagging", "qa", "bitext", "ranking", "mining")
RETRIEVAL = ("bitext", "ranking", "mining")  # the retrieval family: one ``retrieval:`` block, ``extra.retrieval``
# the ways a format can score a task (``Format.scorings``, the first the default; ``TaskSpec.scoring`` picks
# one), kept here so that registering a task checks its scoring without importing the format's module
SCORINGS = {
    "tagging": ("spans", "tokens"),  # seqeval span F1, or per-word accuracy (CCG)
    "ranking": ("lareqa", "mewslix"),
}  # the official LAReQA or Mewsli-X scorer


def family(name: str) -> str:
    """Return the family of format ``name``: ``retrieval`` for bitext, ranking and mining, else the name itself."""
    return "retrieval" if name in RETRIEVAL else name


def get_format(name: str):
    """Return the ``Format`` object that implements the format called ``name``."""
    from importlib import import_module

    if name not in FORMATS:
        raise ValueError(f"unknown task format {name!r}; expected one of {', '.join(FORMATS)}")
    return import_module(f"{__name__}.{name}").FORMAT
