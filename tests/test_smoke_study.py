"""End to end: the smoke study through the command line, then a rerun that skips everything."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from xlib.params import load_params
from xlib.paths import runs_root
from xlib.planning import plan
from xlib.study import smoke_results

ROOT = Path(__file__).resolve().parents[1]


def test_smoke_study_end_to_end():
    params = load_params(ROOT / "params" / "smoke.yaml")
    results_csv = smoke_results()  # runs every run of params/smoke.yaml into XLIB_RUNS
    results = pd.read_csv(results_csv)
    expected_cols = {"study", "condition", "target", "language", "split", "metric", "seed", "value"}
    assert expected_cols <= set(results.columns)
    assert set(results.condition) == set(params["conditions"])
    assert set(results.target) == set(params["targets"])
    from xlib.tasks import get_task

    for target in params["targets"]:
        spec = get_task(target)
        scored = results[(results.target == target) & (results.split == spec.eval_split)]
        assert set(scored.language) == set(spec.languages), target
        assert scored.value.between(0, 100).all()
    # each intermediate checkpoint exists once and was reused by every target of its condition
    root = runs_root() / "smoke"
    for run in plan(params, runs_root()):
        assert (root / run.run_id / run.notebook).exists()
        if run.phase == "intermediate":
            assert (root / run.run_id / "encoder" / "model.safetensors").exists()


def test_every_run_records_what_its_numbers_depend_on():
    import json

    from xlib.provenance import model_digest
    from xlib.study import smoke_model

    smoke_results()
    params = load_params(ROOT / "params" / "smoke.yaml")
    records = json.loads((runs_root() / "smoke" / "runs.json").read_text())  # collect's copy of the records
    assert sorted(records) == sorted(r.run_id for r in plan(params, runs_root()))
    for run in plan(params, runs_root(), base_model=smoke_model()):
        env = json.loads((runs_root() / "smoke" / run.run_id / "run.json").read_text())["environment"]
        assert records[run.run_id]["environment"] == env
        assert env["model"] == run.parameters["encoder"] and env["device"] == "cpu"
        assert env["model_sha256"] == model_digest(run.parameters["encoder"])  # the bytes it started from
        assert env["threads"] == run.resources["cpus"] and env["libraries"]["torch"]


def test_rerun_skips_finished_runs():
    smoke_results()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "xlib",
            "run",
            str(ROOT / "params" / "smoke.yaml"),
            "--runs-dir",
            str(runs_root()),
            "--no-figures",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    n = len(plan(load_params(ROOT / "params" / "smoke.yaml"), runs_root()))
    assert f"{n} of {n} runs already finished: skipped" in out.stdout
