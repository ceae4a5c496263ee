"""The run directory: its layout, atomic writes, running markers, failure records and each run's outcome.

Every path under ``runs/<study>/`` comes from here. A run executes in a temporary directory that
is renamed to ``runs/<study>/<run-id>/`` only once its ``metrics.json`` and ``run.json`` exist
(and are on disk), so a crash at any moment never leaves a half-finished run that looks finished,
and a rerun skips every finished run. :func:`execute_run` runs ONE run and is what every executor
(local, Ray, Slurm: ``xlib.executors``) calls.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .faults import armed, fault_point
from .notebook import execute_notebook
from .provenance import run_environment


@dataclass
class Run:
    """One notebook execution: phase (ii) for a (condition, seed), or phase (iii) for a target."""

    run_id: str
    phase: str  # "intermediate" or "target"
    notebook: str  # notebook file name in notebooks/
    condition: str
    seed: int
    target: str = ""
    intermediate: tuple = ()
    depends_on: str | None = None  # run id whose checkpoint this run loads
    parameters: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)  # cpus (= torch threads), gpus, memory_gb per run


def study_dir(study, runs_root: str | Path = "runs") -> Path:
    """Return ``runs/<study>``, where every run of the study and its results table live.

    ``study`` is a :class:`xlib.studyconfig.Study` (or the checked mapping of :func:`xlib.params.load_params`).
    """
    return Path(runs_root) / (study["study"] if isinstance(study, dict) else study.study)


@dataclass
class Outcome:
    """How one run ended: ``ok``, its wall time, and the error and executed notebook of a failed run."""

    run_id: str
    ok: bool
    seconds: float = 0.0
    error: str | None = None
    notebook: str | None = None
    skipped: bool = False  # finished before this call: not executed again
    node: str | None = None  # the Ray node that ran it (Ray executor only)


def temporary_dirs(root: str | Path, run_id: str = "") -> list[Path]:
    """Return the temporary directories of executing (or interrupted) runs under ``root``; of ``run_id`` only if given."""
    return sorted(Path(root).glob(f".tmp-{run_id}-*" if run_id else ".tmp-*"))


def marker_path(root: str | Path, run_id: str) -> Path:
    """Return ``<study>/.running/<run-id>.json``, the marker of an executing run (host, pid, start)."""
    return running_dir(root) / f"{run_id}.json"


def submissions_dir(root: str | Path) -> Path:
    """Return ``<study>/.slurm``, where each run submitted to Slurm records its job id."""
    return Path(root) / ".slurm"


def submission_path(root: str | Path, run_id: str) -> Path:
    """Return ``<study>/.slurm/<run-id>.json``, the submission record of one run."""
    return submissions_dir(root) / f"{run_id}.json"


def error_path(root: str | Path, run_id: str) -> Path:
    """Return ``<study>/failed/<run-id>/error.txt``, the error of a failed run."""
    return failed_dir(root) / run_id / "error.txt"


def failed_outcome(root: str | Path, run_id: str, error: str) -> Outcome:
    """Record ``run_id`` as failed with ``error`` (no notebook: it did not execute) and return its outcome."""
    record_failure(root, run_id, error)
    return Outcome(run_id, False, error=error)


def blocked(run: Run, root: str | Path, parent: str) -> Outcome:
    """Record ``run`` as failed because its phase-(ii) run ``parent`` failed, and return its outcome."""
    return failed_outcome(root, run.run_id, f"not run: its phase-(ii) run {parent} failed")


def is_finished(run_dir: Path) -> bool:
    """Return True when ``run_dir`` holds a completed run (renamed into place with both reports)."""
    run_dir = Path(run_dir)
    return not run_dir.name.startswith(".") and (run_dir / "metrics.json").exists() and (run_dir / "run.json").exists()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            _fsync(path)
    for folder in [*sorted(p for p in root.rglob("*") if p.is_dir()), root]:
        _fsync(folder)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file, fsync and rename; return the path."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def write_report(out_dir: str | Path, report: dict) -> Path:
    """Write a run's report (result rows, loss log, seconds) to ``out_dir/metrics.json`` and return the path.

    A report holding ``predictions`` (phase iii) has them written to ``out_dir/predictions.parquet``
    first and left out of ``metrics.json``; inside a run's temporary directory both are renamed into
    place together with the run.
    """
    if "predictions" in report:
        from .predictions import write as write_predictions

        write_predictions(out_dir, report["predictions"])
        report = {k: v for k, v in report.items() if k != "predictions"}
    path = Path(out_dir) / "metrics.json"
    text = json.dumps(report, indent=1)
    if armed("metrics"):
        Path(str(path) + ".tmp").write_text(text[: len(text) // 2])
        fault_point("metrics")
    return write_atomic(path, text)


def running_dir(root: str | Path) -> Path:
    """Return ``<study>/.running``, where each executing run keeps a marker naming its host and pid."""
    return Path(root) / ".running"


def failed_dir(root: str | Path) -> Path:
    """Return ``<study>/failed``, where failed runs keep their executed notebook and ``error.txt``."""
    return Path(root) / "failed"


def _marker(run: Run) -> dict:
    return {
        "run_id": run.run_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "start": time.time(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "seed": run.seed,
    }


def _run_env(run: Run, device: int | str | None) -> None:
    os.environ["XLIB_NUM_THREADS"] = str(int(run.resources.get("cpus") or 1))
    os.environ["XLIB_RUN_ID"] = run.run_id
    os.environ["XLIB_STUDY_PGID"] = str(os.getpgrp())  # the runner's group (fault injection only)
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = str(device)


def _check_report(path: Path, notebook: str, phase: str = "") -> None:
    if not path.exists():
        raise RuntimeError(f"{notebook} finished without writing metrics.json")
    if phase == "target" and not (path.parent / "predictions.parquet").exists():
        raise RuntimeError(
            f"{notebook} finished without writing predictions.parquet (every phase-(iii) run keeps "
            "its per-example predictions: rundir.write_report(out_dir, report) with the report of "
            "pipeline.run_target)"
        )
    report = json.loads(path.read_text())
    if not isinstance(report.get("rows"), list):
        raise RuntimeError(f"{path}: expected a report with a list of result 'rows'")


def execute_run(run: Run, root: str | Path, device: int | str | None = None) -> Outcome:
    """Execute ONE run's notebook with Papermill in a temporary directory, then rename it into place.

    Any executor calls this (in a local worker process, a Ray task or a Slurm job). Returns its
    :class:`Outcome`. The run uses ``run.resources["cpus"]``
    torch threads and, when given, the GPU ``device``. While it executes, ``.running/<run-id>.json``
    names its host and pid; a failed run leaves its executed notebook and ``error.txt`` in
    ``failed/<run-id>/`` and never anything in the finished location. A run finished elsewhere
    meanwhile is kept and this copy discarded.
    """
    root_path = Path(root)
    final = root_path / run.run_id
    start = time.time()
    if is_finished(final):
        return Outcome(run.run_id, True, skipped=True)
    _run_env(run, device)
    marker = marker_path(root_path, run.run_id)
    marker.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(marker, json.dumps(_marker(run)))
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run.run_id}-", dir=root_path))
    notebook_out = tmp / Path(run.notebook).name
    try:
        execute_notebook(
            run.notebook,
            notebook_out,
            {"config": run.parameters, "out_dir": str(tmp)},
            reuse_kernel=True,
            log_output=False,
            cwd=str(Path.cwd()),
        )
        _check_report(tmp / "metrics.json", run.notebook, run.phase)
        environment = run_environment(
            run.parameters.get("encoder"), run.resources.get("cpus") or 1, device, run.resources.get("gpus") or 0
        )
        write_atomic(
            tmp / "run.json",
            json.dumps(
                {
                    **asdict(run),
                    "seconds": time.time() - start,
                    "host": socket.gethostname(),
                    "environment": environment,
                },
                indent=1,
            ),
        )
        _fsync_tree(tmp)  # on disk before it can count: a node that loses power keeps no torn checkpoint
        fault_point("rename")
        try:
            os.rename(tmp, final)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not is_finished(final):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # finished elsewhere meanwhile: keep that one
        shutil.rmtree(failed_dir(root_path) / run.run_id, ignore_errors=True)
        return Outcome(run.run_id, True, time.time() - start)
    except Exception as exc:  # noqa: BLE001  (a failed run must never stop the grid)
        message = short_error(exc)
        notebook = record_failure(root_path, run.run_id, message + "\n\n" + traceback.format_exc(), tmp)
        return Outcome(run.run_id, False, time.time() - start, message, notebook)
    except BaseException:  # interrupted (Ctrl-C, SystemExit): leave nothing that counts
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _remove_marker(marker)


def _remove_marker(marker: Path) -> None:
    try:
        if json.loads(marker.read_text()).get("pid") == os.getpid():
            marker.unlink()
    except (OSError, ValueError):
        pass


def record_failure(root: str | Path, run_id: str, error: str, tmp: Path | None = None) -> str | None:
    """Move a failed run's temporary directory to ``failed/<run-id>/``, write ``error.txt``; return its notebook path."""
    failed = failed_dir(root) / run_id
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    if tmp is not None and tmp.exists():
        os.rename(tmp, failed)
    failed.mkdir(exist_ok=True)
    write_atomic(error_path(root, run_id), error)
    notebooks = sorted(failed.glob("*.ipynb"))
    return str(notebooks[0]) if notebooks else None


def clean_leftovers(root: str | Path) -> list[str]:
    """Remove temporary run directories and running markers left by dead runs on this host; return their names.

    A marker is dead when its pid no longer exists on this host; a temporary directory is removed
    when no live marker claims its run. Runs of other hosts are left alone. Failure records of runs
    that have finished since are removed too, and ``failed/`` itself once it is empty.
    """
    from .lock import is_stale

    root = Path(root)
    removed, live = [], set()
    for marker in sorted(running_dir(root).glob("*.json")):
        try:
            info = json.loads(marker.read_text())
        except (OSError, ValueError):
            info = None
        if info is None or is_stale(info):
            marker.unlink(missing_ok=True)
            removed.append(marker.name)
        else:
            live.add(info.get("run_id"))
    for tmp in temporary_dirs(root):
        run_id = tmp.name[len(".tmp-") :].rsplit("-", 1)[0]
        if run_id not in live and tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp.name)
    failed = failed_dir(root)
    for record in sorted(failed.glob("*")) if failed.is_dir() else []:
        if is_finished(root / record.name):  # failed once, finished since (a retry, a rerun): no longer a failure
            shutil.rmtree(record, ignore_errors=True)
            removed.append(f"failed/{record.name}")
    if failed.is_dir() and not any(failed.iterdir()):
        failed.rmdir()
    return removed


def short_error(exc: BaseException) -> str:
    """Return the one-line error of ``exc`` (the notebook's exception name and value for a failed cell)."""
    text = str(exc).strip().splitlines()
    # papermill's PapermillExecutionError carries the notebook's exception name and value
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {text[-1] if text else ''}"
