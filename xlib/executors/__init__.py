"""Executors: thin adapters that run the study's DAG (``planning.plan``) on an engine.

Each module exposes ``run_grid(runs, root, jobs, log, study, **options) -> list[rundir.Outcome]`` (``study``:
the :class:`xlib.studyconfig.Study`) and calls ``rundir.execute_run`` for every run (executors depend on
the run directory only); none schedules
anything itself beyond handing the DAG to its engine: ``local`` (a process pool on this machine), ``ray`` (one Ray task per run),
``slurm`` (one Slurm job per run through submitit, ``afterok`` dependencies).
"""

from __future__ import annotations

from importlib import import_module

EXECUTORS = ("local", "ray", "slurm")


class ExecutorUnavailable(RuntimeError):
    """The chosen executor cannot run here (engine not installed, no Slurm); the message says what to do."""


def get_executor(name: str):
    """Return the executor module called ``name`` (one of ``EXECUTORS``)."""
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
    return import_module(f"{__name__}.{name}")
