"""A task as data (:class:`TaskSpec`) and the registry every task module adds its tasks to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class TaskSpec:
    """One task as data: its format, languages, labels, metric and where its examples come from."""

    name: str
    format: str  # one of xlib.formats.FORMATS
    role: str  # "target" or "intermediate"
    languages: tuple[str, ...]  # languages with an evaluation split
    metric: str  # headline metric key, e.g. "accuracy", "f1", "em_f1", "map@20"
    labels: tuple[str, ...] = ()  # class names (classification) or tag set (tagging)
    train_language: str = "en"
    eval_split: str = "test"  # split scored zero-shot in every language
    # what split "validation" (the per-language dev sets, a params file's eval_split) reads: "dev", or
    # "test" for tasks with one split (XQuAD, Tatoeba), or "validation" where the loader reads it itself (MLQA)
    validation_split: str = "dev"
    # the splits the task's data has (the miniature: the splits its generator serves); empty: not declared
    splits: tuple[str, ...] = ()
    mirrors: str = ""  # the real task a synthetic task stands in for
    category: str = ""  # XTREME-R category: classification, structured, qa, retrieval
    trains: bool = True  # False: evaluated from the encoder without target training
    description: str = ""
    loader: Callable | None = field(default=None, compare=False, repr=False)
    # phase (iii) in stages: (spec, data options) -> [(stage name, data options of that stage)], trained
    # in turn, each stage starting from the previous one's model, head included (XCOPA: Social IQa, then COPA)
    train_stages: Callable | None = field(default=None, compare=False, repr=False)
    # the official training recipe of the task (training options), between a params file's ``target:``
    # block and its ``target_overrides`` (``xlib.runconfig.target_hparams``); empty: the ``target:`` block
    recipe: dict = field(default_factory=dict, compare=False, repr=False)
    # English training examples per epoch (an int; {stage: int} for a staged task), for the compute estimate
    # of grids given in epochs (``xlib.compute``); None: unknown (a generated task counts its ``data.sizes``)
    train_size: int | dict | None = field(default=None, compare=False)
    display_name: str = ""  # how tables and figures name the task (e.g. "Cosmos QA"); default: name
    # how the format scores this task where it offers several ways (``xlib.formats.SCORINGS``; tagging: "spans"
    # or "tokens", ranking: "lareqa" or "mewslix"); empty: the format's default; register() checks it
    scoring: str = ""

    @property
    def title(self) -> str:
        """Return the task's name in tables and figures: ``display_name``, else ``name``."""
        return self.display_name or self.name

    def stages(self, data: dict | None = None) -> list[tuple[str, dict]]:
        """Return ``(stage name, data options)`` per phase-(iii) training stage; one unnamed stage by default."""
        data = dict(data or {})
        return self.train_stages(self, data) if self.train_stages else [("", data)]

    def load(self, split: str, language: str, **options) -> list[dict]:
        """Return the examples of ``split`` in ``language`` in this format's canonical schema."""
        if language not in self.languages and not (language == self.train_language and split != self.eval_split):
            raise ValueError(
                f"task {self.name!r} has no language {language!r}; expected one of {', '.join(self.languages)}"
            )
        if self.loader is None:
            raise ValueError(f"task {self.name!r} has no loader")
        if split == "validation":
            split = self.validation_split
        return self.loader(self, split, language, **options)


def english_intermediate(name: str, loader: Callable, **facts) -> TaskSpec:
    """Return the spec of English intermediate task ``name``: English train/dev, scored on dev, then its own ``facts``."""
    return TaskSpec(
        name=name,
        role="intermediate",
        languages=("en",),
        splits=("train", "dev"),
        eval_split="dev",
        loader=loader,
        **facts,
    )


_REGISTRY: dict[str, TaskSpec] = {}


def register(spec: TaskSpec) -> TaskSpec:
    """Add ``spec`` to the registry and return it; ValueError for an unknown format, role or scoring."""
    from ..formats import FORMATS, SCORINGS

    if spec.format not in FORMATS:
        raise ValueError(f"task {spec.name!r}: unknown format {spec.format!r}; expected one of {', '.join(FORMATS)}")
    if spec.role not in ("target", "intermediate"):
        raise ValueError(f"task {spec.name!r}: unknown role {spec.role!r}; expected target or intermediate")
    allowed = SCORINGS.get(spec.format, ())
    if spec.scoring and spec.scoring not in allowed:
        raise ValueError(
            f"task {spec.name!r}: the {spec.format} format has no scoring {spec.scoring!r}; expected "
            + (f"one of {', '.join(allowed)}" if allowed else "none (it scores one way)")
        )
    _REGISTRY[spec.name] = spec
    return spec
