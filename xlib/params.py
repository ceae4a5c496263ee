"""Study parameter files: YAML parsed with a safe loader and checked before anything runs."""
from __future__ import annotations

from pathlib import Path

import yaml

TOP_LEVEL = {
    "study": str, "description": str, "model": str, "pretrain": dict, "trust_remote_code": bool,
    "seeds": list, "jobs": int, "data": dict, "conditions": dict, "targets": list, "languages": dict,
    "intermediate": dict, "target": dict, "target_overrides": dict, "retrieval": dict,
}
REQUIRED = ("study", "model", "seeds", "conditions", "targets")


class ParamsError(ValueError):
    """A params file that does not describe a valid study; the message lists every problem found."""


def load_params(path: str | Path) -> dict:
    """Return the validated study parameters read from the YAML file at ``path``."""
    path = Path(path)
    if not path.exists():
        raise ParamsError(f"{path}: no such params file")
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(params, dict):
        raise ParamsError(f"{path}: expected a mapping of study parameters at the top level")
    errors = validate(params)
    if errors:
        raise ParamsError(f"{path}: {len(errors)} problem(s):\n" + "\n".join(f"  - {e}" for e in errors))
    params.setdefault("jobs", 1)
    params.setdefault("data", {})
    params["_path"] = str(path)
    return params


def validate(params: dict) -> list[str]:
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
        if key in params and params[key] is not None and not isinstance(params[key], kind):
            errors.append(f"key {key!r}: expected a {kind.__name__}, got {type(params[key]).__name__}")
    if errors:
        return errors
    tasks = all_tasks()
    for seed in params["seeds"]:
        if not isinstance(seed, int) or seed < 0:
            errors.append(f"seeds: {seed!r} is not a non-negative integer")
    if not params["seeds"]:
        errors.append("seeds: expected at least one seed")
    if params.get("jobs", 1) < 1:
        errors.append(f"jobs: expected an integer >= 1, got {params['jobs']}")
    for cond, names in params["conditions"].items():
        if not isinstance(names, list):
            errors.append(f"conditions.{cond}: expected a list of intermediate tasks ([] for the baseline)")
            continue
        for name in names:
            if name not in tasks:
                errors.append(f"conditions.{cond}: unknown task {name!r}")
    for name in params["targets"]:
        if name not in tasks:
            errors.append(f"targets: unknown task {name!r}")
    for name, langs in (params.get("languages") or {}).items():
        if name not in tasks:
            errors.append(f"languages: unknown task {name!r}")
            continue
        bad = [l for l in langs if l not in tasks[name].languages]
        if bad:
            errors.append(f"languages.{name}: unknown language(s) {', '.join(map(str, bad))}; "
                          f"expected some of {', '.join(tasks[name].languages)}")
    for section in ("intermediate", "target"):
        try:
            TrainConfig.from_dict(params.get(section))
        except (TypeError, ValueError) as exc:
            errors.append(f"{section}: {exc}")
    for name, overrides in (params.get("target_overrides") or {}).items():
        if name not in params["targets"]:
            errors.append(f"target_overrides: {name!r} is not one of the study's targets")
        try:
            TrainConfig.from_dict({**(params.get("target") or {}), **(overrides or {})})
        except (TypeError, ValueError) as exc:
            errors.append(f"target_overrides.{name}: {exc}")
    if params["model"] == "synthetic":
        from .synth.pretrain import PretrainConfig
        try:
            PretrainConfig.from_dict(params.get("pretrain"))
        except (TypeError, ValueError) as exc:
            errors.append(f"pretrain: {exc}")
    elif params.get("pretrain"):
        errors.append("pretrain: only used with model: synthetic")
    return errors
