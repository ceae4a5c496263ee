"""Registry of task specifications: target, intermediate and synthetic tasks all register here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class TaskSpec:
    """One task as data: its format, languages, labels, metric and where its examples come from."""

    name: str
    format: str                      # one of xlib.formats.FORMATS
    role: str                        # "target" or "intermediate"
    languages: tuple[str, ...]       # languages with an evaluation split
    metric: str                      # headline metric key, e.g. "accuracy", "f1", "em_f1", "map@20"
    labels: tuple[str, ...] = ()     # class names (classification) or tag set (tagging)
    train_language: str = "en"
    eval_split: str = "test"         # split scored zero-shot in every language
    # what split "validation" (the per-language dev sets, a params file's eval_split) reads: "dev", or
    # "test" for tasks with one split (XQuAD, Tatoeba), or "validation" where the loader reads it itself (MLQA)
    validation_split: str = "dev"
    mirrors: str = ""                # the real task a synthetic task stands in for
    category: str = ""               # XTREME-R category: classification, structured, qa, retrieval
    trains: bool = True              # False: evaluated from the encoder without target training
    description: str = ""
    loader: Callable | None = field(default=None, compare=False, repr=False)
    # phase (iii) in stages: (spec, data options) -> [(stage name, data options of that stage)], trained
    # in turn, each stage starting from the previous one's model, head included (XCOPA: Social IQa, then COPA)
    train_stages: Callable | None = field(default=None, compare=False, repr=False)
    # the official training recipe of the task (training options), between a params file's ``target:``
    # block and its ``target_overrides`` (``xlib.params.target_hparams``); empty: the ``target:`` block
    recipe: dict = field(default_factory=dict, compare=False, repr=False)

    def stages(self, data: dict | None = None) -> list[tuple[str, dict]]:
        """Return ``(stage name, data options)`` per phase-(iii) training stage; one unnamed stage by default."""
        data = dict(data or {})
        return self.train_stages(self, data) if self.train_stages else [("", data)]

    def load(self, split: str, language: str, **options) -> list[dict]:
        """Return the examples of ``split`` in ``language`` in this format's canonical schema."""
        if language not in self.languages and not (language == self.train_language and split != self.eval_split):
            raise ValueError(f"task {self.name!r} has no language {language!r}; "
                             f"expected one of {', '.join(self.languages)}")
        if self.loader is None:
            raise ValueError(f"task {self.name!r} has no loader")
        if split == "validation":
            split = self.validation_split
        return self.loader(self, split, language, **options)


_REGISTRY: dict[str, TaskSpec] = {}


def register(spec: TaskSpec) -> TaskSpec:
    """Add ``spec`` to the registry and return it."""
    _REGISTRY[spec.name] = spec
    return spec


def get_task(name: str) -> TaskSpec:
    """Return the registered task called ``name`` (ValueError listing the known ones otherwise)."""
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(sorted(_REGISTRY))}") from None


def all_tasks() -> dict[str, TaskSpec]:
    """Return every registered task by name."""
    _load_builtin()
    return dict(_REGISTRY)


def _load_builtin() -> None:
    from . import synthetic  # noqa: F401  (registers on import)
    from . import intermediate  # noqa: F401  (the nine English intermediate tasks)
    from . import xtreme  # noqa: F401  (the XTREME-R targets, PAWS-X and BUCC 2018)
