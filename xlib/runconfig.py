"""One run's configuration as a typed record, merged and checked once by :func:`xlib.planning.plan`.

Every field carries its type, default and help text in one place (as ``HfArgumentParser``
dataclasses do). The plan builds one :class:`RunConfig` per run: the ``target:`` block, the task's
recipe and ``target_overrides.<task>`` are merged here (:func:`target_hparams`), and so is each
training stage (:func:`stage_hparams`), nowhere else. The run's notebook receives the config as its
one ``config`` parameter (a JSON-able mapping, :meth:`RunConfig.to_dict`) and hands it to
:func:`xlib.pipeline.run`. A new run parameter is one field of :class:`RunConfig`; a field declared
with ``study=True`` takes the params key of the same name (a field of :class:`xlib.studyconfig.Study`)
in every run, any other is set per run by one keyword in :func:`xlib.planning.plan`.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields

from .fielddocs import Documented

PHASES = ("intermediate", "target")


def _option(default=None, help: str = "", study: bool = False):  # noqa: A002  (HfArgumentParser's convention)
    # study=True: the study key of the same name (a field of xlib.studyconfig.Study) sets it in every run
    metadata = {"help": help, "study": study}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Resources:
    """What one run asks its executor for (the params' ``cluster:`` block; the same on every executor)."""

    cpus: int = _option(1, "CPU cores = the run's torch threads (a fixed function of the params, never of the machine)")
    gpus: int = _option(0, "GPUs of the run")
    memory_gb: int | float | None = _option(None, "memory of the run in GB (Slurm, Ray); None: the executor's default")

    @classmethod
    def from_params(cls, params: dict) -> Resources:
        """Return the resources of every run of the study from its ``cluster:`` block."""
        cluster = params.get("cluster") or {}
        return cls(**{f.name: cluster.get(f.name, f.default) for f in fields(cls)})


@dataclass(frozen=True)
class RunConfig(Documented):
    """Everything one run reads: which phase, on what, with which options (the notebook's ``config``)."""

    study: str = _option("smoke", "the study's name (params: study)", study=True)
    run_id: str = _option("interactive", "the run's id (xlib.planning: intermediate_id, target_id)")
    phase: str = _option("target", "intermediate (phase ii) or target (phase iii)")
    condition: str = _option("baseline", "the condition's name (params: conditions)")
    seed: int = _option(0, "the run's seed (params: seeds)")
    encoder: str = _option("", "the model the run starts from; empty: the smoke study's pretrained model")
    data: dict = _option({}, "the params' data: block (xlib.data_config.DataConfig)")
    trust_remote_code: bool = _option(
        False, "let transformers run the model's own code (params: trust_remote_code)", study=True
    )
    hparams: dict = _option(
        {},
        "training options (xlib.train.TrainConfig), merged: target: < the task's recipe < "
        "target_overrides.<task> (intermediate runs: the intermediate: block); "
        "per-stage options under stages.<stage>",
    )
    tasks: list = _option([], "phase (ii): the intermediate tasks, trained together")
    options: dict = _option({}, "phase (ii): the condition's options: mlm, translate, shuffle_labels (xlib.conditions)")
    target: str = _option("", "phase (iii): the target task")
    languages: list = _option([], "phase (iii): the languages evaluated; empty: every language of the task")
    predict: dict = _option(
        {}, "phase (iii): options of the format's predict (params: retrieval, retrieval tasks only)"
    )
    perturb: list = _option(
        [], "phase (iii): perturbed test sets also scored for MLEM-R: char, word (params: perturb)", study=True
    )

    def __post_init__(self):
        if self.phase not in PHASES:
            raise ValueError(f"config.phase: expected one of {', '.join(PHASES)}, got {self.phase!r}")

    @classmethod
    def study_keys(cls) -> list[str]:
        """Return the fields every run takes from the study key of the same name (``study=True``)."""
        return [f.name for f in fields(cls) if f.metadata["study"]]

    @classmethod
    def from_dict(cls, values: dict | None, where: str = "config") -> RunConfig:
        """Return the config of the mapping ``values``; ValueError naming every unknown key and the fields."""
        values = dict(values or {})
        unknown = [key for key in values if key not in cls.keys()]
        if unknown:
            raise ValueError(
                "\n".join(f"{where}: unknown key {key!r}; expected one of: {', '.join(cls.keys())}" for key in unknown)
            )
        return cls(**values)

    def to_dict(self) -> dict:
        """Return the config as a JSON-able mapping (the run's ``parameters`` in run.json, the notebook's ``config``)."""
        return asdict(self)

    def stage_names(self) -> list[str]:
        """Return the training stages of the run's task (one unnamed stage unless the task trains in several)."""
        if self.phase == "intermediate":
            return [""]
        from .tasks import get_task

        return [name for name, _ in get_task(self.target).stages(self.data)]

    def train_configs(self) -> dict:
        """Return ``{stage: TrainConfig}`` of every training stage of the run (checks the options)."""
        names = self.stage_names()
        return {name: train_config(self.hparams, name, names) for name in names}


def target_hparams(params, target: str) -> dict:
    """Return the training options of ``target``: the ``target:`` block, then the task's official recipe
    (``TaskSpec.recipe``), then ``target_overrides.<target>``, each key over the ones before.
    ``params`` is a :class:`xlib.studyconfig.Study` or a params mapping."""
    from .tasks import get_task

    def block(key: str) -> dict:
        return (params.get(key) if isinstance(params, dict) else getattr(params, key)) or {}

    return {
        **copy.deepcopy(block("target")),
        **copy.deepcopy(get_task(target).recipe),
        **copy.deepcopy(block("target_overrides").get(target) or {}),
    }


def stage_hparams(hparams: dict, stage: str, stage_names) -> dict:
    """Return the training options of one phase-(iii) ``stage``: ``hparams`` with its ``stages.<stage>`` merged in.

    ``hparams["stages"]`` (optional) maps stage names of the task to option overrides, e.g.
    ``{"stages": {"siqa": {"epochs": 2}}}``; a name the task does not train raises ValueError.
    """
    hparams = dict(hparams or {})
    per_stage = hparams.pop("stages", None) or {}
    unknown = [name for name in per_stage if name not in stage_names]
    if unknown:
        raise ValueError(
            f"hparams.stages: unknown stage(s) {', '.join(map(repr, unknown))}; this task trains in "
            f"stage(s) {', '.join(repr(n) for n in stage_names if n) or 'one unnamed stage'}"
        )
    return {**hparams, **(per_stage.get(stage) or {})}


def train_config(hparams: dict, stage: str = "", stage_names=("",)):
    """Return the :class:`xlib.train.TrainConfig` of ``stage`` (the options of :func:`stage_hparams`)."""
    from .train import TrainConfig

    return TrainConfig.from_dict(stage_hparams(hparams, stage, list(stage_names)))
