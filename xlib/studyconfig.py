"""A params file as typed records: :class:`Study` (its top-level keys) and :class:`Condition` (one condition).

Each key of a params file is one field of :class:`Study`, with its YAML type, whether it is required,
and its help text (``python -m xlib run --help`` lists them): :data:`xlib.params.TOP_LEVEL` and
:data:`xlib.params.REQUIRED` are read from here, so a key that is no field is an error naming it.
:func:`xlib.params.load` checks the file (:func:`xlib.params.validate`, every problem at once) and
parses it once into a :class:`Study`; :func:`xlib.planning.plan` turns a Study into one
:class:`xlib.runconfig.RunConfig` per run. A :class:`RunConfig` field declared with ``study=True``
(``trust_remote_code``, ``perturb``) takes the study key of the same name in every run's config, so a
new study-wide run parameter is one field here and one of the same name there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .data_config import DataConfig
from .runconfig import Resources


def _key(kind, default=None, help: str = "", required: bool = False):  # noqa: A002  (HfArgumentParser's convention)
    metadata = {"kind": kind, "help": help, "required": required}
    if isinstance(default, (dict, list)):
        return field(default_factory=type(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Condition:
    """One entry of ``conditions:``: the intermediate tasks of phase (ii) and the condition's options."""

    name: str = field(metadata={"help": "the condition's name: the key under conditions:, part of its run ids"})
    tasks: tuple = field(default=(), metadata={"help": "the intermediate tasks of phase (ii); () is the baseline"})
    mlm: dict | None = field(default=None, metadata={"help": "continued multilingual MLM (xlib.mlm)"})
    translate: dict | None = field(
        default=None, metadata={"help": "translate-train intermediate data (xlib.translate)"}
    )
    shuffle_labels: bool | None = field(
        default=None, metadata={"help": "the negative control: labels permuted over the examples (xlib.controls)"}
    )

    @classmethod
    def from_value(cls, name: str, value) -> Condition:
        """Return the condition ``name`` of a params value: a list of tasks, or ``{tasks, mlm, translate, shuffle_labels}``."""
        if isinstance(value, dict):
            return cls(
                str(name),
                tuple(value.get("tasks") or ()),
                value.get("mlm"),
                value.get("translate"),
                value.get("shuffle_labels"),
            )
        return cls(str(name), tuple(value or ()))

    def options(self) -> dict:
        """Return the options that are set (``mlm``, ``translate``, ``shuffle_labels``), as phase (ii) receives them."""
        return {k: getattr(self, k) for k in ("mlm", "translate", "shuffle_labels") if getattr(self, k) is not None}


@dataclass(frozen=True)
class Study:
    """A study: the model, the grid (conditions x targets x seeds) and every option of its runs."""

    study: str = _key(str, "", "the study's name: its directory under the runs directory", required=True)
    description: str = _key(str, "", "one line on what the study asks")
    model: str = _key(
        str,
        "",
        "a Hugging Face hub id, a local save_pretrained directory, or synthetic (the "
        "miniature's model, built from pretrain:)",
        required=True,
    )
    pretrain: dict = _key(dict, {}, "model: synthetic only: options of xlib.synth.pretrain.PretrainConfig")
    trust_remote_code: bool = _key(bool, False, "let transformers run the model's own code")
    seeds: list = _key(list, [], "the seeds; every run is repeated once per seed", required=True)
    jobs: int = _key(int, 1, "local executor: runs executed at once")
    data: DataConfig = field(
        default_factory=DataConfig,
        metadata={
            "kind": dict,
            "required": False,
            "help": "where the tasks read their data (xlib.data_config.DataConfig)",
        },
    )
    conditions: dict = _key(
        dict,
        {},
        "{name: [intermediate tasks]} or {name: {tasks, mlm, translate, shuffle_labels}}; [] is the baseline",
        required=True,
    )
    targets: list = _key(list, [], "the target tasks of phase (iii)", required=True)
    languages: dict = _key(dict, {}, "{target: [languages]} evaluated (default: every language of the task)")
    intermediate: dict = _key(dict, {}, "training options of phase (ii) (xlib.train.TrainConfig)")
    target: dict = _key(dict, {}, "training options of phase (iii) (xlib.train.TrainConfig), under each task's recipe")
    target_overrides: dict = _key(
        dict, {}, "{target: training options} over target: and the recipe; stages: {stage: options} for staged tasks"
    )
    retrieval: dict = _key(dict, {}, "options of the retrieval formats' predict (layer, pooling...)")
    cluster: dict = _key(dict, {}, "per-run resources (cpus, gpus, memory_gb) and Slurm settings")
    perturb: list = _key(list, [], "perturbed test sets also scored for MLEM-R: char, word")
    analysis: dict = _key(dict, {}, "how gains are tested: correction (holm, bh, none), alpha, n_boot")
    path: str = field(default="", metadata={"help": "the params file it was read from"})

    @classmethod
    def keys(cls) -> dict:
        """Return ``{key: YAML type}`` of the params file's top-level keys, in declaration order."""
        return {f.name: f.metadata["kind"] for f in fields(cls) if "kind" in f.metadata}

    @classmethod
    def required(cls) -> tuple:
        """Return the keys a params file must set."""
        return tuple(f.name for f in fields(cls) if f.metadata.get("required"))

    @classmethod
    def help(cls) -> str:
        """Return one ``key: help`` line per top-level key, as ``--help`` lists options."""
        return "\n".join(f"  {f.name}: {f.metadata['help']}" for f in fields(cls) if "kind" in f.metadata)

    @classmethod
    def from_params(cls, params: dict) -> Study:
        """Return the Study of a checked params mapping (:func:`xlib.params.validate`; ``_path`` is its file)."""
        values = {key: params[key] for key in cls.keys() if params.get(key) is not None}
        values["data"] = DataConfig.from_dict(params.get("data"))
        values["conditions"] = {str(n): Condition.from_value(n, v) for n, v in (params.get("conditions") or {}).items()}
        return cls(**values, path=str(params.get("_path", "")))

    @classmethod
    def of(cls, params: Study | dict) -> Study:
        """Return ``params`` as a Study: itself, or the Study of a checked params mapping (for callers holding one)."""
        return params if isinstance(params, cls) else cls.from_params(params)

    def resources(self) -> Resources:
        """Return what each run asks its executor for (the ``cluster:`` block)."""
        return Resources.from_params({"cluster": self.cluster})
