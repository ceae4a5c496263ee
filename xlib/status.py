"""What a study's run directory says about each run: done, running, failed or pending, per phase.

Read from the files alone (finished run directories, ``.running/`` markers, ``failed/*/error.txt``,
``.slurm/`` submission records), so it works from any machine that shares the filesystem.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from .lock import is_stale
from .rundir import Run, error_path, is_finished, marker_path, submission_path

STATES = ("done", "running", "failed", "pending")
PHASES = {"intermediate": "phase (ii)", "target": "phase (iii)"}


def _json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def run_state(run: Run, root: Path) -> dict:
    """Return ``{"run_id", "phase", "state", "detail"}`` for one run, judged from the study directory."""
    state, detail = "pending", ""
    marker = _json(marker_path(root, run.run_id))
    error = error_path(root, run.run_id)
    submitted = _json(submission_path(root, run.run_id))
    if is_finished(root / run.run_id):
        state = "done"
    elif marker and not is_stale(marker):
        state = "running"
        where = "this host" if marker.get("host") == socket.gethostname() else marker.get("host")
        job = f", Slurm job {marker['slurm_job_id']}" if marker.get("slurm_job_id") else ""
        detail = f"pid {marker.get('pid')} on {where}{job}"
    elif error.exists() and (not submitted or error.stat().st_mtime >= submitted.get("submitted", 0)):
        state = "failed"
        lines = [l for l in error.read_text(errors="replace").splitlines() if l.strip()]
        detail = " | ".join(lines[:3])
    elif submitted:
        detail = f"queued as Slurm job {submitted.get('job_id')}"
    elif marker:
        detail = "interrupted (its process is gone); the next run resumes it"
    return {"run_id": run.run_id, "phase": PHASES.get(run.phase, run.phase), "state": state, "detail": detail}


def study_status(runs: list[Run], root: str | Path) -> list[dict]:
    """Return the state of every run of the study rooted at ``root``."""
    return [run_state(run, Path(root)) for run in runs]


def counts(states: list[dict]) -> dict[str, dict[str, int]]:
    """Return ``{phase: {state: count}}`` plus a ``total`` row."""
    table: dict[str, dict[str, int]] = {}
    for row in states:
        for phase in (row["phase"], "total"):
            table.setdefault(phase, dict.fromkeys(STATES, 0))[row["state"]] += 1
    if "total" in table:
        table["total"] = table.pop("total")
    return table


def format_status(states: list[dict], study: str) -> str:
    """Return the printable status report: counts per phase, then failed and running runs with details."""
    table = counts(states)
    lines = [f"study {study}: {len(states)} runs", f"{'phase':<12}" + "".join(f"{s:>9}" for s in STATES)]
    for phase, row in table.items():
        lines.append(f"{phase:<12}" + "".join(f"{row[s]:>9}" for s in STATES))
    for state in ("failed", "running"):
        for row in (r for r in states if r["state"] == state):
            lines.append(f"{state.upper():<8} {row['run_id']}: {row['detail']}")
    queued = [r for r in states if r["state"] == "pending" and r["detail"].startswith("queued")]
    if queued:
        lines.append(f"pending: {len(queued)} queued on Slurm")
    return "\n".join(lines)
