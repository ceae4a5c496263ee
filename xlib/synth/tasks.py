"""Every task of the miniature by name: :func:`generate` and :func:`translate`.

Each task mirrors a real XTREME-R target task or one of Phang et al.'s nine English intermediate
tasks and yields examples in the canonical schema of its format (``xlib.formats``). Its facts (format,
role, languages, splits, labels, metric, ...) are its ``TaskSpec``, declared in ``xlib/tasks/synthetic.py``
like every other task; its generator is in :mod:`xlib.synth.generators`. The test split (and the train
split: a perfect "translate-train" set) holds the same meanings, labels and answers in every language.
"""

from __future__ import annotations

from ..tasks.spec import TaskSpec
from ..tasks.synthetic import synthetic_tasks
from .generators import examples, realised
from .languages import LANGUAGES


def _spec(task: str) -> TaskSpec | None:
    """Return the registered synthetic task called ``task``, or None."""
    return synthetic_tasks().get(task)


def generate(task: str, split: str, lang: str, n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` examples of ``task``/``split`` in ``lang`` in the canonical schema of the task's format."""
    spec = _spec(task)
    if spec is None:
        raise ValueError(f"unknown synthetic task {task!r}; expected one of {', '.join(synthetic_tasks())}")
    return examples(spec, split, lang, n, seed=seed)


def translate(task: str, split: str, lang: str, n: int, seed: int = 0) -> list[dict]:
    """Return the ``n`` examples of English intermediate ``task``/``split`` realised in ``lang`` (a perfect translation).

    The meanings, labels and answers are those of ``generate(task, split, "en", n, seed)``, example by
    example: the miniature's "machine-translated intermediate data" (translate-train). Tagging tasks
    have no translation (their tags belong to English words).
    """
    spec = _spec(task)
    if spec is None or spec.role != "intermediate":
        raise ValueError(f"translate: {task!r} is not a synthetic intermediate task")
    if spec.format == "tagging":
        raise ValueError(f"translate: {task!r} is a tagging task; word-level tags do not survive translation")
    if lang not in LANGUAGES:
        raise ValueError(f"translate: unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if split not in spec.splits:
        raise ValueError(f"translate: task {task!r} has no split {split!r}")
    return realised(task, split, lang, n, seed, meanings_of="en")
