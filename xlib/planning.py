"""Planning a study: its runs, their ids and the DAG (each phase-(iii) run after the phase-(ii) run it loads)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .rundir import Run
from .runconfig import RunConfig, target_hparams
from .studyconfig import Study


def intermediate_id(condition: str, seed: int) -> str:
    """Return the run id of phase (ii) for ``condition`` and ``seed``."""
    return f"intermediate--{condition}--s{seed}"


def target_id(condition: str, target: str, seed: int) -> str:
    """Return the run id of phase (iii) for ``condition``, ``target`` and ``seed``."""
    return f"target--{condition}--{target}--s{seed}"


def plan(params: dict | Study, runs_root: str | Path = "runs", base_model: str | None = None) -> list[Run]:
    """Return every run of the study, each phase-(ii) run before the phase-(iii) runs that reuse it.

    Phase (ii) runs once per (condition, seed) with intermediate tasks; the baseline (no tasks)
    goes straight to phase (iii) from the pretrained model. ``base_model`` is the resolved model
    path (the synthetic model's cache directory); without it the params' ``model`` is used.
    Each run's ``parameters`` are its :class:`xlib.runconfig.RunConfig`, merged and checked here
    (the training options of every stage parse), as a mapping. ``params`` is a
    :class:`xlib.studyconfig.Study` or the checked mapping of :func:`xlib.params.load_params`.
    """
    from .formats import family
    from .tasks import get_task

    study = Study.of(params)
    root = (Path(runs_root) / study.study).resolve()
    model = base_model or study.model
    resources = asdict(study.resources())
    # the study keys that are run parameters of the same name (RunConfig.study_keys) travel to every run
    common = {key: getattr(study, key) for key in RunConfig.study_keys()}
    common.update(data=study.data.options(), trust_remote_code=bool(study.trust_remote_code))
    runs: list[Run] = []
    for seed in study.seeds:
        for condition in study.conditions.values():
            encoder, parent, tasks = model, None, list(condition.tasks)
            if tasks:
                parent = intermediate_id(condition.name, seed)
                encoder = str(root / parent / "encoder")
                config = RunConfig(
                    **common,
                    run_id=parent,
                    phase="intermediate",
                    condition=condition.name,
                    seed=seed,
                    encoder=model,
                    tasks=tasks,
                    options=condition.options(),
                    hparams=study.intermediate,
                )
                runs.append(_run(config, resources, intermediate=tuple(tasks)))
            for target in study.targets:
                rid = target_id(condition.name, target, seed)
                retrieval = family(get_task(target).format) == "retrieval"
                config = RunConfig(
                    **common,
                    run_id=rid,
                    phase="target",
                    condition=condition.name,
                    seed=seed,
                    encoder=encoder,
                    target=target,
                    hparams=target_hparams(study, target),
                    languages=list(study.languages.get(target) or []),
                    predict=dict(study.retrieval) if retrieval else {},
                )
                runs.append(_run(config, resources, target=target, intermediate=tuple(tasks), depends_on=parent))
    runs.sort(key=lambda r: r.phase != "intermediate")  # stable: phase (ii) first
    return runs


def _run(config: RunConfig, resources: dict, **links) -> Run:
    """Return the Run that executes ``config`` (checked) in its phase's notebook; ``links``: target, intermediate, depends_on."""
    config = checked(config)
    return Run(
        config.run_id,
        config.phase,
        f"{config.phase}.ipynb",
        config.condition,
        config.seed,
        parameters=config.to_dict(),
        resources=dict(resources),
        **links,
    )


def checked(config: RunConfig) -> RunConfig:
    """Return ``config`` once the training options of each of its stages parse (ValueError naming the run)."""
    try:
        config.train_configs()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run {config.run_id}: {exc}") from None
    return config
