"""Planning a study: its runs, their ids and the DAG (each phase-(iii) run after the phase-(ii) run it loads)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .rundir import Run, study_dir
from .runconfig import Resources, RunConfig, target_hparams


def run_resources(params: dict) -> dict:
    """Return what one run needs (cpus = its torch threads, gpus, memory_gb) from the params' ``cluster`` block.

    The thread count is a fixed function of the params, never of how many runs share a machine,
    so a run gives the same floats on CPU whichever executor ran it (:class:`xlib.runconfig.Resources`).
    """
    return asdict(Resources.from_params(params))


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
    Each run's ``parameters`` are its :class:`xlib.runconfig.RunConfig`, merged and checked here
    (the training options of every stage parse), as a mapping.
    """
    from .conditions import condition_options, condition_tasks
    from .formats import family
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
                config = checked(
                    RunConfig(
                        **common,
                        run_id=parent,
                        phase="intermediate",
                        condition=condition,
                        seed=seed,
                        encoder=model,
                        tasks=list(tasks),
                        options=options,
                        hparams=params.get("intermediate") or {},
                    )
                )
                runs.append(
                    Run(
                        parent,
                        "intermediate",
                        "intermediate.ipynb",
                        condition,
                        seed,
                        intermediate=tuple(tasks),
                        parameters=config.to_dict(),
                        resources=dict(resources),
                    )
                )
            for target in params["targets"]:
                spec = get_task(target)
                rid = target_id(condition, target, seed)
                config = checked(
                    RunConfig(
                        **common,
                        run_id=rid,
                        phase="target",
                        condition=condition,
                        seed=seed,
                        encoder=encoder,
                        target=target,
                        hparams=target_hparams(params, target),
                        languages=list((params.get("languages") or {}).get(target) or []),
                        predict=dict(params.get("retrieval") or {}) if family(spec.format) == "retrieval" else {},
                        perturb=list(params.get("perturb") or []),
                    )
                )
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
                        parameters=config.to_dict(),
                        resources=dict(resources),
                    )
                )
    runs.sort(key=lambda r: r.phase != "intermediate")  # stable: phase (ii) first
    return runs


def checked(config: RunConfig) -> RunConfig:
    """Return ``config`` once the training options of each of its stages parse (ValueError naming the run)."""
    try:
        config.train_configs()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run {config.run_id}: {exc}") from None
    return config
