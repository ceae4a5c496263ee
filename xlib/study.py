"""Expand a params file into runs, execute each notebook with Papermill, collect one results table.

Run directories are written atomically: a run executes in a temporary directory that is renamed
to ``runs/<study>/<run-id>/`` only once its ``metrics.json`` and ``run.json`` exist (and are on
disk), so a crash at any moment never leaves a half-finished run that looks finished, and a rerun
skips every finished run. ``execute_run`` runs ONE run and is what every executor (local, Ray,
Slurm: ``xlib.executors``) calls; ``plan`` gives the DAG.
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

import pandas as pd

from .faults import armed, fault_point
from .paths import project_root, runs_root
from .provenance import run_environment

RESULT_COLUMNS = ["study", "run_id", "condition", "intermediate", "target", "language", "split",
                  "metric", "seed", "value"]


@dataclass
class Run:
    """One notebook execution: phase (ii) for a (condition, seed), or phase (iii) for a target."""

    run_id: str
    phase: str                      # "intermediate" or "target"
    notebook: str                   # notebook file name in notebooks/
    condition: str
    seed: int
    target: str = ""
    intermediate: tuple = ()
    depends_on: str | None = None   # run id whose checkpoint this run loads
    parameters: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)  # cpus (= torch threads), gpus, memory_gb per run


RESOURCE_DEFAULTS = {"cpus": 1, "gpus": 0, "memory_gb": None}


def run_resources(params: dict) -> dict:
    """Return what one run needs (cpus = its torch threads, gpus, memory_gb) from the params' ``cluster`` block.

    The thread count is a fixed function of the params, never of how many runs share a machine,
    so a run gives the same floats on CPU whichever executor ran it.
    """
    cluster = params.get("cluster") or {}
    return {key: cluster.get(key, default) for key, default in RESOURCE_DEFAULTS.items()}


def notebooks_dir() -> Path:
    """Return the directory holding the study notebooks (the checkout's ``notebooks/``)."""
    return project_root() / "notebooks"


# the kernel's own log at CRITICAL: ipykernel warns on every start that it runs over local TCP without
# encryption, and logs "KeyboardInterrupt caught in kernel" (ERROR) whenever jupyter_client's shutdown
# interrupts it while it is still answering a message: one harmless line per run, which buried the
# progress lines. Cell errors still reach the run's error.txt; a dead kernel is nbclient's DeadKernelError.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


# a kernel that dies or stays silent while it starts has run no cell: starting it again is safe. Seen once
# in 19 runs of the smoke study on a 2-core machine running four studies at once ("Kernel died before
# replying to kernel_info"); the cause was not pinned down (jupyter_client's kernels can lose the TCP
# ports their parent chose to another process, a known race).
KERNEL_START_ERRORS = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")
KERNEL_START_ATTEMPTS = 3


def execute_notebook(name: str, out: Path, parameters: dict, reuse_kernel: bool = False, **options):
    """Execute ``notebooks/<name>`` with Papermill into ``out`` with ``parameters`` (a python3 kernel, no progress bar).

    ``reuse_kernel``: run it in this process's kept kernel (``xlib.kernels``) instead of a new one. A
    kernel that fails to start (before any cell ran) is started again, up to ``KERNEL_START_ATTEMPTS``
    times; any other error is raised at once.
    """
    import papermill

    from . import kernels

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            km = kernels.reused_kernel("python3", KERNEL_ARGUMENTS) if reuse_kernel else None
            return papermill.execute_notebook(str(notebooks_dir() / name), str(out), parameters=parameters,
                                              kernel_name="python3", progress_bar=False,
                                              extra_arguments=KERNEL_ARGUMENTS, **options,
                                              **({"km": km} if km is not None else {}))
        except (RuntimeError, TimeoutError) as exc:
            if attempt == KERNEL_START_ATTEMPTS or not any(m in str(exc) for m in KERNEL_START_ERRORS):
                raise
            if reuse_kernel:
                kernels.shutdown()
            time.sleep(attempt)


def smoke_results(name: str = "smoke") -> Path:
    """Return ``results.csv`` of the study ``params/<name>.yaml`` under the checkout, running what is missing.

    The notebooks use it as their default input, so each of them runs on its own in JupyterLab
    and under nbval.
    """
    from .params import load_params
    params = load_params(project_root() / "params" / f"{name}.yaml")
    root = study_dir(params, runs_root())
    if not (root / "results.csv").exists() or any(not is_finished(root / r.run_id) for r in plan(params, runs_root())):
        run_study(params, runs_root(), figures_dir=None)
    return root / "results.csv"


def smoke_model() -> str:
    """Return the path of the smoke study's pretrained model (built once, then cached)."""
    from .params import load_params
    return resolve_model(load_params(project_root() / "params" / "smoke.yaml"))


def study_dir(params: dict, runs_root: str | Path = "runs") -> Path:
    """Return ``runs/<study>``, where every run of the study and its results table live."""
    return Path(runs_root) / params["study"]


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
    from .params import target_hparams
    from .tasks import get_task

    root = study_dir(params, runs_root).resolve()
    model = base_model or params["model"]
    resources = run_resources(params)
    common = {"study": params["study"], "data": params.get("data") or {},
              "trust_remote_code": bool(params.get("trust_remote_code", False))}
    runs: list[Run] = []
    for seed in params["seeds"]:
        for condition, value in params["conditions"].items():
            encoder, parent = model, None
            tasks, options = condition_tasks(value), condition_options(value)
            if tasks:
                parent = intermediate_id(condition, seed)
                encoder = str(root / parent / "encoder")
                runs.append(Run(parent, "intermediate", "intermediate.ipynb", condition, seed,
                                intermediate=tuple(tasks), parameters={
                                    **common, "data": {**common["data"], **options},  # mlm / translate options
                                    "run_id": parent, "condition": condition, "tasks": list(tasks),
                                    "encoder": model, "seed": seed, "hparams": params.get("intermediate") or {}},
                                resources=dict(resources)))
            for target in params["targets"]:
                spec = get_task(target)
                rid = target_id(condition, target, seed)
                hparams = target_hparams(params, target)
                predict = dict(params.get("retrieval") or {}) if spec.format == "retrieval" else {}
                runs.append(Run(rid, "target", "target.ipynb", condition, seed, target=target,
                                intermediate=tuple(tasks), depends_on=parent, parameters={
                                    **common, "run_id": rid, "condition": condition, "target": target,
                                    "encoder": encoder, "seed": seed, "hparams": hparams,
                                    "languages": list((params.get("languages") or {}).get(target) or []),
                                    "predict": predict, "perturb": list(params.get("perturb") or [])}, resources=dict(resources)))
    runs.sort(key=lambda r: r.phase != "intermediate")  # stable: phase (ii) first
    return runs


def is_finished(run_dir: Path) -> bool:
    """Return True when ``run_dir`` holds a completed run (renamed into place with both reports)."""
    run_dir = Path(run_dir)
    return (not run_dir.name.startswith(".") and (run_dir / "metrics.json").exists()
            and (run_dir / "run.json").exists())


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
    return {"run_id": run.run_id, "host": socket.gethostname(), "pid": os.getpid(), "start": time.time(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID"), "seed": run.seed}


def _run_env(run: Run, device: int | str | None) -> None:
    os.environ["XLIB_NUM_THREADS"] = str(int(run.resources.get("cpus") or 1))
    os.environ["XLIB_RUN_ID"] = run.run_id
    os.environ["XLIB_STUDY_PGID"] = str(os.getpgrp())   # the runner's group (fault injection only)
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = str(device)


def _check_report(path: Path, notebook: str, phase: str = "") -> None:
    if not path.exists():
        raise RuntimeError(f"{notebook} finished without writing metrics.json")
    if phase == "target" and not (path.parent / "predictions.parquet").exists():
        raise RuntimeError(f"{notebook} finished without writing predictions.parquet (every phase-(iii) run keeps "
                           "its per-example predictions: study.write_report(out_dir, report) with the report of "
                           "pipeline.run_target)")
    report = json.loads(path.read_text())
    if not isinstance(report.get("rows"), list):
        raise RuntimeError(f"{path}: expected a report with a list of result 'rows'")


def execute_run(run: Run, root: str | Path, device: int | str | None = None) -> dict:
    """Execute ONE run's notebook with Papermill in a temporary directory, then rename it into place.

    Any executor calls this (in a local worker process, a Ray task or a Slurm job). Returns
    ``{"run_id", "ok", "seconds", "error", "notebook"}``. The run uses ``run.resources["cpus"]``
    torch threads and, when given, the GPU ``device``. While it executes, ``.running/<run-id>.json``
    names its host and pid; a failed run leaves its executed notebook and ``error.txt`` in
    ``failed/<run-id>/`` and never anything in the finished location. A run finished elsewhere
    meanwhile is kept and this copy discarded.
    """
    root_path = Path(root)
    final = root_path / run.run_id
    start = time.time()
    if is_finished(final):
        return {"run_id": run.run_id, "ok": True, "seconds": 0.0, "error": None, "skipped": True}
    _run_env(run, device)
    marker = running_dir(root_path) / f"{run.run_id}.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(marker, json.dumps(_marker(run)))
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run.run_id}-", dir=root_path))
    notebook_out = tmp / Path(run.notebook).name
    try:
        execute_notebook(run.notebook, notebook_out, {**run.parameters, "out_dir": str(tmp)}, reuse_kernel=True,
                         log_output=False, cwd=str(Path.cwd()))
        _check_report(tmp / "metrics.json", run.notebook, run.phase)
        environment = run_environment(run.parameters.get("encoder"), run.resources.get("cpus") or 1, device,
                                      run.resources.get("gpus") or 0)
        write_atomic(tmp / "run.json", json.dumps({**asdict(run), "seconds": time.time() - start,
                                                   "host": socket.gethostname(), "environment": environment},
                                                  indent=1))
        _fsync_tree(tmp)   # on disk before it can count: a node that loses power keeps no torn checkpoint
        fault_point("rename")
        try:
            os.rename(tmp, final)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not is_finished(final):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # finished elsewhere meanwhile: keep that one
        shutil.rmtree(failed_dir(root_path) / run.run_id, ignore_errors=True)
        return {"run_id": run.run_id, "ok": True, "seconds": time.time() - start, "error": None}
    except Exception as exc:  # noqa: BLE001  (a failed run must never stop the grid)
        message = _short_error(exc)
        notebook = record_failure(root_path, run.run_id, message + "\n\n" + traceback.format_exc(), tmp)
        return {"run_id": run.run_id, "ok": False, "seconds": time.time() - start, "error": message,
                "notebook": notebook}
    except BaseException:   # interrupted (Ctrl-C, SystemExit): leave nothing that counts
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
    write_atomic(failed / "error.txt", error)
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
    for tmp in sorted(root.glob(".tmp-*")):
        run_id = tmp.name[len(".tmp-"):].rsplit("-", 1)[0]
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


def _short_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    # papermill's PapermillExecutionError carries the notebook's exception name and value
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {text[-1] if text else ''}"


def run_grid(runs: list[Run], root: Path, jobs: int = 1, log=print) -> list[dict]:
    """Execute ``runs`` on this machine (``jobs`` at a time) and return their outcomes (the local executor)."""
    from .executors.local import run_grid as local_grid
    return local_grid(runs, Path(root), jobs=jobs, log=log)


def collect(root: str | Path, study: str | None = None) -> pd.DataFrame:
    """Return the long results table of every finished target run under ``root`` and write ``results.csv``.

    Also writes ``intermediate.csv`` with the English dev scores of phase (ii) runs, and ``runs.json``
    with what each run depended on (:func:`xlib.difference.run_records`). The files are replaced
    atomically; rows are sorted so the same runs always give the same file.
    """
    from .difference import run_records

    root = Path(root)
    rows, inter_rows, metas = [], [], {}
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "failed" and is_finished(p)):
        meta = metas[run_dir.name] = json.loads((run_dir / "run.json").read_text())
        report = json.loads((run_dir / "metrics.json").read_text())
        base = {"study": study or meta["parameters"].get("study", root.name), "run_id": meta["run_id"],
                "condition": meta["condition"], "intermediate": "+".join(meta["intermediate"]),
                "seed": meta["seed"]}
        for row in report["rows"]:
            out = {**base, "target": row["task"], "language": row["language"], "split": row["split"],
                   "metric": row["metric"], "value": row["value"]}
            (rows if meta["phase"] == "target" else inter_rows).append(out)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    duplicated = results.duplicated(["run_id", "target", "language", "split", "metric"], keep=False)
    if duplicated.any():
        raise RuntimeError(f"{root}: duplicate result rows for run(s) "
                           f"{', '.join(sorted(set(results.run_id[duplicated])))}")
    results = results.sort_values(["condition", "target", "seed", "split", "language", "metric"], kind="stable")
    _write_csv(results.reset_index(drop=True), root / "results.csv")
    _write_csv(pd.DataFrame(inter_rows, columns=RESULT_COLUMNS), root / "intermediate.csv")
    write_atomic(root / "runs.json", json.dumps(run_records(metas), indent=1, sort_keys=True))
    return results.reset_index(drop=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False)
    if armed("collect"):
        Path(str(path) + ".tmp").write_text(text[: len(text) // 2])
        fault_point("collect")
    write_atomic(path, text)


def resolve_model(params: dict, log=print) -> str:
    """Return the path or hub id of the pretrained model, building the synthetic one if needed."""
    if params["model"] != "synthetic":
        return params["model"]
    from .synth.pretrain import ensure_pretrained
    return str(ensure_pretrained(params.get("pretrain"), log=log))


def render_figures(results_csv: Path, figures_dir: Path, study: str, log=print, analysis: dict | None = None) -> Path:
    """Execute ``notebooks/figures.ipynb`` on ``results_csv`` into the study directory and return its path.

    ``analysis`` is the params' ``analysis:`` block (``correction``, ``alpha``, ``n_boot``), passed to the notebook.
    """
    out = results_csv.parent / "figures.ipynb"
    execute_notebook("figures.ipynb", out, {"results_csv": str(results_csv), "figures_dir": str(figures_dir),
                                            "study": study, **(analysis or {})})
    log(f"figures written to {figures_dir}/ (executed notebook: {out})")
    return out


def run_study(params: dict, runs_root: str | Path = "runs", jobs: int | None = None,
              figures_dir: str | Path | None = "figures", log=print, executor: str = "local",
              options: dict | None = None) -> int:
    """Run every unfinished run of the study on ``executor``, collect results, render figures; return an exit status.

    The study directory is locked for the whole call (one runner at a time). ``local`` and ``ray``
    return once every run has ended; ``slurm`` returns once the grid is submitted (collect later).
    Exit status: 0 when nothing failed, 1 when some run failed (each listed with its error and
    executed notebook).
    """
    from .executors import get_executor
    from .lock import StudyLock

    root = study_dir(params, runs_root)
    root.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with StudyLock(root):
        removed = clean_leftovers(root)
        if removed:
            log(f"removed {len(removed)} leftover(s) of interrupted runs: {', '.join(removed)}")
        model = resolve_model(params, log=log)
        runs = plan(params, runs_root, base_model=model)
        grid = get_executor(executor)
        outcomes = grid.run_grid(runs, root.resolve(), jobs=jobs or params.get("jobs", 1), log=log,
                                 params=params, **(options or {}))
        if outcomes is None:  # submitted to a cluster queue: nothing has ended yet
            log(f"study {params['study']!r}: {len(runs)} runs; follow them with `python -m xlib status "
                f"{params.get('_path', 'PARAMS')}`, then run `python -m xlib collect` once done")
            return 0
        failures = [o for o in outcomes if not o["ok"]]
        results = collect(root, params["study"])
        clean_leftovers(root)  # every run has ended: attempts lost mid-run (e.g. a killed Ray worker) go
    log(f"{len(results)} result rows in {root / 'results.csv'}")
    if figures_dir and not results.empty:
        render_figures(root / "results.csv", Path(figures_dir), params["study"], log=log,
                       analysis=params.get("analysis"))
    log(f"study {params['study']!r}: {len(runs)} runs, {len(failures)} failed, {time.time() - started:.0f}s")
    return _report_failures(failures, log)


def _report_failures(failures: list[dict], log) -> int:
    if failures:
        log(f"{len(failures)} run(s) FAILED:")
    for f in failures:
        log(f"  FAILED {f['run_id']}: {f['error']}" + (f" (notebook: {f['notebook']})" if f.get("notebook") else ""))
    return 1 if failures else 0
