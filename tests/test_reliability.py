"""Crash safety: the study lock, leftovers of killed runs, a failing run that does not stop the grid,
deterministic runs, and fault injection (SIGKILL at several points, then resume == uninterrupted)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers_cluster import TINY, assert_same_study, run_cli, study_env
from xlib.lock import StudyLock, StudyLocked
from xlib.rundir import clean_leftovers, is_finished, Run, write_report
from xlib.study import _report_failures, collect


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ------------------------------------------------------------------------------------------- the lock
def test_second_runner_is_refused_with_the_holder_named(tmp_path):
    with StudyLock(tmp_path, command="xlib run a.yaml"):
        with pytest.raises(StudyLocked) as info:
            StudyLock(tmp_path).acquire()
    message = str(info.value)
    assert f"pid {os.getpid()} on host {socket.gethostname()}" in message and "xlib run a.yaml" in message
    assert str(tmp_path) in message
    StudyLock(tmp_path).acquire().release()  # released on exit: free again


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    (tmp_path / ".lock").write_text(
        json.dumps({"host": socket.gethostname(), "pid": _dead_pid(), "start": time.time(), "command": "gone"})
    )
    with StudyLock(tmp_path) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_lock_held_on_another_host_is_never_broken(tmp_path):
    (tmp_path / ".lock").write_text(json.dumps({"host": "node-17", "pid": 1234, "start": 0, "command": "x"}))
    with pytest.raises(StudyLocked, match="pid 1234 on host node-17"):
        StudyLock(tmp_path).acquire()


def test_run_command_on_a_locked_study_exits_naming_the_holder(tmp_path):
    root = tmp_path / "tiny"
    with StudyLock(root, command="xlib run other.yaml"):
        out = run_cli("run", TINY, "--runs-dir", tmp_path, "--no-figures")
    assert out.returncode == 3
    assert f"is in use by pid {os.getpid()} on host {socket.gethostname()}" in out.stderr
    assert "xlib run other.yaml" in out.stderr


# ------------------------------------------------------------------------------------ leftovers
def test_half_written_runs_never_count_and_leftovers_are_cleaned(tmp_path):
    row = {"task": "mini-xnli", "language": "sva", "split": "test", "metric": "accuracy", "value": 50.0}
    meta = {
        "run_id": "target--b--mini-xnli--s0",
        "phase": "target",
        "condition": "b",
        "seed": 0,
        "target": "mini-xnli",
        "intermediate": [],
        "parameters": {"study": "s"},
    }
    # killed between writing run.json and the rename: complete content, temporary name
    tmp = tmp_path / ".tmp-target--b--mini-xnli--s0-x1"
    tmp.mkdir()
    write_report(tmp, {"rows": [row]})
    (tmp / "run.json").write_text(json.dumps(meta))
    # killed while writing metrics.json: only the temporary file exists
    half = tmp_path / ".tmp-target--c--mini-xnli--s0-x2"
    half.mkdir()
    (half / "metrics.json.tmp").write_text('{"rows": [')
    (tmp_path / ".running").mkdir()
    (tmp_path / ".running" / "target--b--mini-xnli--s0.json").write_text(
        json.dumps({"run_id": "target--b--mini-xnli--s0", "host": socket.gethostname(), "pid": _dead_pid()})
    )
    # a live run of this host keeps its directory
    live = tmp_path / ".tmp-target--d--mini-xnli--s0-x3"
    live.mkdir()
    (tmp_path / ".running" / "target--d--mini-xnli--s0.json").write_text(
        json.dumps({"run_id": "target--d--mini-xnli--s0", "host": socket.gethostname(), "pid": os.getpid()})
    )
    assert not is_finished(tmp)
    assert collect(tmp_path, "s").empty
    removed = clean_leftovers(tmp_path)
    assert sorted(removed) == sorted([tmp.name, half.name, "target--b--mini-xnli--s0.json"])
    assert live.exists() and (tmp_path / ".running" / "target--d--mini-xnli--s0.json").exists()


# ------------------------------------------------------------------------- a failing run
def _notebook(path: Path, body: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell('out_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return str(path)


def test_a_failing_run_does_not_stop_the_grid(tmp_path):
    from xlib.executors.local import run_grid

    ok = _notebook(
        tmp_path / "ok.ipynb",
        "from xlib.rundir import write_report\nwrite_report(out_dir, {'rows': [], 'predictions': []})",
    )
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('the data file is broken')")
    runs = [
        Run("a", "intermediate", ok, "c", 0),
        Run("b", "intermediate", bad, "c", 0),
        Run("c", "target", ok, "c", 0, depends_on="b"),
        Run("d", "target", ok, "c", 0, depends_on="a"),
    ]
    root = tmp_path / "study"
    outcomes = {o.run_id: o for o in run_grid(runs, root, jobs=2, log=lambda *_: None)}
    assert outcomes["a"].ok and outcomes["d"].ok and is_finished(root / "d")
    assert outcomes["b"].error == "ValueError: the data file is broken"
    assert outcomes["b"].notebook == str(root / "failed" / "b" / "bad.ipynb")
    assert Path(outcomes["b"].notebook).exists() and not (root / "b").exists()
    assert "the data file is broken" in (root / "failed" / "b" / "error.txt").read_text()
    assert outcomes["c"].error == "not run: its phase-(ii) run b failed" and not (root / "c").exists()
    lines = []
    assert _report_failures([o for o in outcomes.values() if not o.ok], lines.append) == 1
    assert lines[0] == "2 run(s) FAILED:"
    assert f"  FAILED b: ValueError: the data file is broken (notebook: {outcomes['b'].notebook})" in lines


# ------------------------------------------------------------------------------ determinism
def test_same_params_and_seed_give_identical_metrics_on_cpu(tiny_model_dir):
    from xlib import pipeline

    hparams = {"learning_rate": 1e-3, "max_steps": 3, "batch_size": 8, "max_length": 32}
    data = {"sizes": {"train": 32, "dev": 8, "test": 8}}
    first = pipeline.run_target("mini-xnli", tiny_model_dir, hparams, seed=3, languages=["sva"], data=data)
    second = pipeline.run_target("mini-xnli", tiny_model_dir, hparams, seed=3, languages=["sva"], data=data)
    other = pipeline.run_target("mini-xnli", tiny_model_dir, hparams, seed=4, languages=["sva"], data=data)
    assert first["rows"] == second["rows"] and first["log"] == second["log"]
    assert [r["loss"] for r in first["log"]] != [r["loss"] for r in other["log"]]


# --------------------------------------------------------------------------- fault injection
def _finished_runs(root: Path) -> dict[str, str]:
    return {p.name: (p / "run.json").read_text() for p in root.iterdir() if is_finished(p) and p.name != "failed"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        "train:target--mini-mnli--mini-xnli--s0",
        "metrics:intermediate--mini-mnli--s0",
        "rename:target--baseline--mini-tatoeba--s0",
        "collect",
    ],
)
def test_killed_study_resumes_to_the_uninterrupted_results(tmp_path, fault, tiny_local_results):
    root = tmp_path / "tiny"
    killed = subprocess.run(
        [sys.executable, "-m", "xlib", "run", str(TINY), "--runs-dir", str(tmp_path), "--no-figures"],
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=600,
        env={**os.environ, **study_env(tmp_path), "XLIB_FAULT": fault},
        cwd=Path(TINY).parents[3],
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    point, _, victim = fault.partition(":")
    before = _finished_runs(root)
    if victim:
        assert victim not in before  # killed mid-run: never counted as finished
        assert any(p.name.startswith(f".tmp-{victim}-") for p in root.iterdir())
    else:
        assert len(before) == 5 and (root / "results.csv.tmp").exists()
    resumed = run_cli("run", TINY, "--runs-dir", tmp_path, "--no-figures")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"{len(before)} of 5 runs already finished: skipped" in resumed.stdout or not before
    after = _finished_runs(root)
    assert all(after[name] == text for name, text in before.items())  # finished runs were not repeated
    assert_same_study(tiny_local_results, tmp_path)
    assert not [p.name for p in root.iterdir() if p.name.startswith(".tmp-") or p.name == "failed"]
    assert not list((root / ".running").iterdir()) and not (root / ".lock").exists()


@pytest.mark.slow
def test_runner_summarises_failures_and_exits_non_zero(tmp_path):
    # no training examples: every run that trains fails, the retrieval-only runs still finish
    params = tmp_path / "broken.yaml"
    params.write_text(
        TINY.read_text()
        .replace("study: tiny", "study: broken")
        .replace("sizes: {train: 64, dev: 16, test: 16}", "sizes: {train: 0, dev: 16, test: 16}")
    )
    out = run_cli("run", params, "--runs-dir", tmp_path, "--no-figures")
    assert out.returncode == 1, out.stderr[-3000:]
    root = tmp_path / "broken"
    assert is_finished(root / "target--baseline--mini-tatoeba--s0")
    assert "4 run(s) FAILED:" in out.stdout
    for run_id, notebook in (
        ("intermediate--mini-mnli--s0", "intermediate.ipynb"),
        ("target--baseline--mini-xnli--s0", "target.ipynb"),
    ):
        error = (root / "failed" / run_id / "error.txt").read_text().splitlines()[0]
        line = [l for l in out.stdout.splitlines() if l.startswith(f"  FAILED {run_id}: ")][0]
        assert line == f"  FAILED {run_id}: {error} (notebook: {root / 'failed' / run_id / notebook})"
        assert (root / "failed" / run_id / notebook).exists() and not (root / run_id).exists()
    for target in ("mini-xnli", "mini-tatoeba"):
        assert (
            f"  FAILED target--mini-mnli--{target}--s0: not run: its phase-(ii) run intermediate--mini-mnli--s0 "
            "failed" in out.stdout
        )
    status = run_cli("status", params, "--runs-dir", tmp_path)
    assert [l.split() for l in status.stdout.splitlines()[2:5]] == [
        ["phase", "(ii)", "0", "0", "1", "0"],
        ["phase", "(iii)", "1", "0", "3", "0"],
        ["total", "1", "0", "4", "0"],
    ]
