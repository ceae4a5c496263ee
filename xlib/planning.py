"""Planning a study: its runs, their ids and the DAG (each phase-(iii) run after the phase-(ii) run it loads)."""

from __future__ import annotations

from pathlib import Path

from .rundir import Run, study_dir


RESOURCE_DEFAULTS = {"cpus": 1, "gpus": 0, "memory_gb": None}


def run_resources(params: dict) -> dict:
    """Return what one run needs (cpus = its torch threads, gpus, memory_gb) from the params' ``cluster`` block.

    The thread count is a fixed function of the params, never of how many runs share a machine,
    so a run gives the same floats on CPU whichever executor ran it.
    """
    cluster = params.get("cluster") or {}
    return {key: cluster.get(key, default) for key, default in RESOURCE_DEFAULTS.items()}


def intermediate_id(condition: str, seed: int) -> str:
    """Return the run id of phase (ii) for ``condition`` and ``seed``."""
    return f"intermediate--{condition}--s{seed}"


def target_id(condition: str, target: str, seed: int) -> str:
    """Return the run id of phase (iii) for ``condition``, ``target`` and ``seed``."""
    return f"target--{condition}--{target}--s{seed}"


def plan(params: dict, runs_root: str | Path = "runs", base_model: str | None = None) -> list[Run]:
    """Return every run of the study, each phase-(ii) run before the phase-(iii) runs that reuse it.

    Phase (ii) runs once per (condition, seed) with intermediate tasks; the baseline (no tasks)
    goes straight to phase (iii) from the pretrained model. ``base_model`` is the resolved model
    path (the synthetic model's cache directory); without it the params' ``model`` is used.
    """
    from .conditions import condition_options, condition_tasks
    from .formats import family
    from .params import target_hparams
    from .tasks import get_task

    root = study_dir(params, runs_root).resolve()
    model = base_model or params["model"]
    resources = run_resources(params)
    common = {
        "study": params["study"],
        "data": params.get("data") or {},
        "trust_remote_code": bool(params.get("trust_remote_code", False)),
    }
    runs: list[Run] = []
    for seed in params["seeds"]:
        for condition, value in params["conditions"].items():
            encoder, parent = model, None
            tasks, options = condition_tasks(value), condition_options(value)
            if tasks:
                parent = intermediate_id(condition, seed)
                encoder = str(root / parent / "encoder")
                runs.append(
                    Run(
                        parent,
                        "intermediate",
                        "intermediate.ipynb",
                        condition,
                        seed,
                        intermediate=tuple(tasks),
                        parameters={
                            **common,
                            "options": options,  # the condition's mlm / translate / shuffle_labels
                            "run_id": parent,
                            "condition": condition,
                            "tasks": list(tasks),
                            "encoder": model,
                            "seed": seed,
                            "hparams": params.get("intermediate") or {},
                        },
                        resources=dict(resources),
                    )
                )
            for target in params["targets"]:
                spec = get_task(target)
                rid = target_id(condition, target, seed)
                hparams = target_hparams(params, target)
                predict = dict(params.get("retrieval") or {}) if family(spec.format) == "retrieval" else {}
                runs.append(
                    Run(
                        rid,
                        "target",
                        "target.ipynb",
                        condition,
                        seed,
                        target=target,
                        intermediate=tuple(tasks),
                        depends_on=parent,
                        parameters={
                            **common,
                            "run_id": rid,
                            "condition": condition,
                            "target": target,
                            "encoder": encoder,
                            "seed": seed,
                            "hparams": hparams,
                            "languages": list((params.get("languages") or {}).get(target) or []),
                            "predict": predict,
                            "perturb": list(params.get("perturb") or []),
                        },
                        resources=dict(resources),
                    )
                )
    runs.sort(key=lambda r: r.phase != "intermediate")  # stable: phase (ii) first
    return runs
