"""Running a study: every unfinished run on an executor, then one results table and its figures.

The plan (runs, ids, the DAG) is :mod:`xlib.planning`; the run directory (layout, atomic writes,
markers, failure records, outcomes) is :mod:`xlib.rundir`; this module orchestrates them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from .faults import armed, fault_point
from .notebook import execute_notebook
from .paths import project_root, runs_root
from .planning import plan
from .rundir import Outcome, clean_leftovers, is_finished, study_dir, write_atomic
from .studyconfig import Study

RESULT_COLUMNS = [
    "study",
    "run_id",
    "condition",
    "intermediate",
    "target",
    "language",
    "split",
    "metric",
    "seed",
    "value",
]


def smoke_results(name: str = "smoke") -> Path:
    """Return ``results.csv`` of the study ``params/<name>.yaml`` under the checkout, running what is missing.

    The notebooks use it as their default input, so each of them runs on its own in JupyterLab
    and under nbval.
    """
    from .params import load

    study = load(project_root() / "params" / f"{name}.yaml")
    root = study_dir(study, runs_root())
    if not (root / "results.csv").exists() or any(not is_finished(root / r.run_id) for r in plan(study, runs_root())):
        run_study(study, runs_root(), figures_dir=None)
    return root / "results.csv"


def smoke_model() -> str:
    """Return the path of the smoke study's pretrained model (built once, then cached)."""
    from .params import load

    return resolve_model(load(project_root() / "params" / "smoke.yaml"))


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
        base = {
            "study": study or meta["parameters"].get("study", root.name),
            "run_id": meta["run_id"],
            "condition": meta["condition"],
            "intermediate": "+".join(meta["intermediate"]),
            "seed": meta["seed"],
        }
        for row in report["rows"]:
            out = {
                **base,
                "target": row["task"],
                "language": row["language"],
                "split": row["split"],
                "metric": row["metric"],
                "value": row["value"],
            }
            (rows if meta["phase"] == "target" else inter_rows).append(out)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    duplicated = results.duplicated(["run_id", "target", "language", "split", "metric"], keep=False)
    if duplicated.any():
        raise RuntimeError(
            f"{root}: duplicate result rows for run(s) {', '.join(sorted(set(results.run_id[duplicated])))}"
        )
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


def resolve_model(study: Study, log=print) -> str:
    """Return the path or hub id of the study's pretrained model, building the synthetic one if needed."""
    if study.model != "synthetic":
        return study.model
    from .synth.pretrain import ensure_pretrained

    return str(ensure_pretrained(study.pretrain, log=log))


def render_figures(results_csv: Path, figures_dir: Path, study: str, log=print, analysis: dict | None = None) -> Path:
    """Execute ``notebooks/figures.ipynb`` on ``results_csv`` into the study directory and return its path.

    ``analysis`` is the params' ``analysis:`` block (``correction``, ``alpha``, ``n_boot``), passed to the notebook.
    """
    out = results_csv.parent / "figures.ipynb"
    execute_notebook(
        "figures.ipynb",
        out,
        {"results_csv": str(results_csv), "figures_dir": str(figures_dir), "study": study, **(analysis or {})},
    )
    log(f"figures written to {figures_dir}/ (executed notebook: {out})")
    return out


def run_study(
    study: Study,
    runs_root: str | Path = "runs",
    jobs: int | None = None,
    figures_dir: str | Path | None = "figures",
    log=print,
    executor: str = "local",
    options: dict | None = None,
) -> int:
    """Run every unfinished run of the study on ``executor``, collect results, render figures; return an exit status.

    The study directory is locked for the whole call (one runner at a time). ``local`` and ``ray``
    return once every run has ended; ``slurm`` returns once the grid is submitted (collect later).
    Exit status: 0 when nothing failed, 1 when some run failed (each listed with its error and
    executed notebook).
    """
    from .executors import get_executor
    from .lock import StudyLock

    root = study_dir(study, runs_root)
    root.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with StudyLock(root):
        removed = clean_leftovers(root)
        if removed:
            log(f"removed {len(removed)} leftover(s) of interrupted runs: {', '.join(removed)}")
        model = resolve_model(study, log=log)
        runs = plan(study, runs_root, base_model=model)
        grid = get_executor(executor)
        outcomes = grid.run_grid(runs, root.resolve(), jobs=jobs or study.jobs, log=log, study=study, **(options or {}))
        if outcomes is None:  # submitted to a cluster queue: nothing has ended yet
            log(
                f"study {study.study!r}: {len(runs)} runs; follow them with `python -m xlib status "
                f"{study.path or 'PARAMS'}`, then run `python -m xlib collect` once done"
            )
            return 0
        failures = [o for o in outcomes if not o.ok]
        results = collect(root, study.study)
        clean_leftovers(root)  # every run has ended: attempts lost mid-run (e.g. a killed Ray worker) go
    log(f"{len(results)} result rows in {root / 'results.csv'}")
    if figures_dir and not results.empty:
        render_figures(root / "results.csv", Path(figures_dir), study.study, log=log, analysis=study.analysis)
    log(f"study {study.study!r}: {len(runs)} runs, {len(failures)} failed, {time.time() - started:.0f}s")
    return _report_failures(failures, log)


def _report_failures(failures: list[Outcome], log) -> int:
    if failures:
        log(f"{len(failures)} run(s) FAILED:")
    for f in failures:
        log(f"  FAILED {f.run_id}: {f.error}" + (f" (notebook: {f.notebook})" if f.notebook else ""))
    return 1 if failures else 0
