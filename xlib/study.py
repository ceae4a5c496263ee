"""Expand a params file into runs, execute each notebook with Papermill, collect one results table.

Run directories are written atomically: a run executes in a temporary directory that is renamed
to ``runs/<study>/<run-id>/`` only once its ``metrics.json`` exists, so a crash never leaves a
half-finished run that looks finished, and a rerun skips every finished run.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from .paths import project_root, runs_root

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


def notebooks_dir() -> Path:
    """Return the directory holding the study notebooks (the checkout's ``notebooks/``)."""
    return project_root() / "notebooks"


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
    from .tasks import get_task

    root = study_dir(params, runs_root).resolve()
    model = base_model or params["model"]
    common = {"study": params["study"], "data": params.get("data") or {},
              "trust_remote_code": bool(params.get("trust_remote_code", False))}
    runs: list[Run] = []
    for seed in params["seeds"]:
        for condition, tasks in params["conditions"].items():
            encoder, parent = model, None
            if tasks:
                parent = intermediate_id(condition, seed)
                encoder = str(root / parent / "encoder")
                runs.append(Run(parent, "intermediate", "intermediate.ipynb", condition, seed,
                                intermediate=tuple(tasks), parameters={
                                    **common, "run_id": parent, "condition": condition, "tasks": list(tasks),
                                    "encoder": model, "seed": seed, "hparams": params.get("intermediate") or {}}))
            for target in params["targets"]:
                spec = get_task(target)
                rid = target_id(condition, target, seed)
                hparams = {**(params.get("target") or {}), **((params.get("target_overrides") or {}).get(target) or {})}
                predict = dict(params.get("retrieval") or {}) if spec.format == "retrieval" else {}
                runs.append(Run(rid, "target", "target.ipynb", condition, seed, target=target,
                                intermediate=tuple(tasks), depends_on=parent, parameters={
                                    **common, "run_id": rid, "condition": condition, "target": target,
                                    "encoder": encoder, "seed": seed, "hparams": hparams,
                                    "languages": list((params.get("languages") or {}).get(target) or []),
                                    "predict": predict}))
    runs.sort(key=lambda r: r.phase != "intermediate")  # stable: phase (ii) first
    return runs


def is_finished(run_dir: Path) -> bool:
    """Return True when ``run_dir`` holds a completed run (its directory was renamed into place)."""
    return (run_dir / "metrics.json").exists() and (run_dir / "run.json").exists()


def write_report(out_dir: str | Path, report: dict) -> Path:
    """Write a run's report (result rows, loss log, seconds) to ``out_dir/metrics.json`` and return the path."""
    path = Path(out_dir) / "metrics.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=1))
    os.replace(tmp, path)
    return path


def execute_run(run: Run, root: str, threads: int | None = None) -> dict:
    """Execute ``run``'s notebook with Papermill into a temporary directory and move it into place.

    Returns ``{"run_id", "ok", "seconds", "error", "notebook"}``; a failed run leaves its executed
    notebook in ``<study>/failed/<run-id>/`` and never in the finished location.
    """
    import papermill

    root_path = Path(root)
    final = root_path / run.run_id
    start = time.time()
    if is_finished(final):
        return {"run_id": run.run_id, "ok": True, "seconds": 0.0, "error": None, "skipped": True}
    if threads:
        os.environ["XLIB_NUM_THREADS"] = str(threads)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run.run_id}-", dir=root_path))
    notebook_out = tmp / run.notebook
    try:
        papermill.execute_notebook(
            str(notebooks_dir() / run.notebook), str(notebook_out),
            parameters={**run.parameters, "out_dir": str(tmp)}, kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(Path.cwd()))
        if not (tmp / "metrics.json").exists():
            raise RuntimeError(f"{run.notebook} finished without writing metrics.json")
        (tmp / "run.json").write_text(json.dumps({**asdict(run), "seconds": time.time() - start}, indent=1))
        if final.exists():  # an unfinished leftover can only be replaced, never a finished run
            shutil.rmtree(final)
        os.rename(tmp, final)
        return {"run_id": run.run_id, "ok": True, "seconds": time.time() - start, "error": None}
    except BaseException as exc:  # noqa: BLE001  (a failed run must never stop the grid)
        failed = root_path / "failed" / run.run_id
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tmp, failed) if tmp.exists() else None
        message = _short_error(exc)
        (failed / "error.txt").write_text(message + "\n\n" + traceback.format_exc())
        return {"run_id": run.run_id, "ok": False, "seconds": time.time() - start, "error": message,
                "notebook": str(failed / run.notebook)}


def _short_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    # papermill's PapermillExecutionError carries the notebook's exception name and value
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {text[-1] if text else ''}"


def run_grid(runs: list[Run], root: Path, jobs: int = 1, log=print) -> list[dict]:
    """Execute ``runs`` (``jobs`` at a time), each after the run it depends on, and return their outcomes.

    A failed run does not stop the others; runs that depend on a failed run are reported as
    failed without executing.
    """
    root.mkdir(parents=True, exist_ok=True)
    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    pending = [r for r in runs if not is_finished(root / r.run_id)]
    done = {r.run_id for r in runs if is_finished(root / r.run_id)}
    if done:
        log(f"{len(done)} of {len(runs)} runs already finished: skipped")
    outcomes, failed = [], set()
    total, started = len(pending), time.time()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {}
        while pending or futures:
            for run in list(pending):
                if run.depends_on in failed:
                    pending.remove(run)
                    failed.add(run.run_id)
                    outcomes.append({"run_id": run.run_id, "ok": False, "seconds": 0.0,
                                     "error": f"its phase-(ii) run {run.depends_on} failed", "notebook": None})
                elif (run.depends_on is None or run.depends_on in done) and len(futures) < jobs:
                    pending.remove(run)
                    futures[pool.submit(execute_run, run, str(root), threads)] = run
            if not futures:
                break
            finished = next(as_completed(futures))
            run = futures.pop(finished)
            try:
                outcome = finished.result()
            except BaseException as exc:  # noqa: BLE001  (a crashed worker process)
                outcome = {"run_id": run.run_id, "ok": False, "seconds": 0.0, "error": _short_error(exc), "notebook": None}
            outcomes.append(outcome)
            (done if outcome["ok"] else failed).add(run.run_id)
            n = len(outcomes)
            status = "ok" if outcome["ok"] else f"FAILED ({outcome['error']})"
            log(f"[{n}/{total}] {run.run_id}: {status} in {outcome['seconds']:.1f}s (elapsed {time.time() - started:.0f}s)")
    return outcomes


def collect(root: str | Path, study: str | None = None) -> pd.DataFrame:
    """Return the long results table of every finished target run under ``root`` and write ``results.csv``.

    Also writes ``intermediate.csv`` with the English dev scores of phase (ii) runs. Both files are
    replaced atomically; rows are sorted so the same runs always give the same file.
    """
    root = Path(root)
    rows, inter_rows = [], []
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir() and is_finished(p)):
        meta = json.loads((run_dir / "run.json").read_text())
        report = json.loads((run_dir / "metrics.json").read_text())
        base = {"study": study or meta["parameters"].get("study", root.name), "run_id": meta["run_id"],
                "condition": meta["condition"], "intermediate": "+".join(meta["intermediate"]),
                "seed": meta["seed"]}
        for row in report["rows"]:
            out = {**base, "target": row["task"], "language": row["language"], "split": row["split"],
                   "metric": row["metric"], "value": row["value"]}
            (rows if meta["phase"] == "target" else inter_rows).append(out)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    results = results.sort_values(["condition", "target", "seed", "split", "language", "metric"], kind="stable")
    _write_csv(results.reset_index(drop=True), root / "results.csv")
    _write_csv(pd.DataFrame(inter_rows, columns=RESULT_COLUMNS), root / "intermediate.csv")
    return results.reset_index(drop=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def resolve_model(params: dict, log=print) -> str:
    """Return the path or hub id of the pretrained model, building the synthetic one if needed."""
    if params["model"] != "synthetic":
        return params["model"]
    from .synth.pretrain import ensure_pretrained
    return str(ensure_pretrained(params.get("pretrain"), log=log))


def render_figures(results_csv: Path, figures_dir: Path, study: str, log=print) -> Path:
    """Execute ``notebooks/figures.ipynb`` on ``results_csv`` into the study directory and return its path."""
    import papermill

    out = results_csv.parent / "figures.ipynb"
    papermill.execute_notebook(str(notebooks_dir() / "figures.ipynb"), str(out),
                               parameters={"results_csv": str(results_csv), "figures_dir": str(figures_dir),
                                           "study": study}, kernel_name="python3", progress_bar=False)
    log(f"figures written to {figures_dir}/ (executed notebook: {out})")
    return out


def run_study(params: dict, runs_root: str | Path = "runs", jobs: int | None = None,
              figures_dir: str | Path | None = "figures", log=print) -> int:
    """Run every unfinished run of the study, collect results, render figures; return an exit status."""
    root = study_dir(params, runs_root)
    root.mkdir(parents=True, exist_ok=True)
    started = time.time()
    model = resolve_model(params, log=log)
    runs = plan(params, runs_root, base_model=model)
    outcomes = run_grid(runs, root.resolve(), jobs or params.get("jobs", 1), log=log)
    results = collect(root, params["study"])
    log(f"{len(results)} result rows in {root / 'results.csv'}")
    failures = [o for o in outcomes if not o["ok"]]
    if figures_dir and not results.empty:
        render_figures(root / "results.csv", Path(figures_dir), params["study"], log=log)
    log(f"study {params['study']!r}: {len(runs)} runs, {len(failures)} failed, {time.time() - started:.0f}s")
    for f in failures:
        log(f"  FAILED {f['run_id']}: {f['error']}" + (f" (notebook: {f['notebook']})" if f.get("notebook") else ""))
    return 1 if failures else 0
