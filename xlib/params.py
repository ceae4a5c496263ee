"""Study parameter files: YAML parsed with a safe loader and checked before anything runs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .checks import check_options, check_range, is_kind, kind_name, type_of
from .studyconfig import Study

# the top-level keys and their YAML types: the fields of xlib.studyconfig.Study
TOP_LEVEL = Study.keys()
# the ``analysis:`` block: how gains are tested (xlib.significance)
ANALYSIS = {"correction": ("holm", "bh", "none"), "alpha": (0.0, 1.0), "n_boot": (1, None)}
REQUIRED = Study.required()
# perturbed copies of every target's test set scored for MLEM-R (xlib.perturb)
PERTURBATIONS = ("char", "word")

# the ``cluster:`` block: per-run resources (every executor) and Slurm settings
CLUSTER = {
    "cpus": int,
    "gpus": int,
    "memory_gb": (int, float),
    "time_min": int,
    "partition": str,
    "account": str,
    "qos": str,
    "retries": int,
    "slurm": dict,
}
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$")
STUDY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ParamsError(ValueError):
    """A params file that does not describe a valid study; the message lists every problem found."""


def load(path: str | Path) -> Study:
    """Return the study of the params file at ``path``, checked (every problem at once) and parsed once."""
    return Study.from_params(load_params(path))


def load_params(path: str | Path) -> dict:
    """Return the validated study parameters read from the YAML file at ``path``."""
    path = Path(path)
    if not path.exists():
        raise ParamsError(f"{path}: no such params file")
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(params, dict):
        raise ParamsError(f"{path}: expected a mapping of study parameters at the top level")
    errors = validate(params, base=path.parent)
    if errors:
        raise ParamsError(f"{path}: {len(errors)} problem(s):\n" + "\n".join(f"  - {e}" for e in errors))
    params.setdefault("jobs", 1)
    params.setdefault("data", {})
    params["_path"] = str(path)
    return params


def check_model(model: str, base: Path | None = None) -> list[str]:
    """Return problems with ``model``: a local directory must hold config.json and safetensors weights."""
    if model == "synthetic":
        return []
    path = Path(model).expanduser()
    if not path.is_absolute() and base is not None and not path.exists() and (base / path).exists():
        path = base / path
    looks_local = model.startswith(("/", "./", "../", "~")) or path.exists()
    if not looks_local:
        if HUB_ID.match(model):
            return []
        return [f"model: {model!r} is neither an existing directory nor a Hugging Face hub id (org/name)"]
    if not path.is_dir():
        return [f"model: no such model directory {model!r}; expected a directory saved with save_pretrained"]
    problems = []
    if not (path / "config.json").exists():
        problems.append(f"model: {model!r} has no config.json; expected a directory saved with save_pretrained")
    if not list(path.glob("*.safetensors")) and not list(path.glob("*.safetensors.index.json")):
        found = ", ".join(sorted(p.name for p in path.glob("*.bin"))) or "no weights"
        problems.append(
            f"model: {model!r} has no *.safetensors weights ({found}); only safetensors are loaded "
            "(pickled .bin weights are refused)"
        )
    return problems


def check_data(data) -> list[str]:
    """Return problems with the ``data:`` block: keys that are no field of :class:`xlib.data_config.DataConfig`, types."""
    from .data_config import DataConfig

    try:
        DataConfig.from_dict(data)
    except ValueError as exc:
        return str(exc).splitlines()
    return []


def check_retrieval(options: dict) -> list[str]:
    """Return problems with the ``retrieval:`` block: keys the retrieval format's ``predict`` does not declare."""
    from .formats import RETRIEVAL, get_format

    known = list(dict.fromkeys(o for name in RETRIEVAL for o in get_format(name).predict_options))
    return [
        f"retrieval: unknown key {key!r}; expected one of: {', '.join(known)}" for key in options if key not in known
    ]


def check_analysis(analysis: dict) -> list[str]:
    """Return problems with the ``analysis:`` block (correction: holm | bh | none; alpha in (0, 1); n_boot >= 1)."""
    errors = []
    for key, value in analysis.items():
        if key not in ANALYSIS:
            errors.append(f"analysis: unknown key {key!r}; expected some of {', '.join(ANALYSIS)}")
        elif key == "correction" and value not in ANALYSIS[key]:
            errors.append(
                f"analysis.correction: {value!r} is not supported; expected one of {', '.join(ANALYSIS[key])}"
            )
        elif key == "alpha" and (not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value < 1):
            errors.append(f"analysis.alpha: expected a number between 0 and 1, got {value!r}")
        elif key == "n_boot" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            errors.append(f"analysis.n_boot: expected an integer >= 1, got {value!r}")
    return errors


def check_cluster(cluster: dict) -> list[str]:
    """Return problems with the ``cluster:`` block (unknown keys, types, ranges)."""
    errors = []
    for key, value in cluster.items():
        if key not in CLUSTER:
            errors.append(f"cluster: unknown key {key!r}; expected some of {', '.join(CLUSTER)}")
        elif value is not None and not is_kind(value, CLUSTER[key]):
            errors.append(f"cluster.{key}: expected {kind_name(CLUSTER[key])}, got {value!r} ({type_of(value)})")
        else:
            errors += check_range(f"cluster.{key}", key, value)
    return errors


def check_stages(where: str, stages, spec, params: dict, base_options: dict) -> list[str]:
    """Return problems with per-stage training options (``target_overrides.<task>.stages``) of a staged task."""
    from .runconfig import train_config
    from .train import TrainConfig

    if not isinstance(stages, dict):
        return [f"{where}: expected a mapping of stage name to training options, got {stages!r}"]
    try:
        names = [name for name, _ in spec.stages(params.get("data") or {})]
    except ValueError as exc:
        return [f"data: {exc}"]
    errors = []
    for stage, options in stages.items():
        if stage not in names or not stage:
            errors.append(
                f"{where}: {spec.name!r} has no training stage {stage!r}; its stages are "
                + (", ".join(map(repr, names)) if any(names) else "none (it trains in one stage)")
            )
        elif not isinstance(options, dict):
            errors.append(f"{where}.{stage}: expected a mapping of training options, got {options!r}")
        else:
            try:
                train_config({**base_options, "stages": {stage: options}}, stage, names)
            except (TypeError, ValueError) as exc:
                errors.append(f"{where}.{stage}: {exc}")
            errors += check_options(f"{where}.{stage}", options, TrainConfig)
    return errors


def validate(params: dict, base: Path | None = None) -> list[str]:
    """Return every problem in ``params`` as one message per key (empty when valid)."""
    from .tasks import all_tasks
    from .train import TrainConfig

    errors = []
    for key in sorted(set(params) - set(TOP_LEVEL)):
        errors.append(f"unknown key {key!r}; expected one of {', '.join(TOP_LEVEL)}")
    for key in REQUIRED:
        if key not in params:
            errors.append(f"missing required key {key!r}")
    for key, kind in TOP_LEVEL.items():
        if key in params and params[key] is not None and not is_kind(params[key], kind):
            errors.append(f"key {key!r}: expected a {kind.__name__}, got {type(params[key]).__name__}")
        elif key in REQUIRED and key in params and params[key] is None:
            errors.append(f"key {key!r}: expected a {kind.__name__}, got nothing (null)")
    if errors:
        return errors
    tasks = all_tasks()
    if not STUDY_NAME.match(params["study"]):
        errors.append(
            f"study: {params['study']!r} is not a usable directory name; expected letters, digits, '.', '_' or '-'"
        )
    for seed in params["seeds"]:
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            errors.append(f"seeds: {seed!r} is not a non-negative integer")
    if not params["seeds"]:
        errors.append("seeds: expected at least one seed")
    elif len(set(map(str, params["seeds"]))) != len(params["seeds"]):
        errors.append(f"seeds: expected distinct seeds, got {params['seeds']}")
    if params.get("jobs") is not None and params["jobs"] < 1:
        errors.append(f"jobs: expected an integer >= 1, got {params['jobs']}")
    if not params["conditions"]:
        errors.append("conditions: expected at least one condition (baseline: [] for no intermediate task)")
    if not params["targets"]:
        errors.append("targets: expected at least one target task")
    errors += check_model(params["model"], base)
    errors += check_data(params.get("data"))
    errors += check_retrieval(params.get("retrieval") or {})
    errors += check_analysis(params.get("analysis") or {})
    errors += check_cluster(params.get("cluster") or {})
    for kind in params.get("perturb") or []:
        if kind not in PERTURBATIONS:
            errors.append(f"perturb: unknown perturbation {kind!r}; expected some of {', '.join(PERTURBATIONS)}")
    from .conditions import condition_errors  # a list of tasks, or {tasks, mlm, translate, shuffle_labels}

    for cond, value in params["conditions"].items():
        errors += condition_errors(str(cond), value, tasks)
    for name in params["targets"]:
        if name not in tasks:
            errors.append(f"targets: unknown task {name!r}")
        elif tasks[name].train_stages is not None:  # a staged target checks its schedule option in data:
            try:
                tasks[name].stages(params.get("data") or {})
            except ValueError as exc:
                errors.append(f"data: {exc}")
    for name, langs in (params.get("languages") or {}).items():
        if name not in tasks:
            errors.append(f"languages: unknown task {name!r}")
            continue
        if not isinstance(langs, list):
            errors.append(f"languages.{name}: expected a list of language codes, got {langs!r}")
            continue
        bad = [l for l in langs if l not in tasks[name].languages]
        if bad:
            errors.append(
                f"languages.{name}: unknown language(s) {', '.join(map(str, bad))}; "
                f"expected some of {', '.join(tasks[name].languages)}"
            )
    for section in ("intermediate", "target"):
        try:
            TrainConfig.from_dict(params.get(section))
        except (TypeError, ValueError) as exc:
            errors.append(f"{section}: {exc}")
        errors += check_options(section, params.get(section) or {}, TrainConfig)
    for name, overrides in (params.get("target_overrides") or {}).items():
        if name not in params["targets"]:
            errors.append(f"target_overrides: {name!r} is not one of the study's targets")
        if overrides is not None and not isinstance(overrides, dict):
            errors.append(f"target_overrides.{name}: expected a mapping of training options, got {overrides!r}")
            continue
        overrides = dict(overrides or {})
        stages = overrides.pop("stages", None)
        try:
            TrainConfig.from_dict({**(params.get("target") or {}), **overrides})
        except (TypeError, ValueError) as exc:
            errors.append(f"target_overrides.{name}: {exc}")
        errors += check_options(f"target_overrides.{name}", overrides, TrainConfig)
        if stages is not None and name in tasks:
            errors += check_stages(
                f"target_overrides.{name}.stages",
                stages,
                tasks[name],
                params,
                {**(params.get("target") or {}), **overrides},
            )
    if params["model"] == "synthetic":
        from .synth.pretrain import PretrainConfig

        try:
            PretrainConfig.from_dict(params.get("pretrain"))
        except (TypeError, ValueError) as exc:
            errors.append(f"pretrain: {exc}")
        errors += check_options("pretrain", params.get("pretrain") or {}, PretrainConfig)
    elif params.get("pretrain"):
        errors.append("pretrain: only used with model: synthetic")
    return errors
