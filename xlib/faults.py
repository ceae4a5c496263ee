"""Fault injection for the crash-safety tests: SIGKILL the whole process group at a named point.

Set ``XLIB_FAULT=POINT`` or ``XLIB_FAULT=POINT:RUN_ID`` (the run id is matched against
``XLIB_RUN_ID``, which ``rundir.execute_run`` sets for each run) to kill the study at that point,
exactly as ``kill -9`` of the runner, its workers and their notebook kernels would. Points:
``train`` (phase ii/iii trained, nothing evaluated or saved yet), ``metrics`` (half of a run's
``metrics.json`` written), ``rename`` (run complete in its temporary directory, not yet renamed into
place) and ``collect`` (half of ``results.csv`` written). Unset, every call is a no-op.
"""

from __future__ import annotations

import os
import signal

POINTS = ("train", "metrics", "rename", "collect")


def armed(point: str) -> bool:
    """Return True when ``XLIB_FAULT`` asks for a crash at ``point`` (for the current run, if one is named)."""
    spec = os.environ.get("XLIB_FAULT", "")
    if not spec:
        return False
    name, _, run_id = spec.partition(":")
    return name == point and (not run_id or run_id == os.environ.get("XLIB_RUN_ID", ""))


def fault_point(point: str) -> None:
    """Return normally, unless ``XLIB_FAULT`` names ``point``: then SIGKILL the study's process groups.

    Notebook kernels run in their own session, so the runner's group (``XLIB_STUDY_PGID``, set by
    ``rundir.execute_run``) is killed first, then the caller's own group.
    """
    if not armed(point):
        return
    own = os.getpgrp()
    study = int(os.environ.get("XLIB_STUDY_PGID") or own)
    if study != own:
        os.killpg(study, signal.SIGKILL)
    os.killpg(own, signal.SIGKILL)
