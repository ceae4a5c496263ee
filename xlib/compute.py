"""How much training the study grid costs, and how much reusing phase-(ii) checkpoints saves.

The grid runs phase (ii) once per (condition, seed) and every target of that condition loads the
same checkpoint (``planning.plan``). The alternative, running phase (ii) again in front of every
(condition, target, seed) pair, repeats phase (ii) once per extra target. Costs are counted in
optimizer steps and in training examples (steps x batch size x gradient accumulation), the
comparable unit across phases with different batch sizes.

``python -m xlib.compute params/miniature.yaml`` prints the summary of a params file.
"""

from __future__ import annotations

import math
import sys

from .runconfig import train_config
from .studyconfig import Study


class UnknownSize(ValueError):
    """A task whose number of training examples is not known here (pass it in ``train_sizes``)."""


def train_size(task: str, study: Study, train_sizes: dict | None = None) -> int:
    """Return the number of English training examples of ``task`` (``<task>:<stage>`` for one stage) per epoch.

    ``train_sizes`` overrides; a generated task counts the study's ``data.sizes``; else ``TaskSpec.train_size``.
    """
    from .tasks import get_task
    from .tasks.synthetic import DEFAULT_SIZES, load_synthetic

    if train_sizes and task in train_sizes:
        return int(train_sizes[task])
    spec = get_task(task.split(":")[0])
    if spec.loader is load_synthetic:
        return int({**DEFAULT_SIZES, **(study.data.sizes or {})}["train"])
    size = spec.train_size
    if isinstance(size, dict):  # a staged task: one size per stage
        size = size.get(task.partition(":")[2])
    if size:
        return int(size)
    raise UnknownSize(
        f"task {task!r}: training size unknown and the phase has no max_steps; pass train_sizes={{{task!r}: N}}"
    )


def phase_cost(tasks, hparams: dict | None, study: Study, train_sizes: dict | None = None) -> dict:
    """Return ``{"steps", "examples"}`` of one training phase on ``tasks`` with ``hparams``."""
    cfg = train_config(hparams)
    per_step = cfg.batch_size * cfg.grad_accum
    if cfg.max_steps:
        steps = int(cfg.max_steps)
    else:
        total = sum(train_size(t, study, train_sizes) for t in tasks)
        steps = max(1, math.ceil(cfg.epochs * total / per_step))
    return {"steps": steps, "examples": steps * per_step}


def grid_compute(study: Study, train_sizes: dict | None = None) -> dict:
    """Return the grid's training cost with phase-(ii) reuse and with phase (ii) rerun per target, and the saving.

    Phase (ii) counts the English intermediate tasks of each condition; data a condition adds
    through options (continued MLM, translate-train copies) is not counted, so for such
    conditions the phase-(ii) figures are lower bounds.
    """
    from .runconfig import stage_hparams, target_hparams
    from .tasks import get_task

    seeds, targets = list(study.seeds), list(study.targets)
    phase_ii = {"runs": 0, "steps": 0, "examples": 0}
    phase_iii = {"runs": 0, "steps": 0, "examples": 0}
    rerun_ii = {"steps": 0, "examples": 0}  # phase (ii) repeated in front of every target
    uncounted: set[str] = set()  # phase-(iii) targets whose training size is unknown
    for _seed in seeds:
        for condition in study.conditions.values():
            tasks = list(condition.tasks)
            cost_ii = phase_cost(tasks, study.intermediate, study, train_sizes) if tasks else None
            if cost_ii:
                phase_ii["runs"] += 1
                for key in ("steps", "examples"):
                    phase_ii[key] += cost_ii[key]
                    rerun_ii[key] += cost_ii[key] * len(targets)
            for target in targets:
                phase_iii["runs"] += 1
                if not get_task(target).trains:
                    continue
                hp = target_hparams(study, target)
                stages = [name for name, _ in get_task(target).stages(study.data.options())]
                for stage in stages:  # staged targets (XCOPA: Social IQa, then COPA) pay for every stage
                    try:
                        cost = phase_cost(
                            [f"{target}:{stage}" if stage else target],
                            stage_hparams(hp, stage, stages),
                            study,
                            train_sizes,
                        )
                    except UnknownSize:
                        uncounted.add(target)
                        continue
                    phase_iii["steps"] += cost["steps"]
                    phase_iii["examples"] += cost["examples"]
    with_reuse = {k: phase_ii[k] + phase_iii[k] for k in ("steps", "examples")}
    without = {k: rerun_ii[k] + phase_iii[k] for k in ("steps", "examples")}
    saved = without["examples"] - with_reuse["examples"]
    return {
        "study": study.study,
        "seeds": len(seeds),
        "conditions": len(study.conditions),
        "targets": len(targets),
        "uncounted_targets": sorted(uncounted),
        "phase_ii": phase_ii,
        "phase_iii": phase_iii,
        "with_reuse": with_reuse,
        "without_reuse": without,
        "saved_examples": saved,
        "saved_fraction": saved / without["examples"] if without["examples"] else 0.0,
        "speedup": without["examples"] / with_reuse["examples"] if with_reuse["examples"] else 1.0,
    }


def format_compute(summary: dict) -> str:
    """Return a short human-readable report of ``grid_compute``'s summary."""
    s = summary
    return "\n".join(
        [
            f"grid {s['study']}: {s['conditions']} conditions x {s['targets']} targets x {s['seeds']} seed(s)",
            f"  phase (ii):  {s['phase_ii']['runs']} runs, {s['phase_ii']['steps']:,} steps, "
            f"{s['phase_ii']['examples']:,} examples",
            f"  phase (iii): {s['phase_iii']['runs']} runs, {s['phase_iii']['steps']:,} steps, "
            f"{s['phase_iii']['examples']:,} examples",
            f"  with phase-(ii) reuse:    {s['with_reuse']['steps']:,} steps, {s['with_reuse']['examples']:,} examples",
            f"  phase (ii) rerun per target: {s['without_reuse']['steps']:,} steps, "
            f"{s['without_reuse']['examples']:,} examples",
            f"  saved: {s['saved_examples']:,} training examples ({100 * s['saved_fraction']:.1f}%), "
            f"{s['speedup']:.2f}x less training",
        ]
        + (
            [f"  not counted (training size unknown; pass train_sizes): {', '.join(s['uncounted_targets'])}"]
            if s.get("uncounted_targets")
            else []
        )
    )


def main(argv=None) -> int:
    """Print the compute summary of each params file given on the command line; return the exit status."""
    from .params import load

    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m xlib.compute PARAMS.yaml [...]", file=sys.stderr)
        return 2
    for path in paths:
        print(format_compute(grid_compute(load(path))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
