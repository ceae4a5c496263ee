"""`python -m xlib status` reads a half-finished study's directory and reports the right counts."""

import json
import os
import socket
import subprocess
import sys
import time

from helpers_cluster import TINY, run_cli
from xlib.params import load_params
from xlib.status import counts, study_status
from xlib.planning import plan
from xlib.rundir import write_report


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _half_finished(runs_dir):
    """Lay out the tiny study as a grid caught mid-way; return its root."""
    runs = {r.run_id: r for r in plan(load_params(TINY), runs_dir)}
    root = runs_dir / "tiny"
    (root / ".running").mkdir(parents=True)
    # phase (ii) running here (this pid is alive)
    marker = {
        "run_id": "intermediate--mini-mnli--s0",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "start": time.time(),
    }
    (root / ".running" / "intermediate--mini-mnli--s0.json").write_text(json.dumps(marker))
    # one target finished, one failed, one interrupted (its pid is gone), one never started
    done = root / "target--baseline--mini-xnli--s0"
    done.mkdir()
    write_report(done, {"rows": []})
    (done / "run.json").write_text("{}")
    failed = root / "failed" / "target--baseline--mini-tatoeba--s0"
    failed.mkdir(parents=True)
    (failed / "error.txt").write_text("ValueError: no training examples for task(s) mini-xnli\n\nTraceback ...\n")
    stale = {**marker, "run_id": "target--mini-mnli--mini-xnli--s0", "pid": _dead_pid()}
    (root / ".running" / "target--mini-mnli--mini-xnli--s0.json").write_text(json.dumps(stale))
    (root / ".tmp-target--mini-mnli--mini-xnli--s0-abc").mkdir()
    write_report(root / ".tmp-target--mini-mnli--mini-xnli--s0-abc", {"rows": []})  # half a run: not done
    return root, runs


def test_status_counts_a_half_finished_study(tmp_path):
    root, runs = _half_finished(tmp_path)
    states = {s["run_id"]: s for s in study_status(list(runs.values()), root)}
    assert states["intermediate--mini-mnli--s0"]["state"] == "running"
    assert states["target--baseline--mini-xnli--s0"]["state"] == "done"
    assert states["target--baseline--mini-tatoeba--s0"]["state"] == "failed"
    assert "no training examples" in states["target--baseline--mini-tatoeba--s0"]["detail"]
    assert states["target--mini-mnli--mini-xnli--s0"]["state"] == "pending"
    assert "interrupted" in states["target--mini-mnli--mini-xnli--s0"]["detail"]
    table = counts(list(states.values()))
    assert table["phase (ii)"] == {"done": 0, "running": 1, "failed": 0, "pending": 0}
    assert table["phase (iii)"] == {"done": 1, "running": 0, "failed": 1, "pending": 2}
    assert table["total"] == {"done": 1, "running": 1, "failed": 1, "pending": 2}


def test_status_command_prints_counts_and_errors(tmp_path):
    _half_finished(tmp_path)
    out = run_cli("status", TINY, "--runs-dir", tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].split() == ["phase", "done", "running", "failed", "pending"]
    assert lines[2].split() == ["phase", "(ii)", "0", "1", "0", "0"]
    assert lines[3].split() == ["phase", "(iii)", "1", "0", "1", "2"]
    assert lines[4].split() == ["total", "1", "1", "1", "2"]
    assert any(
        l.startswith("FAILED   target--baseline--mini-tatoeba--s0: ValueError: no training examples") for l in lines
    )
    assert any(l.startswith("RUNNING  intermediate--mini-mnli--s0: pid") for l in lines)


def test_a_resubmitted_failure_counts_as_queued_not_failed(tmp_path):
    root, runs = _half_finished(tmp_path)
    (root / ".slurm").mkdir()
    (root / ".slurm" / "target--baseline--mini-tatoeba--s0.json").write_text(
        json.dumps({"job_id": "77", "submitted": time.time() + 5})
    )
    state = {s["run_id"]: s for s in study_status(list(runs.values()), root)}["target--baseline--mini-tatoeba--s0"]
    assert state["state"] == "pending" and state["detail"] == "queued as Slurm job 77"
