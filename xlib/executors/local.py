"""Local executor: a spawn process pool on this machine, ``jobs`` runs at once (on GPUs: one per device)."""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from typing import TYPE_CHECKING

from ..rundir import Outcome, Run, blocked, execute_run, short_error
from .base import Progress, longest_first, split_done

if TYPE_CHECKING:
    from ..studyconfig import Study


def visible_gpus() -> list[str]:
    """Return the ids of the GPUs this process may use (``CUDA_VISIBLE_DEVICES`` order), empty on CPU."""
    try:
        import torch

        count = torch.cuda.device_count()
    except Exception:  # noqa: BLE001
        return []
    listed = [d for d in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if d.strip()]
    return listed[:count] if listed else [str(i) for i in range(count)]


def run_grid(
    runs: list[Run], root: Path, jobs: int = 1, log=print, study: Study | None = None, **_options
) -> list[Outcome]:
    """Execute ``runs`` ``jobs`` at a time, each after the run it depends on; return their outcomes.

    With GPUs visible, each run gets one device of its own and ``jobs`` is at most the number of
    devices. Ready runs start longest first (:func:`longest_first`). A failed run does not stop the others; runs that depend on a failed run are recorded
    as failed without executing.
    """
    root.mkdir(parents=True, exist_ok=True)
    gpus = visible_gpus() if any(r.resources.get("gpus") for r in runs) else []
    if gpus:
        jobs = min(jobs or len(gpus), len(gpus))
    jobs = max(1, jobs or 1)
    pending, done = split_done(runs, root, log)
    pending = longest_first(pending)
    outcomes, failed = [], set()
    progress = Progress(len(pending), log)
    free = list(gpus)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures: dict = {}
        while pending or futures:
            for run in list(pending):
                if run.depends_on in failed:
                    pending.remove(run)
                    failed.add(run.run_id)
                    outcomes.append(blocked(run, root, run.depends_on))
                    progress.update(outcomes[-1], len(futures))
                elif (run.depends_on is None or run.depends_on in done) and len(futures) < jobs:
                    pending.remove(run)
                    device = free.pop(0) if gpus else None
                    futures[pool.submit(execute_run, run, str(root), device)] = (run, device)
            if not futures:
                break
            ended, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in ended:
                run, device = futures.pop(future)
                if device is not None:
                    free.append(device)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001  (a crashed worker process)
                    outcome = Outcome(run.run_id, False, error=short_error(exc))
                outcomes.append(outcome)
                (done if outcome.ok else failed).add(run.run_id)
                progress.update(outcome, len(futures))
    progress.close()
    return outcomes
