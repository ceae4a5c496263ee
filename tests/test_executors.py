"""Executors: the same tiny study through local, Ray (a real two-node cluster) and submitit gives
the same results.csv; a killed Ray worker loses nothing; the sbatch scripts ask for what the
params request, with afterok dependencies, and a rerun submits only what is neither done nor queued."""

import json
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from helpers_cluster import TINY, RayCluster, assert_same_study, run_cli, study_env
from xlib.params import load, load_params
from xlib.planning import plan

GPU_CLUSTER = {
    "gpus": 1,
    "cpus": 4,
    "memory_gb": 16,
    "time_min": 90,
    "partition": "gpu",
    "account": "proj",
    "qos": "high",
}


@pytest.fixture(scope="module")
def ray_cluster():
    """A private two-node Ray cluster, stopped (only its own processes) after the module."""
    pytest.importorskip("ray", reason='the Ray executor needs pip install ".[ray]"')
    cluster = RayCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        assert cluster.pids() == []


@pytest.mark.slow
def test_ray_two_node_cluster_gives_the_local_results(tmp_path, ray_cluster, tiny_local_results):
    out = run_cli(
        "run", TINY, "--runs-dir", tmp_path, "--no-figures", "--executor", "ray", "--address", ray_cluster.address
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "submitted 5 Ray tasks" in out.stdout
    assert_same_study(tiny_local_results, tmp_path)


@pytest.mark.slow
def test_killed_ray_worker_loses_and_duplicates_nothing(tmp_path, ray_cluster, tiny_local_results):
    import subprocess
    import sys

    import psutil

    victim = "target--baseline--mini-xnli--s0"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xlib",
            "run",
            str(TINY),
            "--runs-dir",
            str(tmp_path),
            "--no-figures",
            "--executor",
            "ray",
            "--address",
            ray_cluster.address,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **study_env(tmp_path)},
    )
    marker = tmp_path / "tiny" / ".running" / f"{victim}.json"
    deadline = time.time() + 300
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the notebook kernel is up and working
    pid = json.loads(marker.read_text())["pid"]
    worker = psutil.Process(pid)
    assert pid in ray_cluster.pids() and worker.cmdline()[0].startswith("ray::"), worker.cmdline()
    doomed = [worker, *worker.children(recursive=True)]
    for p in doomed:
        p.kill()
    output, _ = proc.communicate(timeout=600)
    assert not worker.is_running()
    assert proc.returncode == 0, output[-3000:]
    assert "retries remaining" in output  # Ray's own report of the lost worker and its retry
    assert_same_study(tiny_local_results, tmp_path)
    assert not list((tmp_path / "tiny").glob(".tmp-*"))


@pytest.mark.slow
def test_submitit_local_executor_gives_the_local_results(tmp_path, tiny_local_results):
    out = run_cli(
        "run", TINY, "--runs-dir", tmp_path, "--no-figures", "--executor", "slurm", "--submitit-cluster", "local"
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert_same_study(tiny_local_results, tmp_path)


FAKE_SBATCH = """#!/bin/sh
dir=$(dirname "$0"); n=$(cat "$dir/counter" 2>/dev/null || echo 100); n=$((n+1)); echo $n > "$dir/counter"
echo "$@" >> "$dir/calls"
echo "Submitted batch job $n"
"""
# sacct answers from the file "states" (lines "JOBID STATE"), as `sacct -o JobID,State,NodeList --parsable2`
FAKE_SACCT = """#!/bin/sh
dir=$(dirname "$0"); echo "JobID|State|NodeList"
while read id state; do echo "$id|$state|node1"; done < "$dir/states"
"""


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch):
    """A directory of fake sbatch / srun / sacct first on PATH; returns it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("sbatch", FAKE_SBATCH), ("sacct", FAKE_SACCT), ("srun", "#!/bin/sh\nexit 0\n")):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "states").write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def _scripts(root: Path) -> dict[str, str]:
    """Return {job name: sbatch script} of every submission under the study's submitit folder."""
    out = {}
    for path in sorted((root / ".submitit").glob("*_submission.sh")):
        text = path.read_text()
        name = [l for l in text.splitlines() if l.startswith("#SBATCH --job-name=")][0].split("=", 1)[1]
        out[name] = text
    return out


def test_sbatch_scripts_request_the_resources_and_dependencies(tmp_path, fake_slurm):
    from xlib.executors import slurm

    study = replace(load(TINY), cluster=GPU_CLUSTER)
    runs = plan(study, tmp_path, base_model="/models/base")
    root = tmp_path / "tiny"
    root.mkdir()
    assert slurm.run_grid(runs, root, study=study) is None
    scripts = _scripts(root)
    assert set(scripts) == {r.run_id for r in runs}
    job_of = {r["run_id"]: r["job_id"] for r in map(json.loads, (p.read_text() for p in (root / ".slurm").glob("*")))}
    for run in runs:
        text = scripts[run.run_id]
        for line in (
            "--gpus-per-node=1",
            "--cpus-per-task=4",
            "--mem=16G",
            "--time=90",
            "--partition=gpu",
            "--account=proj",
            "--qos=high",
            "--kill-on-invalid-dep=yes",
        ):
            assert f"#SBATCH {line}\n" in text, (run.run_id, line)
        if run.depends_on:
            assert f"#SBATCH --dependency=afterok:{job_of[run.depends_on]}\n" in text
        else:
            assert "--dependency" not in text
    assert sum(1 for r in runs if r.depends_on) == 2


def test_command_line_overrides_the_cluster_block(tmp_path, fake_slurm):
    from xlib.executors import slurm

    study = replace(load(TINY), cluster=GPU_CLUSTER)
    root = tmp_path / "tiny"
    root.mkdir()
    slurm.run_grid(
        plan(study, tmp_path, base_model="/m")[:1],
        root,
        study=study,
        sbatch={"partition": "debug", "time_min": 10, "gpus": None},
    )
    (text,) = _scripts(root).values()
    assert "--partition=debug\n" in text and "--time=10\n" in text and "--gpus-per-node=1\n" in text


def test_rerun_submits_only_what_is_neither_finished_nor_queued(tmp_path, fake_slurm):
    from xlib.executors import slurm
    from xlib.rundir import write_report

    study = load(TINY)
    runs = plan(study, tmp_path, base_model="/m")
    root = tmp_path / "tiny"
    root.mkdir()
    slurm.run_grid(runs, root, study=study)
    job_of = {r["run_id"]: r["job_id"] for r in map(json.loads, (p.read_text() for p in (root / ".slurm").glob("*")))}
    # Slurm says: phase (ii) still running, baseline xnli FAILED, baseline tatoeba finished, the rest pending
    done = "target--baseline--mini-tatoeba--s0"
    (root / done).mkdir()
    write_report(root / done, {"rows": []})
    (root / done / "run.json").write_text("{}")
    states = {rid: "PENDING" for rid in job_of}
    states.update(
        {"intermediate--mini-mnli--s0": "RUNNING", "target--baseline--mini-xnli--s0": "FAILED", done: "COMPLETED"}
    )
    (fake_slurm / "states").write_text("".join(f"{job_of[r]} {s}\n" for r, s in states.items()))
    calls_before = (fake_slurm / "calls").read_text().count("\n")
    slurm.run_grid(runs, root, study=study)
    assert (fake_slurm / "calls").read_text().count("\n") == calls_before + 1
    resubmitted = json.loads((root / ".slurm" / "target--baseline--mini-xnli--s0.json").read_text())
    assert resubmitted["job_id"] != job_of["target--baseline--mini-xnli--s0"]
    for rid in ("intermediate--mini-mnli--s0", "target--mini-mnli--mini-xnli--s0"):
        assert json.loads((root / ".slurm" / f"{rid}.json").read_text())["job_id"] == job_of[rid]


def test_each_ray_task_asks_for_the_resources_of_the_params():
    from xlib.executors.ray import task_options

    params = {**load_params(TINY), "cluster": {"cpus": 4, "gpus": 1, "memory_gb": 16}}
    options = [task_options(r, retries=2) for r in plan(params, "runs", base_model="/m")]
    assert {(o["num_cpus"], o["num_gpus"], o["memory"], o["max_retries"]) for o in options} == {
        (4.0, 1.0, 16 * 2**30, 2)
    }
    assert "memory" not in task_options(plan(load_params(TINY), "runs", base_model="/m")[0])


def test_slurm_executor_without_slurm_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(os.path.realpath(__import__("sys").executable)))
    out = run_cli("run", TINY, "--runs-dir", tmp_path, "--executor", "slurm", "--no-figures")
    assert out.returncode == 2
    assert "no Slurm here (sbatch/srun not on PATH)" in out.stderr and "--submitit-cluster local" in out.stderr
    assert not (tmp_path / "tiny" / ".lock").exists()


def test_local_executor_starts_phase_ii_then_the_longest_runs_first():
    from xlib.executors.base import longest_first
    from xlib.rundir import Run

    def run(rid, phase="target", steps=None, batch=16, length=96):
        hparams = {"max_steps": steps, "batch_size": batch, "max_length": length} if steps else {}
        return Run(rid, phase, "n.ipynb", "c", 0, parameters={"hparams": hparams})

    plan = [
        run("short", steps=100),
        run("search"),
        run("phase-ii-a", phase="intermediate", steps=300, batch=32),
        run("long", steps=400, batch=32),
        run("qa", steps=300, length=160),
        run("short-too", steps=100),
        run("phase-ii-b", phase="intermediate", steps=10),
        replace(run("bitext", steps=150), target="mini-tatoeba"),  # trains nothing, whatever its hparams
    ]
    order = [r.run_id for r in longest_first(plan)]
    assert order == ["phase-ii-a", "phase-ii-b", "long", "qa", "short", "short-too", "search", "bitext"]
    reordered = [r.run_id for r in longest_first(list(reversed(plan)))]
    assert reordered.index("short-too") < reordered.index("short")  # equal estimates keep the plan's order
