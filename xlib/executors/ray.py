"""Ray executor: every run of the grid is one Ray task, placed by Ray from the resources it asks for.

Dependencies are handed to Ray as object references (a phase-(iii) task receives its phase-(ii)
task's outcome as an argument), so Ray orders the DAG. A worker or node lost mid-run is retried by
Ray (``cluster.retries`` times); ``execute_run`` leaves nothing that counts from the lost attempt.
"""

from __future__ import annotations

import os
from pathlib import Path

from dataclasses import replace
from typing import TYPE_CHECKING

from ..rundir import Outcome, Run, blocked, execute_run, failed_outcome, short_error
from .base import Progress, split_done

if TYPE_CHECKING:
    from ..studyconfig import Study

# environment the workers need to see the same data, cache and offline settings as the driver
FORWARDED = ("XLIB_", "HF_", "TRANSFORMERS_", "TOKENIZERS_")


def _execute(run: Run, root: str, *parents: Outcome) -> Outcome:
    """Return the outcome of ``run`` (not executed when a phase-(ii) parent failed)."""
    for parent in parents:
        if not parent.ok:
            return blocked(run, root, parent.run_id)
    import ray

    return replace(execute_run(run, root), node=ray.get_runtime_context().get_node_id())


def task_options(run: Run, retries: int = 3) -> dict:
    """Return the Ray task options for ``run``: its CPUs, GPUs, memory and retries on worker loss."""
    res = run.resources
    options = {
        "num_cpus": float(res.get("cpus") or 1),
        "num_gpus": float(res.get("gpus") or 0),
        "max_retries": int(retries),
        "retry_exceptions": False,
        "name": run.run_id,
    }
    if res.get("memory_gb"):
        options["memory"] = int(float(res["memory_gb"]) * 2**30)
    return options


def connect(address: str | None = None):
    """Connect to the Ray cluster at ``address`` / ``RAY_ADDRESS`` (else start a local one); return the ray module."""
    try:
        import ray
    except ImportError:
        from . import ExecutorUnavailable

        raise ExecutorUnavailable('the Ray executor needs Ray: pip install ".[ray]"') from None
    if not ray.is_initialized():
        env = {k: v for k, v in os.environ.items() if k.startswith(FORWARDED) and k != "XLIB_FAULT"}
        ray.init(
            address=address or os.environ.get("RAY_ADDRESS") or None,
            runtime_env={"env_vars": env},
            log_to_driver=False,
            include_dashboard=False,
        )
    return ray


def run_grid(
    runs: list[Run],
    root: Path,
    jobs: int | None = None,
    log=print,
    study: Study | None = None,
    address: str | None = None,
    retries: int | None = None,
    **_options,
) -> list[Outcome]:
    """Submit every unfinished run as a Ray task (phase iii after its phase ii) and return all outcomes."""
    ray = connect(address)
    retries = retries if retries is not None else int((study.cluster if study else {}).get("retries", 3))
    pending, done = split_done(runs, root, log)
    task = ray.remote(_execute)
    refs, by_ref = {}, {}
    for run in pending:  # plan() lists every phase-(ii) run before its phase-(iii) runs
        parents = [refs[run.depends_on]] if run.depends_on in refs else []
        ref = task.options(**task_options(run, retries)).remote(run, str(root), *parents)
        refs[run.run_id] = ref
        by_ref[ref] = run
    log(f"submitted {len(refs)} Ray tasks to {ray.get_runtime_context().gcs_address}")
    progress = Progress(len(refs), log)
    outcomes, waiting = [], list(by_ref)
    try:
        while waiting:
            ready, waiting = ray.wait(waiting, num_returns=1)
            run = by_ref[ready[0]]
            try:
                outcome = ray.get(ready[0])
            except Exception as exc:  # noqa: BLE001  (retries exhausted, or a parent's task was lost)
                outcome = failed_outcome(root, run.run_id, short_error(exc))
            outcomes.append(outcome)
            progress.update(outcome, running=min(len(waiting), int(ray.cluster_resources().get("CPU", 1))))
    finally:
        progress.close()
    return outcomes
