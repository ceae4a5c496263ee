"""The embedded miniature's tasks (``mini-*``), registered like any other task."""
from __future__ import annotations

from .spec import TaskSpec, register

METRIC = {"classification": "accuracy", "multiple_choice": "accuracy", "tagging": "f1",
          "qa": "em_f1", "bitext": "accuracy"}
CATEGORY = {"classification": "classification", "multiple_choice": "classification",
            "tagging": "structured", "qa": "qa", "bitext": "retrieval"}
DEFAULT_SIZES = {"train": 2000, "dev": 200, "test": 300}


def load_synthetic(spec: TaskSpec, split: str, language: str, sizes: dict | None = None,
                   data_seed: int = 0, **_ignored) -> list[dict]:
    """Return generated examples of ``spec`` for ``split`` and ``language`` (sizes per split from params)."""
    from ..synth.tasks import generate
    n = {**DEFAULT_SIZES, **(sizes or {})}.get(split)
    if n is None:
        raise ValueError(f"task {spec.name!r}: unknown split {split!r}; expected train, dev or test")
    return generate(spec.name, split, language, int(n), seed=data_seed)


def _register_all() -> None:
    from ..synth.tasks import SYNTH_TASKS
    for name, info in SYNTH_TASKS.items():
        fmt = info["format"]
        langs = tuple(info["languages"])
        if fmt == "bitext":  # bitext search is scored X -> en, English itself is no test language
            langs = tuple(l for l in langs if l != "en")
        register(TaskSpec(
            name=name, format=fmt, role=info["role"], languages=langs, metric=METRIC[fmt],
            labels=tuple(info.get("labels", ())), eval_split="test" if info["role"] == "target" else "dev",
            mirrors=info.get("mirrors", ""), category=CATEGORY[fmt], trains=fmt != "bitext",
            description=info.get("description", ""), loader=load_synthetic))


_register_all()
