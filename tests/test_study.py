import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from xlib.params import load_params
from xlib.planning import intermediate_id, plan, target_id
from xlib.rundir import is_finished, write_report
from xlib.study import collect

ROOT = Path(__file__).resolve().parents[1]


def test_plan_puts_each_intermediate_run_before_its_targets_and_reuses_it():
    params = load_params(ROOT / "params" / "miniature_full.yaml")
    runs = plan(params, "runs")
    ids = [r.run_id for r in runs]
    conditions, targets = params["conditions"], params["targets"]
    n_inter = sum(1 for t in conditions.values() if t)
    assert len(runs) == len(params["seeds"]) * (n_inter + len(conditions) * len(targets))
    assert len(set(ids)) == len(ids)
    for run in runs:
        if run.phase == "target" and run.depends_on:
            assert ids.index(run.depends_on) < ids.index(run.run_id)
            assert run.parameters["encoder"].endswith(f"{run.depends_on}/encoder")
    baseline = [r for r in runs if r.condition == "baseline"]
    assert all(r.phase == "target" and r.depends_on is None for r in baseline)
    multi = [r for r in runs if r.run_id == intermediate_id("multi-task", 0)][0]
    assert len(multi.parameters["tasks"]) == 9


def test_dry_run_lists_runs_without_loading_anything(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "xlib",
            "run",
            str(ROOT / "params" / "miniature.yaml"),
            "--dry-run",
            "--runs-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    first = next(c for c, v in load_params(ROOT / "params" / "miniature.yaml")["conditions"].items() if v)
    assert lines[0].startswith(intermediate_id(first, 0))
    assert any(l.startswith(target_id("baseline", "mini-xquad", 0)) for l in lines)
    assert not (tmp_path / "miniature").exists()


def test_cli_reports_bad_params(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("study: x\n")
    out = subprocess.run([sys.executable, "-m", "xlib", "plan", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2 and "missing required key 'model'" in out.stderr


def _fake_run(root, run_id, phase, condition, target, rows):
    d = root / run_id
    d.mkdir(parents=True)
    write_report(d, {"rows": rows})
    (d / "run.json").write_text(
        json.dumps(
            {
                "run_id": run_id,
                "phase": phase,
                "condition": condition,
                "seed": 0,
                "target": target,
                "intermediate": [],
                "parameters": {"study": "s"},
            }
        )
    )


def test_collect_reads_only_finished_runs(tmp_path):
    row = {"task": "mini-xnli", "language": "sva", "split": "test", "metric": "accuracy", "value": 50.0}
    _fake_run(tmp_path, "target--baseline--mini-xnli--s0", "target", "baseline", "mini-xnli", [row])
    unfinished = tmp_path / ".tmp-target--x--mini-xnli--s0-123"
    unfinished.mkdir()
    write_report(unfinished, {"rows": [row]})  # no run.json, not renamed: must not count
    assert not is_finished(unfinished)
    results = collect(tmp_path, "s")
    assert len(results) == 1 and results.value.iloc[0] == 50.0
    assert list(pd.read_csv(tmp_path / "results.csv").columns)[:4] == ["study", "run_id", "condition", "intermediate"]


def test_every_run_carries_the_resources_and_trust_setting_of_the_params():
    params = load_params(ROOT / "tests" / "fixtures" / "params" / "tiny.yaml")
    params = {**params, "cluster": {"cpus": 3, "gpus": 1, "memory_gb": 12}}
    runs = plan(params, "runs")
    assert {(r.resources["cpus"], r.resources["gpus"], r.resources["memory_gb"]) for r in runs} == {(3, 1, 12)}
    assert all(r.parameters["trust_remote_code"] is False for r in runs)
    assert all(r.parameters["trust_remote_code"] is True for r in plan({**params, "trust_remote_code": True}, "runs"))
    default = plan({k: v for k, v in params.items() if k != "cluster"}, "runs")
    assert {r.resources["cpus"] for r in default} == {1}  # threads never depend on how many runs share a machine


def test_local_executor_sets_threads_from_the_params_not_the_pool(monkeypatch, tmp_path):
    import os

    from xlib import rundir

    seen = {}
    for name in ("XLIB_NUM_THREADS", "XLIB_RUN_ID", "XLIB_STUDY_PGID"):  # restored after the test
        monkeypatch.setenv(name, "")
    monkeypatch.setattr(
        "papermill.execute_notebook", lambda *a, **k: seen.setdefault("threads", os.environ["XLIB_NUM_THREADS"])
    )
    run = plan({**load_params(ROOT / "tests" / "fixtures" / "params" / "tiny.yaml"), "cluster": {"cpus": 3}}, tmp_path)[
        0
    ]
    outcome = rundir.execute_run(run, tmp_path)
    assert seen["threads"] == "3" and not outcome.ok  # the stub writes no metrics.json: a failed run
    assert "finished without writing metrics.json" in outcome.error
    assert (tmp_path / "failed" / run.run_id / "error.txt").exists() and not (tmp_path / run.run_id).exists()


def test_clean_leftovers_drops_failure_records_of_runs_finished_since(tmp_path):
    """A run that failed once and finished on a rerun is no longer reported as failed; real failures stay."""
    from xlib.rundir import clean_leftovers

    for name in ("ok-now", "still-bad"):
        (tmp_path / "failed" / name).mkdir(parents=True)
        (tmp_path / "failed" / name / "error.txt").write_text("boom")
    (tmp_path / "ok-now").mkdir()
    (tmp_path / "ok-now" / "metrics.json").write_text("{}")
    (tmp_path / "ok-now" / "run.json").write_text("{}")
    removed = clean_leftovers(tmp_path)
    assert removed == ["failed/ok-now"]
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == ["still-bad"]
    (tmp_path / "still-bad").mkdir()
    (tmp_path / "still-bad" / "metrics.json").write_text("{}")
    (tmp_path / "still-bad" / "run.json").write_text("{}")
    clean_leftovers(tmp_path)
    assert not (tmp_path / "failed").exists()


def test_notebook_kernels_do_not_print_their_tcp_warning(tmp_path, capfd):
    """ipykernel warns on every start that it runs over local TCP; the study's runs start it with its log at CRITICAL."""
    import nbformat
    from xlib.notebook import execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('cell ran')")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, str(path))
    done = execute_notebook(str(path), tmp_path / "out.ipynb", {})  # an absolute path is taken as is
    assert done.cells[0].outputs[0]["text"] == "cell ran\n"
    assert "running over TCP" not in capfd.readouterr().err


def test_a_kernel_that_fails_to_start_is_started_again(monkeypatch, tmp_path):
    import papermill

    from xlib import notebook

    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "executed"

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(notebook.time, "sleep", lambda s: None)
    assert notebook.execute_notebook("target.ipynb", tmp_path / "out.ipynb", {}) == "executed"
    assert len(calls) == 2

    def broken(*args, **kwargs):  # an error inside the notebook: never executed twice
        calls.append(args)
        raise RuntimeError("ValueError: no training examples")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="no training examples"):
        notebook.execute_notebook("target.ipynb", tmp_path / "out.ipynb", {})
    assert len(calls) == 1


def test_runs_reuse_one_kernel_per_process_unless_fresh_kernels_asked(tmp_path, monkeypatch):
    """Each run's notebook executes in this process's kept kernel (imports paid once); XLIB_FRESH_KERNELS=1 starts one per run."""
    import nbformat
    from xlib import kernels
    from xlib.notebook import execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import os\nprint(os.getpid(), x, 'left' in globals())\nleft = 1"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, str(path))

    def run(x, **options):
        done = execute_notebook(str(path), tmp_path / "out.ipynb", {"x": x}, **options)
        pid, value, left = done.cells[-1].outputs[0]["text"].split()
        return pid, value, left

    try:
        first, second = run(1, reuse_kernel=True), run(2, reuse_kernel=True)
        assert first[0] == second[0]  # one kernel
        assert (first[1], second[1]) == ("1", "2")  # each run's parameters
        assert second[2] == "True"  # the same namespace: notebooks set all they use
        monkeypatch.setenv("XLIB_FRESH_KERNELS", "1")
        third = run(3, reuse_kernel=True)
        assert third[0] != first[0] and third[2] == "False"
    finally:
        kernels.shutdown()
