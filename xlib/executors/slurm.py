"""Slurm executor through submitit: one job per run, phase (iii) ``afterok`` its phase-(ii) job.

``run_grid`` returns once the grid is submitted. Each submission is recorded in
``<study>/.slurm/<run-id>.json`` (job id, time), so the same command run again submits only what
is neither finished nor still queued/running according to Slurm. ``cluster="local"`` uses
submitit's local executor instead (no Slurm; no dependencies, so the phases are awaited in turn).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..rundir import (
    Outcome,
    Run,
    blocked,
    execute_run,
    marker_path,
    submission_path,
    submissions_dir,
    temporary_dirs,
    write_atomic,
)
from .base import Progress, split_done

if TYPE_CHECKING:
    from ..studyconfig import Study

ACTIVE = {
    "PENDING",
    "RUNNING",
    "CONFIGURING",
    "COMPLETING",
    "REQUEUED",
    "RESIZING",
    "SUSPENDED",
    "REQUEUE_FED",
    "REQUEUE_HOLD",
    "SIGNALING",
    "STAGE_OUT",
}
SBATCH_KEYS = ("partition", "account", "qos", "gpus", "cpus", "memory_gb", "time_min")


def job(run: Run, root: str) -> Outcome:
    """Execute ``run`` inside a job and return its outcome; raise when it failed so Slurm marks the job FAILED."""
    outcome = execute_run(run, root)
    if not outcome.ok:
        raise RuntimeError(f"{run.run_id} failed: {outcome.error} (notebook: {outcome.notebook})")
    return outcome


def sbatch_options(study: Study | None, overrides: dict | None = None) -> dict:
    """Return the sbatch settings (partition, account, qos, gpus, cpus, memory_gb, time_min, extra) of a study."""
    cluster = dict(study.cluster if study else {})
    for key, value in (overrides or {}).items():
        if value is not None:
            cluster[key] = value
    out = {key: cluster.get(key) for key in SBATCH_KEYS}
    out["cpus"] = out["cpus"] or 1
    out["extra"] = dict(cluster.get("slurm") or {})
    return out


def make_executor(folder: Path, options: dict, cluster: str = "slurm"):
    """Return a submitit executor (``SlurmExecutor`` or ``LocalExecutor``) configured from ``options``."""
    import shutil

    from . import ExecutorUnavailable

    try:
        import submitit
    except ImportError:
        raise ExecutorUnavailable('the Slurm executor needs submitit: pip install ".[slurm]"') from None
    if cluster == "local":
        executor = submitit.LocalExecutor(folder=folder)
        executor.update_parameters(
            timeout_min=int(options.get("time_min") or 60), gpus_per_node=int(options.get("gpus") or 0)
        )
        return executor
    if shutil.which("sbatch") is None or shutil.which("srun") is None:
        raise ExecutorUnavailable(
            "no Slurm here (sbatch/srun not on PATH): run this on a Slurm login node, "
            "or use --submitit-cluster local to run the jobs on this machine"
        )
    executor = submitit.SlurmExecutor(folder=folder, max_num_timeout=0)
    settings = {
        "time": int(options.get("time_min") or 60),
        "cpus_per_task": int(options["cpus"]),
        "ntasks_per_node": 1,
        "additional_parameters": {"kill-on-invalid-dep": "yes", **options["extra"]},
    }
    if options.get("gpus"):
        settings["gpus_per_node"] = int(options["gpus"])
    if options.get("memory_gb"):
        settings["mem"] = f"{int(float(options['memory_gb']))}G"
    for key in ("partition", "account", "qos"):
        if options.get(key):
            settings[key] = options[key]
    executor.update_parameters(**settings)
    return executor


def _record(root: Path, run_id: str) -> dict | None:
    try:
        return json.loads(submission_path(root, run_id).read_text())
    except (OSError, ValueError):
        return None


def _forget(root: Path, run_id: str) -> None:
    """Remove what a lost job of ``run_id`` left: its running marker and temporary directories."""
    import shutil

    marker_path(root, run_id).unlink(missing_ok=True)
    for tmp in temporary_dirs(root, run_id):
        shutil.rmtree(tmp, ignore_errors=True)


def job_state(folder: Path, job_id: str) -> str:
    """Return Slurm's state of job ``job_id`` (``UNKNOWN`` when sacct cannot tell)."""
    import submitit

    try:
        return submitit.SlurmJob(folder=folder, job_id=str(job_id)).state.split()[0]
    except Exception:  # noqa: BLE001
        return "UNKNOWN"


def run_grid(
    runs: list[Run],
    root: Path,
    jobs: int | None = None,
    log=print,
    study: Study | None = None,
    cluster: str = "slurm",
    sbatch: dict | None = None,
    wait: bool | None = None,
    **_options,
) -> list[Outcome] | None:
    """Submit every run that is neither finished nor queued; return None (submitted), or outcomes when run locally."""
    options = sbatch_options(study, sbatch)
    folder = root / ".submitit"
    executor = make_executor(folder, options, cluster)
    pending, done = split_done(runs, root, log)
    submissions_dir(root).mkdir(parents=True, exist_ok=True)
    jobs_by_run, queued, submitted = {}, [], []
    if cluster == "local":
        return _run_local(executor, pending, root, log)
    for run in pending:
        record = _record(root, run.run_id)
        if record and job_state(folder, record["job_id"]) in ACTIVE:
            jobs_by_run[run.run_id] = record["job_id"]
            queued.append(run.run_id)
            continue
        if record:  # its job ended without finishing the run (failed, timed out, node lost): forget it
            _forget(root, run.run_id)
        dependency = jobs_by_run.get(run.depends_on) if run.depends_on and run.depends_on not in done else None
        params_for_run = {"job_name": run.run_id}
        params_for_run["dependency"] = f"afterok:{dependency}" if dependency else None
        executor.update_parameters(**params_for_run)
        submitted_job = executor.submit(job, run, str(root))
        jobs_by_run[run.run_id] = submitted_job.job_id
        write_atomic(
            submission_path(root, run.run_id),
            json.dumps(
                {
                    "run_id": run.run_id,
                    "job_id": submitted_job.job_id,
                    "submitted": time.time(),
                    "depends_on": dependency,
                }
            ),
        )
        submitted.append(run.run_id)
    log(f"submitted {len(submitted)} Slurm job(s); {len(queued)} already queued or running; {len(done)} finished")
    return None


def _run_local(executor, pending: list[Run], root: Path, log) -> list[Outcome]:
    """Run ``pending`` with submitit's local executor, phase (ii) first, waiting for each phase."""
    outcomes, failed = [], set()
    progress = Progress(len(pending), log)
    for phase in ("intermediate", "target"):
        batch = [r for r in pending if r.phase == phase]
        submitted = []
        for run in batch:
            if run.depends_on in failed:
                outcomes.append(blocked(run, root, run.depends_on))
                failed.add(run.run_id)
                progress.update(outcomes[-1])
                continue
            submitted.append((run, executor.submit(job, run, str(root))))
        for run, sub in submitted:
            try:
                outcome = sub.result()
            except Exception as exc:  # noqa: BLE001
                lines = [l for l in str(exc).strip().splitlines() if l.strip()]
                outcome = Outcome(run.run_id, False, error=lines[-1] if lines else type(exc).__name__)
                failed.add(run.run_id)
            outcomes.append(outcome)
            progress.update(outcome)
    progress.close()
    return outcomes
